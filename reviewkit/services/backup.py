"""Backups: ``reviewkit backup OUT`` and ``reviewkit restore IN``.

One archive file (``.tar.gz``, made readable by its owner only) holds:

- ``manifest.json``: the archive's format, reviewkit's version, the database's kind and
  migration (Alembic revision), when it was made, and the SHA-256 and size of every other file;
- ``database.sqlite3``: SQLite's own online backup (``sqlite3.Connection.backup``), a consistent
  copy taken while the app goes on serving (WAL mode: readers and writers are not stopped); or
  ``database.pgdump``: ``pg_dump --format=custom`` of the PostgreSQL database;
- ``instance/``: the instance files that matter: the secret key (when it is kept there rather
  than in ``REVIEWKIT_SECRET_KEY``) and XLSForm uploads waiting to be saved;
- ``banks/`` and ``translations/``: the question bank files and the PO files (translators' work
  saved from the translation pages lands there).

Not kept: ``huey.db`` (the job queue and job progress: safe to lose, a job is asked for again),
``locale/`` (compiled from the PO files at start-up).

Restoring checks the manifest and every checksum before touching anything, refuses a backup of
another kind of database or from a newer migration than this code knows, refuses to overwrite a
database that holds data unless forced, then runs the migrations up to this code's newest.
Question bank and translation files are put back only when asked for: after an upgrade of
reviewkit the shipped ones are newer than a backup's. People and names erased on request in the
database that is replaced are erased again in the restored one (:mod:`.erasures`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..extensions import db
from . import erasures
from .clock import Refused

FORMAT = "reviewkit-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
INSTANCE_FILES = ("secret_key",)
INSTANCE_FOLDERS = ("xlsform-imports",)
# Rows a fresh install has after 'reviewkit init': restoring over them loses nothing.
FRESH_TABLES = {"alembic_version", "bank_version"}
ALLOWED = re.compile(
    r"^(database\.sqlite3|database\.pgdump|instance/secret_key"
    r"|instance/xlsform-imports/[A-Za-z0-9_-]{1,64}/[^/]{1,255}"
    r"|banks/[^/]{1,255}\.yaml|translations/[A-Za-z_]{2,16}/LC_MESSAGES/[^/]{1,255}\.po)$")


class BackupError(Refused):
    """A backup or restore that cannot go ahead, with a message for a person."""

    def __init__(self, message) -> None:
        super().__init__("backup", message)


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    size: int


@dataclass
class RestoreResult:
    manifest: dict
    upgraded_to: str | None = None  # the newest migration, when the backup was older
    files: list[str] = field(default_factory=list)  # instance, bank and translation files written
    differing: list[str] = field(default_factory=list)  # bank/translation files left as they are
    erasures: erasures.Reapplied = field(default_factory=erasures.Reapplied)  # made again
    replaced_data: bool = False  # the database replaced held data (its erasures were read)


# ---------------------------------------------------------------------------- the database


def _plain_database_errors(func: Callable) -> Callable:
    """A database that cannot be reached (down, wrong password) is a sentence, not a trace."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except OperationalError as exc:
            url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
            reason = str(exc.orig or exc).strip().splitlines()[0]
            if url.password:
                reason = reason.replace(str(url.password), "***")
            raise BackupError(_l("The database %(db)s could not be used: %(reason)s",
                                 db=url.database, reason=reason)) from None

    return wrapper


def database_kind() -> str:
    name = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(_l("reviewkit backs up SQLite and PostgreSQL databases, not %(kind)s.",
                             kind=name))
    return name


def _sqlite_path() -> Path:
    database = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database
    if not database or database == ":memory:":
        raise BackupError(_l("The database is kept in memory only: there is nothing to back up."))
    return Path(database)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def tables_with_data() -> list[str]:
    """The tables of the app's database holding rows a fresh install does not have."""
    engine = db.engine
    names = [t for t in inspect(engine).get_table_names() if t not in FRESH_TABLES]
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect() as conn:
        return [t for t in names if conn.execute(text(f"SELECT 1 FROM {quote(t)} LIMIT 1")).first()]


