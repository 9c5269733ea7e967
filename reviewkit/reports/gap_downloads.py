"""The gap analysis's downloads as tables: the CSV files, the workbook and the PDF.

Every number comes from one :class:`~reviewkit.reports.gap_report.GapReport`, so the files
always agree with the pages; :mod:`reviewkit.reports.formats` writes them. The data files
(CSV, XLSX) keep English column names so that they read the same in every language; the PDF
is for reading and is in the page's language.
"""

from __future__ import annotations

from flask_babel import force_locale

from ..i18n import page_language
from .charts import bar_chart_html
from .gap_report import (
    KIND_LABELS,
    KINDS,
    PAGE_WORDS,
    UNASSIGNED,
    GapReport,
    method,
    summary_sentences,
)
from .table import (
    SUPPRESSED_NOTE,
    Chart,
    Column,
    Document,
    Table,
    columns,
    count,
    text_table,
)

CELL_COLUMNS = ["theme_id", "theme", "service", "area", "quarter", *KINDS, "total"]
STATEMENT_COLUMNS = ["theme_id", "theme", "service", "area", "quarter", "kind", "statement"]
_KIND_TITLES = [KIND_LABELS[k] for k in KINDS]


def _sheet_columns(titles: list[str], numeric=()) -> list[Column]:
    """A data sheet's columns: the second and third (the names) wide."""
    return [Column(t, numeric=t in numeric, width=30 if i in (1, 2) else None)
            for i, t in enumerate(titles)]


def _score(gap: float | None):
    return gap if gap is not None else ""


def cells_table(report: GapReport) -> Table:
    """One row per theme × service × quarter, with counts by kind and the total."""
    return Table("Theme x service x quarter",
                 _sheet_columns(CELL_COLUMNS, numeric=(*KINDS, "total")),
                 [[c.theme_id, c.theme, c.service, c.area, c.quarter,
                   *(count(c.counts[k]) for k in KINDS), count(c.total)]
                  for c in report.cells])


def statements_table(report: GapReport) -> Table:
    """The statements behind the shown numbers, masked (none from hidden cells)."""
    return Table("Statements", _sheet_columns(STATEMENT_COLUMNS),
                 [[s.theme_id, s.theme, s.service, s.area, s.quarter, s.kind, s.text]
                  for s in report.statements])


def _gap_rows(gaps) -> list[list]:
    return [[g.rank or "", g.theme_id, g.theme, g.place, *(count(g.counts[k]) for k in KINDS),
             count(g.total), _score(g.gap)] for g in gaps]


def workbook(report: GapReport) -> Document:
    """The spreadsheet: a summary with the themes and a chart, the gaps by service and by
    area, themes by quarter, every cell, the statements and the method."""
    themed = [t for t in report.themes if t.id != UNASSIGNED]
    summary = Table(
        "Summary",
        [Column("theme_id", width=12), Column("theme", width=40),
         *(Column(k, numeric=True) for k in _KIND_TITLES),
         *columns("total", "previous period", "change", "gap score",
                  numeric=("total", "previous period", "gap score")),
         Column("i statement", width=40), Column("in people's words", width=60)],
        [[t.id, t.label, *(count(t.counts[k]) for k in KINDS), count(t.total),
          count(t.previous), t.change, _score(t.gap), t.i_statement, t.typical]
         for t in report.themes],
        heading="Gap analysis: what is working, what is not, and ideas",
        intro=[*english(summary_sentences, report), SUPPRESSED_NOTE],
        chart=Chart("Statements by theme and kind", label_column=1, value_columns=(2, 3, 4),
                    rows=len(themed)))
    gap_header = ["rank", "theme_id", "theme", "place", *_KIND_TITLES, "total", "gap score"]
    numeric = (*_KIND_TITLES, "total", "gap score")
    by_quarter = Table(
        "By quarter", _sheet_columns(["theme_id", "theme", *report.quarters],
                                     numeric=report.quarters),
        [[t.id, t.label, *(count(t.by_quarter.get(q)) for q in report.quarters)]
         for t in report.themes])
    return Document("Gap analysis", [
        summary,
        Table("By service", _sheet_columns(gap_header, numeric), _gap_rows(report.by_service)),
        Table("By area", _sheet_columns(gap_header, numeric), _gap_rows(report.by_area)),
        by_quarter, cells_table(report), statements_table(report),
        text_table("Method", "How these numbers were made", english(method))])


