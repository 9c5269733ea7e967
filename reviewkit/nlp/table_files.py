"""Read and write the tables ``reviewkit themes file`` works on, exactly: CSV and XLSX.

CSV is read by the standard dialect (RFC 4180, what Excel, LibreOffice and pandas write):
fields in double quotes may hold the delimiter, line breaks (LF or CR LF) and doubled quotes;
lines end in CR LF or LF; a UTF-8 byte order mark is dropped. The delimiter is given
(``,`` unless told), never guessed. XLSX is read with openpyxl in read-only mode, the header in
the first row of the sheet.

Every row comes back once, in order, cells as they are in the file. A file that cannot be read
exactly raises :class:`TableFileError` naming the file, the line (CSV) or row (XLSX) and the
reason, before anything is written. Writing goes to a temporary file that replaces the target
only once it is complete.

Only the standard library at import time (openpyxl is imported when a workbook is read or
written), and nothing from Flask, so the command line stays quick to start.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

XLSX_SUFFIXES = (".xlsx", ".xlsm")
OTHER_SPREADSHEETS = (".xls", ".ods", ".numbers")
SAVE_AS = 'open it in Excel or LibreOffice and save it as "CSV UTF-8" (or as an .xlsx workbook)'
DELIMITER_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}

# The first bytes of files that are not text at all.
_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.xls or .doc)"),
    (b"PK\x03\x04", "a zip file"),
)


class TableFileError(ValueError):
    """A file that cannot be read exactly: ``str()`` names the file, the place and the reason."""

    def __init__(self, name: str, reason: str, *, line: int | None = None,
                 unit: str = "line") -> None:
        self.name, self.reason, self.line, self.unit = name, reason, line, unit
        where = f"{name}, {unit} {line}" if line is not None else name
        super().__init__(f"{where}: {reason}")


@dataclass
class Table:
    """A file's header and rows. Each row has exactly ``len(header)`` cells (short rows of a
    sheet are padded with ""); ``lines[i]`` is where row ``i`` starts in the file (a CSV line
    or an XLSX row number) for messages."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    lines: list[int]
    unit: str = "line"  # "line" (CSV) or "row" (XLSX)
    delimiter: str = ","
    blank: int = 0  # blank lines (CSV) or empty rows (XLSX) between the rows, not rows

    def column(self, name: str) -> int:
        """The index of column ``name`` (exact, else the one column that matches ignoring case
        and surrounding spaces); a :class:`TableFileError` that lists the columns if none."""
        names = [h.strip() for h in self.header]
        if name in self.header:
            return self.header.index(name)
        matches = [i for i, h in enumerate(names) if h.casefold() == name.strip().casefold()]
        if len(matches) == 1:
            return matches[0]
        found = ", ".join(repr(h) for h in names)
        hint = ""
        if len(names) == 1 and self.unit == "line":
            for word, char in (("';'", ";"), ("tab", "\t"), ("'|'", "|"), ("','", ",")):
                if char in names[0] and char != self.delimiter:
                    hint = (f" (one column only: if the file is separated by {word}, "
                            f"give --delimiter {word})")
                    break
        raise TableFileError(self.name, f"no column {name!r}; the columns are: {found}{hint}")


def parse_delimiter(value: str) -> str:
    """One character, or a word for it: "tab" (also a typed ``\\t``), "comma", "semicolon"."""
    char = DELIMITER_WORDS.get(value.strip().lower(), value)
    if len(char) != 1 or char in '"\r\n':
        raise ValueError(f"{value!r} is not a delimiter: give one character such as ',' or ';', "
                         "or the word tab")
    return char


def cell_text(value: Any) -> str:
    """A cell as text: text as it is; a whole number without ".0"; a date without a time of
    midnight; nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_table(path: Path, *, delimiter: str = ",", sheet: str | None = None) -> Table:
    """The header and rows of a CSV file or an XLSX workbook (by the file name's ending)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in OTHER_SPREADSHEETS:
        raise TableFileError(path.name, f"{suffix} files cannot be read; {SAVE_AS}")
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet)
    if sheet is not None:
        raise TableFileError(path.name, "--sheet is for Excel workbooks (.xlsx); this is read "
                             "as CSV")
    return _read_csv(path, delimiter)


