"""Review meetings and conversations on a tablet: who took part, what they said, what happens
next."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .banks import BankVersion
from .base import SoftDeleted, Timestamps, UTCDateTime, utcnow
from .org import Organisation, Service
from .people import Person


class Review(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_version.id"))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The phone response whose answers appear under the same headings, if any.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    held_on: Mapped[date] = mapped_column(Date, default=date.today)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service | None] = relationship()
    person: Mapped[Person | None] = relationship()
    bank_version: Mapped[BankVersion] = relationship()
    contributors: Mapped[list[Contributor]] = relationship(
        back_populates="review", order_by="Contributor.id", cascade="all, delete-orphan")
    # The actions not deleted (a deleted one waits for Undo; the database's ON DELETE CASCADE
    # takes it with the review).
    actions: Mapped[list[Action]] = relationship(
        back_populates="review", order_by="Action.id", cascade="all, delete-orphan",
        primaryjoin="and_(Review.id == Action.review_id, Action.deleted_at.is_(None))")


class Contributor(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))  # person, family, staff, advocate, other

    review: Mapped[Review] = relationship(back_populates="contributors")


class Statement(SoftDeleted, Timestamps, db.Model):
    """One short statement: from a review meeting (a contributor said it) or a phone answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), index=True)
    contributor_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributor.id", ondelete="SET NULL"))
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True)
    bank_id: Mapped[str] = mapped_column(String(64))
    section_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(16), index=True)
    kind_confidence: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="en")
    pooled: Mapped[bool] = mapped_column(default=False, index=True)  # consent to pool for planning
    position: Mapped[int] = mapped_column(Integer, default=0)
    said_on: Mapped[date] = mapped_column(Date, default=date.today, index=True)
    # A key the capture form sends once per statement: a double submit stores one row.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    contributor: Mapped[Contributor | None] = relationship()
    service: Mapped[Service | None] = relationship()
    review: Mapped[Review | None] = relationship()


class Action(SoftDeleted, Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    review: Mapped[Review] = relationship(back_populates="actions")

    def is_overdue(self, today: date | None = None) -> bool:
        return self.done_at is None and self.due_on is not None and self.due_on < (
            today or utcnow().date())
