"""How long an XLSForm upload's bounds take to refuse a runaway file, and what the largest form
within them costs to import (issue 19, finding 6).

    .venv/bin/python benchmarks/uploads.py

Each file is made here, then checked (``reviewkit.uploads.check_spreadsheet``) and, when the
check lets it through, imported (``import_xlsform``), each in a fresh process so that its peak
memory is its own. Prints a line per file: bytes, the check's time and answer, the import's
time, and the most memory Python held for it at once (+MB, from tracemalloc in a second
import).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def xlsform_with_rows(rows: int, languages: int = 0) -> bytes:
    """An XLSForm of ``rows`` text questions, each labelled in ``languages`` more languages."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    survey = wb.create_sheet("survey")
    survey.append(["type", "name", "label"]
                  + [f"label::Language {n} (l{n})" for n in range(languages)])
    for n in range(rows):
        survey.append(["text", f"q{n}", f"Question {n}"]
                      + [f"Question {n} in {lang}" for lang in range(languages)])
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Big", "big"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def unpacking_to(size: int) -> bytes:
    """A small, valid XLSX whose survey sheet unpacks to ``size`` bytes (blank space)."""
    small = zipfile.ZipFile(io.BytesIO(xlsform_with_rows(2)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in small.infolist():
            data = small.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * size)
            out.writestr(info.filename, data)
    return buf.getvalue()


MEASURE = """
import json, sys, tempfile, time, tracemalloc
from pathlib import Path
from reviewkit import create_app
app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(), "SECRET_KEY": "x"})
from reviewkit.banks.xlsform import XLSFormError, import_xlsform
from reviewkit.uploads import SpreadsheetRefused, check_spreadsheet
path = Path(sys.argv[1])
out = {}
with app.test_request_context("/"):
    started = time.monotonic()
    try:
        check_spreadsheet(path.read_bytes(), path.name)
        out["check"] = "accepted"
    except SpreadsheetRefused as refused:
        out["check"] = str(refused).split(".")[0]
    out["check_s"] = time.monotonic() - started
    if out["check"] == "accepted":
        started = time.monotonic()
        try:
            out["import"] = f"{len(import_xlsform(path).bank.questions)} questions"
        except XLSFormError as exc:
            out["import"] = "refused: " + str(exc.problems[0])[:60]
        out["import_s"] = time.monotonic() - started
        tracemalloc.start()  # again, for memory only (it slows the import several times)
        try:
            import_xlsform(path)
        except XLSFormError:
            pass
        out["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
print(json.dumps(out))
"""


def main() -> int:
    from reviewkit.uploads import MAX_CELLS, MAX_SHEET_ROWS

    cases = {
        "unpacks to 300 MB": unpacking_to(300 * 1024 * 1024),
        "20,000 rows": xlsform_with_rows(20_000),
        f"{MAX_SHEET_ROWS + 1:,} rows": xlsform_with_rows(MAX_SHEET_ROWS),
        f"{MAX_SHEET_ROWS - 10:,} rows x 43 columns": xlsform_with_rows(MAX_SHEET_ROWS - 10, 40),
        f"{MAX_SHEET_ROWS - 10:,} rows x 25 columns (~{MAX_CELLS:,} cells)":
            xlsform_with_rows(MAX_SHEET_ROWS - 10, 22),
        "500 rows": xlsform_with_rows(500),
    }
    folder = Path(tempfile.mkdtemp())
    print(f"{'file':<44} {'bytes':>9} {'check s':>8}  {'import s':>8} {'+MB':>5}  answer")
    for name, data in cases.items():
        path = folder / "form.xlsx"
        path.write_bytes(data)
        run = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                             text=True, timeout=900)
        if run.returncode:
            print(name, "failed:", run.stderr[-500:])
            continue
        got = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"{name:<44} {len(data):>9,} {got['check_s']:>8.2f}  "
              f"{got.get('import_s', 0):>8.2f} {got.get('peak_mb', 0):>5.0f}  "
              f"{got.get('import') or got['check']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
