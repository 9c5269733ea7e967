"""An XLSForm imported from the translator's pages: the uploaded file is kept (in the instance
folder, under a random key) while the person reads the import report; nothing else is written
until they confirm. Saving writes the bank to the banks folder and every language reviewkit has
into ``<translations>/<lang>/LC_MESSAGES/banks.po``, each file replaced atomically."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.utils import secure_filename

from ..banks.schema import Bank
from ..banks.xlsform import ImportResult
from ..banks.xlsform_export import bank_yaml
from ..services.saved_files import IMPORT_HEADER, write_file
from . import catalogs
from .extract import iter_bank_messages

KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


def _folder(instance: Path) -> Path:
    return Path(instance) / "xlsform-imports"


def keep_upload(instance: Path, filename: str, data: bytes) -> tuple[str, Path]:
    """Keep an uploaded form until it is saved or a day has passed; returns (key, path)."""
    folder = _folder(instance)
    for old in folder.glob("*") if folder.exists() else []:
        if time.time() - old.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    key = secrets.token_urlsafe(24)
    name = secure_filename(filename) or "form.xlsx"
    path = folder / key / name
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return key, path


def kept_upload(instance: Path, key: str) -> Path | None:
    if not KEY.match(key or ""):
        return None
    files = sorted((_folder(instance) / key).glob("*"))
    return files[0] if files else None


def forget_upload(instance: Path, key: str) -> None:
    if KEY.match(key or ""):
        shutil.rmtree(_folder(instance) / key, ignore_errors=True)


def save_import(result: ImportResult, banks_dir: Path, translations_dir: Path,
                source_name: str) -> tuple[Path, dict[str, int]]:
    """Write the bank and merge its translations; returns the bank file and the number of
    translations saved per language. Languages reviewkit does not have are not saved."""
    bank = result.bank
    target = Path(banks_dir) / f"{bank.id}.yaml"
    header = (IMPORT_HEADER.format(source=source_name)
              + "# Check the easy read and pictograms; schema: docs/question-banks.md.\n")
    write_file(target, (header + bank_yaml(bank)).encode("utf-8"))
    saved: dict[str, int] = {}
    messages = [(ctx, english, comments)
                for _l, _f, (ctx, english), comments in iter_bank_messages(bank, None)]
    for lang, texts in sorted(result.translations.items()):
        if lang not in catalogs.languages():
            continue
        po = Path(translations_dir) / lang / "LC_MESSAGES" / "banks.po"
        cat = _banks_catalog(po, lang)
        for context, english, comments in messages:
            key = context.split(":", 1)[1]
            if key in texts:
                cat.add(english, texts[key], auto_comments=comments, context=context,
                        user_comments=[f"imported from {source_name}"])
                saved[lang] = saved.get(lang, 0) + 1
        write_file(po, catalogs.render(cat))
    return target, saved


# --- replacing an imported bank with its form's next version ------------------------------------
# KoboToolbox's "Replace form": the same bank id, a new version (BankVersion), so answers given
# on an earlier version stay with the questions they answered. Bank text follows the rules of a
# new version of a shipped bank: a text whose English is unchanged keeps its translation, one
# whose English changed keeps it marked fuzzy (outdated) with the English it was translated
# from, unless the new form brings its own translation; texts that went away become obsolete.

FREE, SHIPPED, IMPORTED = "free", "shipped", "imported"


def bank_origin(bank_id: str, banks_dir: Path) -> str:
    """FREE: no bank has this id; IMPORTED: a bank imported from a form on the translator pages
    or with ``--replace`` (here or through another server); SHIPPED: any other bank (shipped
    with reviewkit, or put in the banks folder by hand), maintained in its YAML file."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import SavedFile
    from ..services.banks import latest_version
    from ..services.saved_files import BANK, imported_file

    path = Path(banks_dir) / f"{bank_id}.yaml"
    frozen = latest_version(bank_id) is not None
    if path.exists():
        # an imported file not frozen yet (`reviewkit init` not run) has no version to follow
        return IMPORTED if frozen and imported_file(path.read_bytes()) else SHIPPED
    if frozen and db.session.scalar(select(SavedFile.id).filter_by(kind=BANK, name=path.name)):
        return IMPORTED
    return SHIPPED if frozen else FREE


