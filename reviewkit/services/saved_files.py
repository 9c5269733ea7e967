"""Files saved through one app server that every server needs in its own folder, shared through
the database: the translator pages' PO files (kind ``po``, in translations/) and the question
banks imported from an XLSForm there (kind ``bank``, in REVIEWKIT_BANKS_PATH). A save is stored
here first (the shared copy), then written to the saving server's folder; every other server
notices the higher version within a few seconds and writes the file to its own folder (see
``reviewkit.web.translate``). A server started later writes every stored file at its first
request. Shipped banks are not stored: each release brings its own.

A PO file saved under another reviewkit release is not written: a new release's own PO files
(with its new messages) are served until a translator saves again. A bank is written whatever
the release, but never over a different file of its name that the translator pages did not
import (a shipped bank, or one put there by hand): that file stays, and a warning is logged."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SavedFile
from ..models.base import utcnow
from ..version import __version__

PO, BANK = "po", "bank"
# The first line of a bank imported on the translator pages: such a file may be replaced by a
# stored one of its name; any other file of that name may not.
IMPORT_HEADER = "# Imported from {source} on the translator's pages.\n"
_IMPORTED = re.compile(rb"# Imported from .* on the translator's pages\.\r?\n")


def imported_file(content: bytes) -> bool:
    """Whether a bank file's bytes are those of a bank imported from a form (replaceable)."""
    return bool(_IMPORTED.match(content))


def po_name(lang: str, domain: str) -> str:
    """Where the PO file of ``lang`` and ``domain`` is in the translations folder."""
    return f"{lang}/LC_MESSAGES/{domain}.po"


def store(kind: str, name: str, data: bytes, user_id: int | None) -> int:
    """Keep ``data`` as the file ``name`` of ``kind`` for every server, under a new version
    higher than any stored; returns that version (committed)."""
    for _attempt in range(3):  # two saves at once: one takes the number, the other the next
        version = newest_version() + 1
        row = db.session.scalar(select(SavedFile).filter_by(kind=kind, name=name))
        if row is None:
            row = SavedFile(kind=kind, name=name)
            db.session.add(row)
        row.content = data
        row.version, row.saved_at, row.saved_by_id = version, utcnow(), user_id
        row.release = __version__
        try:
            db.session.commit()
            return version
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not number the saved file")


def newest_version() -> int:
    """The highest version stored (0: nothing saved yet)."""
    return db.session.scalar(select(func.max(SavedFile.version))) or 0


def write_newer(folders: dict[str, Path], since: int) -> tuple[int, set[str]]:
    """Write every file stored with a version above ``since`` into the folder of its kind,
    each replaced whole so a reader sees the old file or the new one. Returns the highest
    version looked at (``since`` when none is higher) and the kinds of the files written."""
    rows = db.session.execute(select(SavedFile.kind, SavedFile.name, SavedFile.version,
                                     SavedFile.release, SavedFile.content)
                              .where(SavedFile.version > since)
                              .order_by(SavedFile.version)).all()
    written: set[str] = set()
    for kind, name, version, release, content in rows:
        since = max(since, version)
        target = _target(folders.get(kind), name)
        if target is not None and _wanted(kind, release, target, content):
            write_file(target, content)
            written.add(kind)
    return since, written


def _target(folder: Path | None, name: str) -> Path | None:
    """``name`` in ``folder``; None for a kind this release has no folder for, or a name that
    would leave the folder."""
    path = PurePosixPath(name)
    if folder is None or path.is_absolute() or ".." in path.parts:
        return None
    return Path(folder, *path.parts)


def _wanted(kind: str, release: str, target: Path, content: bytes) -> bool:
    if kind == PO and release != __version__:
        return False  # that release's own PO file, with its new messages, is served here
    if not target.exists():
        return True
    here = target.read_bytes()
    if here == content:
        return False
    if kind == BANK and not _IMPORTED.match(here):
        current_app.logger.warning(
            "%s is not written over with the bank imported through another server: it was "
            "not imported on the translator pages (a shipped bank, or put there by hand)",
            target)
        return False
    return True


def write_file(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` at once (a temporary file beside it, then renamed), so
    a reader sees the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".saved-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).replace(target)
    finally:
        Path(tmp).unlink(missing_ok=True)
