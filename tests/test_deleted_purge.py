"""Statements and actions deleted on the tablet are kept for Undo, then erased for good after
REVIEWKIT_DELETED_KEPT_DAYS days (30 by default): what goes and what stays, what pointed at an
erased statement, the command and its dry run, the nightly job, a wrong setting, and what the
tablet and the person's export say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from conftest import Page, form_token, sign_in
from flask_babel import force_locale, ngettext
from sqlalchemy import func, select
from test_staff_review import _facilitator_review, _said

from reviewkit.cli import main
from reviewkit.extensions import db
from reviewkit.models import (
    AccessLog,
    Action,
    Idea,
    Review,
    Statement,
    ThemeAssignment,
    ThemeEdit,
    ThemeSet,
    User,
)
from reviewkit.services import reviews as rv
from reviewkit.services.deleted import purge_deleted

TODAY = date(2026, 6, 15)


def _days_ago(days: int, hour: int = 12) -> datetime:
    """Noon UTC (13:00 in London) ``days`` days before TODAY."""
    return datetime.combine(TODAY - timedelta(days=days), datetime.min.time(), UTC).replace(
        hour=hour)


def _review(staff_app):
    staff_app.config["TODAY"] = TODAY
    client, review_id = _facilitator_review(staff_app)
    return client, db.session.get(Review, review_id)


def _statement(client, review, text: str, deleted_at: datetime | None = None) -> Statement:
    statement, _url = _said(client, review.id, text)
    statement.deleted_at = deleted_at
    db.session.commit()
    return statement


def _action(review, what: str, deleted_at: datetime | None = None,
            statement_id: int | None = None) -> Action:
    action = rv.add_action(review, what=what, who="Keyworker", due_on=date(2026, 7, 1),
                           statement_id=statement_id)
    action.deleted_at = deleted_at
    db.session.commit()
    return action


def _texts() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Statement.text))) | set(
        db.session.scalars(select(Action.what)))


def _run(staff_app, *args: str):
    return staff_app.test_cli_runner().invoke(main, ["purge-deleted", *args],
                                              catch_exceptions=False)


def test_rows_deleted_more_than_30_days_ago_go_and_the_others_stay(staff_app):
    client, review = _review(staff_app)
    _statement(client, review, "Deleted 31 days ago", _days_ago(31))
    _statement(client, review, "Deleted 29 days ago", _days_ago(29))
    # 23:30 UTC on 15 May is 00:30 on 16 May in London: 30 days ago there, so it stays
    _statement(client, review, "Deleted late on the 30th day", _days_ago(31, hour=23)
               + timedelta(minutes=30))
    _statement(client, review, "Never deleted")
    undone = _statement(client, review, "Deleted 31 days ago and undone")
    staff_app.config["NOW"] = _days_ago(31)  # the app's clock, as Delete reads it
    rv.delete(undone)
    assert undone.deleted_at == _days_ago(31)
    rv.undo_delete(undone)
    del staff_app.config["NOW"]
    _action(review, "Action deleted 31 days ago", _days_ago(31))
    _action(review, "Action deleted 29 days ago", _days_ago(29))
    _action(review, "Action never deleted")

    done = purge_deleted()

    assert (done.statements, done.actions, done.days) == (1, 1, 30)
    assert _texts() == {"Deleted 29 days ago", "Deleted late on the 30th day", "Never deleted",
                        "Deleted 31 days ago and undone", "Action deleted 29 days ago",
                        "Action never deleted"}
    [logged] = db.session.scalars(select(AccessLog).filter_by(object_type="deleted")).all()
    assert logged.action == "erase" and logged.user_id is None
    assert logged.detail == (f"statements=1 actions=1 organisation={review.organisation_id} "
                             "kept_days=30")  # counts only, never words

    staff_app.config["DELETED_KEPT_DAYS"] = "28"  # a shorter setting takes the next ones
    assert (purge_deleted().statements, purge_deleted().statements) == (2, 0)
    assert {"Deleted 29 days ago", "Deleted late on the 30th day"}.isdisjoint(_texts())


def test_what_pointed_at_an_erased_statement_still_works_and_points_at_nothing(staff_app):
    from reviewkit.services import register as reg

    client, review = _review(staff_app)
    gone = _statement(client, review, "The bus never comes on Sundays")
    stays = _statement(client, review, "The bus to college is late")
    raised = _statement(client, review, "More buses on Sundays", _days_ago(40))
    action = _action(review, "Ask the council about Sunday buses", statement_id=gone.id)
    admin_user = db.session.scalar(select(User).filter_by(email="admin@example.org"))
    work = reg.save_work(admin_user, title="Getting about", kind="project",
                         facilitator_id=admin_user.id)
    idea = reg.raise_idea(work, "More buses on Sundays", source="statement",
                          statement_id=raised.id, entered_by=admin_user)
    ts = ThemeSet(organisation_id=review.organisation_id, scope="all", model={"themes": []},
                  result={"themes": [
                      {"id": "t1", "label": "Buses", "typical": gone.text, "typical_id": gone.id,
                       "examples": [gone.text, stays.text]},
                      {"id": "t2", "label": "Food", "examples": ["Lovely food"]}]})
    db.session.add(ts)
    db.session.flush()
    db.session.add_all([
        ThemeAssignment(theme_set_id=ts.id, statement_id=gone.id, theme_id="t1"),
        ThemeAssignment(theme_set_id=ts.id, statement_id=stays.id, theme_id="t1"),
        ThemeEdit(theme_set_id=ts.id, edit={"op": "move", "statement": str(gone.id),
                                            "to": "t2"}),
        ThemeEdit(theme_set_id=ts.id, edit={"op": "split", "theme": "t1", "label": "Sundays",
                                            "statements": [str(gone.id), str(stays.id)]}),
        ThemeEdit(theme_set_id=ts.id, edit={"op": "split", "theme": "t1",
                                            "statements": [str(gone.id)]}),
    ])
    db.session.commit()
    from reviewkit.nlp.curation import split_theme_id

    new_theme = split_theme_id({"theme": "t1", "statements": [str(gone.id), str(stays.id)]})
    gone_id, person_id = gone.id, review.person_id
    gone.deleted_at = _days_ago(40)
    db.session.commit()

    done = purge_deleted()

    assert (done.statements, done.kept_for_ideas) == (1, 1)
    db.session.expire_all()
    assert db.session.get(Statement, gone_id) is None
    assert db.session.get(Action, action.id).statement_id is None  # the action stays
    # the statement an idea was raised from stays (deleted), the idea's link to the person
    assert db.session.get(Statement, raised.id).is_deleted
    assert db.session.get(Idea, idea.id).statement_id == raised.id
    ts = db.session.get(ThemeSet, ts.id)
    assert "never comes" not in str(ts.result) and "college" not in str(ts.result)
    assert ts.result["themes"][1]["examples"] == ["Lovely food"]
    assert db.session.scalars(select(ThemeAssignment.statement_id)).all() == [stays.id]
    assert [e.edit for e in ts.edits] == [  # the move and the split of it alone went
        {"op": "split", "theme": "t1", "label": "Sundays", "statements": [str(stays.id)],
         "new_theme": new_theme}]

    # the pages that showed it, or linked to it, still open
    assert Page(client.get(f"/staff/reviews/{review.id}/h/like-and-admire")).status == 200
    page = Page(client.get(f"/staff/reviews/{review.id}/h/like-and-admire?undo={gone_id}"))
    assert page.status == 200 and "Deleted:" not in page
    undo = client.post(f"/staff/reviews/{review.id}/s/{gone_id}/undo", data={
        "csrf_token": page.csrf})
    assert undo.status_code == 404
    assert Page(client.get(f"/staff/reviews/{review.id}/summary")).status == 200
    assert Page(client.get(f"/staff/reviews/{review.id}/actions")).status == 200
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    assert Page(admin.get(f"/staff/register/{work.id}/ideas/{idea.id}")).status == 200
    assert Page(admin.get("/staff/analysis/curate")).status == 200
    exported = admin.post(f"/staff/people/{person_id}/export", data={
        "csrf_token": form_token(admin, f"/staff/people/{person_id}")})
    assert exported.status_code == 200
    data = exported.get_json(force=True)
    assert {s["text"]: s["erased_for_good_on"] for s in data["statements"]} == {
        "The bus to college is late": None, "More buses on Sundays": None}
    assert [i["text"] for i in data["ideas"]] == ["More buses on Sundays"]
    assert "Kept: 1 deleted statement(s) that an idea in the register was raised from" in \
        _run(staff_app).output


def test_the_command_says_what_would_go_and_a_dry_run_changes_nothing(staff_app):
    client, review = _review(staff_app)
    _statement(client, review, "Deleted long ago", _days_ago(45))
    _action(review, "Action deleted long ago", _days_ago(45))
    before = _texts()

    dry = _run(staff_app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would erase for good 1 statement(s) and 1 action(s) deleted more than 30 day(s) " \
        "ago." in dry.output
    assert "Nothing was changed" in dry.output
    assert _texts() == before
    assert db.session.scalar(select(func.count(AccessLog.id)).filter_by(
        object_type="deleted")) == 0

    real = _run(staff_app)
    assert real.exit_code == 0, real.output
    assert "Erased for good 1 statement(s) and 1 action(s) deleted more than 30 day(s) " \
        "ago." in real.output
    assert _texts() == before - {"Deleted long ago", "Action deleted long ago"}
    again = _run(staff_app)
    assert "Nothing to erase" in again.output


def test_the_nightly_job_erases_them_in_the_worker(staff_app):
    from reviewkit.tasks import huey, purge_deleted_daily

    client, review = _review(staff_app)
    _statement(client, review, "Deleted long ago", _days_ago(45))

    def due_at(hour: int, minute: int) -> bool:  # what the consumer's scheduler asks
        return any(isinstance(t, purge_deleted_daily.task_class)
                   for t in huey.read_periodic(datetime(2026, 6, 15, hour, minute)))

    assert due_at(3, 40) and not due_at(3, 41) and not due_at(15, 40)  # once a day
    assert purge_deleted_daily.call_local() == {"statements": 1, "actions": 0, "days": 30}
    assert "Deleted long ago" not in _texts()


def test_a_wrong_setting_is_reported_in_plain_words_and_erases_nothing(staff_app,
                                                                      monkeypatch, tmp_path):
    from reviewkit.config import settings
    from reviewkit.tasks import purge_deleted_daily

    monkeypatch.setenv("REVIEWKIT_DELETED_KEPT_DAYS", " thirty ")
    assert settings(tmp_path)["DELETED_KEPT_DAYS"] == "thirty"  # read without failing
    monkeypatch.delenv("REVIEWKIT_DELETED_KEPT_DAYS")
    assert settings(tmp_path)["DELETED_KEPT_DAYS"] == 30
    client, review = _review(staff_app)
    statement = _statement(client, review, "Deleted long ago", _days_ago(45))
    checked = staff_app.test_cli_runner().invoke(main, ["check"], catch_exceptions=False)
    assert "ok: Statements and actions deleted on the tablet are erased for good after 30 " \
        "day(s)" in checked.output

    for wrong, said in (("thirty", "is 'thirty', not a whole number of days"),
                        ("-5", "is -5: it must be a number of days from 0 to 3650"),
                        ("99999", "is 99999: it must be a number of days from 0 to 3650")):
        staff_app.config["DELETED_KEPT_DAYS"] = wrong
        checked = staff_app.test_cli_runner().invoke(main, ["check"], catch_exceptions=False)
        assert checked.exit_code == 1
        line = next(ln for ln in checked.output.splitlines() if "DELETED_KEPT_DAYS" in ln)
        assert line.startswith("problem: REVIEWKIT_DELETED_KEPT_DAYS " + said), line
        purged = _run(staff_app)
        assert purged.exit_code == 1 and said in purged.output
        assert "Traceback" not in purged.output
        assert purge_deleted_daily.call_local() == {"error": line.removeprefix("problem: ")}
    assert "Deleted long ago" in _texts()
    # nothing is promised on the tablet while the setting is wrong
    rv.undo_delete(statement)
    page = _delete(client, review, statement)
    assert "Deleted: “Deleted long ago”." in page and "erased for good" not in page


def _delete(client, review, statement, **kw) -> Page:
    url = f"/staff/reviews/{review.id}/h/like-and-admire"
    r = client.post(f"/staff/reviews/{review.id}/s/{statement.id}/delete",
                    data={"csrf_token": form_token(client, url)})
    assert r.status_code == 302
    return Page(client.get(r.headers["Location"], **kw))


def test_the_tablet_says_when_deleted_statements_and_actions_are_erased(staff_app):
    client, review = _review(staff_app)
    statement = _statement(client, review, "Likes jigsaws")
    page = _delete(client, review, statement)
    assert "Deleted: “Likes jigsaws”." in page
    assert "Deleted statements are erased for good after 30 days." in page

    rv.undo_delete(statement)
    staff_app.config["DELETED_KEPT_DAYS"] = 1
    assert "Deleted statements are erased for good after 1 day." in _delete(
        client, review, statement)

    rv.undo_delete(statement)
    staff_app.config["DELETED_KEPT_DAYS"] = "30"
    welsh = _delete(client, review, statement, headers={"Accept-Language": "cy"})
    with force_locale("cy"):
        said = ngettext("Deleted statements are erased for good after %(num)d day.",
                        "Deleted statements are erased for good after %(num)d days.", 30)
    assert welsh.lang == "cy" and "Deleted statements" not in said and said in welsh

    action = _action(review, "Book swimming")
    url = f"/staff/reviews/{review.id}/actions/{action.id}/delete"
    r = client.post(url, data={"csrf_token": form_token(client, url), "confirm": "yes"},
                    headers={"Accept-Language": "en"})
    assert r.status_code == 302
    page = Page(client.get(r.headers["Location"], headers={"Accept-Language": "en"}))
    assert "Deleted: “Book swimming”." in page
    assert "Deleted actions are erased for good after 30 days." in page


def test_the_persons_export_says_when_each_deleted_row_is_erased(staff_app):
    client, review = _review(staff_app)
    # 23:30 UTC on 1 June is 00:30 on 2 June in London: erased on 3 July
    _statement(client, review, "Likes jigsaws", datetime(2026, 6, 1, 23, 30, tzinfo=UTC))
    _statement(client, review, "Kind to everyone")
    _action(review, "Book swimming", datetime(2026, 6, 10, 9, 0, tzinfo=UTC))
    exported = client.post(f"/staff/people/{review.person_id}/export", data={
        "csrf_token": form_token(client, f"/staff/people/{review.person_id}")},
        headers={"Accept-Language": "en"}).get_json(force=True)
    when = {s["text"]: s["erased_for_good_on"] for s in exported["statements"]}
    assert when == {"Likes jigsaws": "2026-07-03", "Kind to everyone": None}
    [action] = exported["reviews"][0]["actions"]
    assert action["erased_for_good_on"] == "2026-07-11"
    assert exported["about_deleted"] == (
        "Statements and actions deleted on the tablet are kept for Undo, then erased for good "
        "after 30 days: erased_for_good_on gives the day (none for a statement an idea in the "
        "register was raised from: it is kept with the idea).")
