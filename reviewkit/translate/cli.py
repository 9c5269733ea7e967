"""``reviewkit translations``: update, check and count the PO catalogues translators edit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..config import REPO_ROOT
from . import catalogs

_dir_option = click.option(
    "--dir", "translations_dir", type=click.Path(file_okay=False, path_type=Path),
    default=REPO_ROOT / "translations", show_default=True,
    help="The translations folder (templates and <lang>/LC_MESSAGES/*.po).")
_lang_option = click.option(
    "--lang", "langs", multiple=True, type=click.Choice(catalogs.languages()),
    help="Only this language (repeat for more). Default: every shipped language.")


@click.group("translations")
def translations_cli() -> None:
    """Translations of the interface (messages.po) and of the question banks (banks.po).

    Translators edit translations/<lang>/LC_MESSAGES/*.po in any PO editor (Poedit, Weblate,
    Crowdin); see docs/translating.md."""


@translations_cli.command("update")
@_dir_option
@_lang_option
@click.option("--banks", "banks_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=REPO_ROOT / "question_banks", show_default=True,
              help="Folder of bank YAML files to extract.")
@click.option("--source", "source_root", type=click.Path(file_okay=False, exists=True,
              path_type=Path), default=REPO_ROOT, show_default=True,
              help="Project root holding babel.cfg, for interface text.")
def update_command(translations_dir: Path, langs: tuple[str, ...], banks_dir: Path,
                   source_root: Path) -> None:
    """Extract messages.pot and banks.pot, then update or create each language's PO files.

    Text whose English changed keeps its old translation marked fuzzy (outdated) for a
    translator to check; fuzzy translations are not shown to people."""
    from ..banks import BankError

    try:
        report = catalogs.update(translations_dir, banks_dir, source_root, langs or None)
    except BankError as exc:
        for problem in exc.problems:
            click.secho(str(problem), fg="red", err=True)
        sys.exit(1)
    for path in report.created:
        click.echo(f"created {path}")
    for path in report.written:
        click.echo(f"updated {path}")
    click.echo(f"{len(report.unchanged)} file(s) already up to date")


@translations_cli.command("compile")
@_dir_option
@_lang_option
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Also write <lang>/LC_MESSAGES/*.mo here (the app compiles messages.po "
                   "itself at start-up).")
def compile_command(translations_dir: Path, langs: tuple[str, ...], output: Path | None) -> None:
    """Check every PO file compiles: readable UTF-8, plural forms, placeholders kept, no markup.

    Prints FILE:LINE: REASON for each problem and exits 1 when there is any."""
    problems = []
    count = 0
    for lang in langs or catalogs.languages():
        for domain in catalogs.DOMAINS:
            path = translations_dir / lang / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                continue
            count += 1
            found = catalogs.check_file(path, lang)
            problems.extend(found)
            if output and not found:
                catalogs.compile_to(path, output / lang / "LC_MESSAGES" / f"{domain}.mo", lang)
    for problem in problems:
        click.secho(str(problem), fg="red", err=True)
    click.echo(f"{count} catalogue(s) checked, {len(problems)} problem(s)")
    if problems:
        sys.exit(1)


@translations_cli.command("status")
@_dir_option
@_lang_option
@click.option("--missing", "show_missing", is_flag=True, help="List the missing strings.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def status_command(translations_dir: Path, langs: tuple[str, ...], show_missing: bool,
                   as_json: bool) -> None:
    """Per language and file: translated, missing and outdated (fuzzy) counts."""
    rows = catalogs.coverage(translations_dir, langs or None)
    if as_json:
        click.echo(json.dumps([
            {"lang": r.lang, "file": r.file, "total": r.total, "translated": r.translated,
             "missing": r.missing, "outdated": r.outdated,
             **({"missing_strings": [{"line": ln, "context": c, "msgid": i}
                                     for ln, c, i in r.missing_items]} if show_missing else {})}
            for r in rows], ensure_ascii=False, indent=2))
        return
    click.echo(f"{'lang':<5} {'file':<34} {'translated':>10} {'missing':>8} {'outdated':>9} "
               f"{'total':>6}")
    for r in rows:
        click.echo(f"{r.lang:<5} {r.file:<34} {r.translated:>10} {r.missing:>8} {r.outdated:>9} "
                   f"{r.total:>6}")
        if show_missing:
            domain = "messages" if r.file == "messages" else "banks"
            po = translations_dir / r.lang / "LC_MESSAGES" / f"{domain}.po"
            for line, context, msgid in r.missing_items:
                text = " ".join(msgid.split())
                text = text if len(text) <= 90 else text[:89] + "…"
                ctx = f" [{context}]" if context else ""
                click.echo(f"    {po}:{line}:{ctx} {text}")
