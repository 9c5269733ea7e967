"""Two rounds of the co-production self-audit in a real browser (issue 16): an administrator
opens each round on a tablet; the first is answered through the services and closed; phones
answer the next by keyboard (one in English with JavaScript, one in Welsh easy read without
JavaScript), beside answers made through the services so that groups reach 5; the results
page's table agrees with its PDF (pdftotext) and spreadsheet (openpyxl); and axe-core finds
nothing on the new pages in English, Welsh, Urdu and Arabic, nor on the ladder question in
standard words and easy read."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from conftest import pdf_text
from openpyxl import load_workbook
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Response
from reviewkit.services import audit
from reviewkit.services import responses as rsp
from reviewkit.services.demo_audit import answer

from .browsing import (
    Journey,
    StaffSite,
    axe,
    describe_violations,
    staff_sign_in,
    staff_site,
)
from .conftest import PHONE, TABLET
from .test_variants import choose_variant

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[StaffSite]:
    yield from staff_site(tmp_path_factory.mktemp("audit-journey"))


def open_round(staff, site: StaffSite, title: str) -> int:
    staff.goto(f"{site.url}/staff/audit/new")
    staff.get_by_label("Who is it for?").select_option(label="The whole organisation")
    staff.get_by_label("Closing date").fill((date.today() + timedelta(days=14)).isoformat())
    staff.get_by_label("Name of the round (optional)").fill(title)
    staff.get_by_role("button", name="Open the round").click()
    assert staff.locator("h1").inner_text() == title
    return int(staff.url.rstrip("/").rsplit("/", 1)[1])


def many(survey_id: int, group: str, rating: str, times: int) -> None:
    """``times`` answers of ``group`` through the services, every rating ``rating``."""
    survey = audit.round_for(audit_admin(), survey_id)
    ratings = {q.id: rating for q in survey.bank_version.bank.questions
               if [c.value for c in q.choices][:1] == ["not-yet"]}
    for _ in range(times):
        answer(audit.link_of(survey), {"who-took-part": [group], **ratings,
                                       "ladder": "consulting"})


def audit_admin():
    from reviewkit.models import User

    return db.session.scalar(select(User).filter_by(role="admin"))


def phone_answers(contexts, link: str, *, lang: str, easy: bool, javascript: bool,
                  group: str) -> None:
    page = contexts.page(**PHONE, java_script_enabled=javascript)
    page.goto(link)
    labels = choose_variant(page, lang, easy)
    journey = Journey(page, labels=labels, plan={"who-took-part": [group],
                                                 "ladder": "involving"}, skip_every=2)
    assert journey.walk().kind == "done"


def cells(row) -> list[str]:
    return [" ".join(c.inner_text().split()) for c in row.locator("th, td").all()]


def same(cell: str, value) -> bool:
    """A page cell and a spreadsheet cell say the same (a spreadsheet keeps 4.00 as 4)."""
    if value is None or value == "hidden":
        return cell == ("" if value is None else "fewer than 5")
    if isinstance(value, int | float):
        return cell == (f"{value:.2f}" if "." in cell else str(value)) and float(cell) == value
    return cell == value


def test_two_rounds_by_phone_and_their_results(site, contexts):
    """Both rounds are opened on the tablet. The spring round's answers are made through the
    services (its phone answers would walk the same 34 pages again: the phones' part is
    checked in the autumn round, whose results it changes)."""
    staff = contexts.page(**TABLET)
    staff_sign_in(staff, site.url, "admin@example.org")
    ids = []
    for n, (title, ps, st) in enumerate([("Spring round", "starting", "doing-well"),
                                         ("Autumn round", "doing-well", "leading")]):
        ids.append(open_round(staff, site, title))
        link = site.url + "/r/" + staff.locator("main .link-text a").get_attribute(
            "href").rsplit("/r/", 1)[1]  # the configured address, served here
        assert staff.locator("main .qr svg").count() == 1
        many(ids[-1], "people-supported", ps, 5)
        many(ids[-1], "staff", st, 5)
        if n == 0:  # what the two phones say in the autumn, said through the services
            many(ids[-1], "people-supported", ps, 1)
            many(ids[-1], "families", ps, 1)
            staff.get_by_role("button", name="Close the round now").click()
            assert "Its link no longer works" in staff.locator("main").inner_text()
            continue
        phone_answers(contexts, link, lang="en", easy=False, javascript=True,
                      group="people-supported")
        phone_answers(contexts, link, lang="cy", easy=True, javascript=False, group="families")
    welsh = db.session.scalars(select(Response).where(
        Response.survey_id.in_(ids), Response.language == "cy")).all()
    assert len(welsh) == 1 and all(r.easy_read and r.submitted_at for r in welsh)
    assert welsh[0].survey_id == ids[1]
    for r in welsh:
        assert {a.question_id: a.value for a in r.answers}["who-took-part"] == ["families"]

    staff.goto(f"{site.url}/staff/audit/{ids[1]}/results")
    table = staff.locator("table#t1")
    page_rows = [cells(r) for r in table.locator("tbody tr").all()]
    people = next(r for r in page_rows if r[:2] == ["People-centred", "People we support"])
    assert people[2] == "6" and people[5]  # 5 + the English phone; a change since spring
    families = next(r for r in page_rows if r[:2] == ["People-centred", "Families and carers"])
    assert families[2:5] == ["fewer than 5"] * 3
    assert "Spring round" not in staff.locator("main").inner_text()  # only this round

    xlsx = staff.request.get(f"{site.url}/staff/audit/{ids[1]}/results.xlsx").body()
    sheet = load_workbook(io.BytesIO(xlsx))["Scores"]
    book_rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(book_rows) == len(page_rows)
    for on_page, in_book in zip(page_rows, book_rows, strict=True):
        assert all(same(c, v) for c, v in zip(on_page, in_book, strict=True)), (on_page, in_book)
    text = " ".join(pdf_text(staff.request.get(
        f"{site.url}/staff/audit/{ids[1]}/results.pdf").body()).split())
    # every number of the page's table, in its order (a PDF's narrow columns wrap words)
    numbers = re.compile(r"-?\d+(?:\.\d+)?")
    in_pdf = iter(numbers.findall(text.split("Scores by principle and group")[-1]))
    expected = [n for row in page_rows for c in row if c != "fewer than 5"
                for n in numbers.findall(c)]
    assert all(n in in_pdf for n in expected)
    assert text.count("fewer") >= sum(row.count("fewer than 5") for row in page_rows)
    staff.goto(f"{site.url}/staff/audit/{ids[1]}/over-time")
    assert "Spring round" not in staff.locator("h1").inner_text()
    assert staff.locator("table#t1 thead th").count() == 4  # principle, group, two rounds


@pytest.mark.parametrize("lang", ["en", "cy", "ur", "ar"])
def test_the_pages_in_every_language_have_no_axe_violations(site, contexts, lang):
    staff = contexts.page(**TABLET)
    staff_sign_in(staff, site.url, "admin@example.org")
    survey = audit.rounds_for(audit_admin())[0] if audit.rounds_for(audit_admin()) else None
    if survey is None:
        survey = audit.open_round(audit_admin(), service_id=None,
                                  closes_on=date.today() + timedelta(days=3))
    for path in ("", "new", f"{survey.id}", f"{survey.id}/results", f"{survey.id}/over-time"):
        url = f"{site.url}/staff/audit/{path}?lang={lang}"
        staff.goto(url)
        assert staff.locator("html").get_attribute("lang") == lang
        violations = axe(staff)
        assert not violations, describe_violations(violations, url)
    phone = contexts.page(**PHONE)
    for easy in (False, True):
        response = rsp.start_response(audit.link_of(survey), language=lang)
        rsp.set_consent(response, True)
        rsp.set_easy_read(response, easy)
        url = f"{site.url}/a/{response.resume_key}/q/ladder?lang={lang}"
        phone.goto(url)
        assert phone.locator("main input[type=radio]").count() == 5
        assert (phone.locator("main img[src$='ladder.svg']").count() == 1) == easy
        violations = axe(phone)
        assert not violations, describe_violations(violations, url)
