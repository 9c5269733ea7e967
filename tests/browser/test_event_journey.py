"""The whole round of a local event in a real browser (issue 15): a facilitator makes an event
on a tablet and puts the service's themes on its ballot, opens voting; three phones vote
(English; Welsh easy read without JavaScript; Urdu easy read) while the projector shows each
vote within 2 seconds; paper tallies are added; voting closes; the local plan gets its actions;
and the organisation plan shows the roll-up, its PDF (pdftotext) and XLSX (openpyxl) agreeing
with the page."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
import requests
from conftest import make_app, pooled_themes
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Event, Idea, PlanAction

from .browsing import LiveServer, staff_organisation, staff_sign_in
from .conftest import PHONE, TABLET

pytestmark = pytest.mark.browser

TODAY = date(2026, 6, 15)


@dataclass
class Site:
    app: Flask
    url: str


def _themes(org, service, admin) -> None:
    """Statements people agreed to share at Oak House, in three themes."""
    pooled_themes(admin, service, [("t1", "The bus is late"), ("t1", "No bus on Sunday"),
                                   ("t2", "I want to cook"), ("t3", "A trip to the sea")],
                  {"t1": "Buses", "t2": "Cooking", "t3": "Holidays"}, TODAY)


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[Site]:
    from reviewkit.config import REPO_ROOT
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path_factory.mktemp("event-journey"), RATELIMIT_ENABLED=False,
                   TODAY=TODAY, BANKS_PATH=str(REPO_ROOT / "question_banks"))
    with app.app_context():
        assert not init_database().problems
        org, services, users = staff_organisation()
        _themes(org, services["oak"], users["admin"])
        with LiveServer(app) as url:
            yield Site(app, url)
        db.session.remove()
        db.engine.dispose()


def _dots_shown(projector) -> int:
    return sum(int(n) for n in re.findall(r"(\d+) dots?", projector.locator("main").inner_text()))


def _phone_votes(page, url: str, dots: dict[str, int]) -> None:
    page.goto(url)
    for label, n in dots.items():
        select = page.get_by_label(re.compile(re.escape(label))).first
        select.select_option(str(n))
    page.locator("main button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/thanks"))


def test_a_local_event_from_themes_to_the_organisation_plan(site, contexts):
    staff = contexts.page(**TABLET)
    staff_sign_in(staff, site.url, "facilitator@example.org")
    staff.goto(f"{site.url}/staff/events/new")
    staff.get_by_label("Name of the event").fill("Oak House big day")
    staff.get_by_label("Date").fill("2026-06-15")
    staff.get_by_label("Time it starts").fill("10:30")
    staff.get_by_label("Place").fill("Oak House hall")
    scope = staff.get_by_label("Service or area")
    scope.select_option(label=next(o for o in scope.locator("option").all_inner_texts()
                                   if "Oak House" in o))
    staff.get_by_role("button", name="Make the event").click()
    staff.wait_for_load_state()  # made: on to its ballot
    assert re.search(r"/staff/events/\d+/ballot$", staff.url), staff.locator("main").inner_text()
    event_url = staff.url.rsplit("/", 1)[0]
    with site.app.app_context():
        event = db.session.scalar(select(Event))
        code = f"{event.public_code[:4]}-{event.public_code[4:]}"

    for label in ("Buses", "Cooking", "Holidays"):
        staff.get_by_label(label, exact=True).check()
    staff.get_by_role("button", name="Add them to the ballot").click()
    staff.goto(event_url)
    staff.get_by_role("button", name="Open voting").click()
    staff.wait_for_url(re.compile(r"/staff/events/\d+"))

    projector = contexts.page(viewport={"width": 1280, "height": 720})
    projector.goto(f"{site.url}/v/{code}/live?lang=en")
    assert _dots_shown(projector) == 0
    vote = f"{site.url}/v/{code}"
    phones = [(contexts.page(**PHONE), f"{vote}?lang=en", {"Buses": 2, "Cooking": 1}),
              (contexts.page(**PHONE, java_script_enabled=False), f"{vote}?lang=cy&easy=1",
               {"Buses": 3}),
              (contexts.page(**PHONE), f"{vote}?lang=ur&easy=1", {"Holidays": 1, "Buses": 1})]
    shown = 0
    for phone, url, dots in phones:
        _phone_votes(phone, url, dots)
        shown += sum(dots.values())
        projector.wait_for_function(  # the projector shows the vote within 2 seconds
            """n => [...document.querySelectorAll('main')].map(m => m.innerText).join(' ')
                   .match(/\\d+(?= dots?)/g).map(Number).reduce((a, b) => a + b, 0) === n""",
            arg=shown, timeout=2000)

    staff.goto(f"{event_url}/tally")
    with site.app.app_context():
        items = {i.label: i.id for i in db.session.scalar(select(Event)).items}
    staff.locator(f"#item_{items['Cooking']}").fill("4")
    staff.locator(f"#item_{items['Holidays']}").fill("2")
    staff.get_by_role("button", name="Add the paper votes").click()
    assert "Sheets entered (1)" in staff.locator("main").inner_text()
    staff.goto(event_url)
    staff.get_by_role("button", name="Close voting").click()
    staff.wait_for_url(re.compile(r"/staff/events/\d+"))
    assert "Voting is closed" in staff.locator("main").inner_text() or \
        "Open voting again" in staff.locator("main").inner_text()

    # Buses 2+3+1 = 6, Cooking 1+4 = 5, Holidays 1+2 = 3: the top three, ticked
    staff.get_by_role("link", name="Make the local plan").click()
    assert all(staff.get_by_label(label, exact=False).first.is_checked()
               for label in ("Buses", "Cooking", "Holidays"))
    staff.get_by_role("button", name="Make the local plan").click()
    staff.wait_for_url(re.compile(r"/staff/register/\d+$"))
    staff.get_by_role("link", name="Buses").first.click()
    staff.get_by_role("link", name="Add an action for this idea").click()
    staff.get_by_label("What will change").fill("Ask for a Sunday bus")
    staff.get_by_label("Who owns it").fill("Priya Shah, transport lead")
    staff.locator("#root_cause").fill("The last bus leaves at 5pm")
    staff.locator("#success").fill("People get home from the club on Sunday")
    staff.locator("#starts_on").fill("2026-06-20")
    staff.locator("#due_on").fill("2026-10-01")
    staff.get_by_role("button", name="Add the action").click()
    with site.app.app_context():
        action = db.session.scalar(select(PlanAction))
        assert (action.change, action.root_cause) == ("Ask for a Sunday bus",
                                                      "The last bus leaves at 5pm")
        assert db.session.get(Idea, action.idea_id).source == "ballot"

    plan = "/staff/register/organisation-plan?from=2026-Q2&to=2026-Q2"
    staff.goto(site.url + plan)
    text = staff.locator("main").inner_text()
    order = [line.split("\t")[1] for line in text.splitlines()
             if re.match(r"^\d+\t", line)][:3]
    assert order == ["Buses", "Cooking", "Holidays"]
    assert "Ask for a Sunday bus" in text and "The last bus leaves at 5pm" in text
    cookies = {c["name"]: c["value"] for c in staff.context.cookies()}
    book = load_workbook(io.BytesIO(requests.get(
        site.url + plan.replace("plan?", "plan.xlsx?"), cookies=cookies, timeout=30).content))
    assert [r[1] for r in book["Themes"].iter_rows(values_only=True) if r[0] in (1, 2, 3)] \
        == order
    assert any("Ask for a Sunday bus" in (r[4] or "") for r in
               book["Local priorities"].iter_rows(values_only=True))
    pdf = requests.get(site.url + plan.replace("plan?", "plan.pdf?"), cookies=cookies,
                       timeout=60).content
    words = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                           check=True).stdout.decode()
    assert words.index("Buses") < words.index("Cooking") < words.index("Holidays")
    assert "Sunday bus" in words
