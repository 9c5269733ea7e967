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

from .browsing import (
    LiveServer,
    axe,
    describe_violations,
    staff_sign_in,
    staff_users,
    tab_through,
)

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

    context, page, keys = _signed_in(browser, site, 360)
    try:
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


# --- the report pages as a commissioner sees them (issue 13) -----------------------------------

# Every word in the given cells that the browser laid out over more than one line (a word is a
# run of letters, marks, digits and apostrophes: a line may still break after the "/" of a
# link as the Unicode line breaking rules allow; one range per word, its lines counted by top).
BROKEN_WORDS = """(selector) => {
    const broken = [];
    for (const cell of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of node.data.matchAll(/[\\p{L}\\p{N}\\p{M}'\u2019]+/gu)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                      .map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""

# Each data table on the page: its region's name and widths, its header and its body cells.
TABLES = """() => [...document.querySelectorAll("main table")].map(t => {
    const region = t.closest(".table-scroll");
    return {
        region: region && {role: region.getAttribute("role"), tabindex: region.tabIndex,
                           name: (region.getAttribute("aria-labelledby") || "").split(" ")
                               .map(id => document.getElementById(id).textContent.trim())
                               .join(" "),
                           client: region.clientWidth, scroll: region.scrollWidth},
        width: t.getBoundingClientRect().width,
        heads: [...t.tHead.rows[0].cells].map(c => c.textContent.trim()),
        rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim())),
    };
})"""

REPORT_PAGES = {"themes": f"/staff/analysis/?{Q}", "gaps": f"/staff/analysis/gaps?{Q}",
                "side by side": "/staff/analysis/compare?mode=periods&a=2026-Q1&b=2026-Q2"}


def _signed_in(browser, site: Site, width: int, lang: str = "en"):
    """A new browser context ``width`` px wide, signed in as the manager: (context, page, the
    keyboard helper that signed in)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
    context.set_default_timeout(20_000)
    page = context.new_page()
    keys = staff_sign_in(page, site.url, "manager@example.org")
    if lang != "en":
        assert page.goto(f"{site.url}/staff/?lang={lang}").status == 200
    return context, page, keys


def _signed_in_page(browser, site: Site, width: int, lang: str = "en"):
    return _signed_in(browser, site, width, lang)[:2]


def test_report_tables_use_a_laptops_width_and_keep_every_word_whole(site: Site, browser):
    """At 1280 px the tables are as wide as the window allows (not a 40rem column), no theme
    name or number is broken inside a word, and no column is empty."""
    context, page = _signed_in_page(browser, site, 1280)
    try:
        for name, path in REPORT_PAGES.items():
            url = site.url + path
            assert page.goto(url).status == 200, url
            tables = page.evaluate(TABLES)
            assert tables, f"{name}: no table"
            for t in tables:
                assert t["region"] and t["region"]["role"] == "region", (name, t["heads"])
                assert t["region"]["tabindex"] == 0 and t["region"]["name"], (name, t["region"])
                assert t["width"] > 1100, f"{name}: a table {t['width']:.0f} px wide at 1280 px"
                for i, head in enumerate(t["heads"]):
                    assert any(row[i] for row in t["rows"] if len(row) == len(t["heads"])), \
                        f"{name}: the column {head!r} is empty"
            broken = page.evaluate(BROKEN_WORDS, "main table th, main table td")
            assert broken == [], f"{name}: words broken across lines at 1280 px: {broken[:10]}"
            _check(site, url, page, 1280)
    finally:
        context.close()


