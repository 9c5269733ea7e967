"""Responses and their answers: one row per answer, saved the moment it is submitted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .banks import BankVersion
from .base import Timestamps, UTCDateTime, utcnow
from .surveys import Invitation, Survey


class Response(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The key a phone keeps (in its session cookie or a "finish later" link) to carry on.
    resume_key: Mapped[str] = mapped_column(String(64), unique=True)
    # A short code a person can write down to finish later on any device ("Finish later").
    short_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # Set only for single-use invitations, so that a link opened twice at once makes one response.
    single_use_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    # None until the person has chosen; True = share for planning (pooled), False = review only.
    consent_pooled: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitation: Mapped[Invitation] = relationship()
    survey: Mapped[Survey] = relationship()
    bank_version: Mapped[BankVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", order_by="Answer.id", cascade="all, delete-orphan"
    )

    @property
    def bank(self):
        """The frozen bank these answers were given against."""
        return self.bank_version.bank


class Answer(Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    # Text for text questions, a choice value, or a list (multiple choice, statements).
    value: Mapped[Any] = mapped_column(JSON)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8))
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")
