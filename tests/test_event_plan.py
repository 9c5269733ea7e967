"""The organisation plan from the local events of a period: themes ranked by top-three places
and by share of each event's votes, the local priorities and their actions, organisation-wide
actions agreed for a theme, and the page, XLSX, CSV and PDF telling the same story (small
numbers hidden for commissioners)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from conftest import Page, sign_in
from openpyxl import load_workbook
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Event, Service, User
from reviewkit.reports import event_plan
from reviewkit.services import events as ev
from reviewkit.services import register as reg


def _user(role: str) -> User:
    return db.session.scalar(select(User).filter_by(role=role))


def _event(name: str, slug: str, day: int, votes: dict[str, int], *, themes=True) -> Event:
    admin = _user("admin")
    service = db.session.scalar(select(Service).filter_by(slug=slug))
    event = ev.save_event(admin, name=name, starts_at=datetime(2026, 5, day, 10, tzinfo=UTC),
                          place="Hall", service_id=service.id, dots=20)
    for label in votes:
        item = ev.add_item(admin, event, label=label)
        item.theme_id = {"Transport": "t1", "Cooking": "t2", "Holidays": "t3"}.get(label) \
            if themes else None
    db.session.commit()
    ev.set_voting(admin, event, "open")
    items = {i.label: i.id for i in event.items}
    for label, n in votes.items():
        if n:
            ev.cast(event, voter_key=f"{name}-{label}", choices={items[label]: n})
    ev.set_voting(admin, event, "closed")
    return event


@pytest.fixture
def plan_app(staff_app):
    staff_app.config["TODAY"] = date(2026, 6, 15)
    with staff_app.app_context():
        admin = _user("admin")
        big = _event("Oak day", "oak", 10, {"Transport": 12, "Cooking": 8, "Holidays": 3,
                                           "A garden": 2})
        small = _event("Elm day", "elm", 20, {"Cooking": 2, "Holidays": 1, "Transport": 0})
        work = ev.make_local_plan(admin, big, [i.id for i in big.items][:2])
        idea = next(i for i in db.session.scalars(
            select(reg.Idea).filter_by(work_id=work.id)) if i.text == "Transport")
        reg.add_action(admin, work, idea, change="Ask for a Saturday bus", owner="Priya Shah",
                       starts_on=date(2026, 6, 1), due_on=date(2026, 9, 1), status="planned",
                       root_cause="The last bus is at 5pm", success="People get home after 5")
        ev.make_local_plan(admin, small, [i.id for i in small.items][:2])
        yield staff_app


def test_themes_rank_by_top_three_places_then_share_with_priorities_and_actions(plan_app):
    plan = event_plan.build(_user("admin").organisation_id, date(2026, 1, 1), date(2026, 6, 30))
    # Holidays was in both events' top three, Transport in one (Elm day gave it nothing)
    assert [t.label for t in plan.themes[:3]] == ["Cooking", "Holidays", "Transport"]
    cooking, transport = plan.themes[0], plan.themes[2]
    assert (cooking.top_three, cooking.events, cooking.votes) == (2, 2, 10)
    assert transport.top_three == 1 and transport.votes == 12  # Elm day gave it nothing
    assert cooking.share > transport.share  # a small event counts as much as a big one
    oak = next(p for p in transport.priorities if p.event.name == "Oak day")
    assert oak.result.place == 1 and oak.idea is not None
    assert [a.change for a in oak.actions] == ["Ask for a Saturday bus"]
    assert event_plan.build(_user("admin").organisation_id, date(2026, 5, 15),
                            date(2026, 6, 30)).events[0].event.name == "Elm day"


def test_an_organisation_action_is_agreed_for_a_theme_and_every_format_agrees(plan_app):
    client = plan_app.test_client()
    sign_in(client, "admin")
    page = Page(client.get("/staff/register/organisation-plan?from=2026-Q2&to=2026-Q2"))
    assert page.status == 200 and "2 local events" in page
    url = "/staff/register/organisation-plan/action?theme=t1&label=Transport"
    form = Page(client.get(url))
    bad = Page(client.post(url, data={"csrf_token": form.csrf, "change": "Buses at night",
                                      "owner": "", "starts_on": "2026-07-01",
                                      "due_on": "2026-12-01", "status": "planned"}))
    assert bad.status == 400 and "Buses at night" in bad
    done = client.post(url, data={"csrf_token": form.csrf, "change": "Buses at night",
                                  "owner": "Transport lead", "starts_on": "2026-07-01",
                                  "due_on": "2026-12-01", "status": "planned"})
    assert done.status_code == 302
    page = Page(client.get("/staff/register/organisation-plan?from=2026-Q2&to=2026-Q2"))
    transport = page.html.split('id="theme-3-h"')[1].split("</section>")[0]
    assert "Buses at night" in transport and "Ask for a Saturday bus" in transport
    assert "The last bus is at 5pm" in transport

    book = load_workbook(io.BytesIO(client.get(
        "/staff/register/organisation-plan.xlsx?from=2026-Q2&to=2026-Q2").data))
    themes = [row for row in book["Themes"].iter_rows(values_only=True) if row[0] in (1, 2, 3)]
    assert [row[1] for row in themes] == ["Cooking", "Holidays", "Transport"]
    assert themes[2][6] == 1  # one organisation-wide action for Transport
    actions = list(book["Organisation actions"].iter_rows(values_only=True))
    assert any(r[:2] == ("Transport", "Buses at night") for r in actions)
    rows = list(csv.reader(io.StringIO(client.get(
        "/staff/register/organisation-plan.csv?from=2026-Q2&to=2026-Q2").data.decode(
        "utf-8-sig"))))
    assert [r[1] for r in rows if r and r[0] in "123"][:3] == ["Cooking", "Holidays",
                                                                "Transport"]
    if shutil.which("pdftotext"):
        pdf = client.get("/staff/register/organisation-plan.pdf?from=2026-Q2&to=2026-Q2").data
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf,
                              capture_output=True, check=True).stdout.decode()
        assert "Buses at night" in text and "Ask for a Saturday bus" in text
        assert text.index("Cooking") < text.index("Holidays") < text.index("Transport")


def test_a_commissioner_sees_small_numbers_hidden_and_a_bad_period_is_explained(plan_app):
    client = plan_app.test_client()
    sign_in(client, "manager")
    page = Page(client.get("/staff/register/organisation-plan?from=2026-Q2&to=2026-Q2"))
    assert "Numbers from 1 to 4 are hidden." in page
    rows = list(csv.reader(io.StringIO(client.get(
        "/staff/register/organisation-plan.csv?from=2026-Q2&to=2026-Q2").data.decode(
        "utf-8-sig"))))
    votes = {r[1]: r[5] for r in rows if r and r[0] in "1234"}
    assert votes["Holidays"] == "hidden" and votes["A garden"] == "hidden"
    assert votes["Transport"] == "12"
    # a hidden count's share of its event's votes is hidden too: 'A garden' was on one ballot
    # only, so its 8% of that event's 25 votes said it had 2
    shares = {r[1]: r[4] for r in rows if r and r[0] in "1234"}
    assert shares["A garden"] == "hidden" and shares["Holidays"] == "hidden"
    assert shares["Transport"] == "24"
    cells = {re.sub(r"<[^>]+>", "", th): re.findall(r"<td>(.*?)</td>", row)
             for th, row in re.findall(r"<tr><td>\d+</td><th scope=\"row\">(.*?)</th>(.*?)</tr>",
                                       page.html)}
    assert cells["A garden"][2:] == ["hidden", "hidden"]
    assert cells["Transport"][2:] == ["24%", "12"]
    # nor is a count that gives a hidden one away by subtraction: Cooking's 10 votes less its
    # 8 at Oak day would say Elm day gave it 2, so the 8 is hidden too, and so is Cooking's
    # share (its 32 % of Oak day's 25 votes gives 8 back); Transport's 0 at Elm day hides nothing
    book = load_workbook(io.BytesIO(client.get(
        "/staff/register/organisation-plan.xlsx?from=2026-Q2&to=2026-Q2").data))
    local = {(r[0], r[1].split(" (")[0]): r[3] for r in book["Local priorities"].iter_rows(
        min_row=2, values_only=True) if r[0] in ("Cooking", "Transport", "Holidays")}
    assert local[("Cooking", "Oak day")] == "hidden" and local[("Transport", "Oak day")] == 12
    assert local[("Cooking", "Elm day")] == "hidden" and local[("Holidays", "Oak day")] == "hidden"
    assert (votes["Cooking"], shares["Cooking"]) == ("10", "hidden")
    assert cells["Cooking"][2:] == ["hidden", "10"]
    admin = plan_app.test_client()
    sign_in(admin, "admin")  # staff who ran the events see every number
    book = load_workbook(io.BytesIO(admin.get(
        "/staff/register/organisation-plan.xlsx?from=2026-Q2&to=2026-Q2").data))
    assert {(r[0], r[1].split(" (")[0]): r[3] for r in book["Local priorities"].iter_rows(
        min_row=2, values_only=True) if r[0] == "Cooking"}[("Cooking", "Oak day")] == 8
    bad = Page(client.get("/staff/register/organisation-plan?from=last+year"))
    assert bad.status == 400 and "Enter a date like 2026-03-31" in bad
    assert 'value="last year"' in bad.html
