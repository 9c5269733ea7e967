"""Monthly check-ins by team: how people answered the picture-face questions, month by month,
for staff supervision. Groups of fewer than 5 answers are not shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ..banks import QuestionType
from ..extensions import db
from ..models import Answer, BankVersion, Response, Service, Survey
from ..reports.suppress import is_small

BANK = "monthly-check-in"


@dataclass
class Cell:
    n: int
    mean: float | None  # average face (1 sad … 3 happy, or 1 … 5); None when suppressed
    happy_share: float | None
    change: float | None = None  # since the month before, when both can be shown

    @property
    def suppressed(self) -> bool:
        return is_small(self.n)


@dataclass
class CheckinReport:
    months: list[str]
    services: list[str]
    questions: list[tuple[str, str, int]]  # id, text, top of scale
    cells: dict[tuple[str, str, str], Cell]  # (service, question, month)


def checkin_report(organisation_id: int, service_ids: set[int] | None = None,
                   months: int = 6) -> CheckinReport:
    rows = db.session.execute(
        select(Service.name, Answer.question_id, Answer.value, Response.submitted_at,
               BankVersion.id)
        .join(Response, Answer.response_id == Response.id)
        .join(Survey, Response.survey_id == Survey.id)
        .join(Service, Survey.service_id == Service.id)
        .join(BankVersion, Response.bank_version_id == BankVersion.id)
        .where(Survey.organisation_id == organisation_id, BankVersion.bank_id == BANK,
               Response.submitted_at.isnot(None), Answer.skipped.is_(False),
               *([Service.id.in_(service_ids)] if service_ids is not None else []))
    ).all()
    versions = {v.id: v.bank for v in db.session.scalars(
        select(BankVersion).filter_by(bank_id=BANK))}
    scales: dict[str, tuple[str, int]] = {}
    for bank in versions.values():
        for q in bank.questions:
            if q.type == QuestionType.SCALE:
                scales.setdefault(q.id, (q.text, q.scale_points))
    values: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for service, qid, value, submitted, _v in rows:
        if qid in scales and str(value).isdigit():
            values[(service, qid, submitted.strftime("%Y-%m"))].append(int(value))
    all_months = sorted({k[2] for k in values})[-months:]
    cells: dict[tuple[str, str, str], Cell] = {}
    for (service, qid, month), got in values.items():
        if month not in all_months:
            continue
        top = scales[qid][1]
        n = len(got)
        shown = not is_small(n)
        cells[(service, qid, month)] = Cell(
            n=n, mean=round(sum(got) / n, 2) if shown else None,
            happy_share=round(sum(v == top for v in got) / n, 2) if shown else None)
    for (service, qid, month), cell in cells.items():
        idx = all_months.index(month)
        before = cells.get((service, qid, all_months[idx - 1])) if idx else None
        if before and cell.mean is not None and before.mean is not None:
            cell.change = round(cell.mean - before.mean, 2)
    services = sorted({k[0] for k in cells})
    questions = [(qid, text, top) for qid, (text, top) in scales.items()]
    return CheckinReport(all_months, services, questions, cells)
