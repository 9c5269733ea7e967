"""The pieces of work as staff see them: each with its progress (rolled up from its actions
and its child pieces), its ideas by answer, its flags (answers overdue, stalled ideas and
actions, review due) and its actions, worked out from ``today`` exactly as the register page,
the dashboard and the downloads do (:mod:`reviewkit.services.register`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import load_only

from ..extensions import db
from ..models import Idea, PlanAction, Work
from ..services.register import (
    Progress,
    answer_overdue,
    is_stalled,
    progress,
    review_due,
)


@dataclass
class WorkRow:
    work: Work
    progress: Progress | None
    ideas: Counter = field(default_factory=Counter)  # by answer ("awaiting" for none yet)
    overdue: int = 0  # ideas whose answer is late
    stalled: int = 0  # ideas and actions not moved for two months
    actions: int = 0
    actions_done: int = 0
    review_due: bool = False

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress.done * 100)


def overview(organisation_id: int, *, today: date, answer_days: int,
             work_ids: set[int] | None = None) -> list[WorkRow]:
    """Every piece of work of the organisation (or those in ``work_ids``): the organisation
    plan first, then by title. Progress counts every child piece, seen or not (a parent's
    progress is the same for every reader)."""
    works = db.session.scalars(select(Work).where(Work.organisation_id == organisation_id)
                               .order_by(Work.title, Work.id)).all()
    actions_of: dict[int, list[PlanAction]] = defaultdict(list)
    for action in db.session.scalars(select(PlanAction).where(
            PlanAction.organisation_id == organisation_id).order_by(PlanAction.id)):
        actions_of[action.work_id].append(action)
    children_of: dict[int, list[Work]] = defaultdict(list)
    for work in works:
        if work.parent_id is not None:
            children_of[work.parent_id].append(work)
    ideas_of: dict[int, list[Idea]] = defaultdict(list)
    for idea in db.session.scalars(select(Idea).options(load_only(
            Idea.id, Idea.work_id, Idea.raised_on, Idea.decision, Idea.decide_by,
            Idea.moved_on)).where(Idea.organisation_id == organisation_id)):
        ideas_of[idea.work_id].append(idea)
    rows = []
    for work in works:
        if work_ids is not None and work.id not in work_ids:
            continue
        ideas, actions = ideas_of[work.id], actions_of[work.id]
        rows.append(WorkRow(
            work=work, progress=progress(work, actions_of, children_of),
            ideas=Counter(i.decision or "awaiting" for i in ideas),
            overdue=sum(answer_overdue(i, answer_days, today) for i in ideas),
            stalled=sum(is_stalled(i, today) for i in ideas)
            + sum(is_stalled(a, today) for a in actions),
            actions=len(actions), actions_done=sum(a.done for a in actions),
            review_due=review_due(work, today)))
    rows.sort(key=lambda r: (r.work.kind != "organisation_plan", r.work.title.lower()))
    return rows


def actions_of(work: Work) -> list[PlanAction]:
    """The actions of one piece of work: open ones first, the soonest due first."""
    actions = db.session.scalars(select(PlanAction).where(PlanAction.work_id == work.id)
                                 .order_by(PlanAction.due_on, PlanAction.id)).all()
    return sorted(actions, key=lambda a: a.done)
