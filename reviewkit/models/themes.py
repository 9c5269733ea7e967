"""Themes: a stored theming model per scope, its themes, and the edits people made."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps, UTCDateTime, utcnow


class ThemeSet(Timestamps, db.Model):
    """Themes for one scope (an organisation, optionally narrowed to a bank), kept across runs so
    that theme ids stay the same from quarter to quarter."""

    __table_args__ = (UniqueConstraint("organisation_id", "scope"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    scope: Mapped[str] = mapped_column(String(200), default="all")
    model: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # reviewkit.nlp's model dict
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # last run: themes and summaries
    updated_at: Mapped[Any] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignments: Mapped[list[ThemeAssignment]] = relationship(cascade="all, delete-orphan")
    edits: Mapped[list[ThemeEdit]] = relationship(order_by="ThemeEdit.id",
                                                  cascade="all, delete-orphan")


class ThemeAssignment(db.Model):
    __table_args__ = (UniqueConstraint("theme_set_id", "statement_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_set_id: Mapped[int] = mapped_column(ForeignKey("theme_set.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str | None] = mapped_column(String(32), index=True)  # None: unassigned
    kind: Mapped[str | None] = mapped_column(String(16))


class ThemeEdit(Timestamps, db.Model):
    """A person's correction (rename, merge, split, move, hide); re-applied after every run."""

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_set_id: Mapped[int] = mapped_column(ForeignKey("theme_set.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    edit: Mapped[dict[str, Any]] = mapped_column(JSON)
