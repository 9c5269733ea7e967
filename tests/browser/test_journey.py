"""The phone journey in a real browser (Debian chromium): at 360 px, by keyboard only, with and
without JavaScript, stopping halfway and coming back; axe-core on every page; the page-weight
budget; no request leaves the server's origin. For the test bank and every shipped bank."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import TEST_BANKS, initialised_app
from flask import Flask
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response

from .browsing import (
    PAGE_BUDGET,
    SKIPPED,
    Journey,
    axe,
    describe_violations,
    matches,
    page_weights,
)
from .conftest import PHONE

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SHIPPED_BANKS = REPO / "question_banks"
SHIPPED = sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["id"]
                 for p in SHIPPED_BANKS.glob("*.yaml"))
ALL_BANKS = ["test-bank", *SHIPPED]
# What to answer in the test bank: one of each question type, the condition shown, one skip.
TEST_PLAN = {"like": "I am kind\nI make people laugh", "name": "Sam", "happy": "3",
             "anything-wrong": "yes", "what-wrong": "The bus is late",
             "activities": ["swim", "music"]}


@pytest.fixture
def bank() -> str:
    return "test-bank"


@pytest.fixture(scope="module")
def shipped_app(tmp_path_factory) -> Iterator[Flask]:
    """One app loaded with the shipped banks for all the shipped-bank tests: each makes its
    own invitation and checks only its own response."""
    with initialised_app(tmp_path_factory.mktemp("shipped-banks"),
                         BANKS_PATH=str(SHIPPED_BANKS)) as app:
        yield app


@pytest.fixture
def app(bank: str, tmp_path: Path, request) -> Iterator[Flask]:
    """The test bank's app (a new one per test), or (for a shipped bank) the module's app
    loaded with the shipped banks, in a new app context."""
    if bank != "test-bank":
        shipped = request.getfixturevalue("shipped_app")
        with shipped.app_context():
            yield shipped
            db.session.remove()
        return
    with initialised_app(tmp_path, BANKS_PATH=str(TEST_BANKS)) as app:
        yield app


def stored_answers(invitation) -> tuple[Response, dict[str, Answer]]:
    db.session.rollback()  # see what the server's threads committed
    response = db.session.scalar(select(Response).filter_by(invitation_id=invitation.id))
    assert response is not None, "no response was stored"
    return response, {a.question_id: a for a in response.answers}


def assert_stored(invitation, journey: Journey, *, submitted: bool = True) -> None:
    response, stored = stored_answers(invitation)
    assert (response.submitted_at is not None) is submitted
    problems = []
    for qid, given in journey.given.items():
        row = stored.get(qid)
        if row is None:
            problems.append(f"{qid}: nothing stored (entered {given!r})")
        elif given is SKIPPED:
            if not row.skipped:
                problems.append(f"{qid}: skipped, but stored as {row.value!r}")
        elif row.skipped or not matches(row.value, given):
            problems.append(f"{qid}: entered {given!r}, stored {row.value!r}")
    assert not problems, "answers not stored as entered:\n" + "\n".join(problems)


class Origin:
    """Every request a browser context makes, to check none leaves the live server."""

    def __init__(self, context, base: str):
        self.base = base.rstrip("/") + "/"
        self.requests: list[str] = []
        context.on("request", lambda r: self.requests.append(r.url))

    def outside(self) -> list[str]:
        return [u for u in self.requests
                if not u.startswith(self.base) and not u.startswith(("data:", "blob:"))]


def checks_every_page(problems: list[str], *, a11y: bool = True, weight: bool = True):
    """An ``on_page`` hook: axe-core and the page-weight budget on each page of a journey."""

    def on_page(journey: Journey, visit) -> None:
        where = f"{visit.kind} page {visit.url} (<h1> {visit.heading!r})"
        if a11y:
            violations = axe(journey.page)
            if violations:
                problems.append(describe_violations(violations, where))
        if weight:
            sizes = page_weights(visit.url, journey.page.context.cookies())
            total = sum(sizes.values())
            if total > PAGE_BUDGET:
                parts = ", ".join(f"{u.split('/', 3)[-1]}: {n}" for u, n in sizes.items())
                problems.append(f"{where} weighs {total} bytes gzip > {PAGE_BUDGET} ({parts})")

    return on_page


def plan_for(bank: str) -> dict:
    return TEST_PLAN if bank == "test-bank" else {}


def walk_and_check_every_page(page, link: str, bank: str, *, halfway: Callable | None = None,
                              a11y: bool = True, weight: bool = True,
                              skip_every: int = 4) -> Journey:
    """Walk the journey by keyboard from ``link`` with axe and/or the weight budget on every
    page; ``halfway(journey) -> page`` may swap to another page halfway (stop and resume)."""
    problems: list[str] = []
    hook = checks_every_page(problems, a11y=a11y, weight=weight)
    journey = Journey(page, plan=plan_for(bank), skip_every=skip_every, on_page=hook)
    journey.open(link)
    if halfway is not None:
        journey.walk(questions=3)
        journey = Journey(halfway(journey), plan=plan_for(bank), skip_every=skip_every,
                          on_page=hook, given=dict(journey.given), chosen=set(journey.chosen),
                          visits=list(journey.visits))
        resumed = journey.open(link)
        assert resumed.kind == "question" and resumed.qid not in journey.given, (
            f"reopening the link went to {resumed} instead of the first unanswered question")
    assert journey.walk().kind == "done"
    assert not problems, "\n\n".join(problems)
    return journey


# --- the test bank: each acceptance point on its own --------------------------------------------

def test_keyboard_journey_at_360px_is_stored(live_server, invite, phone):
    invitation = invite()
    seen = Origin(phone.context, live_server)
    journey = Journey(phone, plan=TEST_PLAN)
    journey.open(f"{live_server}/r/{invitation.token}")
    assert journey.walk().kind == "done"
    kinds = [v.kind for v in journey.visits]
    assert kinds[-2:] == ["check", "done"] and kinds.count("question") == 6
    assert_stored(invitation, journey)
    assert seen.outside() == [], "requests outside the app's origin"
    # Nothing overflows sideways at 360 px (no horizontal scrolling on a phone).
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_keyboard_journey_without_javascript(live_server, invite, phone_nojs):
    invitation = invite()
    seen = Origin(phone_nojs.context, live_server)
    journey = Journey(phone_nojs, plan={**TEST_PLAN, "like": SKIPPED})
    journey.open(f"{live_server}/r/{invitation.token}")
    assert journey.walk().kind == "done"
    assert [v.kind for v in journey.visits][-2:] == ["check", "done"]
    assert journey.given["like"] is SKIPPED
    assert_stored(invitation, journey)
    assert seen.outside() == []


@pytest.mark.parametrize("javascript", [
    pytest.param(True, id="js"), pytest.param(False, id="nojs")])
def test_stop_halfway_and_finish_later(javascript, live_server, invite, contexts):
    invitation = invite()
    link = f"{live_server}/r/{invitation.token}"
    first = contexts.new(**PHONE, java_script_enabled=javascript)
    journey = Journey(first.new_page(), plan=TEST_PLAN)
    journey.open(link)
    journey.walk(questions=3)
    answered = dict(journey.given)
    assert_stored(invitation, journey, submitted=False)

    # The same phone later (same cookies; the tab was closed): scanning again resumes.
    first.pages[0].close()
    again = Journey(first.new_page(), plan=TEST_PLAN, given=dict(answered),
                    chosen=set(journey.chosen))
    back = again.open(link)
    assert back.kind == "question" and back.qid not in answered, (
        f"reopening the link went to {back} instead of the first unanswered question")
    again.walk(questions=1)

    # Another phone with only the link (no cookies): resumes too, and finishes; the check
    # page shows every answer typed before (the driver checks that before sending).
    other = contexts.new(**PHONE, java_script_enabled=javascript)
    last = Journey(other.new_page(), plan=TEST_PLAN, given=dict(again.given),
                   chosen=set(again.chosen))
    resumed = last.open(link)
    assert resumed.kind == "question" and resumed.qid not in again.given
    assert last.walk().kind == "done"
    assert_stored(invitation, last)
    assert set(answered) < set(last.given)


def test_axe_finds_nothing_on_any_page_of_the_journey(live_server, invite, phone):
    walk_and_check_every_page(phone, f"{live_server}/r/{invite().token}", "test-bank",
                              weight=False)


def test_axe_finds_nothing_without_javascript(live_server, invite, phone_nojs):
    walk_and_check_every_page(phone_nojs, f"{live_server}/r/{invite().token}", "test-bank",
                              weight=False)


def test_every_journey_page_fits_the_weight_budget(live_server, invite, phone_nojs):
    # Weighed over HTTP (HTML + same-origin CSS and JS, gzip -6), so JavaScript in the
    # browser does not matter here.
    walk_and_check_every_page(phone_nojs, f"{live_server}/r/{invite().token}", "test-bank",
                              a11y=False)


# --- every shipped bank: all the checks in one walk per bank, to keep the run short -----------

@pytest.mark.parametrize("bank", SHIPPED)
def test_shipped_bank_without_javascript(bank, live_server, invite, contexts):
    """By keyboard, JavaScript off, at 360 px: stop after three questions, reopen the link on
    another phone (the link alone), finish; axe and the weight budget on every page; every
    answer stored; no request leaves the server."""
    invitation = invite(bank)
    phones = [contexts.new(**PHONE, java_script_enabled=False) for _ in range(2)]
    seen = [Origin(c, live_server) for c in phones]
    journey = walk_and_check_every_page(
        phones[0].new_page(), f"{live_server}/r/{invitation.token}", bank,
        halfway=lambda j: phones[1].new_page())
    assert_stored(invitation, journey)
    assert seen[0].outside() + seen[1].outside() == []


@pytest.mark.parametrize("bank", SHIPPED)
def test_shipped_bank_with_javascript(bank, live_server, invite, phone):
    """By keyboard, JavaScript on, at 360 px: axe on every page; every answer stored; no
    request leaves the server."""
    invitation = invite(bank)
    seen = Origin(phone.context, live_server)
    journey = walk_and_check_every_page(phone, f"{live_server}/r/{invitation.token}", bank,
                                        weight=False)
    assert_stored(invitation, journey)
    assert seen.outside() == []
