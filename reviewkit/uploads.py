"""Bounds on an uploaded spreadsheet, checked before anything reads it for real.

An .xlsx is a zip: a file of 300 KB can unpack to 300 MB of XML, and one of 1 MB can hold a
hundred thousand rows; pyxform's reading of a form grows faster than its rows (2,000 rows took
5 s, 5,000 took 33 s, 20,000 more than 5 minutes; 2,000 rows of 43 columns took 20 s and
350 MB). So the parts' unpacked size is read from the
zip's directory (a part never unpacks past the size it declares: Python's zipfile stops there),
then the sheets are walked once with openpyxl's read-only reader, counting rows and columns,
stopping at the first bound passed. Reading time and memory follow from these bounds. An .xls
is not compressed: its size in bytes (the form's own limit) bounds it, and its rows and columns
are counted the same way.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask_babel import format_number, ngettext
from flask_babel import gettext as _

MAX_UNPACKED_MB = 10  # all the parts of an .xlsx, unpacked
MAX_SHEETS = 30
MAX_SHEET_ROWS = 2_000  # rows with something in them, per sheet
MAX_SHEET_COLUMNS = 500
MAX_CELLS = 50_000  # cells with something in them, in the whole file
EMPTY_RUN = 60  # pyxform stops reading a sheet after this many empty rows in a row


class SpreadsheetRefused(ValueError):
    """Why an uploaded spreadsheet is not read, in words for the person who sent it."""


def check_spreadsheet(data: bytes, filename: str) -> None:
    """Raise :class:`SpreadsheetRefused` when ``data`` (an .xlsx, .xlsm or .xls, by its name)
    cannot be read or is bigger than a form needs."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        _check_sheets(_xls_sheets(data))
    else:
        _check_unpacked_size(data)
        _check_sheets(_xlsx_sheets(data))


def _unreadable() -> SpreadsheetRefused:
    return SpreadsheetRefused(_(
        "The file could not be read as a spreadsheet. Open it in Excel or LibreOffice, save it "
        "again as .xlsx and upload that."))


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _unreadable() from exc
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise SpreadsheetRefused(_(
            "The file unpacks to more than %(mb)d MB, far more than a form needs. Delete the "
            "sheets and rows the form does not use and upload it again.", mb=MAX_UNPACKED_MB))


def _check_sheets(sheets: Iterable[tuple[str, Iterator[tuple]]]) -> None:
    cells = 0
    try:
        for number, (title, rows) in enumerate(sheets, 1):
            if number > MAX_SHEETS:
                raise SpreadsheetRefused(ngettext(
                    "The file has more than %(num)d sheet. Delete the sheets the form does "
                    "not use and upload it again.",
                    "The file has more than %(num)d sheets. Delete the sheets the form does "
                    "not use and upload it again.", MAX_SHEETS))
            cells += _check_rows(title, rows, MAX_CELLS - cells)
    except SpreadsheetRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - the readers fail in many ways on a broken file
        raise _unreadable() from exc


def _check_rows(title: str, rows: Iterator[tuple], cells_left: int) -> int:
    """The number of cells with something in them, once the sheet is found within bounds."""
    filled = empty_run = cells = 0
    for row in rows:
        used = [n for n, value in enumerate(row, 1) if value not in (None, "")]
        if used and used[-1] > MAX_SHEET_COLUMNS:
            raise _too_many_columns(title)
        if not used:
            empty_run += 1
            if empty_run > EMPTY_RUN:  # the rest is not read (pyxform stops here too)
                break
            continue
        empty_run = 0
        filled += 1
        cells += len(used)
        if cells > cells_left:
            raise SpreadsheetRefused(_(
                "The file has more than %(cells)s filled cells, far more than a form needs. "
                "Delete the sheets, rows and columns the form does not use and upload it "
                "again.", cells=format_number(MAX_CELLS)))
        if filled > MAX_SHEET_ROWS:
            raise SpreadsheetRefused(_(
                "The sheet “%(sheet)s” has more than %(rows)s rows, far more than a question "
                "bank needs. Delete the rows the form does not use and upload it again.",
                sheet=title, rows=format_number(MAX_SHEET_ROWS)))
    return cells


def _too_many_columns(title: str) -> SpreadsheetRefused:
    return SpreadsheetRefused(_(
        "The sheet “%(sheet)s” has more than %(columns)s columns. Delete the columns the form "
        "does not use and upload it again.", sheet=title,
        columns=format_number(MAX_SHEET_COLUMNS)))


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, Iterator[tuple]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            # The sheet's declared size: every row is read padded to its width.
            if (sheet.max_column or 0) > MAX_SHEET_COLUMNS:
                raise _too_many_columns(sheet.title)
            yield sheet.title, sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _xls_sheets(data: bytes) -> Iterator[tuple[str, Iterator[tuple]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True)
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            yield sheet.name, (tuple(sheet.row_values(n, 0, MAX_SHEET_COLUMNS + 1))
                               for n in range(sheet.nrows))
            book.unload_sheet(index)
    finally:
        book.release_resources()