# ---------------------------------------------------------------------------------------- CSV


def _read_csv(path: Path, delimiter: str) -> Table:
    name = path.name
    raw = path.read_bytes()
    if not raw.strip():
        raise TableFileError(name, "the file is empty: it needs a header row and at least one "
                             "row")
    _refuse_binary(raw, path)
    text = _decode(raw, name)
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=True)
    table = Table(name, [], [], [], unit="line", delimiter=delimiter)
    width = None
    start = 1
    pending = 0  # blank lines since the last row: they count only if a row follows
    try:
        for row in reader:
            # csv counts physical lines: this record began on the line after the last one
            line, start = start, reader.line_num + 1
            if not row:  # a blank line holds no record
                pending += width is not None
                continue
            if width is None:
                if not any(h.strip() for h in row):
                    raise TableFileError(name, "the header row is empty", line=line)
                table.header, width = row, len(row)
                continue
            table.rows.append(_fit(row, width, name, line, "line", delimiter))
            table.lines.append(line)
            table.blank, pending = table.blank + pending, 0
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            opened = _open_quote_line(text, start, delimiter)
            raise TableFileError(
                name, 'a quoted field starts here and its closing quote (") is never found; '
                'a quote inside a quoted field is written twice ("")', line=opened) from None
        raise TableFileError(name, f"not valid CSV ({exc}); a quote inside a quoted field is "
                             'written twice ("")', line=reader.line_num) from None
    if width is None:
        raise TableFileError(name, "the file has no header row")
    return table


def _fit(row: list, width: int, name: str, line: int, unit: str, delimiter: str) -> list:
    """``row`` with exactly ``width`` cells: empty cells past the header dropped, other cells
    past the header refused (a sign the delimiter is wrong); a short CSV line refused too (a
    line break in a cell without quotes around it splits one row into two short ones), a
    short sheet row padded (a sheet leaves out its empty cells at the end of a row)."""
    if unit == "line" and len(row) < width:
        raise TableFileError(name, f"this row has {len(row)} cell{'s' if len(row) != 1 else ''}"
                             f" but the header has {width}; a cell that holds a line break "
                             f"needs quotes (\") around it", line=line, unit=unit)
    if len(row) > width:
        extra = row[width:]
        if any(v is not None and str(v).strip() for v in extra):
            if unit == "line":
                reason = (f"this row has {len(row)} cells but the header has {width}; "
                          f"is the delimiter {delimiter!r} right? (--delimiter)")
            else:
                reason = f"this row has a value in column {len(row)}, which has no header"
            raise TableFileError(name, reason, line=line, unit=unit)
        row = row[:width]
    return row + [""] * (width - len(row))


def _refuse_binary(raw: bytes, path: Path) -> None:
    name = path.name
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableFileError(name, f"the file is UTF-16 text (Excel's \"Unicode Text\"); {SAVE_AS}")
    for magic, what in _SIGNATURES:
        if raw.startswith(magic):
            if magic == b"PK\x03\x04":
                what = _zip_kind(path)
            raise TableFileError(name, f"this is {what}, not a CSV text file; {SAVE_AS}")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise TableFileError(name, f"this is a binary file, not CSV text (a zero byte at byte "
                             f"{nul + 1}); {SAVE_AS}", line=raw[:nul].count(b"\n") + 1)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        return "a zip file"
    if "xl/workbook.xml" in names:
        return "an Excel workbook (give it a name ending in .xlsx to read it as one)"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    return "a zip file"


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableFileError(
            name, f"byte 0x{raw[exc.start]:02x} is not UTF-8, so the file is in another "
            f"encoding (Windows-1252 perhaps); {SAVE_AS}", line=line) from None


