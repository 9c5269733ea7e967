"""Indicators in a real browser (Debian chromium), by keyboard: a manager makes an indicator from
the monthly check-in question "Do you feel that we have listened to you?" with a target of 70%
(choosing the question first, then which answers count), and one entered by hand (a target
that is not a number is refused with the typing kept); enters a number for this quarter; both
pages show a chart and a table, and the report's PDF (pdftotext) and XLSX (openpyxl) agree
with the tables. axe-core finds nothing on the indicator pages in English, Welsh, Urdu and
Arabic, on a tablet and at 320 px, and the easy-read version reads as easy read."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from conftest import add_checkins, pdf_text
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Indicator

from .browsing import (
    StaffSite,
    axe,
    describe_violations,
    fits,
    staff_sign_in,
    staff_site,
)
from .conftest import TABLET

pytestmark = pytest.mark.browser

TODAY = date.today()
MONTH = TODAY.strftime("%Y-%m")
QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"


def _ten_check_ins(org, services, _users) -> None:
    # ten check-ins at Oak House this month: the faces go 2, 3, 1, 2, 3, 1, … (conftest)
    add_checkins(services["oak"], org, 10)


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[StaffSite]:
    yield from staff_site(tmp_path_factory.mktemp("indicators"), _ten_check_ins)


def _cells(page, caption: str) -> dict[str, list[str]]:
    """The rows of the table with ``caption``: its row heading -> the other cells' text."""
    table = page.locator("table", has=page.locator("caption", has_text=caption))
    out = {}
    for row in table.locator("tbody tr").all():
        out[" ".join(row.locator("th").inner_text().split())] = [
            " ".join(t.split()) for t in row.locator("td").all_inner_texts()]
    return out


def test_a_manager_makes_two_indicators_and_the_downloads_agree(site, contexts):
    from openpyxl import load_workbook

    page = contexts.page(**TABLET)
    keys = staff_sign_in(page, site.url, "manager@example.org")
    page.goto(f"{site.url}/staff/indicators/")
    keys.press(keys.link("New indicator"))
    keys.type(page.locator("#name"), "People feel listened to")
    keys.radio(page.locator("input[name=source]"), 0)  # answers to a question
    keys.choose(page.locator("#question"), "Monthly check-in: Do you feel that we have "
                "listened to you and know what matters most to you?")
    keys.type(page.locator("#target"), "70")
    keys.press(keys.button("Save the indicator"))
    # the next step: which answers count (nothing typed is lost)
    assert "Choose which answers count" in page.locator(".error-summary").inner_text()
    assert page.locator("#name").input_value() == "People feel listened to"
    assert page.locator("#target").input_value() == "70"
    keys.focus(page.get_by_role("checkbox", name="3 (happy)"))
    page.keyboard.press("Space")
    keys.press(keys.button("Save the indicator"))
    assert page.locator("h1").inner_text().strip() == "People feel listened to"
    chart = page.locator("figure svg[role=img]")
    assert chart.count() == 1 and "People feel listened to" in chart.locator(
        "title").text_content()
    listened = _cells(page, "Values by period")[MONTH]
    with site.app.app_context():
        made = db.session.scalar(select(Indicator))
        assert (made.bank_id, made.question_id, made.options, made.target) == (
            "monthly-check-in", "listened-to", ["3"], 70)
    # hand count: conftest's faces for listened-to: 1 + (i + 11) % 3 for i in 0..9
    happy = sum(1 + (i + len("listened-to")) % 3 == 3 for i in range(10))
    assert listened[0] == f"{round(100 * happy / 10, 1):g}% of 10"

    page.goto(f"{site.url}/staff/indicators/new")
    keys.type(page.locator("#name"), "People in paid work")
    keys.radio(page.locator("input[name=source]"), 2)  # entered by hand
    keys.radio(page.locator("input[name=unit]"), 0)  # a count
    keys.radio(page.locator("input[name=frequency]"), 1)  # every quarter
    keys.type(page.locator("#target"), "ten")
    keys.press(keys.button("Save the indicator"))
    assert "Enter a number" in page.locator(".error-summary").inner_text()
    assert page.locator("#name").input_value() == "People in paid work"
    assert page.locator("#target").input_value() == "ten"
    keys.type(page.locator("#target"), "10")
    keys.press(keys.button("Save the indicator"))
    keys.type(page.locator("#period"), QUARTER)
    keys.type(page.locator("#value"), "12")
    keys.type(page.locator("#note"), "From the employment team")
    keys.press(keys.button("Save the number"))
    assert _cells(page, "Values by period")[QUARTER] == ["12", "Yes"]
    assert "From the employment team" in page.locator("main").inner_text()

    xlsx = page.request.get(f"{site.url}/staff/indicators/report.xlsx")
    assert xlsx.ok
    book = load_workbook(io.BytesIO(xlsx.body()))
    values = {(r[0], r[2]): r[3] for r in book["Values"].iter_rows(values_only=True)
              if r and r[1] in ("Whole organisation",)}
    assert f"{values[('People feel listened to', MONTH)]:g}%" == listened[0].split(" ")[0]
    assert values[("People in paid work", QUARTER)] == 12
    text = pdf_text(page.request.get(f"{site.url}/staff/indicators/report.pdf").body())
    assert "People feel listened to" in text and listened[0].split(" ")[0] in text
    assert "People in paid work" in text and "12" in text and "70%" in text