def _sqlite_backup(source: Path, target: Path) -> str:
    """An online copy of ``source`` (consistent even while the app writes); returns its
    migration."""
    if not source.exists():
        raise BackupError(_l("There is no database at %(path)s yet: run 'reviewkit init' first.",
                             path=str(source)))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # all pages in one step: one read snapshot in WAL mode
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_l("The copy of the database failed SQLite's check: the database "
                                 "may be damaged. Nothing was written."))
        return _sqlite_revision(dst)
    except sqlite3.DatabaseError as exc:
        raise BackupError(_l("The database could not be copied: %(reason)s.",
                             reason=str(exc))) from None
    finally:
        src.close()
        dst.close()


def _sqlite_revision(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    if not row:
        raise BackupError(_l("The database has no tables yet: run 'reviewkit init' first."))
    return row[0]


def _sqlite_restore(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(_l("The backup's database failed SQLite's check: it is damaged."))
        with dst:
            src.backup(dst)  # replaces every page, under SQLite's own locks
    except sqlite3.DatabaseError as exc:
        raise BackupError(_l("The database could not be restored: %(reason)s.",
                             reason=str(exc))) from None
    finally:
        src.close()
        dst.close()


# ---------------------------------------------------------------------------- PostgreSQL


@dataclass
class _Postgres:
    """How to reach the app's database with libpq's tools; the password goes in the
    environment (never on a command line, never printed)."""

    dsn: str
    env: dict
    password: str | None
    shown: str

    @classmethod
    def from_config(cls) -> _Postgres:
        url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        plain = url.set(drivername="postgresql", password=None)
        shown = f"{url.database} on {url.host or 'localhost'}"
        return cls(plain.render_as_string(hide_password=False), env,
                   str(url.password) if url.password else None, shown)

    def tool(self, name: str) -> str:
        found = shutil.which(name)
        if not found:
            raise BackupError(_l(
                "%(tool)s was not found: install PostgreSQL's client tools, of the same major "
                "version as the database server or newer (on Debian and Ubuntu: apt install "
                "postgresql-client), and run this again.", tool=name))
        return found

    def run(self, args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(args, env=self.env, capture_output=True, text=True, check=False)

    def reason(self, stderr: str) -> str:
        """The tool's own error, without its name prefix or any password."""
        lines = [line for line in stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()] or lines or ["no reason given"]
        reason = re.sub(r"^\S*pg_(dump|restore): (error: )?", "", errors[0]).strip()
        return reason.replace(self.password, "***") if self.password else reason


def _pg_version(tool: str) -> str:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+(?:\.\d+)*)", out)
    return match.group(1) if match else "?"


def _pg_dump(target: Path) -> dict:
    pg = _Postgres.from_config()
    tool = pg.tool("pg_dump")
    with db.engine.connect() as conn:
        server = conn.execute(text("SHOW server_version")).scalar()
        try:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except ProgrammingError:  # no such table: the database was never set up
            revision = None
    if not revision:
        raise BackupError(_l("The database has no tables yet: run 'reviewkit init' first."))
    done = pg.run([tool, "--format=custom", "--file", str(target), "--dbname", pg.dsn])
    if done.returncode != 0:
        if "version mismatch" in done.stderr:
            raise BackupError(_l(
                "pg_dump %(client)s cannot back up a PostgreSQL %(server)s server: install the "
                "client tools of version %(major)s or newer (on Debian and Ubuntu: apt install "
                "postgresql-client-%(major)s) and run this again.",
                client=_pg_version(tool), server=server, major=str(server).split(".")[0]))
        raise BackupError(_l("pg_dump could not back up the database %(db)s: %(reason)s",
                             db=pg.shown, reason=pg.reason(done.stderr)))
    return {"revision": revision, "server_version": server}


def _pg_restore(source: Path) -> None:
    pg = _Postgres.from_config()
    tool = pg.tool("pg_restore")
    _drop_tables()  # a table this dump lacks would stop the migrations after it
    done = pg.run([tool, "--no-owner", "--no-privileges", "--clean", "--if-exists",
                   "--single-transaction", "--exit-on-error", "--dbname", pg.dsn, str(source)])
    if done.returncode != 0:
        if "unsupported version" in done.stderr:
            raise BackupError(_l(
                "This backup was written by a newer pg_dump than this machine's pg_restore "
                "(%(client)s): install newer PostgreSQL client tools and run this again.",
                client=_pg_version(tool)))
        raise BackupError(_l("pg_restore could not restore into the database %(db)s: "
                             "%(reason)s", db=pg.shown, reason=pg.reason(done.stderr)))


def _drop_tables() -> None:
    engine = db.engine
    names = inspect(engine).get_table_names()
    if names:
        quote = engine.dialect.identifier_preparer.quote
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(map(quote, names))
                              + " CASCADE"))
    engine.dispose()


