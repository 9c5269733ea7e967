"""Write the XLSForm collection that benchmarks/xlsform_import.py imports (issue 18), from
source texts fetched by hand, as .xlsx (openpyxl) and .xls (xlwt, as make_xls_fixtures.py),
about half each:

    .venv/bin/python scripts/make_xlsform_collection.py SOURCES OUT
    .venv/bin/python benchmarks/xlsform_import.py OUT

The forms are not kept in the repository: their licences differ (formpack's is the GPL). Fetch
them into SOURCES first; each file becomes one form, named after its folder and file:

- ``*.md``: a form as pyxform's tests write it, a markdown table with the sheet name alone on
  a row (``| survey |``) and the sheet's rows below it, each starting with an empty cell.
- ``*.csv``: a form in pyxform's CSV layout (the sheet name in the first column, the rows
  beneath it with an empty first cell).
- ``*.xls``, ``*.xlsx``: copied as they are.

The collection used in the issue (SOURCES/<folder>):

- ``pyxform/``: every XLSForm/pyxform tests/example_xls/*.md (group, loop, specify_other,
  case_insensitivity, text_and_integer, yes_or_no_question, include, include_json; the last two
  pyxform itself refuses); BSD-2-Clause.
- ``xlsconv/``: the tests/files forms of the xlsconv sdist on PyPI (wq/xlsform-converter:
  input_types.xls, repeat.csv, select.csv, nestedfk.csv); MIT.
- ``formpack/``: the forms of kobotoolbox/formpack tests/fixtures/json/*.json (KoboToolbox form
  builder output, each version one form): restaurant_profile v1-v4, site_inspection v1-v3,
  customer_satisfaction, sanitation_report, grouped_translated, dietary_needs, favorite_coffee
  v1-v2, grouped_repeatable, and (added later) all_geo_types v1-v2, grouped_questions,
  grouped_repeatable_alias, hxl_grouped_repeatable, literacy_test, nested_grouped_repeatable,
  sanitation_report_external; written out as pyxform markdown tables (survey, choices and
  settings rows kept, ``metas`` as start/end rows; Kobo's anchors and sample submissions left
  out); GPL-3.0, so kept out of here. Not yet written out: auto_report,
  auto_report_extended_fields, field_position_with_multiple_versions,
  fields_for_versions_list_index_out_of_range, long_names, long_unicode_labels,
  quotes_newlines_and_long_urls.
- ``docs/``: the XLSForm documentation's example tables (xlsform.org).
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_xls_fixtures import write as write_xls  # noqa: E402
from make_xls_fixtures import write_xlsx  # noqa: E402


def sheets_from_rows(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """pyxform's layout: a row whose first cell is set names a sheet; the rows below it (first
    cell empty) are that sheet's rows."""
    sheets: dict[str, list[list[str]]] = {}
    current = None
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if row[0].strip():
            current = sheets.setdefault(row[0].strip(), [])
        elif current is not None:
            cells = [cell.strip() for cell in row[1:]]
            while cells and not cells[-1]:
                cells.pop()
            current.append(cells)
    return sheets


def read_md(path: Path) -> dict[str, list[list[str]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("|"):
            rows.append([cell for cell in line.strip("|").split("|")])
    return sheets_from_rows(rows)


def read_csv(path: Path) -> dict[str, list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return sheets_from_rows(list(csv.reader(fh)))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    sources, out = Path(args[0]), Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in sources.rglob("*")
                   if p.suffix.lower() in (".md", ".csv", ".xls", ".xlsx"))
    written = 0
    for path in files:
        stem = f"{path.parent.name}_{path.stem}"
        if path.suffix.lower() in (".xls", ".xlsx"):
            shutil.copy(path, out / f"{stem}{path.suffix.lower()}")
        else:
            sheets = read_md(path) if path.suffix.lower() == ".md" else read_csv(path)
            xlsx = sum(1 for p in out.glob("*.xlsx")) <= sum(1 for p in out.glob("*.xls"))
            target = out / f"{stem}.{'xlsx' if xlsx else 'xls'}"
            (write_xlsx if xlsx else write_xls)(target, sheets)
        written += 1
    kinds = {s: sum(1 for _p in out.glob(f"*{s}")) for s in (".xls", ".xlsx")}
    print(f"{written} forms written to {out} ({kinds['.xls']} .xls, {kinds['.xlsx']} .xlsx)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
