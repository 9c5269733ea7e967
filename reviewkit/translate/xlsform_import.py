"""An XLSForm imported from the translator's pages: the uploaded file is kept (in the instance
folder, under a random key) while the person reads the import report; nothing else is written
until they confirm. Saving writes the bank to the banks folder and every language reviewkit has
into ``<translations>/<lang>/LC_MESSAGES/banks.po``, each file replaced atomically."""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from werkzeug.utils import secure_filename

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
        if po.exists():
            cat = catalogs.read_catalog(po, locale=lang)
        else:
            cat = catalogs.PoCatalog(locale=lang, domain="banks", project="reviewkit",
                                     fuzzy=False)
            cat.set_plural_forms(lang)
        for context, english, comments in messages:
            key = context.split(":", 1)[1]
            if key in texts:
                cat.add(english, texts[key], auto_comments=comments, context=context,
                        user_comments=[f"imported from {source_name}"])
                saved[lang] = saved.get(lang, 0) + 1
        write_file(po, catalogs.render(cat))
    return target, saved
