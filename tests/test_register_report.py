"""The register as a whole: every idea to filter and sort, names only for roles that may see
them, the same rows and flags in the CSV, the XLSX and ``reviewkit export register``, and the
charter's promises as numbers, worked out from an injected date."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from conftest import sign_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import AccessLog, Organisation, Service, User
from reviewkit.services import plans
from reviewkit.services import register as reg

TODAY = date(2026, 6, 15)


@pytest.fixture
def world(staff_app):
    """Oak House's plan with ideas in every state, one Elm Court idea; 'today' is fixed."""
    staff_app.config["TODAY"] = TODAY
    with staff_app.app_context():
        manager = db.session.scalar(select(User).filter_by(role="manager"))
        oak, elm = (db.session.scalar(select(Service).filter_by(slug=s)) for s in ("oak", "elm"))
        oak_plan = reg.save_work(manager, title="Oak House plan", kind="local_plan",
                                 service_id=oak.id)
        elm_plan = reg.save_work(manager, title="Elm Court plan", kind="local_plan",
                                 service_id=elm.id)
        ideas = {}
        for key, text, raised in [("late", "A Saturday club", TODAY - timedelta(days=40)),
                                  ("new", "Cooking together", TODAY - timedelta(days=3)),
                                  ("no", "A swimming pool", TODAY - timedelta(days=90)),
                                  ("yes", "Earlier bus", TODAY - timedelta(days=100))]:
            ideas[key] = reg.raise_idea(oak_plan, text, source="phone", today=raised,
                                        raised_by="Ann Jones", name_agreed=True)
        reg.answer_idea(manager, ideas["no"], decision="not_included", reason="Too costly",
                        today=TODAY - timedelta(days=80))
        reg.answer_idea(manager, ideas["yes"], decision="included",
                        today=TODAY - timedelta(days=95))
        plans.create_action(manager, None, work=oak_plan, idea_id=ideas["yes"].id,
                            change="Ask the bus company", owner="Transport lead",
                            due_on=TODAY + timedelta(days=30), status="planned")
        reg.raise_idea(elm_plan, "More music", source="staff", today=TODAY,
                       raised_by="Bob", name_agreed=True)
        ids = {k: v.id for k, v in ideas.items()} | {"oak_plan": oak_plan.id,
                                                     "elm_plan": elm_plan.id}
    return staff_app, ids


def _csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_register_lists_every_idea_with_flags_from_the_date(world):
    app, ids = world
    client = app.test_client()
    sign_in(client, "admin")
    page = client.get("/staff/register/ideas").get_data(as_text=True)
    for text in ("A Saturday club", "Cooking together", "A swimming pool", "Earlier bus",
                 "More music"):
        assert text in page
    assert "Ann Jones" in page  # admins see names where people agreed
    rows = {r["idea"]: r for r in _csv(client.get("/staff/register/ideas.csv").data)}
    assert rows["A Saturday club"]["overdue"] == "yes"  # 40 days, no answer (28 promised)
    assert rows["Cooking together"]["overdue"] == "no"
    assert rows["A swimming pool"]["status"] == "not_included"
    assert rows["A swimming pool"]["reason"] == "Too costly"
    assert rows["Earlier bus"]["actions"] == "1"
    assert rows["A Saturday club"]["raised_by"] == "Ann Jones"
    # filtered: overdue only; sorted oldest first
    only = _csv(client.get("/staff/register/ideas.csv?flag=overdue").data)
    assert [r["idea"] for r in only] == ["A Saturday club"]
    oldest = _csv(client.get("/staff/register/ideas.csv?order=asc").data)
    assert oldest[0]["idea"] == "Earlier bus"
    waiting = _csv(client.get("/staff/register/ideas.csv?status=awaiting").data)
    assert {r["idea"] for r in waiting} == {"A Saturday club", "Cooking together",
                                            "More music"}


