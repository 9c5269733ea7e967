"""Translator pages: coverage per language and bank, easy-read warnings, a phone preview of any
question in any language and variant, and PO file download and upload.

Translators and admins (Permission.BANKS). An uploaded PO file that passes the same checks as
``reviewkit translations compile`` is stored in the database, then replaces
``translations/<lang>/LC_MESSAGES/<domain>.po`` of the server that took it, which reloads its
catalogues; every other worker and server writes it to its own folder and reloads within a few
seconds (see :func:`_reload_if_changed`). A bank imported from an XLSForm is shared the same
way: stored, then written to REVIEWKIT_BANKS_PATH of every server.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from babel.messages.mofile import write_mo
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, refresh
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Regexp

from ..banks import Bank, BankError, bank_files, load_bank
from ..banks.easyread import check_bank, check_translation
from ..banks.loader import compose_yaml
from ..banks.schema import SLUG
from ..config import REPO_ROOT
from ..extensions import db
from ..forms.questions import BaseForm
from ..localise import question_view
from ..services.saved_files import BANK, PO, newest_version, po_name, store, write_newer
from ..translate import catalogs
from .auth import Permission, requires

bp = Blueprint("translate", __name__, url_prefix="/staff/translate")

MAX_UPLOAD = 1024 * 1024  # a PO file of every bank is about 150 KB
DOMAIN_NAMES = {"messages": _l("Interface text (messages.po)"),
                "banks": _l("Question banks (banks.po)")}
# The phone preview may be shown in a frame of these pages, but can send nothing anywhere.
PREVIEW_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
               "connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'self'")


def source_dir() -> Path:
    """The translations folder the app was started with (PO files, not the compiled ones)."""
    return Path(current_app.config.get("TRANSLATIONS_SOURCE") or REPO_ROOT / "translations")


def _language(lang: str) -> str:
    if lang not in catalogs.languages():
        abort(404)
    return lang


def _banks() -> dict[str, tuple[Bank, Path]]:
    found: dict[str, tuple[Bank, Path]] = {}
    for path in bank_files([current_app.config["BANKS_PATH"]]):
        try:
            bank = load_bank(path)
        except BankError:
            continue  # `reviewkit banks check` reports it
        found[bank.id] = (bank, path)
    return found


def _bank(bank_id: str) -> tuple[Bank, Path]:
    banks = _banks()
    if bank_id not in banks:
        abort(404)
    return banks[bank_id]


def _name(lang: str) -> str:
    return current_app.config["LANGUAGES"].get(lang, (lang,))[0]


# --- reloading after an upload ----------------------------------------------------------------
# A save (a PO file, or a bank imported from an XLSForm) is stored in the database (the copy
# every server shares) and written to this server's folder; every server looks every few
# seconds for a higher stored version than it has written, and for a PO file changed in its
# folder, writes what it lacks and reloads the catalogues when a PO file changed.

CHECK_SECONDS = 3  # how often a worker looks (the app setting TRANSLATIONS_CHECK_SECONDS)


def without_saved_files_check(view):
    """A route that answers without the look for saved files (which asks the database): the
    health check says itself, in plain words, that the database does not answer."""
    view.without_saved_files_check = True
    return view


def _state() -> dict:
    """This app's record: the PO files' times when it last loaded them, when it last looked,
    and the highest saved version it has written to its folders."""
    return current_app.extensions.setdefault(
        "reviewkit.translations", {"seen": {}, "checked": None, "version": 0})


def _folders() -> dict[str, Path]:
    """Where each kind of saved file goes on this server."""
    return {PO: source_dir(), BANK: Path(current_app.config["BANKS_PATH"])}


def _po_mtimes(source: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in source.glob("*/LC_MESSAGES/*.po")}


def reload_catalogs(source: Path | None = None, lang: str | None = None) -> None:
    """Compile messages.po again and forget every cached translation in this process: Flask-
    Babel's domain cache, this request's locale and translations, and the bank text cache."""
    from .. import translations
    from ..banks import xlsform_export
    from ..extensions import babel
    from ..i18n import compile_catalogs

    source = source or source_dir()
    compiled = Path(current_app.instance_path) / "locale"
    compile_catalogs(source, compiled)
    if lang is not None:  # compile the uploaded file whatever the clock says
        po = source / lang / "LC_MESSAGES" / "messages.po"
        mo = compiled / lang / "LC_MESSAGES" / "messages.mo"
        if po.exists():
            mo.parent.mkdir(parents=True, exist_ok=True)
            tmp = mo.with_suffix(".mo.upload")
            with tmp.open("wb") as fh:
                write_mo(fh, catalogs.read_catalog(po, locale=lang))
            tmp.replace(mo)
    babel.domain_instance.cache.clear()
    refresh()
    translations.forget()
    xlsform_export.forget_interface()
    _state()["seen"] = _po_mtimes(source)


def _newest_saved() -> int | None:
    """The highest saved version in the database; None before the database is upgraded to
    hold them (``reviewkit init``). A database that does not answer is not hidden (503)."""
    from sqlalchemy.exc import SQLAlchemyError

    from .errors import database_unreachable

    try:
        return newest_version()
    except SQLAlchemyError as exc:
        db.session.rollback()
        if database_unreachable(exc):
            raise
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        current_app.logger.warning("saved translations and banks cannot be read (run "
                                   "reviewkit init): %s", reason)
        return None


def _write_saved() -> bool:
    """Write the saved files newer than this server has into its folders; True if a PO file
    was written."""
    state = _state()
    newest = _newest_saved()
    if newest is None or newest <= state["version"]:
        return False
    state["version"], written = write_newer(_folders(), state["version"])
    return PO in written


@bp.before_app_request
def _reload_if_changed() -> None:
    """Another server or worker took a save: notice within a few seconds and reload here too."""
    state = _state()
    now = time.monotonic()
    every = current_app.config.get("TRANSLATIONS_CHECK_SECONDS", CHECK_SECONDS)
    if state["checked"] is not None and now - state["checked"] < every \
            or request.endpoint == "static" \
            or getattr(current_app.view_functions.get(request.endpoint),
                       "without_saved_files_check", False):
        return
    state["checked"] = now
    source = source_dir()
    saved = _write_saved()
    current = _po_mtimes(source)
    if not state["seen"] and not saved:
        state["seen"] = current
    elif saved or current != state["seen"]:
        reload_catalogs(source)


def _share(*files: tuple[str, str, bytes]) -> None:
    """Store saved files (kind, name, content) for every server, then write them (and any
    other newer one) here, with one look at what is stored."""
    for kind, name, data in files:
        store(kind, name, data, current_user.id)
    _state()["version"] = write_newer(_folders(), _state()["version"])[0]


# --- coverage ---------------------------------------------------------------------------------

@bp.get("/")
@requires(Permission.BANKS)
def index():
    rows = catalogs.coverage(source_dir())
    banks = sorted(_banks())
    table = {(r.lang, r.file): r for r in rows}
    return render_template("translate/index.html", langs=catalogs.languages(), banks=banks,
                           table=table, name=_name)


class UploadForm(BaseForm):
    domain = RadioField(_l("Which file is it?"), choices=list(DOMAIN_NAMES.items()),
                        default="banks",
                        validators=[InputRequired(_l("Choose which file you are uploading"))])
    po_file = FileField(
        _l("PO file"),
        description=_l("A .po file saved from Poedit, Weblate, Crowdin or a text editor, "
                       "up to 1 MB."),
        validators=[FileRequired(_l("Choose a PO file to upload")),
                    FileAllowed(["po"], _l("The file must be a .po file")),
                    FileSize(MAX_UPLOAD, message=_l("The file is too big: it must be 1 MB or "
                                                    "less"))])


def _language_page(lang: str, form: UploadForm, status: int = 200):
    rows = catalogs.coverage(source_dir(), [lang])
    banks = _banks()
    files = {d: (source_dir() / lang / "LC_MESSAGES" / f"{d}.po").exists()
             for d in catalogs.DOMAINS}
    return render_template("translate/language.html", lang=lang, lang_name=_name(lang),
                           rows=rows, banks=banks, form=form, files=files,
                           domains=DOMAIN_NAMES), status


@bp.get("/<lang>/")
@requires(Permission.BANKS)
def language(lang: str):
    return _language_page(_language(lang), UploadForm())


@bp.get("/<lang>/banks/<bank_id>")
@requires(Permission.BANKS)
def bank(lang: str, bank_id: str):
    lang = _language(lang)
    bank, path = _bank(bank_id)
    row = next((r for r in catalogs.coverage(source_dir(), [lang])
                if r.file == f"banks:{bank.id}"), None)
    node = compose_yaml(path.read_text("utf-8"), str(path))[1]
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path.name
    english = check_bank(bank, node, str(shown))
    translated = check_translation(bank, lang)
    return render_template("translate/bank.html", lang=lang, lang_name=_name(lang), bank=bank,
                           row=row, english=english, translated=translated)


# --- preview ----------------------------------------------------------------------------------

def _preview_args(bank: Bank) -> tuple[str, str, bool]:
    lang = request.args.get("language", "en")
    if lang not in current_app.config["LANGUAGES"]:
        lang = "en"
    qid = request.args.get("question") or bank.questions[0].id
    if bank.question(qid) is None:
        qid = bank.questions[0].id
    return lang, qid, request.args.get("variant") == "easy"


@bp.get("/preview/<bank_id>")
@requires(Permission.BANKS)
def preview(bank_id: str):
    bank, _path = _bank(bank_id)
    lang, qid, easy = _preview_args(bank)
    return render_template("translate/preview.html", bank=bank, preview_lang=lang, qid=qid,
                           easy=easy, name=_name,
                           languages_all=current_app.config["LANGUAGES"])


@bp.get("/phone/<bank_id>/<question_id>")
@requires(Permission.BANKS)
def phone(bank_id: str, question_id: str):
    """The phone page of one question, rendered with the phone's own template. It stores
    nothing, and its Content-Security-Policy stops it sending anything anywhere."""
    bank, _path = _bank(bank_id)
    q = bank.question(question_id)
    if q is None:
        abort(404)
    lang = request.args.get("language", "en")
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    easy = request.args.get("variant") == "easy"
    g.forced_language = lang
    refresh()  # the page language is the previewed one, not the translator's
    view = question_view(bank, q, easy, lang)
    form = view.form()
    ids = [x.id for x in bank.questions]
    fake = SimpleNamespace(resume_key="preview", easy_read=easy)
    html = render_template("translate/phone.html", response=fake, q=q, view=view, form=form,
                           position=ids.index(q.id) + 1, total=len(ids), previous=None,
                           change=False)
    response = current_app.make_response(html)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


# --- download and upload ----------------------------------------------------------------------

@bp.get("/<lang>/<domain>.po")
@requires(Permission.BANKS)
def download(lang: str, domain: str):
    lang = _language(lang)
    if domain not in catalogs.DOMAINS:
        abort(404)
    path = source_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="text/x-gettext-translation", as_attachment=True,
                     download_name=f"{domain}-{lang}.po", max_age=0)


_LANGUAGE_HEADER = re.compile(rb'^"Language: *([A-Za-z_-]*)\\n"', re.M)


def _extra_checks(raw: bytes, path: Path, lang: str, domain: str) -> list[catalogs.Problem]:
    """Checks an upload needs beyond ``compile``: the right language and the right file."""
    problems = []
    if m := _LANGUAGE_HEADER.search(raw):
        said = m.group(1).decode("ascii", "replace").replace("_", "-").split("-")[0].lower()
        if said and said != lang:
            line = raw[: m.start()].count(b"\n") + 1
            problems.append(catalogs.Problem(path.name, line, _(
                "the file is for language '%(said)s', not %(name)s (%(lang)s)",
                said=said, name=_name(lang), lang=lang)))
    cat = catalogs.read_catalog(path, locale=lang)
    messages = [m for m in cat if m.id]
    if not messages:
        problems.append(catalogs.Problem(path.name, 1, _("the file has no messages")))
        return problems
    # Babel pads missing plural forms with empty strings, so ``check_file`` cannot see a
    # translation with too few of them; count the msgstr[n] lines written in the file.
    where = catalogs.msg_lines(path)
    for m in messages:
        if m.pluralizable and any(m.string) and not all(m.string):
            given = sum(1 for s in m.string if s)
            problems.append(catalogs.Problem(
                path.name, where.get((m.context, m.id[0]), 1), ngettext(
                    "%(num)d plural form, expected %(expected)d for %(name)s",
                    "%(num)d plural forms, expected %(expected)d for %(name)s", given,
                    expected=cat.num_plurals, name=_name(lang)), "plural"))
    with_bank_context = sum(1 for m in messages if m.context and ":" in m.context)
    if domain == "banks" and with_bank_context < len(messages) / 2:
        problems.append(catalogs.Problem(path.name, 1, _(
            "this looks like interface text (messages.po), not question-bank text")))
    if domain == "messages" and with_bank_context > len(messages) / 2:
        problems.append(catalogs.Problem(path.name, 1, _(
            "this looks like question-bank text (banks.po), not interface text")))
    return problems


def _more_problems(found: list[catalogs.Problem], raw: bytes, path: Path, lang: str,
                   domain: str) -> list[catalogs.Problem]:
    """The upload's own checks, beside what ``compile`` found, so that every problem is listed
    at once (not the empty plural forms only after the placeholders are put right); none for a
    file that cannot be read, and no second line for a plural entry already reported."""
    if any(p.kind == "unreadable" for p in found):
        return []
    plural_lines = {p.line for p in found if p.kind == "plural"}
    return [p for p in _extra_checks(raw, path, lang, domain)
            if not (p.kind == "plural" and p.line in plural_lines)]


@bp.post("/<lang>/upload")
@requires(Permission.BANKS)
def upload(lang: str):
    lang = _language(lang)
    form = UploadForm()
    if not form.validate_on_submit():
        return _language_page(lang, form, 400)
    domain = form.domain.data
    raw = form.po_file.data.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        form.po_file.errors.append(_("The file is too big: it must be 1 MB or less"))
        return _language_page(lang, form, 400)
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # the byte-order mark Notepad puts first
    target = source_dir() / lang / "LC_MESSAGES" / f"{domain}.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=".po", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        problems = catalogs.check_file(tmp, lang)
        problems += _more_problems(problems, raw, tmp, lang, domain)
        if problems:
            for p in problems:
                reason = p.reason.replace(str(tmp), f"{domain}.po")
                form.po_file.errors.append(_("Line %(line)d: %(reason)s", line=p.line,
                                             reason=reason))
            return _language_page(lang, form, 400)
        _share((PO, po_name(lang, domain), raw))  # the database first, then this server's folder
    finally:
        tmp.unlink(missing_ok=True)
    reload_catalogs(source_dir(), lang)
    rows = [r for r in catalogs.coverage(source_dir(), [lang])
            if (r.file == "messages") == (domain == "messages")]
    flash(_("%(file)s for %(name)s is uploaded and in use: %(translated)s, %(missing)s, "
            "%(outdated)s.", file=f"{domain}.po", name=_name(lang),
            translated=ngettext("%(num)d translated", "%(num)d translated",
                                sum(r.translated for r in rows)),
            missing=ngettext("%(num)d missing", "%(num)d missing", sum(r.missing for r in rows)),
            outdated=ngettext("%(num)d outdated", "%(num)d outdated",
                              sum(r.outdated for r in rows))))
    return redirect(url_for(".language", lang=lang))


# --- importing an XLSForm ---------------------------------------------------------------------

MAX_FORM = 1536 * 1024  # under the app's 2 MB request limit


class XLSFormUploadForm(BaseForm):
    xlsform = FileField(
        _l("XLSForm file"),
        description=_l("An .xlsx or .xls form from KoboToolbox, ODK or Excel, up to 1.5 MB."),
        validators=[FileRequired(_l("Choose an XLSForm file to upload")),
                    FileAllowed(["xlsx", "xls"], _l("The file must be an .xlsx or .xls file")),
                    FileSize(MAX_FORM, message=_l("The file is too big: it must be 1.5 MB or "
                                                  "less"))])

    def validate_xlsform(self, field) -> None:
        """Unpacked size, sheets, rows and columns within bounds, before pyxform reads it."""
        from wtforms.validators import ValidationError

        from ..uploads import SpreadsheetRefused, check_spreadsheet

        data = field.data.read(MAX_FORM + 1)
        field.data.seek(0)
        try:
            check_spreadsheet(data, field.data.filename)
        except SpreadsheetRefused as refused:
            raise ValidationError(str(refused)) from refused


class XLSFormSaveForm(BaseForm):
    bank_id = StringField(
        _l("Bank id"), description=_l("Lowercase letters, digits, - and _; the bank file is "
                                      "named after it."),
        validators=[InputRequired(_l("Give the bank an id")),
                    Regexp(SLUG, message=_l("Use lowercase letters, digits, - and _ only, "
                                            "starting with a letter or digit")),
                    Length(max=64, message=_l("64 characters at most"))])
    # the version of the bank whose changes the person read before replacing it
    replace = HiddenField()


def _import_page(form: BaseForm, status: int = 200, **context):
    context.setdefault("known", catalogs.languages())
    return render_template("translate/import.html", form=form, **context), status


def _import_result(key: str, bank_id: str | None = None):
    """(the kept upload, the import result or None, the problems) for ``key``."""
    from ..banks.xlsform import XLSFormError, import_xlsform
    from ..translate.xlsform_import import kept_upload

    path = kept_upload(current_app.instance_path, key)
    if path is None:
        abort(404)
    try:
        return path, import_xlsform(path, bank_id), []
    except XLSFormError as exc:
        return path, None, exc.problems


@bp.get("/import")
@requires(Permission.BANKS)
def import_form():
    return _import_page(XLSFormUploadForm())


@bp.post("/import")
@requires(Permission.BANKS)
def import_upload():
    """Read the form and show what would be imported and what is left out; save nothing yet."""
    from ..translate.xlsform_import import keep_upload

    form = XLSFormUploadForm()
    if not form.validate_on_submit():
        return _import_page(form, 400)
    upload = form.xlsform.data
    key, _path = keep_upload(current_app.instance_path, upload.filename, upload.read())
    path, result, problems = _import_result(key)
    for problem in problems:
        form.xlsform.errors.append(problem)
    if result is None:
        return _import_page(form, 400, file=path.name)
    save = XLSFormSaveForm(bank_id=result.bank.id)
    return _import_page(save, key=key, file=path.name, result=result)


@bp.post("/import/<key>")
@requires(Permission.BANKS)
def import_save(key: str):
    """Save the bank the person has read the report of, under the id they chose; an id of a
    bank imported before is replaced as its next version once they have read what changes."""
    from ..services.banks import sync_banks
    from ..translate.xlsform_import import (
        FREE,
        IMPORTED,
        forget_upload,
        kept_upload,
        save_import,
    )

    if kept_upload(current_app.instance_path, key) is None:  # saved already, or too old
        flash(_("That upload is no longer here: it was saved, or it waited too long. Upload "
                "the form again."))
        return redirect(url_for(".import_form"))
    form = XLSFormSaveForm()
    valid = form.validate_on_submit()
    path, result, _problems = _import_result(key, form.bank_id.data if valid else None)
    if result is None:
        abort(400)  # the same file imported a moment ago
    banks_dir = Path(current_app.config["BANKS_PATH"])
    origin = _origin(result.bank.id, banks_dir) if valid else FREE
    if origin == IMPORTED:
        return _import_replace(form, key, path, result, banks_dir)
    if origin != FREE:
        form.bank_id.errors.append(_("%(id)s is a bank that comes with reviewkit: it is kept "
                                     "in its YAML file and cannot be replaced by a form. "
                                     "Choose another id", id=result.bank.id))
        valid = False
    if not valid:
        return _import_page(form, 400, key=key, file=path.name, result=result)
    target, saved = save_import(result, banks_dir, source_dir(), path.name)
    sync_banks([target])
    # the bank file and its translations, for every server
    _share((BANK, target.name, target.read_bytes()),
           *((PO, po_name(lang, "banks"), (source_dir() / po_name(lang, "banks")).read_bytes())
             for lang in saved))
    reload_catalogs(source_dir())
    forget_upload(current_app.instance_path, key)
    flash(_saved_message(result.bank.id, len(result.bank.questions), len(result.skipped),
                         len(saved)))
    return redirect(url_for(".index"))


def _origin(bank_id: str, banks_dir: Path) -> str:
    """FREE, SHIPPED or IMPORTED (see ``bank_origin``); a bank in the folder that the loader
    reads is never FREE."""
    from ..translate.xlsform_import import FREE, SHIPPED, bank_origin

    origin = bank_origin(bank_id, banks_dir)
    return SHIPPED if origin == FREE and bank_id in _banks() else origin


def _saved_message(bank_id: str, questions: int, skipped: int, langs: int) -> str:
    """The flash after saving, each count in its own plural form."""
    return " ".join((
        _("%(bank)s is saved:", bank=bank_id),
        ngettext("%(num)d question,", "%(num)d questions,", questions),
        ngettext("%(num)d row left out,", "%(num)d rows left out,", skipped),
        ngettext("translations in %(num)d language.", "translations in %(num)d languages.",
                 langs)))


def _import_replace(form: XLSFormSaveForm, key: str, path: Path, result, banks_dir: Path):
    """Show what replacing the imported bank changes; replace it once the person confirms
    against the version they read the changes of."""
    from ..translate.xlsform_import import (
        ReplaceRefused,
        forget_upload,
        replacement,
        save_replacement,
    )

    bank_id = result.bank.id
    changes, _bank = replacement(result, bank_id)
    page = {"key": key, "file": path.name, "result": result, "changes": changes}
    if form.replace.data != str(changes.replaces) or changes.same:
        return _import_page(form, 200, **page)  # the confirmation step: nothing saved yet
    try:
        replaced = save_replacement(result, bank_id, changes.replaces, banks_dir, source_dir(),
                                    path.name)
    except ReplaceRefused as refused:
        why = {"moved": _("it was replaced through another page a moment ago; read what "
                          "changes again"),
               "shipped": _("it comes with reviewkit"),
               "same": _("the form gives the questions it has already")}.get(str(refused),
                                                                          str(refused))
        form.bank_id.errors.append(_("%(id)s cannot be replaced with this form: %(why)s",
                                     id=bank_id, why=why))
        return _import_page(form, 400, **page)
    _share(*replaced.files)
    reload_catalogs(source_dir())
    forget_upload(current_app.instance_path, key)
    flash(_("%(bank)s is replaced: version %(new)d is in use for new answers; answers already "
            "given stay with version %(old)d.", bank=bank_id, new=changes.version,
            old=changes.replaces))
    flash(_saved_message(bank_id, len(result.bank.questions), len(result.skipped),
                         len(replaced.saved)))
    if replaced.outdated:
        flash(ngettext("%(num)d translation is marked outdated for the translators.",
                       "%(num)d translations are marked outdated for the translators.",
                       sum(replaced.outdated.values())))
    return redirect(url_for(".index"))
