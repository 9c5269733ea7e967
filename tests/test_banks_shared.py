"""A question bank imported from an XLSForm on the translator pages reaches every app server's
banks folder (issue 19): two servers on one database, each with its own instance folder,
translations/ and banks folder (two machines), and a third started later."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from conftest import make_app, sign_in
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from test_translate_pages import XLS, _send_form
from test_translations_shared import _close, _first_server, _server

from reviewkit.extensions import db

BANK = "home-support"


def _import(server, bank_id: str = BANK):
    """Import tests/data/xlsform/kobo_languages.xls through ``server`` as ``bank_id``."""
    translator = server.test_client()
    sign_in(translator, "translator")
    page = _send_form(translator, XLS / "kobo_languages.xls")
    key = re.search(r'action="/staff/translate/import/([^"#]+)#save"', page.html).group(1)
    return translator.post(f"/staff/translate/import/{key}",
                           data={"csrf_token": page.csrf, "bank_id": bank_id})


def _bank_file(server, bank_id: str = BANK) -> Path:
    return Path(server.config["BANKS_PATH"]) / f"{bank_id}.yaml"


def _translator_pages(server, bank_id: str = BANK) -> dict[str, int]:
    """What a translator signed in on ``server`` gets: the list of banks, and the bank's
    page and phone preview."""
    translator = server.test_client()
    sign_in(translator, "translator")
    index = translator.get("/staff/translate/").get_data(as_text=True)
    return {"listed": f"/staff/translate/cy/banks/{bank_id}" in index,
            "bank page": translator.get(f"/staff/translate/cy/banks/{bank_id}").status_code,
            "preview": translator.get(f"/staff/translate/preview/{bank_id}").status_code}


def _stored(server) -> list[tuple[str, str]]:
    from reviewkit.models import SavedFile

    with server.app_context():
        return [tuple(r) for r in db.session.execute(
            select(SavedFile.kind, SavedFile.name).order_by(SavedFile.version))]


def test_an_import_through_one_server_is_listed_and_served_by_the_others(tmp_path: Path):
    a = _first_server(tmp_path)
    b = _server(a, tmp_path, "b")
    servers = [a, b]
    try:
        assert _translator_pages(b)["listed"] is False  # B has looked once already
        assert _import(a).status_code == 302
        assert not _bank_file(b).exists()  # B has not looked since

        # B's next request looks: the file in its own folder, the same bytes, on its pages
        assert _translator_pages(b) == {"listed": True, "bank page": 200, "preview": 200}
        assert _bank_file(b).read_bytes() == _bank_file(a).read_bytes()
        # a server started afterwards from the shipped banks writes it at its first request
        c = _server(a, tmp_path, "c")
        servers.append(c)
        assert _translator_pages(c) == {"listed": True, "bank page": 200, "preview": 200}
        assert _bank_file(c).read_bytes() == _bank_file(a).read_bytes()
        # the imported bank and its translations are stored; the shipped banks are not
        stored = _stored(a)
        assert ("bank", f"{BANK}.yaml") in stored
        assert [name for kind, name in stored if kind == "bank"] == [f"{BANK}.yaml"]
        assert ("po", "cy/LC_MESSAGES/banks.po") in stored
    finally:
        _close(servers)


def test_a_bank_file_not_imported_there_is_never_written_over(tmp_path: Path, caplog):
    a = _first_server(tmp_path)
    b = _server(a, tmp_path, "b")
    c = _server(a, tmp_path, "c")
    try:
        # B has a bank of that id from elsewhere (a later release's, or put there by hand);
        # C has the file of an earlier import of it
        shipped = (Path(b.config["BANKS_PATH"]) / "monthly-check-in.yaml").read_bytes()
        shipped = shipped.replace(b"id: monthly-check-in", f"id: {BANK}".encode())
        _bank_file(b).write_bytes(shipped)
        earlier = b"# Imported from old.xlsx on the translator's pages.\nid: home-support\n"
        _bank_file(c).write_bytes(earlier)
        assert _import(a).status_code == 302

        b.logger.addHandler(caplog.handler)  # the migrations' logging set-up took caplog's
        with caplog.at_level(logging.WARNING):
            assert b.test_client().get("/").status_code == 200  # any request: B looks
        b.logger.removeHandler(caplog.handler)
        assert _bank_file(b).read_bytes() == shipped
        assert f"{_bank_file(b)} is not written over" in caplog.text
        assert c.test_client().get("/").status_code == 200
        assert _bank_file(c).read_bytes() == _bank_file(a).read_bytes()
    finally:
        _close([a, b, c])


def test_an_id_imported_through_another_server_is_offered_for_replacing(
        tmp_path: Path):
    a = _first_server(tmp_path)
    b = _server(a, tmp_path, "b")
    try:
        assert _translator_pages(b)["listed"] is False
        b.config["TRANSLATIONS_CHECK_SECONDS"] = 3600  # B does not look again meanwhile
        assert _import(a).status_code == 302
        # B knows it was imported (it is stored): it offers to replace it, and saves nothing
        offered = _import(b)
        assert offered.status_code == 200
        assert f"{BANK} was imported from a form before" in offered.get_data(as_text=True)
        assert not _bank_file(b).exists()
        assert _import(b, "home-support-2").status_code == 302
    finally:
        _close([a, b])


def test_the_upgrade_keeps_the_saved_po_files_and_the_downgrade_gives_them_back(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO saved_catalog (lang, domain, version, content, release, saved_at)"
                " VALUES ('cy', 'messages', 1, :one, '0.1.0', CURRENT_TIMESTAMP),"
                " ('ur', 'banks', 2, :two, '0.1.0', CURRENT_TIMESTAMP)"),
                {"one": b"msgid \"\"\n\xff", "two": b"two"})
        upgrade(revision="0014")
        with db.engine.begin() as conn:
            assert [tuple(r) for r in conn.execute(text(
                "SELECT kind, name, version, content FROM saved_file ORDER BY version"))] == [
                ("po", "cy/LC_MESSAGES/messages.po", 1, b"msgid \"\"\n\xff"),
                ("po", "ur/LC_MESSAGES/banks.po", 2, b"two")]
            conn.execute(text(
                "INSERT INTO saved_file (kind, name, version, content, release, saved_at)"
                " VALUES ('bank', 'x.yaml', 3, :x, '0.1.0', CURRENT_TIMESTAMP)"), {"x": b"x"})
        downgrade(revision="0013")
        with db.engine.begin() as conn:
            assert [tuple(r) for r in conn.execute(text(
                "SELECT lang, domain, version, content FROM saved_catalog ORDER BY version"
            ))] == [("cy", "messages", 1, b"msgid \"\"\n\xff"), ("ur", "banks", 2, b"two")]
        db.engine.dispose()
