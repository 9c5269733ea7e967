"""The translator pages' saved PO files, shared through the database. A save is stored here
first (the shared copy), then written to the saving server's translations folder; every other
server notices the higher version within a few seconds and writes the file to its own folder
and compiles it (see ``reviewkit.web.translate``). A server started later writes every stored
file at its first request. Files saved under another reviewkit release are not written: a new
release's own PO files (with its new messages) are served until a translator saves again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SavedCatalog
from ..models.base import utcnow
from ..version import __version__


def store(lang: str, domain: str, data: bytes, user_id: int | None) -> int:
    """Keep ``data`` as the PO file of ``lang`` and ``domain`` for every server, under a new
    version higher than any stored; returns that version (committed)."""
    for _attempt in range(3):  # two saves at once: one takes the number, the other the next
        version = (db.session.scalar(select(func.max(SavedCatalog.version))) or 0) + 1
        row = db.session.scalar(select(SavedCatalog).filter_by(lang=lang, domain=domain))
        if row is None:
            row = SavedCatalog(lang=lang, domain=domain)
            db.session.add(row)
        row.content = data
        row.version, row.saved_at, row.saved_by_id = version, utcnow(), user_id
        row.release = __version__
        try:
            db.session.commit()
            return version
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not number the saved translation file")


def newest_version() -> int:
    """The highest version stored (0: nothing saved from the translator pages yet)."""
    return db.session.scalar(select(func.max(SavedCatalog.version))) or 0


def write_newer(source: Path, since: int) -> int:
    """Write every file stored with a version above ``since`` by this reviewkit release into
    ``source`` (``<lang>/LC_MESSAGES/<domain>.po``), each replaced whole so a reader sees the
    old file or the new one; returns the highest version looked at (``since`` when none is
    higher). Files saved under another release are left: that release's own files, with their
    new messages, are served until a translator merges and saves again."""
    rows = db.session.execute(select(SavedCatalog.lang, SavedCatalog.domain,
                                     SavedCatalog.version, SavedCatalog.release,
                                     SavedCatalog.content)
                              .where(SavedCatalog.version > since)
                              .order_by(SavedCatalog.version)).all()
    for lang, domain, version, release, content in rows:
        target = source / lang / "LC_MESSAGES" / f"{domain}.po"
        if release == __version__ and not (target.exists() and target.read_bytes() == content):
            write_file(target, content)
        since = max(since, version)
    return since


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
