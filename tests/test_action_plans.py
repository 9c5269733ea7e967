"""The organisation-wide action plan (Working Together for Change): start an action from a
theme, validation that keeps what was typed, who may use it, status changes, overdue actions,
the CSV download, and the public "you said, we did" page.

One organisation with 4 services and 400 generated pooled statements, themed once for the
module; each test starts from an empty plan."""

from __future__ import annotations

import csv
import io
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD, Page, make_app, sign_in, staff_per_role, themed_organisation
from sqlalchemy import delete, select

from reviewkit.extensions import db
from reviewkit.models import AccessLog, Organisation, PlanAction, Role, ThemeSet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from analysis import INJECTION, make_organisation  # noqa: E402

Q = "from=2026-Q1&to=2026-Q4"
TODAY = date.today()
NEXT_YEAR = date(TODAY.year + 1, 3, 31)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    app = make_app(tmp_path_factory.mktemp("plans"), RATELIMIT_ENABLED=False)
    with app.app_context():
        assert not init_database().problems
        org = themed_organisation(4, "plan-org", 400, seed=5)
        staff_per_role(org)
        other = make_organisation(2, slug="other-org")
        create_user(other, "other@example.org", "Other Manager", PASSWORD,
                    Role.MANAGER)
        db.session.commit()
        from reviewkit.reports.filters import Filters
        from reviewkit.reports.gap import build_report

        report = build_report(Filters(org.id), with_statements=False)
        theme = next(t for t in report.themes if t.total and t.id != "unassigned")
        ids = {"org": org.id, "theme": theme.id, "label": theme.label,
               "examples": theme.examples,
               "services": [(s.id, s.name) for s in sorted(org.services, key=lambda s: s.id)]}
    yield app, ids
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def plan_world(world):
    """The module's app and ids, with an empty action plan."""
    app, ids = world
    with app.app_context():
        db.session.execute(delete(PlanAction))
        db.session.commit()
    return world


def _client(app, who="manager"):
    client = app.test_client()
    sign_in(client, who)
    return client


def _fields(**changes) -> dict:
    data = {"change": "Ask the bus company for an earlier bus to college",
            "root_cause": "The timetable changed in spring", "success": "Nobody is late",
            "scope": "", "owner": "Transport team", "due_on": NEXT_YEAR.isoformat(),
            "status": "planned", "public_sentence": ""}
    data.update(changes)
    return data


def _post(client, url: str, **changes):
    data = _fields(**changes)
    data["csrf_token"] = Page(client.get(url)).csrf
    return client.post(url, data=data)


def _start(client, ids, **changes):
    return _post(client, f"/staff/analysis/action?theme={ids['theme']}&{Q}", **changes)


def _stored(app) -> list[PlanAction]:
    with app.app_context():
        return db.session.scalars(select(PlanAction).order_by(PlanAction.id)).all()


# ---------------------------------------------------------------------------- start an action


def test_the_start_page_shows_the_theme_and_a_form(plan_world):
    app, ids = plan_world
    page = Page(_client(app).get(f"/staff/analysis/action?theme={ids['theme']}&{Q}"))
    assert page.status == 200 and page.title.startswith("Start an action")
    assert ids["label"] in page and "What people said" in page
    assert all(e in page for e in ids["examples"])
    assert re.search(r"<dt>Statements</dt><dd>\d+ \(", page.html), "the theme's count"
    for name in ("change", "root_cause", "success", "scope", "owner", "due_on",
                 "public_sentence"):
        assert f'name="{name}"' in page.html, name
    assert 'name="csrf_token"' in page.html
    assert "does not keep action plans" not in page


def test_an_action_started_from_a_theme_is_saved_and_shown_in_the_plan(plan_world):
    app, ids = plan_world
    client = _client(app)
    service_id, service_name = ids["services"][1]
    r = _start(client, ids, scope=f"service:{service_id}")
    assert r.status_code == 302
    [action] = _stored(app)
    assert r.headers["Location"].endswith(f"/staff/analysis/plan#action-{action.id}")
    assert (action.theme_id, action.theme_label) == (ids["theme"], ids["label"])
    with app.app_context():
        ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=ids["org"]))
        manager = db.session.scalar(select(PlanAction.created_by_id))
        assert action.theme_set_id == ts.id and manager is not None
    assert (action.service_id, action.area_id, action.owner, action.due_on, action.status) == (
        service_id, None, "Transport team", NEXT_YEAR, "planned")
    assert action.root_cause == "The timetable changed in spring" and action.done_at is None
    plan = Page(client.get("/staff/analysis/plan"))
    assert plan.status == 200 and plan.title.startswith("Action plan")
    assert "Ask the bus company for an earlier bus to college" in plan
    assert service_name in plan and ids["label"] in plan and "overdue" not in plan


