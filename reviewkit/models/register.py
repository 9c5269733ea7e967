"""The co-production register (the charter's "master copy"): pieces of work, their parts,
partners and signatures, the ideas people send, the dated answers, the investigations of work
that stalled and the yearly reviews. The actions are :class:`~reviewkit.models.plans.PlanAction`
rows of a piece of work (one model for the organisation plan and for local plans).

Every change to these rows is kept by SQLAlchemy-Continuum (``__versioned__``): a
``<table>_version`` row per change, grouped by a ``transaction`` row with who and when. Nothing
in reviewkit writes to those tables but Continuum, and no page edits them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps, UTCDateTime, utcnow
from .events import BallotItem
from .org import Area, Service
from .users import User


class WorkKind(StrEnum):
    ORGANISATION_PLAN = "organisation_plan"  # the organisation-wide plan: one per organisation
    LOCAL_PLAN = "local_plan"  # made at a local event, its parent the organisation plan
    PLAN = "plan"
    POLICY = "policy"
    PROCESS = "process"
    PROJECT = "project"


class Credit(StrEnum):
    """How a partner, or a person who sent an idea, chose to be credited in public."""

    NAME = "name"
    ORGANISATION = "organisation"  # the organisation's name only
    NONE = "none"


class Decision(StrEnum):
    INCLUDED = "included"
    PARTLY = "partly"
    NOT_INCLUDED = "not_included"
    NOT_YET = "not_yet"


class IdeaSource(StrEnum):
    PHONE = "phone"  # sent from a piece of work's QR code or short link
    STAFF = "staff"  # typed by staff for someone (a meeting, a call, a letter)
    STATEMENT = "statement"  # from a review statement
    THEME = "theme"  # from a theme of the gap analysis
    BALLOT = "ballot"  # from an event's ballot item


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Work(Timestamps, db.Model):
    """A piece of work: a plan, policy or process that people help to make."""

    __tablename__ = "work"
    __versioned__: dict = {}
    __table_args__ = (
        CheckConstraint(_in("kind", WorkKind), name="kind"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("work.id", ondelete="SET NULL"),
                                                  index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str | None] = mapped_column(Text)
    easy_read: Mapped[str | None] = mapped_column(Text)  # the summary in easy read
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    review_on: Mapped[date] = mapped_column(Date, index=True)  # a year on, by default
    ideas_until: Mapped[date | None] = mapped_column(Date)  # open for ideas until (None: open)
    public_code: Mapped[str] = mapped_column(String(16), unique=True)  # QR and short link
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent: Mapped[Work | None] = relationship(remote_side="Work.id", back_populates="children")
    children: Mapped[list[Work]] = relationship(back_populates="parent")
    service: Mapped[Service | None] = relationship()
    area: Mapped[Area | None] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    parts: Mapped[list[WorkPart]] = relationship(back_populates="work",
                                                 order_by="WorkPart.position")
    partners: Mapped[list[Partner]] = relationship(back_populates="work",
                                                   order_by="Partner.id")
    signatures: Mapped[list[Signature]] = relationship(back_populates="work",
                                                       order_by="Signature.signed_on")

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class WorkPart(Timestamps, db.Model):
    """A part or milestone of a piece of work, with its start and finish dates."""

    __tablename__ = "work_part"
    __versioned__: dict = {}
    __table_args__ = (CheckConstraint("finishes_on >= starts_on", name="dates"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    finishes_on: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    work: Mapped[Work] = relationship(back_populates="parts")


class Partner(Timestamps, db.Model):
    """An organisation or a person taking part in a piece of work, credited as they chose."""

    __tablename__ = "partner"
    __versioned__: dict = {}
    __table_args__ = (
        CheckConstraint(_in("credit", Credit), name="credit"),
        CheckConstraint("kind IN ('person', 'organisation')", name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))  # a person's name, or the organisation's
    organisation: Mapped[str | None] = mapped_column(String(200))  # a person's organisation
    role: Mapped[str | None] = mapped_column(String(200))  # what they bring
    credit: Mapped[str] = mapped_column(String(16), default=Credit.NAME.value)

    work: Mapped[Work] = relationship(back_populates="partners")


class Signature(Timestamps, db.Model):
    """Who signed up to the commitment, for a piece of work, and when."""

    __tablename__ = "signature"
    __versioned__: dict = {}
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[str | None] = mapped_column(String(200))  # e.g. "for Riverside People First"
    signed_on: Mapped[date] = mapped_column(Date)

    work: Mapped[Work] = relationship(back_populates="signatures")


class Idea(Timestamps, db.Model):
    """An idea for a piece of work, from wherever it came, with who raised it as they chose to
    be credited. ``raised_by`` is kept for staff only, and only when the person agreed."""

    __tablename__ = "idea"
    __versioned__: dict = {}
    __table_args__ = (
        CheckConstraint(_in("source", IdeaSource), name="source"),
        CheckConstraint(_in("credit", Credit), name="credit"),
        CheckConstraint("decision IS NULL OR " + _in("decision", Decision), name="decision"),
        UniqueConstraint("work_id", "client_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    raised_by: Mapped[str | None] = mapped_column(String(200))  # staff only, with agreement
    credit_as: Mapped[str | None] = mapped_column(String(200))  # the public credit, if any
    credit: Mapped[str] = mapped_column(String(16), default=Credit.NONE.value)
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("statement.id", ondelete="SET NULL"), index=True)
    theme_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme_set.id", ondelete="SET NULL"))
    theme_id: Mapped[str | None] = mapped_column(String(32))
    # a priority of a local event: the item voted on, with its words in the event's languages
    ballot_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("ballot_item.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    client_key: Mapped[str | None] = mapped_column(String(64))  # a repeated submit: one idea
    # the latest answer, copied from IdeaAnswer for filtering and sorting
    decision: Mapped[str | None] = mapped_column(String(16), index=True)
    answered_on: Mapped[date | None] = mapped_column(Date)
    decide_by: Mapped[date | None] = mapped_column(Date)  # for "not yet"
    moved_on: Mapped[date] = mapped_column(Date, index=True)  # last movement (for "stalled")

    work: Mapped[Work] = relationship()
    ballot_item: Mapped[BallotItem | None] = relationship()
    answers: Mapped[list[IdeaAnswer]] = relationship(back_populates="idea",
                                                     order_by="IdeaAnswer.id")


class IdeaAnswer(Timestamps, db.Model):
    """A dated, signed answer to an idea. A reason is needed for anything but "included";
    "not yet" also needs the date by which it will be decided."""

    __tablename__ = "idea_answer"
    __versioned__: dict = {}
    __table_args__ = (
        CheckConstraint(_in("decision", Decision), name="decision"),
        CheckConstraint("decision = 'included' OR reason IS NOT NULL", name="reason"),
        CheckConstraint("decision != 'not_yet' OR decide_by IS NOT NULL", name="decide_by"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    decide_by: Mapped[date | None] = mapped_column(Date)
    cost: Mapped[float | None] = mapped_column(Numeric(12, 2))  # pounds, when given
    cost_note: Mapped[str | None] = mapped_column(String(300))
    answered_on: Mapped[date] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))

    idea: Mapped[Idea] = relationship(back_populates="answers")
    answered_by: Mapped[User | None] = relationship()


class Investigation(Timestamps, db.Model):
    """Why an idea or an action stalled, what will be done and the new dates."""

    __tablename__ = "investigation"
    __versioned__: dict = {}
    __table_args__ = (
        CheckConstraint("(idea_id IS NULL) != (action_id IS NULL)", name="one_target"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"),
                                                index=True)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True)
    why: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[str] = mapped_column(Text)
    new_date: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))


class WorkReview(Timestamps, db.Model):
    """A yearly review of a piece of work: when, what changed, and until when it is open for
    new ideas."""

    __tablename__ = "work_review"
    __versioned__: dict = {}
    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    what_changed: Mapped[str] = mapped_column(Text)
    ideas_until: Mapped[date | None] = mapped_column(Date)
    next_review_on: Mapped[date] = mapped_column(Date)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
