"""``reviewkit backup`` and ``reviewkit restore``: a backup of the demo restores into an empty
install with every table the same (on SQLite, and on PostgreSQL when
REVIEWKIT_TEST_DATABASE_URL is set); a copy taken while the app writes is consistent; a damaged,
foreign or newer backup is refused in a plain sentence (exit 2), a database holding data is
only replaced with --force, and an older backup is migrated up."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from conftest import PG_URL, TEST_BANKS, initialised_app, make_app
from sqlalchemy import inspect, text

from reviewkit.config import REPO_ROOT
from reviewkit.extensions import db
from reviewkit.services.backup import head_revision


def _folders(root: Path, banks: Path = TEST_BANKS) -> dict:
    """An install's own copies of the bank and translation folders (restoring may write there;
    the repository's are never touched)."""
    shutil.copytree(banks, root / "banks")
    shutil.copytree(REPO_ROOT / "translations", root / "translations")
    return {"BANKS_PATH": str(root / "banks"), "TRANSLATIONS_SOURCE": str(root / "translations")}


def _tables() -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order."""
    engine = db.engine
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect() as conn:
        return {name: sorted((tuple(row) for row in conn.execute(text(
                    f"SELECT * FROM {quote(name)}"))), key=repr)
                for name in sorted(inspect(engine).get_table_names())}


def _run(app, *args: str):
    from reviewkit.cli import main

    result = app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def _refused(app, *args: str) -> str:
    """Run a command that must be refused: exit 2, one plain sentence, no trace."""
    result = _run(app, *args)
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split("Error: ", 1)[1].split())


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory):
    """The demo organisation (every kind of data), an upload waiting in the instance folder,
    its tables, its secret key and a backup of it all."""
    from reviewkit.services.demo import build_demo
    from reviewkit.translate.xlsform_import import keep_upload

    root = tmp_path_factory.mktemp("source")
    with initialised_app(root, **_folders(root, REPO_ROOT / "question_banks")) as app:
        build_demo()
        db.session.commit()
        key, _path = keep_upload(Path(app.instance_path), "form.xlsx", b"PK\x03\x04 an upload")
        tables = _tables()
        archive = root / "backup.tar.gz"
        result = _run(app, "backup", str(archive))
        assert result.exit_code == 0, result.output
        secret = (Path(app.instance_path) / "secret_key").read_text()
    return {"archive": archive, "tables": tables, "secret": secret, "upload": key}


def test_a_backup_restores_into_an_empty_install_with_every_table_the_same(demo_backup,
                                                                          tmp_path):
    assert sum(1 for rows in demo_backup["tables"].values() if rows) >= 40  # real data
    with initialised_app(tmp_path, **_folders(tmp_path)) as app:  # 'reviewkit init' done
        assert _tables() != demo_backup["tables"]
        result = _run(app, "restore", str(demo_backup["archive"]))
        assert result.exit_code == 0, result.output
        restored = _tables()
        assert restored.keys() == demo_backup["tables"].keys()
        for name, rows in demo_backup["tables"].items():
            assert len(restored[name]) == len(rows), name
            assert restored[name] == rows, name
        instance = Path(app.instance_path)
        assert (instance / "secret_key").read_text() == demo_backup["secret"]
        assert (instance / "secret_key").stat().st_mode & 0o077 == 0
        upload = instance / "xlsform-imports" / demo_backup["upload"] / "form.xlsx"
        assert upload.read_bytes() == b"PK\x03\x04 an upload"
        # the demo's banks differ from this install's test bank: left alone unless asked for
        assert "question bank or translation file(s)" in result.output
        # an empty install cannot know who was erased after the backup: said, with its date
        with tarfile.open(demo_backup["archive"], "r:gz") as tar:
            made = json.load(tar.extractfile("manifest.json"))["created_at"]
        assert f"could not say who was erased on request after {made}" in result.output
        assert not (Path(app.config["BANKS_PATH"]) / "monthly-check-in.yaml").exists()


def test_restoring_into_a_database_with_no_tables_and_putting_back_banks(demo_backup,
                                                                         tmp_path):
    app = make_app(tmp_path, **_folders(tmp_path))
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        result = _run(app, "restore", str(demo_backup["archive"]), "--banks-and-translations")
        assert result.exit_code == 0, result.output
        assert _tables() == demo_backup["tables"]
        assert "Restored banks/monthly-check-in.yaml" in result.output
        assert (Path(app.config["BANKS_PATH"]) / "monthly-check-in.yaml").read_bytes() == \
            (REPO_ROOT / "question_banks" / "monthly-check-in.yaml").read_bytes()
        db.engine.dispose()


def test_a_database_holding_data_is_replaced_only_with_force(demo_backup, tmp_path):
    from conftest import the_organisation

    with initialised_app(tmp_path, **_folders(tmp_path)) as app:
        the_organisation()
        message = _refused(app, "restore", str(demo_backup["archive"]))
        assert message.startswith("The database already holds data (organisation)")
        assert "--force" in message
        assert [r[1] for r in _tables()["organisation"]] == ["Test organisation"]
        result = _run(app, "restore", str(demo_backup["archive"]), "--force")
        assert result.exit_code == 0, result.output
        assert _tables() == demo_backup["tables"]


def test_people_and_names_erased_after_a_backup_stay_erased_when_it_is_restored(demo_backup,
                                                                               tmp_path):
    """A backup from before an erasure on request must not bring the person back: restoring it
    over the database where the erasure was made erases them again (a person by their record,
    a name in the register by its keyed hash: the access log never holds the name)."""
    from sqlalchemy import func, or_, select

    from reviewkit.models import AccessLog, Idea, Partner, Person, Review, Signature, Statement

    def held(person_id: int, name: str) -> tuple:
        db.session.expire_all()
        person = db.session.get(Person, person_id)
        said = db.session.scalar(select(func.count(Statement.id)).join(Review).where(
            Review.person_id == person.id))
        named = sum(db.session.scalar(select(func.count()).where(where)) for where in (
            func.lower(Partner.name) == name.lower(), func.lower(Signature.name) == name.lower(),
            or_(func.lower(Idea.raised_by) == name.lower(),
                func.lower(Idea.credit_as) == name.lower())))
        return person.erased_at is not None, said, named

    with initialised_app(tmp_path, **_folders(tmp_path)) as app:
        assert _run(app, "restore", str(demo_backup["archive"])).exit_code == 0
        reference = "OAK-101"
        person_id = db.session.scalar(select(Person.id).filter_by(reference=reference))
        erased, said, named = held(person_id, "Gwen Morgan")
        assert not erased and said > 0 and named > 0
        assert _run(app, "people", "erase", reference, "--yes").exit_code == 0
        assert _run(app, "people", "erase-name", "gwen morgan", "--yes").exit_code == 0
        assert held(person_id, "Gwen Morgan") == (True, 0, 0)
        logged = db.session.scalars(select(AccessLog.detail).filter_by(action="erase")).all()
        assert not [d for d in logged if "gwen" in (d or "").lower()]

        result = _run(app, "restore", str(demo_backup["archive"]), "--force")
        assert result.exit_code == 0, result.output
        assert "Erased again: 1 person(s) and 1 name(s)" in result.output
        assert "could not say who was erased" not in result.output
        assert held(person_id, "Gwen Morgan") == (True, 0, 0)
        # everything else is the backup's
        others = db.session.scalar(select(func.count(Person.id)).where(
            Person.erased_at.is_(None)))
        assert others == len(demo_backup["tables"]["person"]) - 1

        # restoring again (nothing was erased since) changes nothing more
        again = _run(app, "restore", str(demo_backup["archive"]), "--force")
        assert "Erased again: 1 person(s) and 1 name(s)" in again.output
        assert held(person_id, "Gwen Morgan") == (True, 0, 0)


def _repack(source: Path, target: Path, change) -> None:
    """Copy a backup, letting ``change(manifest, files)`` alter its manifest and files."""
    with tarfile.open(source, "r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(files.pop("manifest.json"))
    change(manifest, files)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *files.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(demo_backup, tmp_path):
    def damage(manifest, files):
        files["banks/monthly-check-in.yaml"] += b"\n# changed"

    damaged = tmp_path / "damaged.tar.gz"
    _repack(demo_backup["archive"], damaged, damage)
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_bytes(b"shopping list\n")

    def add_file(manifest, files):
        files["instance/extra"] = b"x"

    extra = tmp_path / "extra.tar.gz"
    _repack(demo_backup["archive"], extra, add_file)
    app = make_app(tmp_path, **_folders(tmp_path))
    with app.app_context():
        assert _refused(app, "restore", str(damaged)) == (
            f"banks/monthly-check-in.yaml in {damaged} does not match its checksum: the backup "
            "is damaged or was changed.")
        assert "is not a reviewkit backup" in _refused(app, "restore", str(not_gzip))
        assert "holds a file its manifest does not list (instance/extra)" in \
            _refused(app, "restore", str(extra))
        assert _refused(app, "restore", str(tmp_path / "none.tar.gz")) == \
            f"There is no file {tmp_path / 'none.tar.gz'}."
        assert inspect(db.engine).get_table_names() == []  # nothing restored
        db.engine.dispose()


def test_a_backup_of_the_other_kind_of_database_is_refused(demo_backup, tmp_path):
    ours = "postgresql" if PG_URL else "sqlite"
    theirs = "sqlite" if PG_URL else "postgresql"
    names = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

    def other_kind(manifest, files):
        files[names[theirs]] = files.pop(names[ours])
        entry = manifest["files"].pop(names[ours])
        manifest["files"][names[theirs]] = entry
        manifest["database"].update(kind=theirs, file=names[theirs])

    other = tmp_path / "other.tar.gz"
    _repack(demo_backup["archive"], other, other_kind)
    app = make_app(tmp_path, **_folders(tmp_path))
    with app.app_context():
        kinds = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        assert _refused(app, "restore", str(other)) == (
            f"{other} is a backup of a {kinds[theirs]} database, and this install uses "
            f"{kinds[ours]}: restore it into an install with the same kind of database.")
        db.engine.dispose()


def test_a_backup_from_a_newer_migration_is_refused(tmp_path):
    archive = tmp_path / "newer.tar.gz"
    with initialised_app(tmp_path / "a", **_folders(tmp_path / "a")) as app:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
        assert _run(app, "backup", str(archive)).exit_code == 0
    app = make_app(tmp_path / "b", **_folders(tmp_path / "b"))
    with app.app_context():
        message = _refused(app, "restore", str(archive))
        assert message == (
            f"{archive} was made by a newer version of reviewkit (database migration "
            f"0099_future, and this version knows migrations up to {head_revision()}): upgrade "
            "reviewkit, then restore it.")
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_an_older_backup_is_restored_and_migrated_up(tmp_path):
    from flask_migrate import upgrade

    archive = tmp_path / "older.tar.gz"
    app = make_app(tmp_path / "a", **_folders(tmp_path / "a"))
    with app.app_context():
        upgrade(revision="0011")  # before the organisation's languages
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisation (name, slug, created_at) "
                              "VALUES ('Old Org', 'old-org', CURRENT_TIMESTAMP)"))
        assert _run(app, "backup", str(archive)).exit_code == 0
        db.engine.dispose()
    app = make_app(tmp_path / "b", **_folders(tmp_path / "b"))
    with app.app_context():
        result = _run(app, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert f"Upgraded the database from migration 0011 to {head_revision()}." in result.output
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
                head_revision()
            assert conn.execute(text("SELECT name FROM organisation")).scalar() == "Old Org"
        assert "languages" in {c["name"] for c in inspect(db.engine).get_columns("organisation")}
        db.engine.dispose()


def test_the_archive_lists_every_file_with_its_checksum_and_is_private(demo_backup):
    archive = demo_backup["archive"]
    assert archive.stat().st_mode & 0o077 == 0  # personal data and the secret key
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        manifest = json.loads(tar.extractfile(members[0]).read())
        assert members[0].name == "manifest.json"
        assert {m.name for m in members[1:]} == set(manifest["files"])
        for member in members[1:]:
            data = tar.extractfile(member).read()
            assert manifest["files"][member.name] == {
                "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    kind = "postgresql" if PG_URL else "sqlite"
    assert manifest["database"]["kind"] == kind
    assert manifest["database"]["revision"] == demo_backup["tables"]["alembic_version"][0][0]
    assert manifest["format"] == "reviewkit-backup" and manifest["reviewkit_version"]
    assert {"instance/secret_key", "banks/monthly-check-in.yaml",
            "translations/cy/LC_MESSAGES/messages.po"} <= set(manifest["files"])
    assert not any("huey" in name or name.startswith("instance/locale")
                   for name in manifest["files"])


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's online backup")
def test_a_sqlite_backup_taken_while_the_app_writes_holds_every_committed_row(tmp_path):
    """Rows committed before the backup began are in it, even those only in the write-ahead
    log (a plain copy of the database file would miss them), and the copy is whole."""
    archive = tmp_path / "busy.tar.gz"
    with initialised_app(tmp_path, **_folders(tmp_path)) as app:
        path = db.engine.url.database
        writer = sqlite3.connect(path, timeout=30)
        writer.execute("PRAGMA wal_autocheckpoint=0")  # committed rows stay in the -wal file
        writer.execute("CREATE TABLE scratch (n INTEGER PRIMARY KEY)")
        for n in range(1, 201):
            with writer:
                writer.execute("INSERT INTO scratch VALUES (?)", (n,))
        stop = threading.Event()

        def keep_writing() -> None:
            conn = sqlite3.connect(path, timeout=30)
            n = 201
            while not stop.is_set():
                with conn:
                    conn.execute("INSERT INTO scratch VALUES (?)", (n,))
                n += 1
            conn.close()

        thread = threading.Thread(target=keep_writing)
        thread.start()
        try:
            result = _run(app, "backup", str(archive))
        finally:
            stop.set()
            thread.join()
        writer.close()
        assert result.exit_code == 0, result.output
    with tarfile.open(archive, "r:gz") as tar:
        (tmp_path / "copy.db").write_bytes(tar.extractfile("database.sqlite3").read())
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count, top = copy.execute("SELECT count(*), max(n) FROM scratch").fetchone()
    assert count >= 200 and top == count  # every row up to one moment, none missing
    copy.close()


def test_backup_refuses_a_bad_file_name_or_missing_folder(app):
    assert _refused(app, "backup", "backup.zip") == \
        "The backup's file name must end in .tar.gz."
    missing = Path(app.instance_path) / "no-such-folder" / "b.tar.gz"
    assert _refused(app, "backup", str(missing)) == f"There is no folder {missing.parent}."


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's tools: REVIEWKIT_TEST_DATABASE_URL")
def test_postgres_tools_missing_or_too_old_are_said_plainly(app, tmp_path, monkeypatch):
    """pg_dump is PostgreSQL's program, outside reviewkit: an older one is stood in for by a
    script that fails as pg_dump 14 does against a newer server."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert _refused(app, "backup", str(tmp_path / "b.tar.gz")).startswith(
        "pg_dump was not found: install PostgreSQL's client tools")
    old = tmp_path / "old-bin"
    old.mkdir()
    (old / "pg_dump").write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 14.11"; exit 0; fi\n'
        'echo "pg_dump: error: server version: 15.5; pg_dump version: 14.11" >&2\n'
        'echo "pg_dump: error: aborting because of server version mismatch" >&2\nexit 1\n')
    os.chmod(old / "pg_dump", 0o755)
    monkeypatch.setenv("PATH", str(old))
    message = _refused(app, "backup", str(tmp_path / "b.tar.gz"))
    assert message.startswith("pg_dump 14.11 cannot back up a PostgreSQL ")
    assert "install the client tools of version" in message
    assert not list(tmp_path.glob("*.tar.gz")) and not list(tmp_path.glob(".reviewkit-*"))


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL: REVIEWKIT_TEST_DATABASE_URL")
def test_the_database_password_is_never_printed(demo_backup, tmp_path):
    from sqlalchemy.engine import make_url

    password = make_url(PG_URL).password
    app = make_app(tmp_path, **_folders(tmp_path))
    with app.app_context():
        result = _run(app, "restore", str(demo_backup["archive"]))
        assert result.exit_code == 0 and password
        out = result.output
        # Not as part of an address or a setting, whatever the password is ...
        assert f":{password}@" not in out and f"password={password}" not in out
        assert "PGPASSWORD" not in out
        # ... and nowhere at all, unless it is a word the output holds anyway (CI's password is
        # "reviewkit", the program's own name: "Backup made … by reviewkit 0.1.0", "make those
        # erasures again ('reviewkit people erase' …)").
        assert password not in out.replace("by reviewkit ", "by  ").replace(
            "'reviewkit people ", "'people ")
        db.engine.dispose()


def test_backup_of_a_database_never_set_up_is_refused(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        db.engine.connect().close()  # SQLite: the file exists, with no tables
        assert _refused(app, "backup", str(tmp_path / "b.tar.gz")) == \
            "The database has no tables yet: run 'reviewkit init' first."
        assert not list(tmp_path.glob("*.tar.gz")) and not list(tmp_path.glob(".reviewkit-*"))
        db.engine.dispose()