def test_the_theme_label_is_kept_as_it_was_when_themes_are_renamed(plan_world):
    app, ids = plan_world
    _start(_client(app), ids)
    with app.app_context():
        ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=ids["org"]))
        from reviewkit.services.themes import add_edit

        add_edit(ts, {"op": "rename", "theme": ids["theme"], "label": "A new name"})
    try:
        [action] = _stored(app)
        assert (action.theme_id, action.theme_label) == (ids["theme"], ids["label"])
        assert ids["label"] in Page(_client(app).get("/staff/analysis/plan"))
    finally:
        with app.app_context():
            ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=ids["org"]))
            ts.edits.clear()
            db.session.commit()


@pytest.mark.parametrize("changes, field, message", [
    ({"change": ""}, "change", "Say what will change"),
    ({"owner": "  "}, "owner", "Say which role or team owns this action"),
    ({"owner": "x" * 121}, "owner", "Keep this under 120 characters."),
    ({"due_on": ""}, "due_on", "Enter the date it should be done by"),
    ({"due_on": "31/02/2027"}, "due_on", "Enter the date as year, month and day"),
    ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "due_on", "This date has passed"),
    ({"due_on": "2199-01-01"}, "due_on", "Choose a date within the next 10 years."),
    ({"status": "finished"}, "status", "Choose planned, in progress or done"),
    ({"status": ""}, "status", "Choose planned, in progress or done"),
    ({"scope": "service:999999"}, "scope", "Choose the whole organisation, or an area"),
    ({"public_sentence": "Mrs Patel asked for it, call 07700 900123"}, "public_sentence",
     "This sentence will be public: take out names"),
    ({"root_cause": "y" * 2001}, "root_cause", "Keep this under 2000 characters."),
])
def test_a_mistake_gets_a_clear_message_and_keeps_what_was_typed(plan_world, changes, field,
                                                                 message):
    app, ids = plan_world
    typed = _fields(**changes)
    r = _start(_client(app), ids, **changes)
    page = Page(r)
    assert page.status == 400 and page.title.startswith("Error:")
    assert "There is a problem" in page and message in page
    assert f'id="{field}-error"' in page.html or field == "status"
    assert "Traceback" not in page.html
    for name in ("change", "root_cause", "success", "owner"):  # nothing typed is lost
        if typed[name].strip() and name != field:
            assert typed[name] in page, name
    assert _stored(app) == []


def test_a_past_date_is_allowed_for_an_action_that_is_already_done(plan_world):
    app, ids = plan_world
    last_month = TODAY - timedelta(days=30)
    r = _start(_client(app), ids, due_on=last_month.isoformat(), status="done")
    assert r.status_code == 302
    [action] = _stored(app)
    assert action.status == "done" and action.due_on == last_month and action.done_at


def test_a_form_without_its_csrf_token_is_refused_and_keeps_the_text(plan_world):
    app, ids = plan_world
    client = _client(app)
    r = client.post(f"/staff/analysis/action?theme={ids['theme']}&{Q}", data=_fields())
    page = Page(r)
    assert page.status == 400 and "Ask the bus company" in page
    assert "We could not check" in page and _stored(app) == []


def test_an_unknown_theme_gives_a_message_not_an_error(plan_world):
    app, _ids = plan_world
    client = _client(app)
    page = Page(client.get(f"/staff/analysis/action?theme=t999&{Q}"))
    assert page.status == 200 and "Choose a theme on the themes page first" in page
    assert client.post(f"/staff/analysis/action?theme=t999&{Q}",
                       data=_fields()).status_code == 400
    assert _stored(app) == []


# ---------------------------------------------------------------------------- who may


def test_facilitators_and_translators_cannot_see_or_change_the_plan(plan_world):
    app, ids = plan_world
    _start(_client(app), ids)
    [action] = _stored(app)
    for who in ("facilitator", "translator"):
        client = _client(app, who)
        for url in ("/staff/analysis/plan", "/staff/analysis/plan.csv",
                    f"/staff/analysis/action?theme={ids['theme']}",
                    f"/staff/analysis/plan/{action.id}/edit"):
            assert client.get(url).status_code == 403, (who, url)
        for url in (f"/staff/analysis/plan/{action.id}/status",
                    f"/staff/analysis/action?theme={ids['theme']}"):
            assert client.post(url, data={"status": "done"}).status_code == 403, (who, url)
    assert _stored(app)[0].status == "planned"
    assert _client(app, "admin").get("/staff/analysis/plan").status_code == 200


