"""The register (the charter's "master copy"): every idea with its piece of work, when and how
it came in, its answer and reason, its flags and its actions; filtered and sorted for the staff
page, and as CSV and XLSX (``reviewkit export register`` writes the same CSV).

Names of who raised an idea appear only when the reader may see names (``with_names``: roles
with the people permission), and only where the person agreed to their name being kept. The
flags are worked out from ``today`` exactly as the pages and the dashboard do
(:mod:`reviewkit.services.register`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Idea, IdeaAnswer, PlanAction, Work
from ..services.register import answer_overdue, is_stalled
from .table import Column, Document, Table

STATUSES = ("awaiting", "included", "partly", "not_included", "not_yet")
FLAGS = ("overdue", "stalled")
SORTS = {"raised": "raised_on", "work": "work", "status": "status", "answered": "answered_on"}
COLUMNS = ["idea_id", "work", "idea", "raised_on", "source", "language", "raised_by",
           "credit", "status", "answered_on", "reason", "decide_by", "overdue", "stalled",
           "actions"]


@dataclass(frozen=True)
class RegisterFilters:
    organisation_id: int
    work_ids: tuple[int, ...] | None = None  # None: every piece of work (checked by the caller)
    statuses: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    sort: str = "raised"
    descending: bool = True


@dataclass
class IdeaRow:
    id: int
    work_id: int
    work: str
    text: str
    raised_on: date
    source: str
    language: str | None
    raised_by: str | None
    credit: str | None  # the public credit as chosen, or None
    status: str
    answered_on: date | None
    reason: str | None
    decide_by: date | None
    overdue: bool
    stalled: bool
    actions: int

    def sort_key(self, sort: str):
        return {"raised": (self.raised_on, self.id), "work": (self.work.lower(), self.id),
                "status": (STATUSES.index(self.status), self.id),
                "answered": (self.answered_on or date.min, self.id)}[sort]


@dataclass
class Register:
    filters: RegisterFilters
    rows: list[IdeaRow]
    today: date
    with_names: bool
    by_status: Counter = field(default_factory=Counter)  # over the rows shown


def build(filters: RegisterFilters, *, today: date, answer_days: int,
          with_names: bool = False) -> Register:
    """Every idea that matches ``filters``, its latest answer's reason and its actions."""
    latest = (select(IdeaAnswer.idea_id, func.max(IdeaAnswer.id).label("answer_id"))
              .group_by(IdeaAnswer.idea_id).subquery())
    actions = (select(PlanAction.idea_id, func.count(PlanAction.id).label("n"))
               .where(PlanAction.idea_id.is_not(None)).group_by(PlanAction.idea_id).subquery())
    query = (select(Idea, Work.title, IdeaAnswer.reason, func.coalesce(actions.c.n, 0))
             .join(Work, Work.id == Idea.work_id)
             .outerjoin(latest, latest.c.idea_id == Idea.id)
             .outerjoin(IdeaAnswer, IdeaAnswer.id == latest.c.answer_id)
             .outerjoin(actions, actions.c.idea_id == Idea.id)
             .where(Idea.organisation_id == filters.organisation_id))
    if filters.work_ids is not None:
        query = query.where(Idea.work_id.in_(filters.work_ids or (-1,)))
    if filters.sources:
        query = query.where(Idea.source.in_(filters.sources))
    if filters.since:
        query = query.where(Idea.raised_on >= filters.since)
    if filters.until:
        query = query.where(Idea.raised_on <= filters.until)
    if filters.statuses:
        decided = [s for s in filters.statuses if s != "awaiting"]
        cond = Idea.decision.in_(decided)
        query = query.where(cond | Idea.decision.is_(None) if "awaiting" in filters.statuses
                            else cond)
    rows = []
    for idea, work, reason, n_actions in db.session.execute(query):
        row = IdeaRow(
            id=idea.id, work_id=idea.work_id, work=work, text=idea.text,
            raised_on=idea.raised_on, source=idea.source, language=idea.language,
            raised_by=idea.raised_by if with_names else None,
            credit=idea.credit_as if idea.credit != "none" else None,
            status=idea.decision or "awaiting", answered_on=idea.answered_on, reason=reason,
            decide_by=idea.decide_by, overdue=answer_overdue(idea, answer_days, today),
            stalled=is_stalled(idea, today), actions=n_actions)
        if all(getattr(row, flag) for flag in filters.flags):
            rows.append(row)
    sort = filters.sort if filters.sort in SORTS else "raised"
    rows.sort(key=lambda r: r.sort_key(sort), reverse=filters.descending)
    return Register(filters, rows, today, with_names, Counter(r.status for r in rows))


def table(register: Register) -> Table:
    """One row per idea, English column names; ``raised_by`` only with names."""
    names = register.with_names
    cols = [c for c in COLUMNS if names or c != "raised_by"]
    rows = []
    for r in register.rows:
        values = {"idea_id": r.id, "work": r.work, "idea": r.text,
                  "raised_on": r.raised_on.isoformat(), "source": r.source,
                  "language": r.language or "", "raised_by": r.raised_by or "",
                  "credit": r.credit or "", "status": r.status,
                  "answered_on": r.answered_on.isoformat() if r.answered_on else "",
                  "reason": r.reason or "",
                  "decide_by": r.decide_by.isoformat() if r.decide_by else "",
                  "overdue": "yes" if r.overdue else "no",
                  "stalled": "yes" if r.stalled else "no", "actions": r.actions}
        rows.append([values[c] for c in cols])
    return Table("Register", [Column(c, numeric=c in ("idea_id", "actions"),
                                     width=50 if c in ("idea", "reason") else None)
                              for c in cols], rows,
                 heading="The register: every idea and its answer",
                 intro=[f"Worked out on {register.today.isoformat()}."])


def workbook(register: Register) -> Document:
    return Document("Register", [table(register)])