# ---------------------------------------------------------------------------- files


def _translations_dir() -> Path:
    from ..web.translate import source_dir

    return source_dir()


def _file_sources() -> list[tuple[str, Path]]:
    """(name in the archive, file on disk) for every file kept beside the database."""
    instance = Path(current_app.instance_path)
    found: list[tuple[str, Path]] = []
    for name in INSTANCE_FILES:
        if (instance / name).is_file():
            found.append((f"instance/{name}", instance / name))
    for folder in INSTANCE_FOLDERS:
        for path in sorted((instance / folder).glob("*/*")):
            if path.is_file():
                found.append((f"instance/{path.relative_to(instance).as_posix()}", path))
    for path in sorted(Path(current_app.config["BANKS_PATH"]).glob("*.yaml")):
        found.append((f"banks/{path.name}", path))
    translations = _translations_dir()
    for path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        found.append((f"translations/{path.relative_to(translations).as_posix()}", path))
    return [(name, path) for name, path in found if ALLOWED.match(name)]


def _destination(name: str) -> Path:
    top, rest = name.split("/", 1)
    if top == "instance":
        return Path(current_app.instance_path) / rest
    if top == "banks":
        return Path(current_app.config["BANKS_PATH"]) / rest
    return _translations_dir() / rest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (a temporary file moved into place), owner-only when
    it is the secret key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".restore-", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    if path.name != "secret_key":
        os.chmod(tmp, 0o644)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- backup