def test_another_organisations_action_cannot_be_seen_or_changed(plan_world):
    app, ids = plan_world
    _start(_client(app), ids)
    [action] = _stored(app)
    other = _client(app, "other")
    assert "Ask the bus company" not in Page(other.get("/staff/analysis/plan"))
    assert other.get(f"/staff/analysis/plan/{action.id}/edit").status_code == 404
    assert other.post(f"/staff/analysis/plan/{action.id}/status",
                      data={"status": "done"}).status_code == 404
    assert _stored(app)[0].status == "planned"


# ---------------------------------------------------------------------------- status, edit


def test_status_changes_from_the_plan_page_and_back(plan_world):
    app, ids = plan_world
    client = _client(app)
    _start(client, ids)
    [action] = _stored(app)
    url = f"/staff/analysis/plan/{action.id}/status"
    token = Page(client.get("/staff/analysis/plan")).csrf
    r = client.post(url, data={"status": "in_progress", "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#action-{action.id}")
    assert _stored(app)[0].status == "in_progress"
    client.post(url, data={"status": "done", "csrf_token": token})
    done = _stored(app)[0]
    assert done.status == "done" and done.done_at is not None
    plan = Page(client.get("/staff/analysis/plan"))
    section = plan.html.split('id="status-done"', 1)[1]
    assert "Ask the bus company" in section and "Open again" in section
    client.post(url, data={"status": "in_progress", "csrf_token": token})
    assert _stored(app)[0].done_at is None
    # without a CSRF token, or with an unknown status: nothing changes
    assert client.post(url, data={"status": "done"}).status_code == 302
    client.post(url, data={"status": "finished", "csrf_token": token})
    assert _stored(app)[0].status == "in_progress"


def test_editing_keeps_an_overdue_date_and_refuses_a_new_past_one(plan_world):
    app, ids = plan_world
    client = _client(app)
    _start(client, ids)
    with app.app_context():
        action = db.session.scalar(select(PlanAction))
        action.due_on = TODAY - timedelta(days=10)  # it was agreed long ago
        db.session.commit()
        action_id = action.id
    url = f"/staff/analysis/plan/{action_id}/edit"
    form = Page(client.get(url))
    assert form.status == 200 and "Transport team" in form and ids["label"] in form
    overdue_date = (TODAY - timedelta(days=10)).isoformat()
    r = _post(client, url, due_on=overdue_date, owner="Travel team")
    assert r.status_code == 302 and _stored(app)[0].owner == "Travel team"
    page = Page(_post(client, url, due_on=(TODAY - timedelta(days=3)).isoformat(),
                      owner="Someone else"))
    assert page.status == 400 and "This date has passed" in page and "Someone else" in page
    assert _stored(app)[0].owner == "Travel team"


def test_overdue_actions_are_marked_and_counted(plan_world):
    app, ids = plan_world
    client = _client(app)
    for change in ("Late one", "On time one", "Done late one"):
        _start(client, ids, change=change)
    with app.app_context():
        late, on_time, done = db.session.scalars(select(PlanAction).order_by(PlanAction.id))
        late.due_on = done.due_on = TODAY - timedelta(days=1)
        done.status, done.done_at = "done", datetime.now(UTC)
        db.session.commit()
    plan = Page(client.get("/staff/analysis/plan"))
    assert "Overdue actions: 1." in plan

    def article(change: str) -> str:
        return next(a for a in plan.html.split("<article")[1:] if change in a)

    assert "overdue" in article("Late one")
    assert "overdue" not in article("On time one") and "overdue" not in article("Done late one")


# ---------------------------------------------------------------------------- download


def test_the_plan_downloads_as_spreadsheet_safe_csv_and_is_logged(plan_world):
    app, ids = plan_world
    client = _client(app)
    _start(client, ids, change=INJECTION, owner="@SUM(A1:A9)", root_cause="-2+3",
           success="+cmd|' /C calc'!A0")
    _start(client, ids, change="Quiet room", scope=f"service:{ids['services'][0][0]}")
    with app.app_context():
        before = len(db.session.scalars(select(AccessLog).filter_by(action="download")).all())
    r = client.get("/staff/analysis/plan.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in r.data
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    from reviewkit.reports.plan import PLAN_COLUMNS

    assert rows[0] == PLAN_COLUMNS and len(rows) == 3
    by = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    risky = next(b for b in by if "HYPERLINK" in b["what_will_change"])
    assert risky["what_will_change"] == "'" + INJECTION
    assert risky["owner"] == "'@SUM(A1:A9)" and risky["root_cause"] == "'-2+3"
    assert risky["success_looks_like"].startswith("'+")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    quiet = next(b for b in by if b["what_will_change"] == "Quiet room")
    assert quiet["where"] == ids["services"][0][1] and quiet["theme"] == ids["label"]
    assert (quiet["status"], quiet["overdue"], quiet["created_by"]) == ("planned", "no",
                                                                        "Manager")
    with app.app_context():
        logs = db.session.scalars(select(AccessLog).filter_by(action="download")
                                  .order_by(AccessLog.id)).all()
        assert len(logs) == before + 1
        assert '"format": "plan.csv"' in logs[-1].detail and logs[-1].user_id is not None


def test_the_plan_as_xlsx_and_pdf_agrees_with_the_csv(plan_world, tmp_path):
    import subprocess

    from openpyxl import load_workbook

    app, ids = plan_world
    client = _client(app)
    _start(client, ids, change=INJECTION, owner="@SUM(A1:A9)")
    _start(client, ids, change="Quiet room", scope=f"service:{ids['services'][0][0]}")
    page = client.get("/staff/analysis/plan").get_data(as_text=True)
    assert all(f'href="/staff/analysis/plan.{f}"' in page for f in ("csv", "xlsx", "pdf"))
    rows = list(csv.reader(io.StringIO(
        client.get("/staff/analysis/plan.csv").data.decode("utf-8-sig"))))
    r = client.get("/staff/analysis/plan.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.data)).active
    cells = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    # the same rows; the CSV only adds a ' before text that would start a formula
    assert [[v.removeprefix("'") for v in row] for row in rows] == cells
    risky = next(c for row in sheet.iter_rows() for c in row if c.value == INJECTION)
    assert risky.data_type == "s"
    r = client.get("/staff/analysis/plan.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    (tmp_path / "plan.pdf").write_bytes(r.data)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "plan.pdf"), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    assert "Action plan" in text and "Planned (2)" in text
    assert "Quiet room" in text and ids["services"][0][1] in text and "Who owns it" in text
    assert client.get("/staff/analysis/plan.docx").status_code == 404
    with app.app_context():
        logs = db.session.scalars(select(AccessLog).filter_by(action="download")
                                  .order_by(AccessLog.id)).all()
        assert ['"format": "plan.xlsx"' in logs[-2].detail,
                '"format": "plan.pdf"' in logs[-1].detail] == [True, True]


# ---------------------------------------------------------------------------- you said, we did


def test_done_actions_with_a_public_sentence_show_on_you_said_we_did(plan_world):
    app, ids = plan_world
    client = _client(app)
    _start(client, ids, change="Earlier bus", status="done",
           public_sentence="You said the bus was late, so we asked for an earlier one.")
    _start(client, ids, change="Not done yet",
           public_sentence="We will have a quiet room soon.")
    _start(client, ids, change="Done, not published", status="done")
    public = app.test_client()  # nobody signed in
    with app.app_context():
        slug = db.session.get(Organisation, ids["org"]).slug
    page = Page(public.get(f"/o/{slug}/you-said-we-did"))
    assert page.status == 200 and page.title.startswith("You said, we did")
    assert "You said the bus was late, so we asked for an earlier one." in page
    assert ids["label"] in page
    done_in = date.today()  # asked now, not at import: a run may cross into a new month
    assert f"<h2>{done_in:%B} {done_in.year}</h2>" in page.html  # the month it was done
    assert "quiet room" not in page and "Done, not published" not in page
    assert "Transport team" not in page  # only theme, sentence and month
    assert not re.search(r"\b\d+\s+(statements|people)\b", page.html), "no counts"
    assert public.get("/o/no-such-org/you-said-we-did").status_code == 404


def test_the_public_page_never_shows_a_name(plan_world):
    """A name cannot be typed into the public sentence (see the validation test); a theme
    renamed by hand to a name, or a sentence stored before, is masked on the public page."""
    app, ids = plan_world
    _start(_client(app), ids, status="done", public_sentence="We changed the rota.")
    with app.app_context():
        action = db.session.scalar(select(PlanAction))
        action.theme_label = "What Mrs Patel said"
        action.public_sentence = "We asked Jo Bloggs on 07700 900123."
        db.session.commit()
        slug = db.session.get(Organisation, ids["org"]).slug
    page = Page(app.test_client().get(f"/o/{slug}/you-said-we-did"))
    for secret in ("Patel", "Bloggs", "07700"):
        assert secret not in page.html
    assert "[name]" in page


def test_the_thank_you_page_links_to_the_public_page(plan_world):
    app, ids = plan_world
    with app.test_request_context():
        from flask import render_template

        with app.app_context():
            org = db.session.get(Organisation, ids["org"])
            html = render_template("respond/done.html", organisation=org,
                                   response=type("R", (), {
                                       "consent_pooled": True,
                                       "bank": type("B", (), {"purpose": "review"})()})(),
                                   easy_read=False)
    assert f'href="/o/{org.slug}/you-said-we-did"' in html
