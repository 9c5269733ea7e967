"""Actions of the register's pieces of work: what will change in answer to a theme or an idea,
who owns it, from when to when, and the "you said, we did" sentence once it is done. The
organisation-wide action plan (Working Together for Change) is the actions of the organisation
plan, one piece of work among the others (:mod:`reviewkit.models.register`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps, UTCDateTime, utcnow
from .org import Area, Service


class PlanStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class PlanAction(Timestamps, db.Model):
    """One action of a piece of work. An action started from a theme keeps the theme as its
    set, its stable id and its label as it was when the action was agreed, so the action still
    reads right after the themes are worked out again or renamed; one started from an idea
    keeps the idea."""

    __tablename__ = "plan_action"
    __versioned__: dict = {}
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'in_progress', 'done')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"), index=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="SET NULL"),
                                                index=True)
    theme_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme_set.id", ondelete="SET NULL"))
    theme_id: Mapped[str | None] = mapped_column(String(32))
    theme_label: Mapped[str | None] = mapped_column(String(200))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    change: Mapped[str] = mapped_column(Text)  # what will change
    root_cause: Mapped[str | None] = mapped_column(Text)
    success: Mapped[str | None] = mapped_column(Text)  # what success looks like
    owner: Mapped[str] = mapped_column(String(120))  # a role or a team, never a person supported
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)  # the finish date
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.PLANNED.value)
    public_sentence: Mapped[str | None] = mapped_column(Text)  # "you said, we did", when done
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moved_on: Mapped[date | None] = mapped_column(Date, index=True)  # last movement (stalled)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    service: Mapped[Service | None] = relationship()
    area: Mapped[Area | None] = relationship()

    @property
    def done(self) -> bool:
        return self.status == PlanStatus.DONE.value

    def is_overdue(self, today: date | None = None) -> bool:
        return not self.done and self.due_on < (today or utcnow().date())
