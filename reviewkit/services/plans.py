"""The organisation-wide action plan: actions agreed in answer to a theme, their owners, dates
and status, and the "you said, we did" sentences published once they are done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import PlanAction, PlanStatus, User, Work, WorkKind
from ..models.base import utcnow
from .clock import a_year_on, new_code, today_

#: The fields a person edits (the theme is fixed when the action is started).
FIELDS = ("service_id", "area_id", "change", "root_cause", "success", "owner", "starts_on",
          "due_on", "status", "public_sentence")
#: Open work first, then what is done (newest first within each group: see :func:`plan`).
STATUS_ORDER = (PlanStatus.IN_PROGRESS, PlanStatus.PLANNED, PlanStatus.DONE)


@dataclass(frozen=True)
class ThemeRef:
    """The theme an action answers, as it was when the action was agreed."""

    theme_set_id: int | None
    theme_id: str
    label: str


def create_action(user: User, theme: ThemeRef | None, *, work: Work | None = None,
                  idea_id: int | None = None, **fields: Any) -> PlanAction:
    """An action of ``work`` (the organisation plan unless given), answering a theme or an
    idea."""
    work = work or organisation_plan(user.organisation_id)
    action = PlanAction(organisation_id=user.organisation_id, work_id=work.id, idea_id=idea_id,
                        theme_set_id=theme.theme_set_id if theme else None,
                        theme_id=theme.theme_id if theme else None,
                        theme_label=theme.label[:200] if theme else None,
                        created_by_id=user.id)
    _apply(action, fields)
    db.session.add(action)
    db.session.commit()
    return action


def update_action(action: PlanAction, **fields: Any) -> PlanAction:
    _apply(action, fields)
    db.session.commit()
    return action


def set_status(action: PlanAction, status: str) -> None:
    _apply(action, {"status": PlanStatus(status).value})
    db.session.commit()


def _apply(action: PlanAction, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a plan field: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        setattr(action, name, value)
    if action.status == PlanStatus.DONE.value:
        action.done_at = action.done_at or utcnow()
    else:
        action.done_at = None
    if action.id is None or db.session.is_modified(action):
        action.moved_on = today_()  # it moved: no longer stalled


def organisation_plan(organisation_id: int) -> Work:
    """The organisation-wide plan (made the first time it is asked for)."""
    work = db.session.scalar(select(Work).where(
        Work.organisation_id == organisation_id,
        Work.kind == WorkKind.ORGANISATION_PLAN.value).order_by(Work.id))
    if work is None:
        work = Work(organisation_id=organisation_id, title="Organisation plan",
                    kind=WorkKind.ORGANISATION_PLAN.value, review_on=a_year_on(today_()),
                    public_code=new_code())
        db.session.add(work)
        db.session.commit()
    return work


def get_action(organisation_id: int, action_id: int) -> PlanAction | None:
    return db.session.scalar(select(PlanAction).where(
        PlanAction.id == action_id, PlanAction.organisation_id == organisation_id))


def plan(organisation_id: int) -> list[PlanAction]:
    """Every action of the organisation plan: by status (in progress, planned, done), then the
    soonest due first (done: the most recently done first)."""
    work_id = organisation_plan(organisation_id).id
    actions = db.session.scalars(select(PlanAction).where(
        PlanAction.organisation_id == organisation_id, PlanAction.work_id == work_id)
        .order_by(PlanAction.id)).all()
    rank = {s.value: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(actions, key=lambda a: (
        rank.get(a.status, 0),
        -a.done_at.timestamp() if a.done and a.done_at else 0,
        a.due_on, a.id))


def by_status(actions: list[PlanAction]) -> list[tuple[PlanStatus, list[PlanAction]]]:
    return [(s, [a for a in actions if a.status == s.value]) for s in STATUS_ORDER]


def overdue(actions: list[PlanAction], today: date | None = None) -> list[PlanAction]:
    return [a for a in actions if a.is_overdue(today)]


def published(organisation_id: int) -> list[PlanAction]:
    """Done actions with a public sentence, the most recently done first."""
    return list(db.session.scalars(select(PlanAction).where(
        PlanAction.organisation_id == organisation_id,
        PlanAction.status == PlanStatus.DONE.value,
        PlanAction.public_sentence.is_not(None), PlanAction.public_sentence != "")
        .order_by(PlanAction.done_at.desc(), PlanAction.id.desc())))


def where(action: PlanAction) -> str:
    """The service or area an action is for; empty for the whole organisation."""
    if action.service is not None:
        return action.service.name
    return action.area.name if action.area is not None else ""
