"""Migrations run on SQLite and PostgreSQL, upgrade older databases, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import make_app
from flask_migrate import upgrade
from sqlalchemy import func, inspect, text

from reviewkit.extensions import db
from reviewkit.services.setup import init_database


def _head() -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()
                                       ).get_current_head()


def test_upgrading_a_database_made_by_the_first_migration_keeps_its_data(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision="0001")
        assert "staff_user" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO organisation (name, slug, created_at) "
                "VALUES ('Old Org', 'old-org', CURRENT_TIMESTAMP)"))
        report = init_database()  # upgrades to the newest migration, loads banks
        assert report.added == ["test-bank@1"]
        assert "staff_user" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM organisation")).scalar() == "Old Org"
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == _head()
        db.engine.dispose()


def test_models_and_migrations_describe_the_same_schema(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_frozen_bank_version_is_never_silently_changed(app, tmp_path):
    from conftest import TEST_BANKS

    edited = tmp_path / "banks"
    edited.mkdir()
    text_ = (TEST_BANKS / "test-bank.yaml").read_text()
    (edited / "test-bank.yaml").write_text(text_.replace("What do people like about you?",
                                                         "What do people love about you?", 1))
    from reviewkit.services.banks import latest_version, sync_banks

    report = sync_banks([edited])
    assert report.added == []
    assert "already in use with different wording; raise 'version'" in str(report.problems[0])
    assert latest_version("test-bank").bank.questions[0].text == "What do people like about you?"
    (edited / "test-bank.yaml").write_text(
        text_.replace("What do people like about you?", "What do people love about you?", 1)
        .replace("version: 1", "version: 2"))
    assert sync_banks([edited]).added == ["test-bank@2"]
    assert latest_version("test-bank").version == 2


def test_running_the_migrations_leaves_the_apps_own_logging_on(tmp_path, caplog):
    """Alembic's logging set-up used to switch off every logger that already existed, so a
    process that upgraded its database (``reviewkit demo``, ``init``, a test) said nothing
    afterwards: no start-up warning, no "not written over"."""
    import logging

    app = make_app(tmp_path)
    module_logger = logging.getLogger("reviewkit.web.translate")
    assert not app.logger.disabled  # made before the migrations run, as in a long-lived process
    with app.app_context():
        upgrade()
    assert not app.logger.disabled and not module_logger.disabled
    app.logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING):
            app.logger.warning("still heard after the migrations")
    finally:
        app.logger.removeHandler(caplog.handler)
    assert "still heard after the migrations" in caplog.text


def test_the_ballot_item_of_local_plans_ideas_is_added_keeping_their_answers(staff_app):
    """0017 adds idea.ballot_item_id. SQLite's batch mode copies the table and drops the old
    one, which, with foreign keys on, deleted every idea's answers and unlinked its actions;
    they are off while migrating. Down and up again: the answers and actions stay, and each
    local plan's idea is linked to its ballot item again."""
    from datetime import UTC, datetime

    from flask_migrate import downgrade

    from reviewkit.models import Event, Idea, IdeaAnswer, PlanAction, Service, User
    from reviewkit.services import events as ev
    from reviewkit.services import register as reg

    with staff_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(role="admin"))
        oak = db.session.scalar(db.select(Service).filter_by(slug="oak"))
        event = ev.save_event(user, name="Big day", starts_at=datetime(2026, 6, 20, tzinfo=UTC),
                              place="Hall", service_id=oak.id, languages=["en"])
        items = [ev.add_item(user, event, label=label) for label in ("Buses", "Cooking")]
        ev.set_voting(user, event, "open")
        ev.set_voting(user, event, "closed")
        work = ev.make_local_plan(user, db.session.get(Event, event.id), [items[0].id])
        idea = db.session.scalar(db.select(Idea).filter_by(work_id=work.id))
        reg.add_action(user, work, idea, change="A minibus", owner="Team",
                       starts_on=datetime(2026, 7, 1).date(),
                       due_on=datetime(2026, 9, 1).date(), status="planned")
        idea_id, item_id = idea.id, items[0].id
        db.session.remove()
        downgrade(revision="0016")
        upgrade()
        db.session.remove()
        assert db.session.scalar(db.select(func.count(IdeaAnswer.id))) == 1
        assert db.session.scalar(db.select(PlanAction.idea_id)) == idea_id
        assert db.session.get(Idea, idea_id).ballot_item_id == item_id
        if db.engine.dialect.name == "sqlite":  # on again after migrating
            assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