def english(words, *args) -> list[str]:
    """``words(*args)`` in English, whatever the page's language: the data files' words."""
    with force_locale("en"):
        return words(*args)


def pdf_document(report: GapReport, *, title: str) -> Document:
    """The report to read and print, in the page's language: the summary, the themes with a
    chart, examples, the first 40 gaps by service and by area, themes by quarter, the method."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    kinds = [Column(str(PAGE_WORDS["kind_labels"][k]), numeric=True) for k in KINDS]
    theme = Column(_("Theme"), key=True)
    total, score = Column(_("Total"), numeric=True), Column(_("Gap score"), numeric=True)
    tables: list[Table] = []
    figures = {}
    if not report.empty:
        themes_title = _("Themes")
        themed = [t for t in report.themes if t.id != UNASSIGNED]
        figures[themes_title] = (
            bar_chart_html([(t.label, t.total) for t in themed[:25]],
                           title=_("Statements by theme")),
            _("Statements by theme. The table below has the same numbers."))
        tables.append(Table(
            themes_title,
            [theme, *kinds, total, Column(_("Period before"), numeric=True),
             Column(_("Change")), score],
            [[t.label, *(count(t.counts[k]) for k in KINDS), count(t.total), count(t.previous),
              str(PAGE_WORDS["changes"][t.change]) if t.change else "", t.gap]
             for t in report.themes],
            caption=_("Statements by theme and kind")))
        tables.append(Table(
            _("What people said, by theme"),
            [theme, Column(_("Examples")), Column(_("I statement")),
             Column(_("In people's words"))],
            [[t.label, t.examples, t.i_statement, t.typical]
             for t in report.themes if t.examples],
            caption=_("Example statements (names and contact details masked)")))
        for heading, place, caption, gaps in (
                (_("Gap analysis by service"), _("Service"),
                 _("Where not working and ideas outweigh working, ranked (first 40)"),
                 report.by_service),
                (_("Gap analysis by area"), _("Area"),
                 _("Where not working and ideas outweigh working, by area, ranked (first 40)"),
                 report.by_area)):
            tables.append(Table(
                heading, [Column(_("Rank")), theme, Column(place), *kinds, total, score],
                [[g.rank or "", g.theme, g.place, *(count(g.counts[k]) for k in KINDS),
                  count(g.total), g.gap] for g in gaps],
                caption=caption, limit=40))
        tables.append(Table(
            _("Themes by quarter"), [theme, *(Column(q, numeric=True) for q in report.quarters)],
            [[t.label, *(count(t.by_quarter.get(q)) for q in report.quarters)]
             for t in report.themes],
            caption=_("Statements by theme and quarter")))
    meta = []
    if report.since and report.until:
        meta.append(f"{report.since.isoformat()} – {report.until.isoformat()}")
    if report.services:
        meta.append(ngettext("%(num)d service", "%(num)d services", len(report.services)))
    if report.areas:
        meta.append(ngettext("%(num)d area", "%(num)d areas", len(report.areas)))
    return Document(title, tables, meta=" · ".join(meta),
                    summary=summary_sentences(report, page_language()),
                    note=str(PAGE_WORDS["note"]), method=method(), figures=figures,
                    hidden_text=str(PAGE_WORDS["hidden"]),
                    words={"summary": _("Summary"), "method": _("How these numbers were made")})