def test_the_workbook_has_the_same_rows_as_the_csv_and_the_download_is_logged(world):
    from openpyxl import load_workbook

    app, _ids = world
    client = app.test_client()
    sign_in(client, "admin")
    rows = _csv(client.get("/staff/register/ideas.csv").data)
    sheet = load_workbook(io.BytesIO(client.get("/staff/register/ideas.xlsx").data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = cells.index(list(rows[0].keys()))
    assert [str(c[2]) for c in cells[header + 1:]] == [r["idea"] for r in rows]
    with app.app_context():
        log = db.session.scalars(select(AccessLog).filter_by(action="download")
                                 .order_by(AccessLog.id.desc())).first()
        assert log.object_type == "register" and '"format": "register.xlsx"' in log.detail


def test_managers_never_see_names_and_facilitators_see_their_services_only(world):
    app, _ids = world
    client = app.test_client()
    sign_in(client, "manager")
    page = client.get("/staff/register/ideas").get_data(as_text=True)
    assert "A Saturday club" in page and "Ann Jones" not in page and "Bob" not in page
    rows = _csv(client.get("/staff/register/ideas.csv").data)
    assert "raised_by" not in rows[0] and len(rows) == 5
    facilitator = app.test_client()
    sign_in(facilitator, "facilitator")  # works in Oak House only
    rows = _csv(facilitator.get("/staff/register/ideas.csv").data)
    assert {r["work"] for r in rows} == {"Oak House plan"}
    assert rows[0]["raised_by"] == "Ann Jones"
    translator = app.test_client()
    sign_in(translator, "translator")
    assert translator.get("/staff/register/ideas").status_code == 403


def test_a_filter_that_cannot_be_used_says_why_and_keeps_the_choice(world):
    app, ids = world
    client = app.test_client()
    sign_in(client, "facilitator")
    r = client.get(f"/staff/register/ideas?work={ids['elm_plan']}&from=yesterday&flag=overdue")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "You cannot see one of the pieces of work you chose" in page
    assert "Enter a date like 2026-03-31" in page and 'value="yesterday"' in page
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index(
        'class="error-summary"'))]  # both problems listed first, above the opened filter
    assert "There is a problem with the filter" in summary and "pieces of work" in summary
    assert "Enter a date like 2026-03-31" in summary and "<details open>" in page


def test_the_promises_are_the_same_numbers_as_the_register(world):
    app, _ids = world
    client = app.test_client()
    sign_in(client, "admin")
    rows = {r["place"]: r for r in _csv(client.get("/staff/register/promises.csv").data)}
    whole, oak = rows["The whole organisation"], rows["Oak House"]
    register = _csv(client.get("/staff/register/ideas.csv").data)
    assert int(whole["ideas awaiting an answer"]) == sum(
        r["status"] == "awaiting" for r in register) == 3
    assert int(whole["overdue answers"]) == sum(r["overdue"] == "yes" for r in register) == 1
    assert int(oak["ideas awaiting an answer"]) == 2 and rows["Elm Court"]["stalled"] == "0"
    assert whole["answered in time"] == "hidden"  # two answered: too few for a share
    page = client.get("/staff/register/promises").get_data(as_text=True)
    assert "Oak House" in page and "not enough to say" in page
    # a manager sees counts under 5 as "fewer than 5"
    manager = app.test_client()
    sign_in(manager, "manager")
    rows = {r["place"]: r for r in _csv(manager.get("/staff/register/promises.csv").data)}
    assert rows["Oak House"]["ideas awaiting an answer"] == "hidden"
    assert rows["Oak House"]["stalled"] == "0"


def test_reviewkit_export_register_writes_the_same_csv(world, tmp_path):
    from reviewkit.cli import main

    app, _ids = world
    client = app.test_client()
    sign_in(client, "admin")
    download = client.get("/staff/register/ideas.csv?order=desc").data
    runner = app.test_cli_runner()
    out = tmp_path / "register.csv"
    result = runner.invoke(main, ["export", "register", str(out), "--names"])
    assert result.exit_code == 0, result.output
    assert "5 ideas written" in result.output
    assert out.read_bytes() == download
    with app.app_context():
        db.session.add(Organisation(name="Second", slug="second"))
        db.session.commit()
    result = runner.invoke(main, ["export", "register", str(out)])
    assert result.exit_code == 2 and "--organisation" in result.output
    result = runner.invoke(main, ["export", "register", str(out), "--organisation", "nope"])
    assert result.exit_code == 2 and "there is no organisation 'nope'" in result.output
