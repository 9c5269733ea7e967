"""While the database does not answer (a PostgreSQL restart, a server down, a file that cannot
be opened) pages say so with 503 and Retry-After, never the general error page with 500, and
a phone's typed answer is on the page, ready to send again. The database is made unreachable
for real: a second app on the same secret key whose engine points at a closed port
(PostgreSQL) or at a path SQLite cannot open; nothing of ours is mocked."""

from __future__ import annotations

import re
import socket
from html import unescape
from pathlib import Path

import pytest
from conftest import TEST_BANKS, Page, sign_in, staff_per_role, start_journey
from flask import Flask
from sqlalchemy import func, select, text

from reviewkit import create_app
from reviewkit.extensions import db
from reviewkit.models import Answer

TYPED = "The bus was late again & the driver was kind"
BUSY = "The service is busy for a moment"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def _unreachable(app: Flask, tmp_path: Path, kind: str) -> Flask:
    """An app like ``app`` (same secret key, so the same sessions) whose database is gone."""
    if kind == "postgresql":
        uri = f"postgresql+psycopg://reviewkit@127.0.0.1:{_closed_port()}/reviewkit"
    else:
        gone = tmp_path / "gone.db"
        gone.mkdir()  # a folder where the database file should be: SQLite cannot open it
        uri = f"sqlite:///{gone}"
    down = create_app({"INSTANCE_PATH": tmp_path / "down", "TESTING": True,
                       "BANKS_PATH": str(TEST_BANKS), "SQLALCHEMY_DATABASE_URI": uri,
                       "SECRET_KEY": app.config["SECRET_KEY"]})
    down.test_client_class = app.test_client_class
    return down


def _moved(client, other):
    """A client of ``other`` that carries ``client``'s session (the same person)."""
    moved = other.test_client()
    moved.set_cookie("session", client.get_cookie("session").value)
    return moved


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_a_phone_answer_while_the_database_is_unreachable(app, client, page, invite, tmp_path,
                                                          kind):
    key = start_journey(page, invite()).split("/")[2]
    form = page(f"/a/{key}/q/like")
    down = _unreachable(app, tmp_path, kind)
    phone = _moved(client, down)

    sent = {"answer": TYPED, "action": "next", "csrf_token": form.csrf}
    busy = Page(phone.post(f"/a/{key}/q/like", data=sent))
    assert busy.status == 503, busy.html[:300]
    assert busy.response.headers["Retry-After"] == "60"
    assert BUSY in busy and "What you typed is kept." in busy
    assert "went wrong" not in busy and "Traceback" not in busy.html
    # what was typed is on the page, in a form that sends it again to the same question
    assert f'action="/a/{key}/q/like"' in busy.html
    kept = {name: unescape(value) for name, value in HIDDEN.findall(busy.html)}
    assert kept == sent

    # opening a page: 503 as well; the load balancer's check says the same
    opened = Page(phone.get(f"/a/{key}/q/name"))
    assert opened.status == 503 and BUSY in opened and "typed" not in opened
    assert down.test_client().get("/healthz").status_code == 503

    # the database is back (the first app): "Send it again" stores what was typed, once
    again = client.post(f"/a/{key}/q/like", data=kept)
    assert again.status_code == 302 and again.headers["Location"].endswith("/q/name")
    assert db.session.scalar(select(func.count(Answer.id))) == 1
    assert db.session.scalar(select(Answer.value)) == [TYPED]


def test_staff_pages_while_the_database_is_unreachable(app, tmp_path):
    """A signed-in member of staff: who they are cannot be read, the page still says 503 in
    their language, and their password is never written into the page."""
    from reviewkit.models import Organisation

    org = Organisation(name="Org", slug="org")
    db.session.add(org)
    db.session.commit()
    staff_per_role(org)
    staff = app.test_client()
    sign_in(staff, "admin")
    down = _unreachable(app, tmp_path, "sqlite")
    moved = _moved(staff, down)
    dashboard = Page(moved.get("/staff/?lang=cy"))
    assert dashboard.status == 503 and dashboard.lang == "cy"
    login = down.test_client()
    token = Page(login.get("/staff/login")).csrf  # the sign-in form needs no database
    tried = Page(login.post("/staff/login", data={
        "email": "admin@example.org", "password": "correct horse 1", "csrf_token": token}))
    assert tried.status == 503 and "correct horse 1" not in tried.html
    assert "admin@example.org" in tried  # the rest of what was typed is kept


def test_an_error_in_a_statement_is_still_a_500(app, client, page, invite):
    """Only the database not answering is 503: an SQLite error in a statement while the
    database answers (here a table gone) is the general error page, 500."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL reports a missing table as a ProgrammingError, not as busy")
    key = start_journey(page, invite()).split("/")[2]
    form = page(f"/a/{key}/q/like")
    db.session.execute(text("DROP TABLE answer"))
    db.session.commit()
    broken = Page(client.post(f"/a/{key}/q/like", data={
        "answer": TYPED, "action": "next", "csrf_token": form.csrf}))
    assert broken.status == 500 and BUSY not in broken
    assert "Sorry, something went wrong on our side" in broken