def _open_quote_line(text: str, start: int, delimiter: str) -> int:
    """The line of the quote that opens the field never closed, in the record from ``start``."""
    lines = text.splitlines(keepends=True)
    line, opened = start, start
    field_start, quoted = True, False
    for chunk in lines[start - 1:]:
        i = 0
        while i < len(chunk):
            c = chunk[i]
            if quoted:
                if c == '"':
                    if chunk[i + 1:i + 2] == '"':
                        i += 1
                    else:
                        quoted = False
            elif c == '"' and field_start:
                quoted, opened = True, line
            elif c == delimiter or c in "\r\n":
                field_start = True
                i += 1
                continue
            field_start = False
            i += 1
        line += 1
    return opened


# --------------------------------------------------------------------------------------- XLSX


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    name = path.name
    if not path.stat().st_size:
        raise TableFileError(name, "the file is empty: it needs a header row and at least one "
                             "row")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableFileError(name, f"this is not an Excel workbook (.xlsx) ({_reason(exc)}); "
                             f"{SAVE_AS}") from None
    try:
        names = wb.sheetnames
        if sheet is None:
            if not wb.worksheets:
                raise TableFileError(name, "the workbook has no worksheet")
            ws = wb.worksheets[0]
        elif sheet not in names or not hasattr(wb[sheet], "iter_rows"):
            found = ", ".join(repr(s) for s in names)
            raise TableFileError(name, f"no sheet {sheet!r}; the sheets are: {found}")
        else:
            ws = wb[sheet]
        ws.reset_dimensions()  # some writers record the wrong size; read what is there
        table = Table(name, [], [], [], unit="row")
        width = None
        number = pending = 0
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), 1):
                row = list(values)
                while row and (row[-1] is None or row[-1] == ""):
                    row.pop()
                if width is None:
                    if not row:
                        raise TableFileError(name, f"the first row of sheet {ws.title!r} is "
                                             "empty: it should hold the column names",
                                             line=number, unit="row")
                    table.header, width = [cell_text(v) for v in row], len(row)
                    continue
                if not row:
                    pending += 1
                    continue
                table.rows.append(_fit(row, width, name, number, "row", ","))
                table.lines.append(number)
                table.blank, pending = table.blank + pending, 0
        except TableFileError:
            raise
        except Exception as exc:
            raise TableFileError(name, f"sheet {ws.title!r} cannot be read ({_reason(exc)})",
                                 line=number + 1, unit="row") from None
        if width is None:
            raise TableFileError(name, f"sheet {ws.title!r} is empty: it needs a header row "
                                 "and at least one row")
        return table
    finally:
        wb.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "…"


# -------------------------------------------------------------------------------------- write


def replace_atomically(path: Path, write: Callable[[Any], None], *, binary: bool = False) -> None:
    """Call ``write(f)`` on a temporary file beside ``path``, then put it in ``path``'s place:
    ``path`` is either left as it was or is the whole new file, never half written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
                delimiter: str = ",", sheet: str = "Themes") -> None:
    """Write ``header`` and ``rows`` to ``path``, as an XLSX workbook when the name ends in
    .xlsx (text typed as text, never a formula) else as RFC 4180 CSV in UTF-8 (quotes only
    where needed, CR LF line ends, every cell exactly as given)."""
    path = Path(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        from ..reports.formats import xlsx_bytes
        from ..reports.table import Document, columns
        from ..reports.table import Table as ReportTable

        table = ReportTable(sheet, columns(*header), [list(r) for r in rows], freeze=True)
        data = xlsx_bytes(Document(sheet, [table]))
        replace_atomically(path, lambda f: f.write(data), binary=True)
        return

    def write_csv(f) -> None:
        writer = csv.writer(f, delimiter=delimiter, quotechar='"', doublequote=True,
                            quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell_text(v) for v in row])

    replace_atomically(path, write_csv)
