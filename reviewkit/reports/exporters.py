"""Thin adapters from a :class:`~reviewkit.reports.gap.GapReport` to CSV, XLSX and PDF.

They only format: every number comes from the report, so the three always agree, and a hidden
number (``None``) is written as the words "hidden" everywhere.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .cells import neutralise
from .gap import (
    KIND_LABELS,
    KINDS,
    METHOD,
    SUPPRESSED_NOTE,
    SUPPRESSED_TEXT,
    UNASSIGNED,
    GapReport,
    summary_sentences,
)

BOM = "\ufeff"
CELL_COLUMNS = ["theme_id", "theme", "service", "area", "quarter", *KINDS, "total"]
STATEMENT_COLUMNS = ["theme_id", "theme", "service", "area", "quarter", "kind", "statement"]


def _n(value: int | None):
    return SUPPRESSED_TEXT if value is None else value


def csv_table(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a BOM (for Excel), CRLF, every cell through :func:`neutralise`."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue().encode("utf-8")


def cells_csv(report: GapReport) -> bytes:
    """One row per theme × service × quarter, with counts by kind and the total."""
    return csv_table(CELL_COLUMNS, ([c.theme_id, c.theme, c.service, c.area, c.quarter,
                                     *(_n(c.counts[k]) for k in KINDS), _n(c.total)]
                                    for c in report.cells))


def statements_csv(report: GapReport) -> bytes:
    """The statements behind the shown numbers, masked (none from hidden cells)."""
    return csv_table(STATEMENT_COLUMNS, ([s.theme_id, s.theme, s.service, s.area, s.quarter,
                                          s.kind, s.text] for s in report.statements))


# ---------------------------------------------------------------------------- XLSX


def xlsx(report: GapReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)

    def put(ws, row: int, values: list, *, header: bool = False) -> None:
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # never a formula, whatever it starts with
            else:
                cell.value = value
            if header:
                cell.font = bold

    def table(ws, start: int, header: list[str], rows: Iterable[list]) -> int:
        put(ws, start, header, header=True)
        n = start
        for n, row in enumerate(rows, start + 1):
            put(ws, n, row)
        return n

    ws = wb.active
    ws.title = "Summary"
    put(ws, 1, ["Gap analysis: what is working, what is not, and ideas"], header=True)
    row = 2
    for sentence in summary_sentences(report):
        put(ws, row, [sentence])
        row += 1
    put(ws, row, [SUPPRESSED_NOTE])
    row += 2
    theme_header = ["theme_id", "theme", *(KIND_LABELS[k] for k in KINDS), "total",
                    "previous period", "change", "gap score"]
    first = row
    last = table(ws, row, theme_header, (
        [t.id, t.label, *(_n(t.counts[k]) for k in KINDS), _n(t.total), _n(t.previous),
         t.change, t.gap if t.gap is not None else ""] for t in report.themes))
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 40
    themed = [i for i, t in enumerate(report.themes) if t.id != UNASSIGNED]
    if themed:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Statements by theme and kind"
        chart.grouping = "stacked"
        chart.overlap = 100
        data = Reference(ws, min_col=3, max_col=5, min_row=first, max_row=first + len(themed))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first + 1,
                                       max_row=first + len(themed)))
        chart.height, chart.width = 12, 22
        ws.add_chart(chart, f"L{first}")
    del last

    def sheet(title: str, header: list[str], rows: Iterable[list]) -> None:
        s = wb.create_sheet(title)
        table(s, 1, header, rows)
        s.freeze_panes = "A2"
        for col in ("B", "C"):
            s.column_dimensions[col].width = 30

    gap_header = ["rank", "theme_id", "theme", "place", *(KIND_LABELS[k] for k in KINDS),
                  "total", "gap score"]
    for title, gaps in (("By service", report.by_service), ("By area", report.by_area)):
        sheet(title, gap_header, ([g.rank or "", g.theme_id, g.theme, g.place,
                                   *(_n(g.counts[k]) for k in KINDS), _n(g.total),
                                   g.gap if g.gap is not None else ""] for g in gaps))
    sheet("By quarter", ["theme_id", "theme", *report.quarters],
          ([t.id, t.label, *(_n(t.by_quarter.get(q)) for q in report.quarters)]
           for t in report.themes))
    sheet("Theme x service x quarter", CELL_COLUMNS,
          ([c.theme_id, c.theme, c.service, c.area, c.quarter, *(_n(c.counts[k]) for k in KINDS),
            _n(c.total)] for c in report.cells))
    sheet("Statements", STATEMENT_COLUMNS,
          ([s.theme_id, s.theme, s.service, s.area, s.quarter, s.kind, s.text]
           for s in report.statements))
    sheet("Method", ["How these numbers were made"], ([m] for m in METHOD))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------- PDF


def bar_chart_svg(items: list[tuple[str, int | None]], *, title: str, width: int = 640) -> str:
    """A horizontal bar chart as inline SVG with a text alternative (hidden bars are left out
    and said so); the same numbers are always in a table beside it."""
    from markupsafe import escape

    shown = [(label, n) for label, n in items if n is not None]
    top = max((n for _l, n in shown), default=0) or 1
    bar_h, gap, label_w = 18, 6, 220
    height = max(1, len(items)) * (bar_h + gap) + 10
    desc = "; ".join(f"{label}: {SUPPRESSED_TEXT if n is None else n}" for label, n in items)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"]
    for i, (label, n) in enumerate(items):
        y = i * (bar_h + gap) + 5
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" '
                     f'font-size="11">{escape(short)}</text>')
        if n is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 13}" font-size="11">'
                         f"{SUPPRESSED_TEXT}</text>")
            continue
        w = round((width - label_w - 50) * n / top)
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
                     f'class="bar" fill="#1d70b8"></rect>'
                     f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="11">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def pdf_html(report: GapReport, *, title: str) -> str:
    from flask import render_template
    from markupsafe import Markup

    themed = [t for t in report.themes if t.id != UNASSIGNED]
    chart = Markup(bar_chart_svg([(t.label, t.total) for t in themed[:25]],
                                 title="Statements by theme"))
    return render_template("analysis/report_pdf.html", report=report, title=title,
                           chart=chart, summary=summary_sentences(report), method=METHOD,
                           kinds=KINDS, kind_labels=KIND_LABELS, note=SUPPRESSED_NOTE,
                           hidden=SUPPRESSED_TEXT, unassigned=UNASSIGNED)


def pdf(report: GapReport, *, title: str = "Gap analysis") -> bytes:
    from ..pdf import html_to_pdf

    return html_to_pdf(pdf_html(report, title=title))
