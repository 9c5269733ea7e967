"""``reviewkit themes file IN.csv --text-column COL --out OUT.csv``: theme a CSV or XLSX file, no
database. Reading and writing the file exactly is :mod:`reviewkit.nlp.table_files`.

Only click here (no Flask), so it runs anywhere reviewkit is installed. Registered in the main
CLI with ``cli.add_command(themes_cli)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .table_files import (
    TableFileError,
    cell_text,
    parse_delimiter,
    read_table,
    replace_atomically,
    write_table,
)

MAX_CELL_CHARS = 20_000  # longer answers are themed on their first 20,000 characters
ADDED_COLUMNS = ("theme_id", "theme_label", "statement_kind", "kind_confidence", "row_number")
EMPTY_KIND = "empty"  # statement_kind of a row with no text (blank, or only spaces and quotes)


def _delimiter(ctx, param, value):
    try:
        return parse_delimiter(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.group("themes")
def themes_cli() -> None:
    """Group free-text answers into themes (what is working, not working, ideas)."""


@themes_cli.command("file")
@click.argument("in_file", metavar="IN.csv|IN.xlsx",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", "-c", required=True, help="Column with the free text.")
@click.option("--out", "out_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the rows with theme columns added: OUT.csv, or OUT.xlsx for a "
                   "workbook.")
@click.option("--delimiter", "-d", default=",", show_default=True, callback=_delimiter,
              help="What separates the cells of a CSV file: one character such as ';', or the "
                   "word tab. Never guessed.")
@click.option("--sheet", default=None,
              help="The sheet of an .xlsx workbook to read (default: the first).")
@click.option("--id-column", default=None,
              help="A column that holds each row's own id (unique, never empty): theme models "
                   "and curation edits then follow rows by it. Default: the row number.")
@click.option("--question-column", default=None,
              help="A column that holds the question each answer was given: where it asks for "
                   "one kind (\"What was good?\", \"What could we do better?\") that is the "
                   "answer's kind; where it asks for both, or says nothing of kind, the answer's "
                   "words decide.")
@click.option("--themes", "n_themes", type=click.IntRange(1, 200), default=None,
              help="How many themes (default: chosen from the number of answers, 5 to 50).")
@click.option("--language", "-l", default="en", show_default=True,
              help="Language of the answers: en, cy, pl, ur, ar, ro, pa …")
@click.option("--vectoriser", default="auto", show_default=True,
              help="auto, hybrid, multilingual, static, tfidf or sbert[:model] "
                   "(auto: hybrid for English, multilingual for other languages).")
@click.option("--split/--no-split", default=False, show_default=True,
              help="One output row per statement (sentence) instead of one per input row.")
@click.option("--model-in", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A theme model from an earlier run: keep its theme ids.")
@click.option("--model-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the theme model (JSON) for the next run.")
@click.option("--edits", "edits_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSON list of curation edits to apply on top.")
def themes_file(in_file, text_column, out_file, delimiter, sheet, id_column, question_column,
                n_themes, language, vectoriser, split, model_in, model_out, edits_file) -> None:
    """Theme the answers in IN.csv (or IN.xlsx) and write them to OUT with theme columns added.

    CSV is read as Excel, LibreOffice and pandas write it (RFC 4180): UTF-8 (a byte order mark
    is fine), cells in double quotes may hold the delimiter, line breaks and doubled quotes ("").
    An .xlsx workbook is read from --sheet (default the first), column names in its first row.

    Every input row comes back once, in order, with every column as it was; theme_id,
    theme_label, statement_kind, kind_confidence and row_number (1 = the first row under the
    header) are added. An empty theme_id means the answer was not put in any theme; a row with
    no text (blank, or only spaces and quote marks) is kept with statement_kind "empty". A CSV
    output uses the input's delimiter; an .xlsx output keeps text as text (never a formula).

    A file that cannot be read exactly (not text, not UTF-8, a quote never closed, no such
    column or sheet, empty) stops with the file name, line (or row) and reason, exit code 2,
    and nothing is written.
    """
    from . import theme_statements

    _refuse_overwriting_inputs(in_file, out_file, model_out, model_in, edits_file)
    try:
        table = read_table(in_file, delimiter=delimiter, sheet=sheet)
        text_at = table.column(text_column)
        question_at = table.column(question_column) if question_column else None
        ids = _row_ids(table, id_column)
    except TableFileError as exc:
        raise click.UsageError(str(exc)) from None
    rows = table.rows
    if not rows:
        raise click.UsageError(f"{in_file.name} has a header but no rows to theme")
    if table.blank:
        click.echo(f"Note: {table.blank} blank line(s) between the rows of {in_file.name} hold "
                   "no row and were left out.", err=True)
    previous = _load_json(model_in, "theme model", dict) if model_in else None
    edits = _load_json(edits_file, "edits", list) if edits_file else None

    items = []
    long_cells = 0
    for row, row_id in zip(rows, ids, strict=True):
        text = cell_text(row[text_at])
        if len(text) > MAX_CELL_CHARS:
            long_cells += 1
            text = text[:MAX_CELL_CHARS]
        item = {"id": row_id, "text": text}
        if question_at is not None:
            item["question"] = " ".join(cell_text(row[question_at])[:1000].split()) or None
        items.append(item)
    if long_cells:
        click.echo(f"Warning: {long_cells} answer(s) longer than {MAX_CELL_CHARS:,} characters "
                   "were themed on their beginning only.", err=True)

    show = len(items) >= 2000
    stderr = sys.stderr
    try:
        with click.progressbar(length=len(items), label="Theming", file=stderr,
                               hidden=not show) as bar:
            result = theme_statements(
                items, language=language, n_themes=n_themes, vectoriser=vectoriser,
                previous=previous, edits=edits, split=split,
                progress=(lambda n: bar.update(n)) if not split else None,
            )
            bar.update(len(items) - bar.pos)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None

    sources = [s["source"] for s in result.statements]
    if sorted(set(sources)) != list(range(len(rows))) or sources != sorted(sources) or (
            not split and len(sources) != len(rows)):
        raise click.ClickException("internal error: the themed rows do not match the rows read; "
                                   "nothing was written")
    header, out_rows = _output_rows(table, result, split)
    try:
        write_table(out_file, header, out_rows, delimiter=table.delimiter)
        if model_out:
            model = json.dumps(result.model) + "\n"
            replace_atomically(model_out, lambda f: f.write(model))
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out_file} could not be written: "
                                   f"{exc.strerror or exc}") from None
    for w in result.warnings:
        click.echo(f"Note: {w}", err=True)
    assigned = sum(1 for s in result.statements if s.get("theme_id"))
    empty = sum(1 for s in result.statements if not s["text"])
    click.echo(
        f"{_count(len(rows), 'row')} in, {_count(len(out_rows), 'row')} out, "
        f"{_count(len(result.themes), 'theme')}, "
        f"{len(result.statements) - assigned} not in any theme ({empty} empty) -> {out_file}",
        err=True,
    )


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return a.samefile(b)  # a hard or symbolic link to it
    except OSError:
        return False


def _refuse_overwriting_inputs(in_file: Path, out_file: Path, model_out: Path | None,
                               model_in: Path | None, edits_file: Path | None) -> None:
    """Stop before anything is read when an output is one of the files read: writing it would
    replace a person's file (a workbook's other sheets, formulas and formatting) with the
    themes. (--model-out may be --model-in: that updates the model.)"""
    read = [(in_file, "the input file"), (edits_file, "the --edits file"),
            (model_in, "the --model-in file")]
    for option, path in (("--out", out_file), ("--model-out", model_out)):
        if path is None:
            continue
        for source, what in read:
            if source is None or (option == "--model-out" and source is model_in):
                continue
            if _same_file(path, source):
                raise click.UsageError(
                    f"{option} {path.name} is {what}: writing there would replace it; give "
                    "the output another name")
    if model_out is not None and _same_file(out_file, model_out):
        raise click.UsageError(f"--out and --model-out are the same file ({out_file.name}): "
                               "give them different names")


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _row_ids(table, id_column: str | None) -> list[str]:
    """Each row's id: its value in ``id_column`` (unique, not empty), else "r" + row number."""
    if id_column is None:
        return [f"r{i + 1}" for i in range(len(table.rows))]
    at = table.column(id_column)
    ids, seen = [], {}
    for row, line in zip(table.rows, table.lines, strict=True):
        value = cell_text(row[at]).strip()
        if not value:
            raise TableFileError(table.name, f"the id column {id_column!r} is empty here",
                                 line=line, unit=table.unit)
        if value in seen:
            raise TableFileError(table.name, f"the id {value!r} is also on {table.unit} "
                                 f"{seen[value]}: ids must be unique", line=line, unit=table.unit)
        seen[value] = line
        ids.append(value)
    return ids


