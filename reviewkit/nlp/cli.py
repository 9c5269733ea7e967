"""``reviewkit themes file IN.csv --text-column COL --out OUT.csv``: theme a CSV, no database.

Only click here (no Flask), so it runs anywhere reviewkit is installed. Registered in the main
CLI with ``cli.add_command(themes_cli)``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

MAX_CELL_CHARS = 20_000  # longer answers are themed on their first 20,000 characters
ADDED_COLUMNS = ("theme_id", "theme_label", "statement_kind", "kind_confidence")


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise click.ClickException(
                f"{name}: line {line} is not UTF-8 (byte 0x{raw[exc.start]:02x}) and not "
                "Windows-1252 either; save the file as UTF-8 and try again"
            ) from None
        click.echo(
            f"Warning: {name} is not UTF-8 (first bad byte 0x{raw[exc.start]:02x} on line "
            f"{line}); read it as Windows-1252 instead. Check accented letters in the output.",
            err=True,
        )
        return text


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, with clear errors for files that are not usable."""
    raw = path.read_bytes()
    if not raw.strip():
        raise click.UsageError(f"{path.name} is empty: it needs a header row and at least one row")
    text = _decode(raw, path.name)
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    try:
        sample = text[:20000]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|") if "\n" in sample else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        header = next(reader, None)
        rows = list(reader)
    except csv.Error as exc:
        raise click.ClickException(f"{path.name} is not a readable CSV file: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise click.UsageError(f"{path.name} has no header row")
    header = [h.strip() for h in header]
    records = []
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        records.append(dict(zip(header, row, strict=False)))
    return header, records


@click.group("themes")
def themes_cli() -> None:
    """Group free-text answers into themes (what is working, not working, ideas)."""


@themes_cli.command("file")
@click.argument("in_csv", metavar="IN.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", "-c", required=True, help="Column with the free text.")
@click.option("--out", "out_csv", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the CSV with theme columns added.")
@click.option("--themes", "n_themes", type=click.IntRange(1, 200), default=None,
              help="How many themes (default: chosen from the number of answers, 5 to 50).")
@click.option("--language", "-l", default="en", show_default=True,
              help="Language of the answers: en, cy, pl, ur, ar, ro, pa …")
@click.option("--vectoriser", default="auto", show_default=True,
              help="auto, hybrid, static, tfidf or sbert[:model].")
@click.option("--split/--no-split", default=False, show_default=True,
              help="One output row per statement (sentence) instead of one per input row.")
@click.option("--model-in", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A theme model from an earlier run: keep its theme ids.")
@click.option("--model-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the theme model (JSON) for the next run.")
@click.option("--edits", "edits_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSON list of curation edits to apply on top.")
def themes_file(in_csv, text_column, out_csv, n_themes, language, vectoriser, split, model_in,
                model_out, edits_file) -> None:
    """Theme the answers in IN.csv and write them to OUT.csv with theme columns added.

    Every input column is kept; theme_id, theme_label, statement_kind and kind_confidence are
    added. An empty theme_id means the answer was not put in any theme.
    """
    from . import theme_statements

    header, rows = read_csv(in_csv)
    if text_column not in header:
        matches = [h for h in header if h.lower() == text_column.lower()]
        if len(matches) == 1:
            text_column = matches[0]
        else:
            cols = ", ".join(repr(h) for h in header)
            raise click.UsageError(
                f"no column {text_column!r} in {in_csv.name}; columns are: {cols}")
    if not rows:
        raise click.UsageError(f"{in_csv.name} has a header but no rows to theme")
    previous = _load_json(model_in, "theme model", dict) if model_in else None
    edits = _load_json(edits_file, "edits", list) if edits_file else None

    items = []
    long_cells = 0
    for i, row in enumerate(rows):
        text = row.get(text_column) or ""
        if len(text) > MAX_CELL_CHARS:
            long_cells += 1
            text = text[:MAX_CELL_CHARS]
        items.append({"id": f"r{i + 1}", "text": text})
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

    labels = {t["id"]: t["label"] for t in result.themes}
    extra = [c for c in ADDED_COLUMNS if c not in header]
    fields = header + extra + (["statement"] if split and "statement" not in header else [])
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with open(out_csv, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for s in result.statements:
            row = dict(rows[s["source"]])
            tid = s.get("theme_id")
            row.update({
                "theme_id": tid or "",
                "theme_label": labels.get(tid, "") if tid else "",
                "statement_kind": s["kind"] if s["text"] else "",
                "kind_confidence": f"{s['kind_confidence']:.2f}" if s["text"] else "",
            })
            if split:
                row["statement"] = s["text"]
            writer.writerow(row)
    if model_out:
        model_out.write_text(json.dumps(result.model) + "\n", encoding="utf-8")
    for w in result.warnings:
        click.echo(f"Note: {w}", err=True)
    assigned = sum(1 for s in result.statements if s.get("theme_id"))
    click.echo(
        f"{len(result.statements)} rows, {len(result.themes)} themes, "
        f"{len(result.statements) - assigned} not in any theme -> {out_csv}",
        err=True,
    )


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
