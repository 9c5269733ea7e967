"""People supported: the least data needed, their consent, and who looked at their record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps, UTCDateTime, utcnow
from .org import Organisation, Service


class Person(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(80))  # a first name or initials, no more
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    preferred_language: Mapped[str] = mapped_column(String(8), default="en")
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service | None] = relationship()
    consents: Mapped[list[Consent]] = relationship(
        back_populates="person", order_by="Consent.recorded_at", cascade="all, delete-orphan")

    def consent(self, scope: str) -> bool:
        """The latest recorded answer for ``scope`` ("review" or "pooled"); False if none."""
        latest = [c for c in self.consents if c.scope == scope]
        return latest[-1].given if latest else False


class Consent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(16))  # "review" (this review only) or "pooled"
    given: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(back_populates="consents")


class AccessLog(db.Model):
    """Who looked at or downloaded what, and when (personal records, reports, exports)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # view, edit, export, erase, download
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column()
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
