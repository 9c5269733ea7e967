"""Surveys (a bank + service + period) and the invitations that open them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .banks import BankVersion
from .base import Timestamps, UTCDateTime, utcnow
from .org import Organisation, Service


class Survey(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service | None] = relationship()
    bank_version: Mapped[BankVersion] = relationship()


class Invitation(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"), index=True)
    person_ref: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    single_use: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey: Mapped[Survey] = relationship()
    bank_version: Mapped[BankVersion] = relationship()

    def is_expired(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is not None or (
            self.expires_at is not None and self.expires_at <= now
        )
