"""Monthly check-ins by team: how people answered the picture-face questions, month by month,
for staff supervision; the page, CSV, XLSX and PDF.

A group (one service, one question, one month) of fewer than 5 answers shows no number at all,
not even how many answered. Nothing else is published about a group (no totals across months
or services), so no hidden group can be worked out by subtraction and primary suppression is
enough.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ..banks import QuestionType
from ..extensions import db
from ..localise import InLanguage, translate
from ..models import Answer, BankVersion, Response, Service, Survey
from .filters import month_of
from .suppression import is_small
from .table import HIDDEN, Column, Document, Table, columns, count

BANK = "monthly-check-in"
NOTE = "hidden: fewer than 5 answers, so that nobody can be picked out"
COLUMNS = ["service", "question_id", "question", "month", "answers", "average",
           "happy_face_share", "change_since_last_month"]


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
    questions: list[tuple[str, str, int]]  # id, text (an InLanguage), top of scale
    cells: dict[tuple[str, str, str], Cell]  # (service, question, month)

    def rows(self):
        """(question id, text, service, month, cell) for every group with answers, in the
        page's order."""
        for qid, text, _top in self.questions:
            for service in self.services:
                for month in self.months:
                    cell = self.cells.get((service, qid, month))
                    if cell is not None:
                        yield qid, text, service, month, cell


def build(organisation_id: int, service_ids: set[int] | None = None,
          months: int = 6, lang: str | None = None) -> CheckinReport:
    """The last ``months`` months with answers, for the services in ``service_ids`` (None:
    every service of the organisation). The questions are in ``lang`` where the bank has a
    translation (the page and the PDF), else, and when ``lang`` is None (the data files), in
    the bank's own words."""
    rows = db.session.execute(
        select(Service.name, Answer.question_id, Answer.value, Response.submitted_at)
        .join(Response, Answer.response_id == Response.id)
        .join(Survey, Response.survey_id == Survey.id)
        .join(Service, Survey.service_id == Service.id)
        .join(BankVersion, Response.bank_version_id == BankVersion.id)
        .where(Survey.organisation_id == organisation_id, BankVersion.bank_id == BANK,
               Response.submitted_at.isnot(None), Answer.skipped.is_(False),
               *([Service.id.in_(service_ids)] if service_ids is not None else []))
    ).all()
    scales: dict[str, tuple[InLanguage, int]] = {}
    for version in db.session.scalars(select(BankVersion).filter_by(bank_id=BANK)):
        bank = version.bank
        for q in bank.questions:
            if q.type == QuestionType.SCALE and q.id not in scales:
                said = translate(bank, q.text, f"{q.id}.text", lang or bank.language)
                scales[q.id] = (said.as_text(), q.scale_points)
    values: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for service, qid, value, submitted in rows:
        if qid in scales and str(value).isdigit():
            values[(service, qid, month_of(submitted))].append(int(value))
    all_months = sorted({k[2] for k in values})[-months:]
    cells: dict[tuple[str, str, str], Cell] = {}
    for (service, qid, month), got in values.items():
        if month not in all_months:
            continue
        top, n = scales[qid][1], len(got)
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


def table(report: CheckinReport) -> Table:
    """Every group as a row (the data files): a hidden group's numbers say "hidden"."""
    def row(qid, text, service, month, c: Cell) -> list:
        if c.suppressed:
            return [service, qid, text, month, HIDDEN, HIDDEN, HIDDEN, ""]
        return [service, qid, text, month, c.n, c.mean, c.happy_share,
                "" if c.change is None else c.change]

    return Table("Check-ins", columns(*COLUMNS, numeric=COLUMNS[4:]),
                 [row(*r) for r in report.rows()],
                 heading="Monthly check-ins by team", intro=[NOTE])


def workbook(report: CheckinReport) -> Document:
    return Document("Monthly check-ins by team", [table(report)])


def pdf_document(report: CheckinReport) -> Document:
    """The report to read, in the page's language: a table per question, as on the page."""
    from flask_babel import gettext as _

    tables = []
    for qid, text, _top in report.questions:
        rows = []
        for _q, _t, service, month, c in (r for r in report.rows() if r[0] == qid):
            rows.append([service, month, count(None if c.suppressed else c.n),
                         HIDDEN if c.mean is None else f"{c.mean:.1f}",
                         HIDDEN if c.happy_share is None else f"{round(c.happy_share * 100)}%",
                         "" if c.change is None else f"{c.change:+.1f}"])
        tables.append(Table(text, [Column(_("Service"), key=True), Column(_("Month")),
                                   *columns(_("Answers"), _("Average"), _("Happy face"),
                                            _("Change since last month"),
                                            numeric=(_("Answers"), _("Average"),
                                                     _("Happy face")))], rows))
    title = _("Monthly check-ins by team")
    return Document(title, tables, hidden_text=_("fewer than 5"), summary=[_(
        "How people answered each month (3 = happy face). Groups of fewer than 5 answers are "
        "not shown, so nobody can be picked out.")],
        words={"summary": _("Summary"), "method": ""})