@dataclass
class Changes:
    """What replacing version ``replaces`` of a bank with a new form changes."""

    bank_id: str
    replaces: int
    version: int
    added: list[tuple[str, str]] = field(default_factory=list)       # (question id, text)
    removed: list[tuple[str, str]] = field(default_factory=list)     # (question id, text)
    reworded: list[tuple[str, str, str]] = field(default_factory=list)  # (id, was, now)
    other: int = 0  # titles, sections, choices, easy read, help, types, conditions
    same: bool = False  # the new form gives the bank it has already


def _wording(q) -> tuple:
    return (q.text, q.easy_read, q.help, q.easy_read_help, q.prompt,
            tuple((c.value, c.label, c.easy_read) for c in q.choices))


def compare(old: Bank, new: Bank, replaces: int) -> Changes:
    changes = Changes(old.id, replaces, replaces + 1)
    before = {q.id: q for q in old.questions}
    after = {q.id: q for q in new.questions}
    changes.added = [(q.id, q.text) for q in new.questions if q.id not in before]
    changes.removed = [(q.id, q.text) for q in old.questions if q.id not in after]
    for qid, q in after.items():
        was = before.get(qid)
        if was is None:
            continue
        if was.text != q.text:
            changes.reworded.append((qid, was.text, q.text))
        elif _wording(was) != _wording(q):
            changes.other += 1
        elif was.model_dump(mode="json") != q.model_dump(mode="json"):
            changes.other += 1
    rest = ("title", "easy_read_title", "description", "language", "purpose")
    changes.other += sum(getattr(old, k) != getattr(new, k) for k in rest)
    changes.other += [(s.id, s.title, s.easy_read, s.intro) for s in old.sections] != [
        (s.id, s.title, s.easy_read, s.intro) for s in new.sections]
    old_dump = old.model_dump(mode="json") | {"version": 0}
    changes.same = old_dump == new.model_dump(mode="json") | {"version": 0}
    return changes


def replacement(result: ImportResult, bank_id: str) -> tuple[Changes, Bank]:
    """The changes from the latest version of ``bank_id`` to the imported form, and the bank
    as it would be saved (``bank_id``, the next version number)."""
    from ..services.banks import latest_version

    latest = latest_version(bank_id)
    if latest is None:
        raise LookupError(bank_id)
    data = result.bank.model_dump(mode="json") | {"id": bank_id, "version": latest.version + 1}
    new = Bank.model_validate(data)
    return compare(latest.bank, new, latest.version), new


class ReplaceRefused(Exception):
    """The replacement is not saved; nothing of it was written."""


def _merge_bank_texts(cat: catalogs.PoCatalog, bank: Bank, texts: dict[str, str],
                      source_name: str) -> tuple[int, int]:
    """Put ``bank``'s texts into ``cat`` (one language's banks.po) by the rules above; returns
    (translations from the form, translations marked outdated)."""
    prefix = f"{bank.id}:"
    old = {m.context: m for m in cat if m.id and (m.context or "").startswith(prefix)}
    for m in old.values():
        cat.delete(m.id, context=m.context)
    saved = outdated = 0
    seen: set[str] = set()
    for _line, _func, (context, english), comments in iter_bank_messages(bank, None):
        seen.add(context)
        key = context.split(":", 1)[1]
        hit = old.get(context)
        if texts.get(key):
            cat.add(english, texts[key], auto_comments=comments, context=context,
                    user_comments=[f"imported from {source_name}"])
            saved += 1
        elif hit is not None and hit.string and hit.id == english:
            cat.add(english, hit.string, auto_comments=comments, context=context,
                    user_comments=list(hit.user_comments), flags=set(hit.flags),
                    previous_id=list(hit.previous_id))
        elif hit is not None and hit.string:
            cat.add(english, hit.string, auto_comments=comments, context=context,
                    user_comments=list(hit.user_comments), flags=set(hit.flags) | {"fuzzy"},
                    previous_id=[hit.id] if isinstance(hit.id, str) else list(hit.id))
            outdated += 1
        else:
            cat.add(english, "", auto_comments=comments, context=context)
    for context, m in old.items():
        if context not in seen and m.string:
            cat.obsolete[cat._key_for(m.id, m.context)] = m
    return saved, outdated