@_plain_database_errors
def make_backup(out: Path) -> BackupResult:
    """Write a backup of the app's database and files to ``out`` (a .tar.gz)."""
    out = Path(out)
    if not out.name.endswith((".tar.gz", ".tgz")):
        raise BackupError(_l("The backup's file name must end in .tar.gz."))
    if not out.parent.is_dir():
        raise BackupError(_l("There is no folder %(path)s.", path=str(out.parent)))
    kind = database_kind()
    try:
        staging = Path(tempfile.mkdtemp(prefix=".reviewkit-backup-", dir=out.parent))
    except OSError as exc:
        raise BackupError(_l("%(path)s could not be written: %(reason)s.", path=str(out),
                             reason=exc.strerror or str(exc))) from None
    try:
        os.chmod(staging, 0o700)
        database: dict = {"kind": kind}
        if kind == "sqlite":
            database["file"] = SQLITE_FILE
            database["revision"] = _sqlite_backup(_sqlite_path(), staging / SQLITE_FILE)
        else:
            database["file"] = PG_FILE
            database.update(_pg_dump(staging / PG_FILE))
        for name, source in _file_sources():
            copy = staging / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(source, copy)
            except FileNotFoundError:  # an upload saved or expired meanwhile
                continue
        names = [database["file"]] + sorted(
            p.relative_to(staging).as_posix() for p in staging.rglob("*")
            if p.is_file() and p.name != database["file"])
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "reviewkit_version": _version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database,
            "files": {name: {"sha256": _sha256(staging / name),
                             "size": (staging / name).stat().st_size} for name in names},
        }
        fd, part = tempfile.mkstemp(prefix=".reviewkit-backup-", suffix=".part", dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:gz") as tar:
                raw = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(raw), int(datetime.now().timestamp())
                tar.addfile(_private(info), io.BytesIO(raw))
                for name in names:
                    tar.add(staging / name, arcname=name, recursive=False, filter=_private)
            os.replace(part, out)  # owner-only (mkstemp): it holds personal data and the key
        finally:
            Path(part).unlink(missing_ok=True)
    except OSError as exc:
        raise BackupError(_l("%(path)s could not be written: %(reason)s.", path=str(out),
                             reason=exc.strerror or str(exc))) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(out, manifest, out.stat().st_size)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("reviewkit")
    except PackageNotFoundError:
        from ..version import __version__

        return __version__


# ---------------------------------------------------------------------------- restore


def read_backup(path: Path, staging: Path) -> dict:
    """Check ``path``'s manifest and checksums, unpacking its files into ``staging``; returns
    the manifest. Nothing outside ``staging`` is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_l("There is no file %(path)s.", path=str(path)))
    not_a_backup = BackupError(_l("%(path)s is not a reviewkit backup (it could not be read as "
                                  "a .tar.gz file with a manifest).", path=str(path)))
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            members = tar.getmembers()
            if not members or members[0].name != MANIFEST or not members[0].isfile():
                raise not_a_backup
            manifest = _checked_manifest(tar.extractfile(members[0]).read(), path)
            expected = manifest["files"]
            seen = set()
            for member in members[1:]:
                if member.name not in expected or not member.isfile() or member.name in seen:
                    raise BackupError(_l("%(path)s holds a file its manifest does not list "
                                         "(%(name)s): it is not a backup reviewkit made.",
                                         path=str(path), name=member.name))
                seen.add(member.name)
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with tar.extractfile(member) as src, target.open("wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        digest.update(block)
                        size += len(block)
                        dst.write(block)
                want = expected[member.name]
                if digest.hexdigest() != want["sha256"] or size != want["size"]:
                    raise BackupError(_l("%(name)s in %(path)s does not match its checksum: "
                                         "the backup is damaged or was changed.",
                                         name=member.name, path=str(path)))
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(_l("%(path)s lacks files its manifest lists (%(names)s): the "
                                     "backup is incomplete.", path=str(path),
                                     names=", ".join(missing)))
    except (tarfile.TarError, EOFError, zlib.error, json.JSONDecodeError, UnicodeDecodeError):
        raise not_a_backup from None
    return manifest


def _checked_manifest(raw: bytes, path: Path) -> dict:
    manifest = json.loads(raw)
    broken = BackupError(_l("The manifest of %(path)s is incomplete: it is not a backup "
                            "reviewkit made.", path=str(path)))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise broken
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_l("%(path)s was made by a newer reviewkit (%(version)s): upgrade "
                             "reviewkit to restore it.", path=str(path),
                             version=str(manifest.get("reviewkit_version"))))
    files, database = manifest.get("files"), manifest.get("database")
    if not (isinstance(files, dict) and isinstance(database, dict)
            and database.get("kind") in ("sqlite", "postgresql")
            and database.get("file") in files and isinstance(database.get("revision"), str)):
        raise broken
    for name, entry in files.items():
        parts = PurePosixPath(name).parts
        if (not ALLOWED.match(name) or ".." in parts or not isinstance(entry, dict)
                or not isinstance(entry.get("sha256"), str)
                or not isinstance(entry.get("size"), int)):
            raise broken
    return manifest


@_plain_database_errors
def restore_backup(path: Path, force: bool = False,
                   banks_and_translations: bool = False) -> RestoreResult:
    """Restore the backup at ``path`` into the app's database and instance folder."""
    kind = database_kind()
    parent = Path(current_app.instance_path)
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".reviewkit-restore-", dir=parent))
    try:
        manifest = read_backup(path, staging)
        database = manifest["database"]
        if database["kind"] != kind:
            raise BackupError(_l(
                "%(path)s is a backup of a %(theirs)s database, and this install uses "
                "%(ours)s: restore it into an install with the same kind of database.",
                path=str(path), theirs=_KIND_NAMES[database["kind"]], ours=_KIND_NAMES[kind]))
        if database["revision"] not in known_revisions():
            raise BackupError(_l(
                "%(path)s was made by a newer version of reviewkit (database migration "
                "%(revision)s, and this version knows migrations up to %(head)s): upgrade "
                "reviewkit, then restore it.", path=str(path), revision=database["revision"],
                head=head_revision()))
        in_use = tables_with_data()
        if in_use and not force:
            raise BackupError(_l(
                "The database already holds data (%(tables)s): restoring would replace it. "
                "Stop the app, then run this again with --force to replace it.",
                tables=", ".join(in_use[:5]) + (", …" if len(in_use) > 5 else "")))
        erased = erasures.held()  # erasures since the backup must stay done
        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            _sqlite_restore(staging / SQLITE_FILE, _sqlite_path())
        else:
            _pg_restore(staging / PG_FILE)
        db.engine.dispose()
        result = RestoreResult(manifest)
        if database["revision"] != head_revision():
            from flask_migrate import upgrade

            upgrade()
            result.upgraded_to = head_revision()
        result.erasures = erasures.reapply(erased)
        result.replaced_data = bool(in_use)
        for name in sorted(manifest["files"]):
            if name == database["file"]:
                continue
            target = _destination(name)
            data = (staging / name).read_bytes()
            if target.is_file() and target.read_bytes() == data:
                continue
            if name.startswith("instance/") or banks_and_translations:
                _write_private(target, data)
                result.files.append(name)
            else:
                result.differing.append(name)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
