"""Frozen bank versions: the exact questions a survey or invitation was answered against."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..banks.schema import Bank
from ..extensions import db
from .base import Timestamps


class BankVersion(Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("bank_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    # Loaded only when this process has not parsed this version yet (see ``bank``).
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)

    @property
    def bank(self) -> Bank:
        return frozen_bank(self.id, self.bank_id, self.version, self.checksum, self)

    @property
    def label(self) -> str:
        return f"{self.bank_id}@{self.version}"


_PARSED: dict[tuple[str, int, str], Bank] = {}


def frozen_bank(version_id: int, bank_id: str, version: int, checksum: str,
                loaded: BankVersion | None = None) -> Bank:
    """The parsed bank of a frozen version. A frozen version never changes, so each process
    parses it once; the key is its content's checksum, not its row id, so that two databases
    in one process (tests) never share a wrong bank."""
    key = (bank_id, version, checksum)
    bank = _PARSED.get(key)
    if bank is None:
        row = loaded or db.session.get(BankVersion, version_id)
        assert row is not None
        bank = _PARSED[key] = Bank.model_validate(row.content)
    return bank
