"""The indicators report: one page for a board or a commissioner (each indicator's latest
value, the one before, its target and whether it was met), every value in a second table for
the spreadsheet, and the words of the easy-read version.

Values come from :func:`reviewkit.services.indicator_values.compute` with small numbers already
hidden; here they are only put into tables. No person is named: not even the staff who own an
indicator.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..models import Indicator
from ..models.indicators import Unit
from ..services.indicator_values import Point, Result, compute, recent_periods
from .table import HIDDEN, Column, Document, Table

PERIODS = 6  # the latest value and the one before are looked for in the last 6 periods
VALUES_PERIODS = 12  # every value of the last 12 months or quarters, in the spreadsheet


@dataclass
class Row:
    """One indicator in the report: its result and its latest two shown values."""

    indicator: Indicator
    result: Result
    latest: Point | None
    before: Point | None

    @property
    def change(self) -> float | None:
        if self.latest is None or self.before is None:
            return None
        return round(self.latest.value - self.before.value, 1)

    @property
    def better(self) -> bool | None:
        """Better than the time before, the way the indicator's people want it to go."""
        if not self.change:
            return None
        return (self.change > 0) == (self.indicator.good == "up")


def rows(indicators: list[Indicator], count: int = PERIODS, *,
         lines: bool = False) -> list[Row]:
    """Each indicator's last ``count`` periods; ``lines``: with the line of each service or
    area (the spreadsheet's values), else the whole only."""
    out = []
    for ind in indicators:
        result = compute(ind, recent_periods(ind, count), whole_only=not lines)
        shown = [p for p in result.whole.points if p.state == "shown"]
        out.append(Row(ind, result, shown[-1] if shown else None,
                       shown[-2] if len(shown) > 1 else None))
    return out


def formatted(ind: Indicator, value: float | None) -> str:
    if value is None:
        return ""
    if ind.unit == Unit.PERCENT.value:
        return f"{value:g}%"
    return f"{value:g}"


def _cell(ind: Indicator, point: Point | None, *, text: bool):
    if point is None or point.state in ("none", "future"):
        return ""
    if point.state == "hidden":
        return HIDDEN
    return formatted(ind, point.value) if text else point.value


def _met(point: Point | None) -> str:
    if point is None or point.met is None:
        return ""
    return _("Yes") if point.met else _("Not yet")


def summary_table(report: list[Row], *, text: bool) -> Table:
    """A row per indicator: the one-page table (``text``: values written as on the page)."""
    cols = [Column(_("Indicator"), key=True, width=40), Column(_("Measures")),
            Column(_("Where")), Column(_("Period")), Column(_("Latest"), numeric=True),
            Column(_("Before"), numeric=True), Column(_("Target"), numeric=True),
            Column(_("Target met"))]
    measures = {"outcome": _("Outcome"), "process": _("Process")}
    body = []
    for row in report:
        ind = row.indicator
        target = formatted(ind, ind.target) if text else ind.target
        body.append([ind.name, measures[ind.measures], str(row.result.whole.name),
                     row.latest.period if row.latest else "",
                     _cell(ind, row.latest, text=text), _cell(ind, row.before, text=text),
                     "" if ind.target is None else target, _met(row.latest)])
    return Table(_("Indicators"), cols, body, caption=_("The latest value of each indicator"),
                 notes=[_("hidden: fewer than 5, so that nobody can be picked out")])


def values_table(report: list[Row]) -> Table:
    """Every value of every line: the spreadsheet's second sheet."""
    cols = [Column(_("Indicator"), key=True, width=40), Column(_("Line"), width=24),
            Column(_("Period")), Column(_("Value"), numeric=True),
            Column(_("Based on"), numeric=True), Column(_("Target met"))]
    body = []
    for row in report:
        for line in row.result.lines:
            for p in line.points:
                if p.state == "future":
                    continue
                body.append([row.indicator.name, str(line.name), p.period,
                             _cell(row.indicator, p, text=False),
                             HIDDEN if p.state == "hidden" else (p.n if p.n else ""),
                             _met(p)])
    return Table(_("Values"), cols, body, heading=_("Every value, by period"),
                 intro=[_("Based on: the answers or items a percentage was worked out from, or "
                          "the count. hidden: fewer than 5.")])


def document(report: list[Row], *, organisation: str, for_pdf: bool) -> Document:
    title = _("Indicators we chose together")
    summary = [_("Indicators chosen with the people we support, families and staff: what we "
                 "do and how we do it. Each shows its latest value, the value before and its "
                 "target.")]
    tables = [summary_table(report, text=for_pdf)]
    if not for_pdf:
        tables.append(values_table(report))
    return Document(title, tables, meta=organisation, summary=summary,
                    hidden_text=_("fewer than 5"), words={"summary": _("Summary"),
                                                          "method": ""},
                    landscape=for_pdf)
