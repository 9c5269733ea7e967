"""Statements from phone answers, and theming the stored, consented ones."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import start_journey, the_organisation
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import Statement, ThemeAssignment
from reviewkit.services.themes import Scope, ThemingError, add_edit, run_themes


def _send(page, client, invitation, share="yes", like="I am kind\nI make people laugh",
          wrong="The bus to college is always late. I want to learn to cook."):
    key = start_journey(page, invitation, share).split("/")[2]
    page(f"/a/{key}/q/like", {"answer": like, "action": "next"})
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"})
    page(f"/a/{key}/q/anything-wrong", {"answer": "yes", "action": "next"})
    page(f"/a/{key}/q/what-wrong", {"answer": wrong, "action": "next"})
    client.post(f"/a/{key}/send", data={"csrf_token": page(f"/a/{key}/check").csrf})


def test_sending_turns_text_answers_into_statements_with_kinds(page, client, invite):
    _send(page, client, invite())
    rows = db.session.scalars(select(Statement).order_by(Statement.id)).all()
    texts = {s.text: s for s in rows}
    assert set(texts) == {"I am kind", "I make people laugh", "The bus to college is always late.",
                          "I want to learn to cook."}
    assert texts["I am kind"].kind == "strength" and texts["I am kind"].section_id == "about-me"
    assert texts["The bus to college is always late."].kind == "not_working"
    assert "Sam" not in texts  # a name question feeds no statement kind
    assert all(s.pooled for s in rows)


def test_statements_without_consent_are_not_pooled(page, client, invite):
    _send(page, client, invite(), share="no")
    assert db.session.scalar(select(func.count(Statement.id)).where(Statement.pooled)) == 0
    assert db.session.scalar(select(func.count(Statement.id))) == 4


TEXTS = (["The bus to college is late", "The bus never comes on time", "Buses are always late",
          "I miss the bus to the day centre", "The taxi did not come"] * 3
         + ["Staff listen to me", "My support workers are kind", "Staff are friendly and kind",
            "The staff always help me"] * 3
         + ["I want to learn to cook", "Cooking lessons would be good", "I would like to cook"] * 3
         + ["More trips to the seaside", "I want to go on holiday", "A trip to the beach"] * 3)


def _store(org, texts, pooled=True, day=date(2026, 10, 1)):
    db.session.add_all(Statement(organisation_id=org.id, bank_id="test-bank", section_id="about-me",
                                 text=t, pooled=pooled, said_on=day, kind=None) for t in texts)
    db.session.commit()


def test_theming_uses_only_consented_statements_and_keeps_ids_and_edits(app):
    org = the_organisation()
    _store(org, TEXTS)
    _store(org, ["A secret nobody agreed to share"] * 5, pooled=False)
    scope = Scope(org.id)
    ts = run_themes(org, scope, n_themes=5)
    assigned = db.session.scalars(select(ThemeAssignment.statement_id)).all()
    assert len(assigned) == len(TEXTS)
    hidden = db.session.scalars(select(Statement.id).where(Statement.pooled.is_(False))).all()
    assert not set(hidden) & set(assigned)
    first_ids = {t["id"]: t["label"] for t in ts.result["themes"]}
    assert 5 <= len(first_ids) <= 50
    theme = ts.result["themes"][0]["id"]
    add_edit(ts, {"op": "rename", "theme": theme, "label": "Our own name"})
    _store(org, ["The bus was late again", "Staff are lovely"], day=date(2027, 1, 10))
    again = run_themes(org, scope)
    labels = {t["id"]: t["label"] for t in again.result["themes"]}
    assert set(first_ids) <= set(labels)  # every earlier theme keeps its id
    assert labels[theme] == "Our own name"  # the person's edit survives the re-run


def test_theming_with_nothing_consented_says_so(app):
    org = the_organisation()
    _store(org, ["Only for my review"] * 3, pooled=False)
    with pytest.raises(ThemingError, match="no shared"):
        run_themes(org, Scope(org.id))


def test_bad_edit_is_refused_with_a_reason(app):
    org = the_organisation()
    _store(org, TEXTS)
    ts = run_themes(org, Scope(org.id), n_themes=5)
    with pytest.raises(ThemingError, match="rename needs a non-empty label"):
        add_edit(ts, {"op": "rename", "theme": "t1", "label": " "})


def test_assignments_are_written_in_batches_the_database_can_take(app, monkeypatch):
    """An organisation-wide run rewrites its assignments a batch of ids at a time: one IN list
    of every statement id passed SQLite's limit of 32,766 values above that many statements.
    Here the connection's limit is lowered to 200 values and the batch to 20 ids, so 300
    statements need several batches."""
    import sqlite3

    from sqlalchemy import event

    from reviewkit.services import themes as themes_service

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the parameter limit is set on an SQLite connection")
    org = the_organisation()
    texts = [f"{t} ({i})" for i, t in enumerate(TEXTS * 5)][:300]
    _store(org, texts)
    run_themes(org, Scope(org.id), n_themes=5)  # the first run: earlier assignments to replace

    def low_limit(dbapi_connection, _record):
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 200)

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", low_limit)
    monkeypatch.setattr(themes_service, "BATCH", 20)
    try:
        org = the_organisation()
        ts = run_themes(org, Scope(org.id))
        assigned = db.session.scalars(select(ThemeAssignment.statement_id)
                                      .where(ThemeAssignment.theme_set_id == ts.id)).all()
        assert sorted(assigned) == sorted(db.session.scalars(select(Statement.id)).all())
    finally:
        db.session.remove()
        event.remove(db.engine, "connect", low_limit)
        db.engine.dispose()
