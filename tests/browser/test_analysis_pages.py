"""The commissioner's gap analysis pages in a real browser at 1024 px (issue 8): with a few
hundred generated statements themed, axe-core finds nothing on any analysis page (themes,
gaps, side by side, curation, starting an action, the action plan, the job's progress page),
and the chart has a text alternative whose numbers are the same as the table's. An action is
made by keyboard only at 360 px, and the plan, its forms and the public "you said, we did" page
pass axe at 360 px, left to right and right to left.

One app and one context signed in as a manager serve the module; the statements come from the
benchmark's generator and are themed once by the Huey job (immediate mode, in this process),
as the "Work out the themes again" button does."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask

from reviewkit.extensions import db

from .browsing import LiveServer, axe, describe_violations, staff_sign_in, staff_users

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DESKTOP = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB"}
Q = "from=2026-Q1&to=2026-Q4"


@dataclass
class Site:
    app: Flask
    url: str
    page: object  # signed in as a manager
    services: list[int]
    theme: str  # a theme id with statements
    organisation_id: int


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[Site]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from analysis import generate, make_organisation

    from reviewkit.services.setup import init_database
    from reviewkit.tasks import huey, theme_organisation

    was = huey.immediate
    huey.immediate = True  # Huey's own test mode: jobs run at once, in this process
    app = make_app(tmp_path_factory.mktemp("analysis-pages"), RATELIMIT_ENABLED=False,
                   HUEY_IMMEDIATE=True)
    try:
        with app.app_context():
            assert not init_database().problems
            org = make_organisation(4, slug="a11y-org")
            staff_users(org)
            generate(org, 400, seed=3)
            done = theme_organisation(org.id)()  # themes, then the report's suppression
            assert done["themes"] > 3, done
            services = [s.id for s in sorted(org.services, key=lambda s: s.id)]
            from reviewkit.reports.gap import Filters, build_report

            report = build_report(Filters(org.id))
            theme = next(t.id for t in report.themes if t.total and t.id != "unassigned")
            with LiveServer(app) as url:
                context = browser.new_context(**DESKTOP)
                context.set_default_timeout(20_000)
                page = context.new_page()
                staff_sign_in(page, url, "manager@example.org")
                yield Site(app, url, page, services, theme, org.id)
                context.close()
            db.session.remove()
            db.engine.dispose()
    finally:
        huey.immediate = was


PAGES = {
    "themes": f"/staff/analysis/?{Q}",
    "themes, default period": "/staff/analysis/",
    "themes, one service": f"/staff/analysis/?service={{s0}}&{Q}",
    "themes, bad filter": "/staff/analysis/?from=2026-13-45",
    "gaps": f"/staff/analysis/gaps?{Q}",
    "side by side, services": "/staff/analysis/compare?mode=services&a={s0}&b={s1}",
    "side by side, periods": "/staff/analysis/compare?mode=periods&a=2026-Q1&b=2026-Q2",
    "side by side, nothing chosen": "/staff/analysis/compare",
    "curation": "/staff/analysis/curate",
    "curation, one theme": "/staff/analysis/curate?scope=all&theme={theme}",
    "start an action": f"/staff/analysis/action?theme={{theme}}&{Q}",
    "job, unknown": "/staff/analysis/job?id=not-a-job",
    "action plan": "/staff/analysis/plan",
}


def _open(site: Site, path: str, status: int = 200):
    url = site.url + path.format(s0=site.services[0], s1=site.services[1], theme=site.theme)
    response = site.page.goto(url)
    assert response.status == status, f"{url}: HTTP {response.status}"
    return url


def _check(site: Site, url: str, page=None, width: int = 1024) -> None:
    page = page or site.page
    assert page.locator("h1").count() == 1, f"{url}: {page.locator('h1').count()} <h1>"
    assert "Traceback" not in page.content()
    violations = axe(page)
    assert not violations, describe_violations(violations, url)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, \
        f"{url} scrolls sideways at {width} px"


@pytest.mark.parametrize("name", list(PAGES))
def test_analysis_page_has_no_axe_violations(site: Site, name: str):
    url = _open(site, PAGES[name], 400 if "bad filter" in name else 200)
    _check(site, url)


def test_the_chart_has_a_text_alternative_with_the_tables_numbers(site: Site):
    page = site.page
    _open(site, f"/staff/analysis/?{Q}")
    chart = page.get_by_role("img", name="Statements by theme")
    assert chart.count() == 1, "the chart is an image with a name (svg role=img + title)"
    desc = chart.locator("desc").text_content()
    bars = [part.rsplit(": ", 1) for part in desc.split("; ")]
    assert len(bars) >= 4 and all(len(b) == 2 for b in bars), desc
    caption = page.locator("figure figcaption").inner_text()
    assert "table" in caption, "the caption points to the table with the same numbers"
    table = page.evaluate("""() => {
        const t = [...document.querySelectorAll("table")].find(t =>
            /by theme/i.test(t.caption ? t.caption.textContent : ""));
        const heads = [...t.tHead.rows[0].cells].map(c => c.textContent.trim());
        const total = heads.indexOf("Total");
        return Object.fromEntries([...t.tBodies[0].rows].map(r =>
            [r.cells[0].textContent.trim(), r.cells[total].textContent.trim()]));
    }""")
    for label, number in bars:
        assert table.get(label) == number, (label, number, table.get(label))
    assert any(n.isdigit() for _l, n in bars), "some bars show numbers"
    # no number from 1 to 4 anywhere in the chart or its table
    assert not [n for _l, n in bars if n.isdigit() and 0 < int(n) < 5]
    assert not [n for n in table.values() if n.isdigit() and 0 < int(n) < 5]


def test_working_the_themes_out_again_shows_an_accessible_progress_page(site: Site):
    page = site.page
    _open(site, f"/staff/analysis/?{Q}")
    page.get_by_role("button", name="Work out the themes again").click()
    page.wait_for_url(re.compile(r"/staff/analysis/job\?id="))
    assert page.get_by_role("status").filter(has_text="Done:").count() == 1
    _check(site, page.url)
    page.get_by_role("link", name="See the themes").click()
    page.wait_for_url(re.compile(r"/staff/analysis/"))
    _check(site, page.url)


def test_a_running_job_page_has_no_axe_violations(site: Site, monkeypatch):
    """While a job runs: its progress, and a link to check again (no timed refresh)."""
    from reviewkit import tasks

    monkeypatch.setattr(tasks, "job_info", lambda job: {"organisation_id": site.organisation_id})
    monkeypatch.setattr(tasks, "job_result", lambda job: ("running", None))
    for progress in ({"done": 120, "total": 400, "stage": "reading"},
                     {"done": 400, "total": 400, "stage": "counting"}, None):
        monkeypatch.setattr(tasks, "job_progress", lambda job, p=progress: p)
        url = _open(site, "/staff/analysis/job?id=abc")
        _check(site, url)  # includes axe's meta-refresh rule: no timed refresh
        assert site.page.get_by_role("link", name="Check the progress again").count() == 1


def test_an_action_is_started_changed_and_done_by_keyboard_at_360_px(site: Site, browser):
    """A manager on a narrow screen, keyboard only: a mistake first (kept, explained), then the
    action is saved, shows in the plan, is marked done with a public sentence, and shows on the
    public page. Every page on the way passes axe and fits 360 px, in English and Arabic."""
    from sqlalchemy import select

    from reviewkit.models import PlanAction

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        keys = staff_sign_in(page, site.url, "manager@example.org")
        start = f"{site.url}/staff/analysis/action?theme={site.theme}&{Q}"
        page.goto(start)
        _check(site, start, page, 360)
        change = "Ask the bus company for an earlier bus"
        keys.type(page.locator("#change"), change)
        keys.type(page.locator("#owner"), "Transport team")
        keys.choose(page.locator("#scope"), "Area: North")
        keys.press(keys.button("Add to the action plan"))  # no date yet: a clear message
        assert page.locator(".error-summary").get_by_text("Enter the date it should be done by"
                                                          ).count() == 1
        assert page.locator("#change").input_value() == change, "what was typed is kept"
        assert page.locator("#owner").input_value() == "Transport team"
        _check(site, page.url, page, 360)
        year = date.today().year + 1
        keys.focus(page.locator("#due_on"))
        page.keyboard.type(f"0303{year}")  # dd mm yyyy or mm dd yyyy: 03 03 either way
        assert page.locator("#due_on").input_value() == f"{year}-03-03"
        keys.press(keys.button("Add to the action plan"))
        assert page.url.split("#")[0].endswith("/staff/analysis/plan")
        assert page.locator("h1").inner_text() == "Action plan"
        assert page.locator("article", has_text=change).count() == 1
        _check(site, page.url, page, 360)
        with site.app.app_context():
            action = db.session.scalar(select(PlanAction).filter_by(change=change))
            assert (action.owner, action.due_on.isoformat(), action.status) == (
                "Transport team", f"{year}-03-03", "planned")
            assert action.area is not None and action.area.name == "North"

        keys.press(page.get_by_role("link", name=re.compile(rf"^Change\W+{re.escape(change)}$")))
        _check(site, page.url, page, 360)
        keys.type(page.locator("#public_sentence"),
                  "You said the bus was late, so we asked for an earlier one.")
        keys.radio(page.locator("input[name=status]"), 2)  # done
        keys.press(keys.button("Save the changes"))
        done = page.locator("#status-done").locator("xpath=..")
        assert done.locator("article", has_text=change).count() == 1
        _check(site, page.url, page, 360)
        keys.press(keys.link("See the public “You said, we did” page"))
        assert page.get_by_text("so we asked for an earlier one").count() == 1
        _check(site, page.url, page, 360)

        with site.app.app_context():  # a label with no place to break still fits 360 px
            db.session.get(PlanAction, action.id).theme_label = "x" * 60 + "/evil.example"
            db.session.commit()
        for path in ("/staff/analysis/plan", f"/staff/analysis/plan/{action.id}/edit",
                     f"/staff/analysis/action?theme={site.theme}&{Q}",
                     "/o/a11y-org/you-said-we-did"):
            url = f"{site.url}{path}{'&' if '?' in path else '?'}lang=ar"
            assert page.goto(url).status == 200, url
            assert page.locator("html").get_attribute("dir") == "rtl"
            _check(site, url, page, 360)
    finally:
        context.close()
