"""`reviewkit banks import-xlsform` and `export-xlsform` (added to `reviewkit banks` in
reviewkit/cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from ..config import LANGUAGES, REPO_ROOT
from .loader import BankError


@click.command("import-xlsform")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the bank to BANK.yaml (its name is the bank id). Default: print it.")
@click.option("--id", "bank_id", help="The bank id (default: the --out file name, else the "
              "form_id of the settings sheet).")
@click.option("--po-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write the other languages' labels to DIR/<lang>.po (marked fuzzy), "
                   "to merge into translations/<lang>/LC_MESSAGES/banks.po.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@with_appcontext
@click.option("--replace", is_flag=True, help="Save the form as the next version of the bank "
              "--id (or the form's id) imported before, in the banks folder, the database and "
              "the translations; prints what changes. A shipped bank is refused.")
def import_command(file: Path, out: Path | None, bank_id: str | None, po_dir: Path | None,
                   force: bool, replace: bool) -> None:
    """Turn an XLSForm (KoboToolbox, ODK; .xls or .xlsx) into a question bank.

    pyxform reads the form. Groups become sections; text, integer, decimal, date, select_one
    and select_multiple questions become bank questions; notes become section introductions;
    label::<language> columns become the bank text, its easy read (a language whose name says
    "easy read") and translations; relevant conditions of the form ${q} = 'x',
    selected(${q}, 'x') and 'or' chains become show_if. Every row left out is listed with its
    row, name, type and why. Nothing is written when pyxform refuses the form.

    With --replace, the form replaces a bank imported before (on the translator pages or with
    --replace) as its next version: answers already given stay with their version, and
    translations of changed wording are marked outdated. Nothing is written when it is refused."""
    with force_locale("en"):  # no request to choose a language from
        if replace:
            if out is not None or po_dir is not None:
                raise click.UsageError(_("--replace saves into the banks folder and the "
                                         "translations; leave out --out and --po-dir"))
            _replace(file, bank_id)
        else:
            _import(file, out, bank_id, po_dir, force)


def _import(file: Path, out: Path | None, bank_id: str | None, po_dir: Path | None,
            force: bool) -> None:
    from .loader import parse_bank
    from .xlsform import XLSFormError, import_xlsform
    from .xlsform_export import bank_yaml, translations_po

    if out is not None and out.exists() and not force:
        raise click.UsageError(_("%(file)s exists; use --force to replace it", file=out))
    try:
        result = import_xlsform(file, bank_id or (out.stem if out else None))
        text = bank_yaml(result.bank)
        parse_bank(text, str(out or "<imported>"))  # the loader's checks (pictograms, …)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.secho(f"{file}: {problem}", fg="red", err=True)
        click.echo(_("%(file)s: not imported", file=file), err=True)
        sys.exit(1)
    except BankError as exc:
        for problem in exc.problems:
            click.secho(f"{file}: {problem.reason}", fg="red", err=True)
        sys.exit(1)
    for line in result.lines:
        click.secho(f"{file}: {line}", fg="yellow" if line.skipped else None, err=True)
    header = (f"# Imported from {file.name} with `reviewkit banks import-xlsform`.\n"
              "# Check the easy read and pictograms; schema: docs/question-banks.md.\n")
    if out is None:
        click.echo(header + text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(header + text, "utf-8")
    if po_dir is not None:
        for lang, texts in sorted(result.translations.items()):
            target = po_dir / f"{lang}.po"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(translations_po(result.bank, lang, texts))
            click.echo(ngettext("%(num)d %(lang)s translation written to %(file)s",
                                "%(num)d %(lang)s translations written to %(file)s",
                                len(texts), lang=lang, file=target), err=True)
    click.echo(_("%(bank)s: %(questions)s, %(skipped)s, %(notes)s", bank=result.bank.id,
                 questions=ngettext("%(num)d question imported", "%(num)d questions imported",
                                    len(result.bank.questions)),
                 skipped=ngettext("%(num)d row left out", "%(num)d rows left out",
                                  len(result.skipped)),
                 notes=ngettext("%(num)d change noted", "%(num)d changes noted",
                                len(result.notes))), err=True)


@click.command("export-xlsform")
@click.argument("bank")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "langs", multiple=True, type=click.Choice(
    [c for c in LANGUAGES if c != "en"]), help="Only these translations (repeatable). "
    "Default: every language with a translation of the bank.")
@with_appcontext
def export_command(bank: str, out: Path, langs: tuple[str, ...]) -> None:
    """Write BANK (a bank id in the banks folder, or a .yaml file) as an XLSForm OUT.xlsx
    for KoboToolbox or ODK, with its translations and easy read as languages; then check
    that pyxform converts it."""
    from .loader import load_bank
    from .xlsform_export import export_xlsform, pyxform_check

    path = Path(bank)
    if not path.suffix:
        path = Path(current_app.config["BANKS_PATH"]) / f"{bank}.yaml"
    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("the file name must end in .xlsx", param_hint="OUT")
    try:
        loaded = load_bank(path)
    except BankError as exc:
        for problem in exc.problems:
            click.secho(str(problem), fg="red", err=True)
        sys.exit(1)
    export_xlsform(loaded, out, list(langs) if langs else None)
    try:
        warnings = pyxform_check(out)
    except Exception as exc:  # noqa: BLE001 - pyxform's errors have several classes
        click.secho(f"{out}: pyxform cannot convert it: {exc}", fg="red", err=True)
        sys.exit(1)
    for warning in warnings:
        click.secho(f"{out}: pyxform warning: {warning}", fg="yellow", err=True)
    click.echo(f"{loaded.id} written to {out} (pyxform converts it)")


def _replace(file: Path, bank_id: str | None) -> None:
    from ..services.saved_files import store
    from ..translate.xlsform_import import (
        FREE,
        IMPORTED,
        ReplaceRefused,
        bank_origin,
        replacement,
        save_replacement,
    )
    from .xlsform import XLSFormError, import_xlsform

    def refuse(reason: str) -> None:
        click.secho(f"{file}: {reason}", fg="red", err=True)
        click.echo(_("%(file)s: not imported", file=file), err=True)
        sys.exit(1)

    try:
        result = import_xlsform(file, bank_id)
    except XLSFormError as exc:
        for problem in exc.problems:
            click.secho(f"{file}: {problem}", fg="red", err=True)
        refuse(_("pyxform cannot read the form"))
    bank_id = result.bank.id
    banks_dir = Path(current_app.config["BANKS_PATH"])
    origin = bank_origin(bank_id, banks_dir)
    if origin == FREE:
        refuse(_("there is no bank called %(id)s to replace; import it without --replace",
                 id=bank_id))
    if origin != IMPORTED:
        refuse(_("%(id)s comes with reviewkit: it is kept in its YAML file and cannot be "
                 "replaced by a form", id=bank_id))
    changes, _bank = replacement(result, bank_id)
    for line in result.lines:
        click.secho(f"{file}: {line}", fg="yellow" if line.skipped else None, err=True)
    for qid, text in changes.added:
        click.echo(_("added: %(id)s: %(text)s", id=qid, text=text))
    for qid, text in changes.removed:
        click.echo(_("removed: %(id)s: %(text)s", id=qid, text=text))
    for qid, was, now in changes.reworded:
        click.echo(_("wording changed: %(id)s: %(was)s -> %(now)s", id=qid, was=was, now=now))
    if changes.other:
        click.echo(_("other changes (titles, choices, easy read, help, conditions): %(n)d",
                     n=changes.other))
    try:
        replaced = save_replacement(result, bank_id, changes.replaces, banks_dir,
                                    Path(current_app.config.get("TRANSLATIONS_SOURCE")
                                         or REPO_ROOT / "translations"), file.name)
    except ReplaceRefused as refused:
        reason = str(refused)
        refuse({"same": _("the form gives the questions %(id)s has already; nothing to "
                          "replace", id=bank_id),
                "shipped": _("%(id)s comes with reviewkit", id=bank_id),
                "moved": _("%(id)s was replaced meanwhile; run the command again",
                           id=bank_id)}.get(reason, reason))
    for kind, name, data in replaced.files:  # for every app server
        store(kind, name, data, None)
    click.echo(_("%(id)s replaced: version %(new)d is in use for new answers; answers "
                 "already given stay with version %(old)d", id=bank_id, new=changes.version,
                 old=changes.replaces))
    for lang, n in sorted(replaced.outdated.items()):
        click.echo(ngettext("%(lang)s: %(num)d translation marked outdated",
                            "%(lang)s: %(num)d translations marked outdated", n, lang=lang))
