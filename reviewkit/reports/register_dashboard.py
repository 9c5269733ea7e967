"""The charter's promises as numbers, for the organisation and for each service: ideas awaiting
an answer, answered within the promised time, overdue answers, stalled items, reviews due and
actions finished by their date.

The flags come from :mod:`reviewkit.services.register`, so the dashboard, the register page and
the downloads always agree. A share is shown only over 5 or more items (``None`` otherwise), and
for readers who may not see small numbers (``suppress_small``) a count from 1 to 4 is hidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from ..extensions import db
from ..models import Idea, IdeaAnswer, PlanAction, Service, Work
from ..services.clock import local_time
from ..services.register import answer_overdue, is_stalled, review_due
from .suppression import SMALL, is_small
from .table import HIDDEN, Column, Document, Table, count

WHOLE = "The whole organisation"


@dataclass
class Promises:
    place: str
    awaiting: int | None  # ideas with no answer yet
    overdue: int | None  # answers later than promised
    answered_in_time: float | None  # share of answered ideas answered within the time
    stalled: int | None  # ideas and actions not moved for two months
    reviews_due: int | None
    actions_on_time: float | None  # share of actions due or done, done by their date


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total >= SMALL else None


def build(organisation_id: int, *, today: date, answer_days: int,
          work_ids: set[int] | None = None, suppress_small: bool = False) -> list[Promises]:
    """The organisation's row first (or the works in ``work_ids``), then a row per service
    with a piece of work."""
    works = db.session.scalars(select(Work).where(Work.organisation_id == organisation_id)).all()
    if work_ids is not None:
        works = [w for w in works if w.id in work_ids]
    wanted = {w.id for w in works}
    first_answer = dict(db.session.execute(
        select(IdeaAnswer.idea_id, func.min(IdeaAnswer.answered_on))
        .join(Idea, Idea.id == IdeaAnswer.idea_id)
        .where(Idea.organisation_id == organisation_id).group_by(IdeaAnswer.idea_id)).all())
    ideas = db.session.scalars(select(Idea).options(load_only(
        Idea.id, Idea.work_id, Idea.raised_on, Idea.decision, Idea.decide_by, Idea.moved_on))
        .where(Idea.organisation_id == organisation_id)).all()
    actions = db.session.scalars(select(PlanAction).where(
        PlanAction.organisation_id == organisation_id)).all()
    names = dict(db.session.execute(select(Service.id, Service.name).where(
        Service.organisation_id == organisation_id)).all())
    place_of = {w.id: w.service_id for w in works}
    groups: dict[int | None, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for idea in ideas:
        if idea.work_id in wanted:
            for key in {None, place_of[idea.work_id]}:
                groups[key]["ideas"].append(idea)
    for action in actions:
        if action.work_id in wanted:
            for key in {None, place_of[action.work_id]}:
                groups[key]["actions"].append(action)
    for work in works:
        for key in {None, work.service_id}:
            groups[key]["works"].append(work)
    hide = is_small if suppress_small else (lambda _n: False)

    def n(value: int) -> int | None:
        return None if hide(value) else value

    out = []
    keys = [None] + sorted((k for k in groups if k is not None), key=lambda k: names.get(k, ""))
    for key in keys:
        g = groups[key]
        answered = [i for i in g["ideas"] if i.id in first_answer]
        in_time = sum(first_answer[i.id] <= i.raised_on + timedelta(days=answer_days)
                      for i in answered)
        due = [a for a in g["actions"] if a.done or a.due_on < today]
        on_time = sum(a.done and a.done_at is not None
                      and local_time(a.done_at, a.organisation_id).date() <= a.due_on
                      for a in due)
        stalled = sum(is_stalled(i, today) for i in g["ideas"]) + sum(
            is_stalled(a, today) for a in g["actions"])
        out.append(Promises(
            place=WHOLE if key is None else names.get(key, "?"),
            awaiting=n(sum(i.decision is None for i in g["ideas"])),
            overdue=n(sum(answer_overdue(i, answer_days, today) for i in g["ideas"])),
            answered_in_time=_share(in_time, len(answered)),
            stalled=n(stalled), reviews_due=n(sum(review_due(w, today) for w in g["works"])),
            actions_on_time=_share(on_time, len(due))))
    return out


def table(rows: list[Promises], *, words=None) -> Table:
    """The dashboard as a table (English column names unless ``words`` gives others)."""
    titles = words or ["place", "ideas awaiting an answer", "answered in time",
                       "overdue answers", "stalled", "reviews due", "actions done on time"]

    def pct(share: float | None):
        return HIDDEN if share is None else f"{round(share * 100)}%"

    return Table("Promises", [Column(titles[0], key=True),
                              *(Column(t, numeric=True) for t in titles[1:])],
                 [[r.place, count(r.awaiting), pct(r.answered_in_time), count(r.overdue),
                   count(r.stalled), count(r.reviews_due), pct(r.actions_on_time)]
                  for r in rows])


def workbook(rows: list[Promises]) -> Document:
    return Document("Charter promises", [table(rows)])