def _output_rows(table, result, split: bool) -> tuple[list[str], list[list]]:
    """The output header and one row per statement: the input row's cells, then the added
    columns (an input column of the same name is filled in instead)."""
    header = list(table.header)
    names = [*ADDED_COLUMNS, *(["statement"] if split else [])]
    for name in names:
        if name not in header:
            header.append(name)
    at = {name: header.index(name) for name in names}
    labels = {t["id"]: t["label"] for t in result.themes}
    out = []
    for s in result.statements:
        row = list(table.rows[s["source"]]) + [""] * (len(header) - len(table.header))
        tid = s.get("theme_id")
        values = {
            "theme_id": tid or "",
            "theme_label": labels.get(tid, "") if tid else "",
            "statement_kind": s["kind"] if s["text"] else EMPTY_KIND,
            "kind_confidence": f"{s['kind_confidence']:.2f}" if s["text"] else "",
            "row_number": s["source"] + 1,
        }
        if split:
            values["statement"] = s["text"]
        for name, value in values.items():
            row[at[name]] = value
        out.append(row)
    return header, out


def _load_json(path: Path, what: str, kind: type):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.UsageError(f"{path.name} is not a JSON {what} file: {exc}") from None
    if not isinstance(data, kind):
        raise click.UsageError(f"{path.name}: the {what} should be a JSON {kind.__name__}")
    return data


def main() -> None:  # pragma: no cover - convenience: python -m reviewkit.nlp.cli
    themes_cli(prog_name="reviewkit themes")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
