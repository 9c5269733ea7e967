"""Theming stored statements: only pooled (consented) ones, stable ids across runs, and people's
edits re-applied every time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, true

from ..extensions import db
from ..models import Organisation, Statement, ThemeAssignment, ThemeEdit, ThemeSet
from ..models.base import utcnow
from .banks import audit_banks
from .known_names import KnownNames


class ThemingError(ValueError):
    """A theming request that cannot be met, with a message for a person."""


@dataclass(frozen=True)
class Scope:
    organisation_id: int
    service_ids: tuple[int, ...] = ()
    bank_id: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def key(self) -> str:
        """Theme ids are kept per organisation and bank: every service and period shares them,
        so that a theme means the same thing wherever it is counted."""
        return f"bank:{self.bank_id}" if self.bank_id else "all"


def about_services():
    """The statements that the organisation-wide ("all") themes and gap analysis count: not
    those from a bank whose purpose is ``audit`` (the co-production self-audit says how the
    organisation works together, not what people say about their services; its examples are
    shown with its results). They are themed only when their bank is chosen."""
    audit = audit_banks()
    return Statement.bank_id.not_in(sorted(audit)) if audit else true()


def pooled_statements(scope: Scope) -> list[Statement]:
    return list(db.session.scalars(_pooled(select(Statement), scope)))


def pooled_count(scope: Scope) -> int:
    """How many pooled statements ``scope`` themes."""
    return db.session.scalar(_in_scope(select(func.count(Statement.id)), scope)) or 0


def _pooled(query, scope: Scope):
    """``query`` limited to the pooled statements in ``scope``, in id order."""
    return _in_scope(query, scope).order_by(Statement.id)


def _in_scope(query, scope: Scope):
    """``query`` limited to the pooled statements in ``scope``: one bank's, or (no bank) every
    bank's :func:`about_services`."""
    query = query.where(
        Statement.organisation_id == scope.organisation_id,
        Statement.pooled.is_(True),
        Statement.deleted_at.is_(None),
    )
    if scope.service_ids:
        query = query.where(Statement.service_id.in_(scope.service_ids))
    if scope.bank_id:
        query = query.where(Statement.bank_id == scope.bank_id)
    else:
        query = query.where(about_services())
    if scope.since:
        query = query.where(Statement.said_on >= scope.since)
    if scope.until:
        query = query.where(Statement.said_on <= scope.until)
    return query


BATCH = 10_000  # ids in one statement: SQLite takes at most 32,766 parameters, PostgreSQL 65,535


def theme_set_for(organisation: Organisation, scope: Scope) -> ThemeSet:
    ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=organisation.id,
                                                      scope=scope.key))
    if ts is None:
        ts = ThemeSet(organisation_id=organisation.id, scope=scope.key)
        db.session.add(ts)
        db.session.flush()
    return ts


def run_themes(organisation: Organisation, scope: Scope, *, n_themes: int | None = None,
               language: str = "en", progress: Callable[[int], None] | None = None,
               stage: Callable[[str], None] | None = None) -> ThemeSet:
    """Theme the pooled statements in ``scope``; keep earlier theme ids; re-apply edits.

    ``progress`` and ``stage`` are passed to the engine (``theme_statements``); ``stage("saving")``
    is called when the themes are worked out and their assignments start being written."""
    from ..nlp import theme_statements

    # The columns only (an organisation may have a million statements: no ORM object each).
    statements = db.session.execute(_pooled(select(
        Statement.id, Statement.text, Statement.kind, Statement.language, Statement.service_id,
        Statement.said_on, Statement.review_id), scope)).all()
    if not statements:
        raise ThemingError("there are no shared (consented) statements for this choice yet")
    # Look the set up without making it yet: a flush here would hold SQLite's write lock
    # for the whole (long) theming, and every phone saving an answer would wait for it.
    ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=organisation.id,
                                                      scope=scope.key))
    known = KnownNames(s.review_id for s in statements)  # names never make a theme or label
    items = ({
        "id": str(s.id), "text": known.mask(s.text, s.review_id), "kind": s.kind,
        "language": s.language,
        "service": s.service_id, "period": _quarter(s.said_on),
    } for s in statements)
    result = theme_statements(
        items, language=language, n_themes=n_themes, previous=ts.model if ts else None,
        edits=[e.edit for e in ts.edits] if ts else [], split=False, progress=progress,
        stage=stage)
    if stage:
        stage("saving")
    ts = ts or theme_set_for(organisation, scope)
    ts.model = result.model
    ts.result = {"themes": result.themes, "warnings": result.warnings}
    ts.updated_at = utcnow()
    del statements
    rows = result.statements
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        db.session.execute(delete(ThemeAssignment).where(
            ThemeAssignment.theme_set_id == ts.id,
            ThemeAssignment.statement_id.in_([int(row["id"]) for row in batch])))
        # Core's insert of the table, not the ORM's bulk insert: that one leaves a None out of
        # the row and sends each run of rows with the same columns as its own statement, so
        # the unassigned statements scattered through a batch split it into hundreds.
        db.session.execute(insert(ThemeAssignment.__table__), [
            {"theme_set_id": ts.id, "statement_id": int(row["id"]), "theme_id": row["theme_id"],
             "kind": row.get("kind")} for row in batch])
    db.session.commit()
    return ts


def add_edit(ts: ThemeSet, edit: dict[str, Any], user_id: int | None = None) -> ThemeEdit:
    """Store a person's correction; it applies from the next run and to every run after."""
    from ..nlp import validate_edit

    problems = validate_edit(edit)
    if problems:
        raise ThemingError("; ".join(problems))
    row = ThemeEdit(user_id=user_id, edit=dict(edit))
    ts.edits.append(row)
    db.session.commit()
    return row


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
