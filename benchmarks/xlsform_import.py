"""Import every XLSForm (.xls, .xlsx) in a folder and print how many imported, how many
questions are shown, and how many rows were left out, by reason (issue 18).

    .venv/bin/python benchmarks/xlsform_import.py FOLDER [--verbose]

Each form is first converted by pyxform on its own (``xls2xform.convert``): a form pyxform
refuses is counted apart, with pyxform's first error line, and the import must refuse it too. The
target: at least 90 % of the forms pyxform accepts import. Forms are not kept in the repository
(their licences differ); give the folder on the command line. scripts/make_xlsform_collection.py
writes the collection used in the issue (its sources and licences are listed there).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from reviewkit.banks.xlsform import XLSFormError, import_xlsform


def pyxform_accepts(path: Path) -> str | None:
    """None when pyxform converts the form; else its first error line."""
    from pyxform import xls2xform

    try:
        xls2xform.convert(xlsform=str(path), validate=False)
    except Exception as exc:  # noqa: BLE001 - pyxform refuses forms with several classes
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true", help="a line per form")
    args = parser.parse_args(argv)
    forms = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() in (".xls", ".xlsx")
                   and not p.name.startswith("~$"))
    if not forms:
        print(f"no .xls or .xlsx files in {args.folder}", file=sys.stderr)
        return 2
    accepted = imported = questions = traceback_free = 0
    by_kind: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    refused: list[tuple[str, str]] = []
    start = time.perf_counter()
    for path in forms:
        by_kind[path.suffix.lower()] += 1
        pyxform_error = pyxform_accepts(path)
        accepted += pyxform_error is None
        try:
            result = import_xlsform(path)
        except XLSFormError as exc:
            traceback_free += 1
            refused.append((path.name, exc.problems[0]))
            if args.verbose:
                print(f"{path.name}: refused: {exc.problems[0]}")
            continue
        imported += 1
        traceback_free += 1
        questions += len(result.bank.questions)
        for line in result.skipped:
            skipped[line.reason] += 1
        if args.verbose:
            print(f"{path.name}: {len(result.bank.questions)} questions, "
                  f"{len(result.skipped)} rows left out")
    seconds = time.perf_counter() - start
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items()))
    share = 100 * imported / accepted if accepted else 0.0
    print(f"forms: {len(forms)} ({kinds}) in {seconds:.1f} s")
    print(f"pyxform accepts: {accepted}; refuses: {len(forms) - accepted}")
    print(f"imported: {imported} = {share:.0f} % of the forms pyxform accepts")
    print(f"questions shown: {questions}")
    print(f"answered without a traceback: {traceback_free} / {len(forms)}")
    print(f"rows left out: {sum(skipped.values())}, by reason:")
    for reason, n in skipped.most_common():
        print(f"  {n:5d}  {reason}")
    if refused:
        print("refused:")
        for name, why in refused:
            print(f"  {name}: {why[:160]}")
    return 0 if share >= 90 else 1


if __name__ == "__main__":
    sys.exit(main())
