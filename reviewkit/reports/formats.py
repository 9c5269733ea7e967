"""One set of adapters from :mod:`reviewkit.reports.table` to CSV, XLSX and PDF.

They only format: every number comes from the tables a report built, so the three always agree,
and a hidden number (:data:`~reviewkit.reports.table.HIDDEN`) is written as the word "hidden"
everywhere. Text never becomes a formula: CSV cells go through
:func:`~reviewkit.reports.cells.neutralise` and spreadsheet text cells are typed as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .cells import neutralise, xlsx_text
from .table import HIDDEN, SUPPRESSED_TEXT, Document, Table

BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


# ---------------------------------------------------------------------------- CSV


def csv_bytes(table: Table) -> bytes:
    """The table's header and rows: UTF-8 with a BOM (for Excel), CRLF, every cell through
    :func:`neutralise`."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------- XLSX


def _cell_value(value: Any) -> Any:
    if value is HIDDEN:
        return SUPPRESSED_TEXT
    if isinstance(value, list | tuple):
        value = "; ".join(map(str, value))
    return xlsx_text(value)


def xlsx_bytes(document: Document) -> bytes:
    """A workbook with a sheet per table: an optional bold heading and intro lines, then the
    bold header (kept in view) and the rows; a native bar chart where the table has one."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)

    def put(ws, row: int, values: list, *, header: bool = False) -> None:
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col)
            value = _cell_value(value)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            if header:
                cell.font = bold

    for table in document.tables:
        ws = wb.create_sheet(xlsx_text(table.title)[:31])
        row = 1
        if table.heading or table.intro:
            if table.heading:
                put(ws, row, [table.heading], header=True)
                row += 1
            for line in table.intro:
                put(ws, row, [line])
                row += 1
            row += 1
        first = row
        put(ws, first, table.header, header=True)
        for n, values in enumerate(table.rows, first + 1):
            put(ws, n, values)
        if table.freeze:
            ws.freeze_panes = ws.cell(row=first + 1, column=1)
        for i, column in enumerate(table.columns, 1):
            if column.width:
                ws.column_dimensions[ws.cell(row=first, column=i).column_letter].width = \
                    column.width
        if table.chart is not None and table.chart.rows:
            _add_chart(ws, table, first)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _add_chart(ws, table: Table, first: int) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    spec = table.chart
    chart = BarChart()
    chart.type = "bar"
    chart.title = spec.title
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    cols = [c + 1 for c in spec.value_columns]
    data = Reference(ws, min_col=min(cols), max_col=max(cols), min_row=first,
                     max_row=first + spec.rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=spec.label_column + 1, min_row=first + 1,
                                   max_row=first + spec.rows))
    chart.height, chart.width = 12, 22
    ws.add_chart(chart, f"{get_column_letter(len(table.columns) + 2)}{first}")


# ---------------------------------------------------------------------------- PDF


def pdf_html(document: Document) -> str:
    """The document as the HTML that :func:`pdf_bytes` prints (a section per table)."""
    from flask import render_template

    return render_template("reports/document_pdf.html", document=document, HIDDEN=HIDDEN)


def pdf_bytes(document: Document) -> bytes:
    from ..pdf import html_to_pdf

    return html_to_pdf(pdf_html(document))
