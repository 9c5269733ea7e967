"""Translator saves are shared by every app server (issue 19): two servers on one database,
each with its own instance folder and its own copy of translations/ (two machines), and a
third started later. A PO file uploaded through one is served by the others."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import Page, make_app, sign_in
from sqlalchemy import update
from test_translate_pages import XLS, _send_form, _upload

from reviewkit import create_app
from reviewkit.config import REPO_ROOT
from reviewkit.extensions import babel, db

PREVIEW = "/staff/translate/phone/monthly-check-in/feel-safe?language=cy"


def _folder(tmp_path: Path, name: str) -> Path:
    """A server's own copy of translations/, as shipped."""
    target = tmp_path / name / "translations"
    shutil.copytree(REPO_ROOT / "translations", target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def _translations(folder: Path) -> dict:
    """Settings of a server whose translations are ``folder``: compiled from it at start, read
    and written by the translator pages, looked at on every request."""
    return {"BABEL_TRANSLATION_DIRECTORIES": str(folder), "TRANSLATIONS_SOURCE": str(folder),
            "TRANSLATIONS_CHECK_SECONDS": 0}


def _banks(tmp_path: Path, name: str) -> Path:
    """A server's own copy of question_banks/, as shipped."""
    target = tmp_path / name / "banks"
    shutil.copytree(REPO_ROOT / "question_banks", target)
    return target


def _server(first, tmp_path: Path, name: str):
    """Another app server on ``first``'s database: its own instance folder, translations and
    banks folder."""
    folder = _folder(tmp_path, name)
    server = create_app({"INSTANCE_PATH": tmp_path / name / "instance", "TESTING": True,
                         "BANKS_PATH": str(_banks(tmp_path, name)),
                         "SQLALCHEMY_DATABASE_URI": first.config["SQLALCHEMY_DATABASE_URI"],
                         **_translations(folder)})
    server.test_client_class = first.test_client_class
    return server


def _another_process() -> None:
    """The servers here share one Python process, so one Flask-Babel cache; each real server
    has its own. Forget what was loaded, as a separate process never had it."""
    babel.domain_instance.cache.clear()


def _continue_button(server) -> str:
    translator = server.test_client()
    sign_in(translator, "translator")
    _another_process()
    page = Page(translator.get(PREVIEW))
    assert page.status == 200
    return page.html


def _first_server(tmp_path: Path):
    """The server that takes the saves: the database set up, a translator, a banks folder."""
    from reviewkit.models import Organisation, Role
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    a = make_app(tmp_path / "a", BANKS_PATH=str(_banks(tmp_path, "a")),
                 **_translations(_folder(tmp_path, "a")))
    with a.app_context():
        assert not init_database().problems
        org = Organisation(name="Test Org", slug="test-org")
        db.session.add(org)
        db.session.commit()
        create_user(org, "translator@example.org", "T", "correct horse 1", Role.TRANSLATOR)
    return a


def _close(servers) -> None:
    _another_process()  # other tests read the shipped catalogues again
    for server in servers:
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_save_through_one_server_is_served_by_the_others(tmp_path: Path):
    from reviewkit.models import SavedFile

    a = _first_server(tmp_path)
    b = _server(a, tmp_path, "b")
    servers = [a, b]
    try:
        assert ">Parhau</button>" in _continue_button(b)

        po = Path(a.config["TRANSLATIONS_SOURCE"]) / "cy" / "LC_MESSAGES" / "messages.po"
        text = po.read_text("utf-8").replace('msgid "Continue"\nmsgstr "Parhau"',
                                             'msgid "Continue"\nmsgstr "Ymlaen"')
        translator = a.test_client()
        sign_in(translator, "translator")
        assert _upload(translator, "cy", "messages", text.encode()).status_code == 302

        # the other server: the file in its own folder, compiled, and on its pages
        assert ">Ymlaen</button>" in _continue_button(b)
        mine = Path(b.config["TRANSLATIONS_SOURCE"]) / "cy" / "LC_MESSAGES" / "messages.po"
        assert mine.read_text("utf-8") == text
        # a server started afterwards from the shipped files
        c = _server(a, tmp_path, "c")
        servers.append(c)
        assert ">Ymlaen</button>" in _continue_button(c)
        with a.app_context():  # the save as a reviewkit release before this one took it
            db.session.execute(update(SavedFile).values(release="0.0.1"))
            db.session.commit()
        # a server of this release keeps the release's own file (its new messages)
        d = _server(a, tmp_path, "d")
        servers.append(d)
        assert ">Parhau</button>" in _continue_button(d)
        with a.app_context():
            stored = db.session.query(SavedFile).one()
            assert (stored.kind, stored.name, stored.version) == (
                "po", "cy/LC_MESSAGES/messages.po", 1)
            assert stored.content == text.encode()
    finally:
        _close(servers)


def test_an_imported_forms_translations_reach_the_other_server(tmp_path: Path):
    a = _first_server(tmp_path)
    b = _server(a, tmp_path, "b")
    try:
        translator = a.test_client()
        sign_in(translator, "translator")
        page = _send_form(translator, XLS / "kobo_languages.xls")
        key = re.search(r'action="/staff/translate/import/([^"#]+)#save"', page.html).group(1)
        saved = translator.post(f"/staff/translate/import/{key}",
                                data={"csrf_token": page.csrf, "bank_id": "home-support"})
        assert saved.status_code == 302
        other = Path(b.config["TRANSLATIONS_SOURCE"]) / "cy" / "LC_MESSAGES" / "banks.po"
        assert "home-support:" not in other.read_text("utf-8")
        assert b.test_client().get("/").status_code == 200  # any request: B looks
        assert 'msgctxt "home-support:name.text"' in other.read_text("utf-8")
    finally:
        _close([a, b])
