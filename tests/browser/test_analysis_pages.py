"""The commissioner's gap analysis pages in a real browser at 1024 px (issue 8): with a few
hundred generated statements themed, axe-core finds nothing on any analysis page (themes,
gaps, side by side, curation, the action note, the job's progress page), and the chart has a
text alternative whose numbers are the same as the table's.

One app and one context signed in as a manager serve the module; the statements come from the
benchmark's generator and are themed once by the Huey job (immediate mode, in this process),
as the "Work out the themes again" button does."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
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
}


def _open(site: Site, path: str, status: int = 200):
    url = site.url + path.format(s0=site.services[0], s1=site.services[1], theme=site.theme)
    response = site.page.goto(url)
    assert response.status == status, f"{url}: HTTP {response.status}"
    return url


def _check(site: Site, url: str) -> None:
    page = site.page
    assert page.locator("h1").count() == 1, f"{url}: {page.locator('h1').count()} <h1>"
    assert "Traceback" not in page.content()
    violations = axe(page)
    assert not violations, describe_violations(violations, url)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024, \
        f"{url} scrolls sideways at 1024 px"


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
