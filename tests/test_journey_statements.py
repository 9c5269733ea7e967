"""The phone journey reads a response and saves an answer with one statement each, run straight
on a pooled connection (reviewkit.db.Prepared), not through the ORM session: values go in and
come back exactly as through SQLAlchemy, a wrong CSRF token still stops a save, and a database
that cannot be opened is an error SQLAlchemy's way (so the busy page can say so)."""

from __future__ import annotations

import pytest
from conftest import pages_of, start_journey
from sqlalchemy import bindparam, select
from sqlalchemy.exc import OperationalError

from reviewkit import create_app
from reviewkit.db import Prepared
from reviewkit.extensions import db
from reviewkit.models import Answer, Response
from reviewkit.services import responses as svc


def test_answers_read_back_on_the_journey_as_the_orm_stores_them(page, invite, client):
    key = start_journey(page, invite()).split("/")[2]
    assert page(f"/a/{key}/q/like", {"answer": "I am kind\nI grow tomatoes",
                                     "action": "next"}).status == 302
    assert page(f"/a/{key}/q/name", {"answer": "Zoë", "action": "next"}).status == 302

    sheet = svc.find_response(key)
    orm = db.session.scalar(select(Response).filter_by(resume_key=key))
    stored = {a.question_id: a for a in db.session.scalars(
        select(Answer).filter_by(response_id=orm.id))}
    assert {a.question_id: a.value for a in sheet.answers} == {
        "like": ["I am kind", "I grow tomatoes"], "name": "Zoë"}
    assert {q: (a.id, a.value, a.skipped) for q, a in stored.items()} == {
        a.question_id: (a.id, a.value, a.skipped) for a in sheet.answers}
    assert sheet.easy_read is False and sheet.consent_pooled is True
    assert sheet.submitted_at is None and sheet.language == orm.language

    client.post(f"/a/{key}/send", data={"csrf_token": page(f"/a/{key}/check").csrf})
    db.session.expire_all()
    sent = db.session.scalar(select(Response.submitted_at).filter_by(resume_key=key))
    assert sent is not None and sent.tzinfo is not None
    assert svc.find_response(key).submitted_at == sent


def test_an_answer_with_a_token_of_another_session_is_not_saved(app, page, invite):
    key = start_journey(page, invite()).split("/")[2]
    other = pages_of(app.test_client())  # another phone, with a session of its own
    other_key = start_journey(other, invite()).split("/")[2]
    foreign = other(f"/a/{other_key}/q/like").csrf
    assert other_key != key and foreign != page(f"/a/{key}/q/like").csrf
    r = page(f"/a/{key}/q/like", {"answer": "Sent with a stolen token", "action": "next",
                                  "csrf_token": foreign}, csrf=False)
    assert r.status == 400 and "Sent with a stolen token" in r
    assert svc.find_response(key).answers == []


def test_a_database_that_cannot_be_opened_is_an_sqlalchemy_error(tmp_path):
    gone = tmp_path / "gone.db"
    gone.mkdir()  # a folder where the file should be: SQLite cannot open it
    down = create_app({"INSTANCE_PATH": tmp_path / "down", "TESTING": True,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{gone}"})
    read = Prepared(lambda _dialect: select(Response.id).where(
        Response.resume_key == bindparam("key")))
    with down.app_context(), pytest.raises(OperationalError) as raised:
        read.run(db.engine, {"key": "x"})
    assert "unable to open database file" in str(raised.value.orig)