@dataclass
class Replaced:
    target: Path
    files: list[tuple[str, str, bytes]]  # (kind, name, content) to share with other servers
    saved: dict[str, int]  # translations from the form, per language
    outdated: dict[str, int]  # translations marked outdated, per language


def save_replacement(result: ImportResult, bank_id: str, replaces: int, banks_dir: Path,
                     translations_dir: Path, source_name: str) -> Replaced:
    """Save the imported form as the next version of the imported bank ``bank_id``, whose
    latest version the person saw the changes from was ``replaces``. Everything is built and
    checked first; a refusal (:class:`ReplaceRefused`) writes nothing."""
    from sqlalchemy.exc import IntegrityError

    from ..banks.loader import BankError, parse_bank
    from ..extensions import db
    from ..models import BankVersion
    from ..services.banks import bank_checksum
    from ..services.saved_files import BANK, PO, po_name

    if bank_origin(bank_id, banks_dir) != IMPORTED:
        raise ReplaceRefused("shipped")
    changes, bank = replacement(result, bank_id)
    if changes.replaces != replaces:
        raise ReplaceRefused("moved")
    if changes.same:
        raise ReplaceRefused("same")
    text = (IMPORT_HEADER.format(source=source_name)
            + "# Check the easy read and pictograms; schema: docs/question-banks.md.\n"
            + bank_yaml(bank))
    try:
        parse_bank(text, f"{bank_id}.yaml")  # the loader's checks, as `reviewkit init` makes
    except BankError as exc:
        raise ReplaceRefused("; ".join(p.reason for p in exc.problems)) from None
    files: list[tuple[str, str, bytes]] = [(BANK, f"{bank_id}.yaml", text.encode("utf-8"))]
    saved: dict[str, int] = {}
    outdated: dict[str, int] = {}
    for lang in catalogs.languages():
        po = Path(translations_dir) / po_name(lang, "banks")
        cat = _banks_catalog(po, lang)
        saved[lang], outdated[lang] = _merge_bank_texts(
            cat, bank, result.translations.get(lang, {}), source_name)
        files.append((PO, po_name(lang, "banks"), catalogs.render(cat)))
    db.session.add(BankVersion(bank_id=bank.id, version=bank.version, title=bank.title,
                               checksum=bank_checksum(bank), content=bank.model_dump(mode="json")))
    try:
        db.session.commit()
    except IntegrityError:  # replaced through another server a moment ago
        db.session.rollback()
        raise ReplaceRefused("moved") from None
    target = Path(banks_dir) / f"{bank_id}.yaml"
    for _kind, name, data in files:
        write_file(target if name == target.name else Path(translations_dir) / name, data)
    return Replaced(target, files, {k: v for k, v in saved.items() if v},
                    {k: v for k, v in outdated.items() if v})


def _banks_catalog(po: Path, lang: str):
    """The language's banks catalogue: the file's, or a new empty one with its plural forms."""
    if po.exists():
        return catalogs.read_catalog(po, locale=lang)
    cat = catalogs.PoCatalog(locale=lang, domain="banks", project="reviewkit", fuzzy=False)
    cat.set_plural_forms(lang)
    return cat
