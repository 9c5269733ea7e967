"""Shipped banks into the database as frozen versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..banks import Bank, Problem, check_paths
from ..extensions import db
from ..models import BankVersion

# Question fields added after banks were first frozen: left out of the checksum when unused,
# so that a bank frozen before keeps its checksum (and `reviewkit init` its versions).
ADDED_LATER = ("constraint_message", "easy_read_constraint_message", "required_message",
               "easy_read_required_message")


def bank_checksum(bank: Bank) -> str:
    data = bank.model_dump(mode="json")
    for section in data["sections"]:
        for q in section["questions"]:
            for name in ADDED_LATER:
                if q.get(name) is None:
                    q.pop(name, None)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def banks_path() -> Path:
    return Path(current_app.config["BANKS_PATH"])


def sync_banks(paths: list[Path] | None = None) -> SyncReport:
    """Freeze every valid bank file as a BankVersion. A version already frozen is never changed:
    if its text differs, that is reported and the bank needs a new version number."""
    banks, problems = check_paths(paths or [banks_path()])
    report = SyncReport(problems=list(problems))
    for bank in banks:
        checksum = bank_checksum(bank)
        existing = db.session.scalar(
            select(BankVersion).filter_by(bank_id=bank.id, version=bank.version)
        )
        if existing is None:
            db.session.add(
                BankVersion(
                    bank_id=bank.id,
                    version=bank.version,
                    title=bank.title,
                    checksum=checksum,
                    content=bank.model_dump(mode="json"),
                )
            )
            report.added.append(f"{bank.id}@{bank.version}")
        elif existing.checksum != checksum:
            report.problems.append(
                Problem(
                    str(banks_path() / f"{bank.id}.yaml"),
                    1,
                    f"version {bank.version} of '{bank.id}' is already in use with different "
                    "wording; raise 'version' so that earlier answers keep their meaning",
                )
            )
        else:
            report.unchanged.append(f"{bank.id}@{bank.version}")
    db.session.commit()
    return report


def latest_version(bank_id: str) -> BankVersion | None:
    return db.session.scalar(
        select(BankVersion).filter_by(bank_id=bank_id).order_by(BankVersion.version.desc()).limit(1)
    )


def all_latest() -> list[BankVersion]:
    rows = db.session.scalars(
        select(BankVersion).order_by(BankVersion.bank_id, BankVersion.version))
    latest: dict[str, BankVersion] = {}
    for row in rows:
        latest[row.bank_id] = row
    return list(latest.values())


AUDIT = "audit"


def purposes() -> dict[str, str]:
    """Each bank's purpose (``review``, ``conversation``, ``check_in``, ``audit``) by its id, as
    its latest version says."""
    return {v.bank_id: v.bank.purpose for v in all_latest()}


def purpose_of(bank_id: str) -> str | None:
    """The purpose of the bank ``bank_id`` (None: no such bank is loaded)."""
    return purposes().get(bank_id)


def audit_banks() -> frozenset[str]:
    """The ids of the banks whose purpose is ``audit`` (the co-production self-audit): what
    people say there is about how the organisation works together, not about its services."""
    return frozenset(b for b, p in purposes().items() if p == AUDIT)