def test_the_gap_table_ranks_every_row_it_shows_a_score_for(site: Site, browser):
    """The Rank column is never empty: the ranked table numbers its rows 1, 2, 3… by a gap
    score every row has; rows whose score would show a hidden number are in a table of their
    own, with neither a rank nor a score."""
    context, page = _signed_in_page(browser, site, 1280)
    try:
        assert page.goto(site.url + REPORT_PAGES["gaps"]).status == 200
        tables = page.evaluate(TABLES)
        ranked = [t for t in tables if t["heads"][0] == "Rank"]
        assert len(ranked) == 2, [t["heads"] for t in tables]  # by service, by area
        for t in ranked:
            assert t["heads"][-1] == "Gap score" and len(t["rows"]) >= 3, t["heads"]
            assert [row[0] for row in t["rows"]] == [str(i) for i in
                                                     range(1, len(t["rows"]) + 1)]
            scores = [float(row[-1]) for row in t["rows"]]
            assert scores == sorted(scores, reverse=True)
        others = [t for t in tables if t["heads"][0] != "Rank"]
        assert others, "the generated data has rows whose gap score would show a hidden number"
        for t in others:
            assert "Rank" not in t["heads"] and "Gap score" not in t["heads"], t["heads"]
            assert "Not ranked" in t["region"]["name"], t["region"]
            assert any("hidden" in row for row in t["rows"])
    finally:
        context.close()


@pytest.mark.parametrize("width,lang", [(360, "en"), (320, "cy"), (360, "ur")])
def test_on_a_phone_the_tables_scroll_sideways_and_the_page_does_not(site: Site, browser,
                                                                     width: int, lang: str):
    """At 320 and 360 px, left to right and right to left: the page never scrolls sideways,
    the wide tables scroll inside their region instead of squeezing, a person reaches a
    region with Tab and scrolls it with the arrow keys, and no word in a table is broken."""
    context, page = _signed_in_page(browser, site, width, lang)
    try:
        for name, path in REPORT_PAGES.items():
            url = site.url + path
            assert page.goto(url).status == 200, url
            assert page.locator("html").get_attribute("lang") == lang
            _check(site, url, page, width)  # axe, and no sideways scroll of the page
            tables = page.evaluate(TABLES)
            wide = [t for t in tables if t["region"]["scroll"] > t["region"]["client"] + 60]
            assert wide, f"{name} at {width} px: no table wider than the phone"
            broken = page.evaluate(BROKEN_WORDS, "main table th, main table td")
            assert broken == [], f"{name} at {width} px ({lang}): words broken: {broken[:10]}"
        region = page.locator(".table-scroll").first  # the side by side table, here
        reached, unstyled = tab_through(page, [region])  # Tab from the top until it has focus
        assert reached == {0} and unstyled == set(), "Tab reaches the region and shows it"
        assert region.evaluate("el => el === document.activeElement")
        for _ in range(8):
            page.keyboard.press("ArrowLeft" if lang == "ur" else "ArrowRight")
        page.wait_for_function("el => Math.abs(el.scrollLeft) > 40", arg=region.element_handle(),
                               timeout=5_000)  # the arrow keys scroll the table (smoothly)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        context.close()


# --- checking and correcting the themes on a phone ----------------------------------------------

I_STATEMENT = "I want to know who is coming to support me at the weekend."

# The quotes around each person's words in the curation table, where they are drawn: for words
# written left to right the opening quote is left of the first letter and the closing one right
# of the last, for words written right to left the other way round.
QUOTES = """() => [...document.querySelectorAll("td.typical")].slice(0, 8).map(cell => {
    const text = cell.querySelector("bdi").firstChild;
    const s = text.data, rect = (i) => {
        const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
        return r.getBoundingClientRect();
    };
    const ltr = /^[^\\p{L}]*[A-Za-z]/u.test(s);  // its first letter is a Latin one
    const [open, first, last, close] = [rect(0), rect(1), rect(s.length - 2),
                                        rect(s.length - 1)];
    const ok = ltr ? open.right <= first.left + 1 && close.left >= last.right - 1
                   : open.left >= first.right - 1 && close.right <= last.left + 1;
    return {text: s, ltr, ok, lang: cell.querySelector("bdi").lang};
})"""


def _with_an_i_statement(site: Site) -> None:
    """A long I statement for the chosen theme (as the form writes it), so the column has a
    sentence in it."""
    from sqlalchemy import select

    from reviewkit.models import ThemeSet
    from reviewkit.services.themes import add_edit

    with site.app.app_context():
        ts = db.session.scalar(select(ThemeSet).filter_by(
            organisation_id=site.organisation_id, scope="all"))
        add_edit(ts, {"op": "i_statement", "theme": site.theme, "text": I_STATEMENT})


