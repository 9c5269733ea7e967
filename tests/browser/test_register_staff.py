"""The staff side of the register in a real browser (Debian chromium) on a tablet, by keyboard:
a manager tries "not included" without a reason (a clear error, what they typed kept), then
with one, and the person's tracking link shows the dated answer; an action goes stalled on the
injected date, a manager looks into it, and it moves; axe-core finds nothing on the register's
staff pages in Welsh, Urdu and Arabic (English is checked with every staff page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from conftest import make_app
from flask import Flask
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Idea, Investigation, PlanAction
from reviewkit.services import register as reg

from .browsing import (
    LiveServer,
    attribute_of_each,
    axe,
    catalogue,
    describe_violations,
    staff_organisation,
    staff_sign_in,
)
from .conftest import TABLET

pytestmark = pytest.mark.browser

TODAY = date(2026, 6, 15)


@dataclass
class Site:
    app: Flask
    url: str
    work: int
    idea: int  # waiting for an answer
    code: str  # its tracking code, as shown
    action: int  # an action of an included idea, planned


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[Site]:
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path_factory.mktemp("register-staff"), RATELIMIT_ENABLED=False,
                   TODAY=TODAY)
    with app.app_context():
        assert not init_database().problems
        _org, services, users = staff_organisation()
        manager = users["manager"]
        work = reg.save_work(manager, title="Day opportunities", kind="plan",
                             service_id=services["oak"].id, manager_id=manager.id)
        waiting = reg.raise_idea(work, "A Saturday club at the library", source="phone",
                                 today=TODAY - timedelta(days=3))
        included = reg.raise_idea(work, "Earlier buses", source="staff", today=TODAY)
        reg.answer_idea(manager, included, decision="included", today=TODAY)
        action = reg.add_action(manager, work, included, change="Ask for an earlier bus",
                                owner="Priya Shah", starts_on=TODAY,
                                due_on=TODAY + timedelta(days=120), status="planned")
        ids = (work.id, waiting.id, reg.shown_code(waiting.tracking_code), action.id)
        with LiveServer(app) as url:
            yield Site(app, url, *ids)
        db.session.remove()
        db.engine.dispose()


def test_a_manager_answers_not_included_only_with_a_reason(site, contexts):
    page = contexts.page(**TABLET)
    keys = staff_sign_in(page, site.url, "manager@example.org")
    page.goto(f"{site.url}/staff/register/{site.work}")
    keys.press(keys.link("A Saturday club at the library"))
    assert page.url.endswith(f"/staff/register/{site.work}/ideas/{site.idea}")

    keys.radio(page.locator("input[name=decision]"), 2)  # not included
    keys.type(page.locator("#cost"), "2,500")
    keys.type(page.locator("#cost_note"), "A room on Saturdays")
    keys.press(keys.button("Save the answer"))
    summary = page.locator(".error-summary")
    assert summary.count() == 1 and "Give the reason" in summary.inner_text()
    assert page.locator("#decision-2").is_checked()  # what was chosen and typed is kept
    assert page.locator("#cost").input_value() == "2,500"
    assert page.locator("#cost_note").input_value() == "A room on Saturdays"
    violations = axe(page)
    assert not violations, describe_violations(violations, "an answer with an error")

    keys.type(page.locator("#reason"), "The library is closed on Saturdays.")
    keys.press(keys.button("Save the answer"))
    assert page.locator(".error-summary").count() == 0
    assert "Answered: Not included" in page.locator("main").inner_text()
    with site.app.app_context():
        idea = db.session.get(Idea, site.idea)
        assert (idea.decision, idea.answered_on) == ("not_included", TODAY)

    public = contexts.page(**TABLET, java_script_enabled=False)
    public.goto(f"{site.url}/t/{site.code}")
    main = " ".join(public.locator("main").inner_text().split())
    assert "The library is closed on Saturdays." in main and "15 June 2026" in main


def test_an_action_stalls_on_the_date_is_looked_into_and_moves(site, contexts):
    site.app.config["TODAY"] = TODAY + timedelta(days=70)  # over two months on
    try:
        page = contexts.page(**TABLET)
        keys = staff_sign_in(page, site.url, "manager@example.org")
        page.goto(f"{site.url}/staff/register/")
        assert "Stalled:" in page.locator("main").inner_text()
        page.goto(f"{site.url}/staff/register/{site.work}")
        keys.press(keys.link("Ask for an earlier bus"))
        assert "Stalled" in page.locator("main").inner_text()
        keys.press(keys.link("Record an investigation"))
        keys.press(keys.button("Record the investigation"))  # nothing written
        assert "Say why it has not moved" in page.locator(".error-summary").inner_text()
        keys.type(page.locator("#why"), "The bus company did not reply.")
        keys.type(page.locator("#next_steps"), "Ring them every week.")
        # a native date field: its typing order is the browser's, so set it as a picker does
        page.locator("#new_date").fill("2026-10-01")
        keys.press(keys.button("Record the investigation"))
        assert page.url.endswith(f"/staff/register/{site.work}/actions/{site.action}"), \
            page.locator("main").inner_text()
        assert "The bus company did not reply." in page.locator("main").inner_text()
        with site.app.app_context():
            assert db.session.scalar(select(Investigation)).action_id == site.action

        keys.radio(page.locator("input[name=status]"), 1)  # in progress: it moves
        keys.press(keys.button("Save the changes"))
        with site.app.app_context():
            action = db.session.get(PlanAction, site.action)
            assert (action.status, action.moved_on) == ("in_progress", TODAY + timedelta(days=70))
        page.goto(f"{site.url}/staff/register/{site.work}/actions/{site.action}")
        assert "Stalled" not in page.locator("form").first.evaluate(
            "f => f.previousElementSibling.innerText")
        page.goto(f"{site.url}/staff/register/{site.work}/history")
        history = page.locator("main").inner_text()
        assert "Added an investigation" in history and "In progress" in history
    finally:
        site.app.config["TODAY"] = TODAY


def test_the_action_form_lists_every_problem_at_once(site, contexts):
    """Nothing said, no owner, a finish before the start: the three problems come together
    (they came one at a time), listed at the top with links to their fields; a finish that has
    passed is refused beside its field; what was typed is kept throughout."""
    with site.app.app_context():
        idea = db.session.get(PlanAction, site.action).idea_id
    page = contexts.page(**TABLET)
    keys = staff_sign_in(page, site.url, "facilitator@example.org")
    url = f"{site.url}/staff/register/{site.work}/ideas/{idea}/action"
    page.goto(url)
    keys.type(page.locator("#root_cause"), "The first bus leaves at ten")
    page.locator("#starts_on").fill("2026-09-01")  # a native date field, set as a picker does
    page.locator("#due_on").fill("2026-08-01")
    keys.press(keys.button("Add the action"))
    summary = page.locator(".error-summary")
    assert summary.locator("li").all_inner_texts() == [
        "Say what will change", "Name who owns this action",
        "The finish date must be on or after the start date."]
    assert attribute_of_each(summary.locator("a"), "href") == ["#change", "#owner", "#due_on"]
    for field in ("change", "owner", "due_on"):
        assert page.locator(f"#{field}-error").is_visible()
    assert page.locator("#root_cause").input_value() == "The first bus leaves at ten"
    assert page.locator("#due_on").input_value() == "2026-08-01"
    keys.press(summary.get_by_role("link", name="Name who owns this action"))
    assert page.url.endswith("#owner") and page.locator("#owner").is_visible()
    violations = axe(page)
    assert not violations, describe_violations(violations, "an action with three problems")

    keys.type(page.locator("#change"), "Ask for an earlier bus")
    keys.type(page.locator("#owner"), "Priya Shah")
    page.locator("#starts_on").fill("2026-06-01")
    page.locator("#due_on").fill("2026-06-14")  # the day before today: passed
    keys.press(keys.button("Add the action"))
    assert page.locator(".error-summary li").all_inner_texts() == [
        "This date has passed. Choose a date from today on, or set the status to done."]
    page.locator("#due_on").fill("2026-07-31")
    keys.press(keys.button("Add the action"))
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()
    with site.app.app_context():
        saved = db.session.scalar(select(PlanAction).filter_by(owner="Priya Shah",
                                                               due_on=date(2026, 7, 31)))
        assert saved.root_cause == "The first bus leaves at ten"


PAGES = ["/staff/register/", "/staff/register/{work}", "/staff/register/{work}/ideas/{idea}",
         "/staff/register/{work}/actions/{action}", "/staff/register/{work}/history",
         "/staff/register/{work}/ideas/new", "/staff/register/{work}/add/partner",
         "/staff/register/{work}/review", "/staff/register/new",
         "/staff/register/organisation-plan"]


@pytest.mark.parametrize("lang", ["cy", "ur", "ar"])
def test_axe_finds_nothing_on_the_register_staff_pages(site, contexts, lang):
    page = contexts.page(**TABLET)
    staff_sign_in(page, site.url, "admin@example.org")
    words = catalogue(lang)
    for path in PAGES:
        url = site.url + path.format(work=site.work, idea=site.idea, action=site.action)
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert page.evaluate("() => document.documentElement.lang") == lang, url
        violations = axe(page)
        assert not violations, describe_violations(violations, f"{url} in {lang}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 768, url
    assert words("Sign out") in page.locator("header").inner_text()