PAGES = ["/staff/indicators/", "/staff/indicators/new", "/staff/indicators/easy-read"]


@pytest.mark.parametrize("lang", ["en", "cy", "ur", "ar"])
def test_axe_finds_nothing_on_the_indicator_pages(site, contexts, lang):
    with site.app.app_context():
        ids = db.session.scalars(select(Indicator.id)).all()
    assert ids, "the journey above makes the indicators"
    paths = [*PAGES, *(f"/staff/indicators/{i}" for i in ids),
             *(f"/staff/indicators/{i}/edit" for i in ids)]
    for size in (TABLET, {"viewport": {"width": 320, "height": 640}}):
        page = contexts.page(**size)
        staff_sign_in(page, site.url, "admin@example.org")
        for path in paths:
            url = f"{site.url}{path}?lang={lang}"
            page.goto(url)
            assert page.evaluate("() => document.documentElement.lang") == lang, url
            assert page.evaluate("() => document.documentElement.dir") == (
                "rtl" if lang in ("ur", "ar") else "ltr")
            violations = axe(page)
            assert not violations, describe_violations(violations, f"{url} in {lang}")
            fits(page, url)


def test_the_easy_read_version_reads_as_easy_read(site, contexts):
    page = contexts.page(**TABLET, java_script_enabled=False)
    staff_sign_in(page, site.url, "admin@example.org")
    page.goto(f"{site.url}/staff/indicators/easy-read")
    main = " ".join(page.locator("main").inner_text().split())
    assert "How are we doing?" in main and "We want 70 out of every 100." in main
    assert "The number is 12. We want 10. We got there." in main


def test_the_details_of_an_indicator_are_set_apart_on_a_phone_in_urdu(site, contexts):
    """Measures, Numbers from, Target…: each entry of an indicator's details stands apart from
    the one above (they ran together, each bold name touching the line above it)."""
    with site.app.app_context():
        ids = db.session.scalars(select(Indicator.id)).all()
    page = contexts.page(viewport={"width": 320, "height": 640})
    staff_sign_in(page, site.url, "admin@example.org")
    page.goto(f"{site.url}/staff/indicators/{ids[0]}?lang=ur")
    gaps = page.evaluate("""() => [...document.querySelectorAll('dl.summary > div')].map(d =>
        [d.querySelector('dt').getBoundingClientRect().top,
         d.querySelector('dd').getBoundingClientRect().bottom])""")
    assert len(gaps) >= 5, gaps
    for (_top, above_bottom), (top, _bottom) in zip(gaps, gaps[1:], strict=False):
        assert top - above_bottom >= 8, gaps