@pytest.mark.parametrize("width,lang", [(320, "en"), (320, "cy"), (320, "ur"),
                                        (360, "en"), (360, "cy"), (360, "ur")])
def test_the_curation_page_on_a_phone(site: Site, browser, width: int, lang: str):
    """At 320 and 360 px in English, Welsh and Urdu: the page does not scroll sideways (its
    lists of themes fit), the table scrolls inside its region with its sentences at a
    readable width (not an I statement one word a line), the quotes around people's English
    words are at their ends on the Urdu page too, and the forms are a few Tabs away (a
    contents list before the table and its "look inside" links: GOV.UK style)."""
    _with_an_i_statement(site)
    context, page = _signed_in_page(browser, site, width, lang)
    try:
        url = f"{site.url}/staff/analysis/curate"
        assert page.goto(url).status == 200
        assert page.locator("html").get_attribute("lang") == lang
        _check(site, url, page, width)  # axe, one h1, no sideways scroll of the page
        widths = page.evaluate("""() => [...document.querySelectorAll(
            ".curate-themes :is(td.i-statement, td.typical)")].map(c =>
            c.getBoundingClientRect().width / parseFloat(getComputedStyle(c).fontSize))""")
        assert widths and min(widths) >= 12, f"a sentence column {min(widths):.1f} em wide"
        cell = page.locator("td.i-statement", has_text=I_STATEMENT)
        assert cell.count() == 1
        lines = cell.evaluate("""c => { const r = document.createRange();
            r.selectNodeContents(c); return new Set([...r.getClientRects()]
            .filter(x => x.width > 0).map(x => Math.round(x.top))).size; }""")
        assert lines <= 5, f"the I statement takes {lines} lines at {width} px ({lang})"
        broken = page.evaluate(BROKEN_WORDS, ".curate-themes th, .curate-themes td")
        assert broken == [], f"words broken at {width} px ({lang}): {broken[:10]}"
        quotes = page.evaluate(QUOTES)
        assert quotes and any(q["ltr"] for q in quotes), quotes
        assert all(q["ok"] for q in quotes), [q for q in quotes if not q["ok"]]

        # Tab from the top to the contents list, Enter, and one Tab more is in the form
        contents = page.locator("nav.contents a")
        assert contents.count() == 7
        first = contents.first
        first.evaluate("el => el.setAttribute('data-first', '')")
        page.evaluate("""() => { const s = document.createElement("span"); s.tabIndex = -1;
            document.body.prepend(s); s.focus(); window.scrollTo(0, 0); }""")
        tabs = 0
        while not page.evaluate("() => document.activeElement.hasAttribute('data-first')"):
            assert tabs < 40, "Tab never reached the contents list"
            page.keyboard.press("Tab")
            tabs += 1
        links_before = page.evaluate("""() => [...document.querySelectorAll("main a")]
            .indexOf(document.querySelector("nav.contents a"))""")
        assert tabs <= 20 and links_before <= 6, (tabs, links_before)
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "rename-theme"
    finally:
        context.close()


def test_an_i_statement_is_written_by_keyboard_from_the_contents_list(site: Site, browser):
    """At 320 px in Urdu, keyboard only: the contents list's link to the I statement form,
    Enter, then the form's fields in order; the statement is saved and shown in the table."""
    context, page, keys = _signed_in(browser, site, 320)
    try:
        url = f"{site.url}/staff/analysis/curate?lang=ur"
        assert page.goto(url).status == 200
        link = page.locator("nav.contents a[href='#op-i_statement']")
        keys.focus(link)
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "i_statement-theme"
        theme = page.locator("#i_statement-theme option").nth(1).inner_text().strip()
        keys.choose(page.locator("#i_statement-theme"), theme)
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "i_statement-i_statement"
        said = "I want the bus to come on time."
        page.keyboard.type(said)
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("lang") == "ur"
        row = page.locator(".curate-themes tr", has=page.locator("th", has_text=theme))
        assert row.locator("td.i-statement").inner_text().strip() == said
        _check(site, page.url, page, 320)
    finally:
        context.close()
