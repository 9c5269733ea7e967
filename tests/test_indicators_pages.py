"""Indicator pages for staff: making one in two steps without JavaScript, its page with a
chart and the same numbers in a table, numbers entered by hand (bad ones refused with the
typing kept), the report's PDF and XLSX agreeing with the page, the easy-read version, and
ids from forms and URLs checked."""

from __future__ import annotations

import html
import io
from datetime import UTC, date, datetime

import pytest
from conftest import PASSWORD, Page, pdf_text, post_form, signed_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Indicator, IndicatorValue, Response, Role, Service
from reviewkit.services import invitations as inv
from reviewkit.services import responses as rsp
from reviewkit.services.banks import latest_version
from reviewkit.services.users import create_user

TODAY = date(2026, 6, 15)


@pytest.fixture
def app(staff_app):
    staff_app.config["TODAY"] = TODAY
    with staff_app.app_context():
        oak = db.session.scalar(select(Service).filter_by(slug="oak"))
        version = latest_version("monthly-check-in")
        survey = inv.survey_for(version, oak, oak.organisation)
        # May: 6 answers, 4 happy; April: 5 answers, 2 happy; March: 3 (hidden)
        plan = [(5, "3"), (5, "3"), (5, "3"), (5, "3"), (5, "1"), (5, "2"),
                (4, "3"), (4, "3"), (4, "1"), (4, "1"), (4, "2"), (3, "3"), (3, "3"), (3, "1")]
        for (month, face), invitation in zip(plan, inv.create_invitations(
                survey, count=len(plan)), strict=True):
            response = rsp.start_response(invitation)
            rsp.set_consent(response, True)
            rsp.save_answer(response, "listened-to", face)
            rsp.submit(response)
            db.session.get(Response, response.id).submitted_at = datetime(
                2026, month, 10, tzinfo=UTC)
        db.session.commit()
    return staff_app


def _new_listened_to(client) -> int:
    data = {"name": "People feel listened to", "measures": "outcome", "source": "answers",
            "question": "monthly-check-in/listened-to", "target": "70%", "good": "up",
            "frequency": "month", "breakdown": "none", "unit": "count"}
    first = post_form(client, "/staff/indicators/new", data)
    # no JavaScript: the question's answers are shown to choose from, nothing typed is lost
    assert first.status == 400
    assert "Choose which answers count" in first.html
    assert 'value="People feel listened to"' in first.html and 'value="70%"' in first.html
    assert 'name="options_for" value="monthly-check-in/listened-to"' in first.html
    r = client.post("/staff/indicators/new", data={
        **data, "options": "3", "options_for": "monthly-check-in/listened-to",
        "csrf_token": first.csrf})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def test_make_an_indicator_from_a_check_in_question_and_see_it(app):
    client = signed_in(app, "manager")
    ind_id = _new_listened_to(client)
    page = client.get(f"/staff/indicators/{ind_id}").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<desc" in page
    # the table beside the chart: May 4 of 6, April 2 of 5, March hidden
    assert "66.7%" in page and "of 6" in page and "40%" in page and "fewer than 5" in page
    assert "Target met" in page and "Not yet" in page
    # what it counts in the words the form offered, not the bank's ids
    assert ("Answers to “Do you feel that we have listened to you and know what matters most "
            "to you?” (Monthly check-in) that are 3 (happy)") in html.unescape(page)
    with app.app_context():
        ind = db.session.get(Indicator, ind_id)
        assert ind.options == ["3"] and ind.target == 70 and ind.unit == "percent"


def test_a_target_that_is_not_a_number_keeps_what_was_typed(app):
    client = signed_in(app, "admin")
    r = post_form(client, "/staff/indicators/new", {
        "name": "Paid work", "measures": "outcome", "source": "entered", "unit": "count",
        "target": "lots", "good": "up", "frequency": "quarter", "breakdown": "none"})
    assert r.status == 400
    assert "Enter a number, for example 75 or 3.5." in r.html
    assert 'value="lots"' in r.html and 'value="Paid work"' in r.html
    with app.app_context():
        assert db.session.scalar(select(Indicator)) is None



@pytest.mark.parametrize(("lang", "words"), [
    ("en", "A count target is 0 or more."), ("cy", "Mae targed cyfrif yn 0 neu fwy."),
    ("ur", "گنتی کا ہدف 0 یا اس سے زیادہ ہوتا ہے۔")])
def test_a_negative_target_for_a_count_is_refused_keeping_what_was_typed(app, lang, words):
    """A count of people or things cannot go below 0: a target of -5 was saved."""
    client = signed_in(app, "admin")
    r = post_form(client, f"/staff/indicators/new?lang={lang}", {
        "name": "Paid work", "measures": "outcome", "source": "entered", "unit": "count",
        "target": "-5", "good": "up", "frequency": "quarter", "breakdown": "none"})
    assert r.status == 400
    assert f'<p class="error-message" id="target-error">{words}</p>' in r.html
    assert 'value="-5"' in r.html and 'value="Paid work"' in r.html
    with app.app_context():
        assert db.session.scalar(select(Indicator)) is None

def _entered(client) -> int:
    r = post_form(client, "/staff/indicators/new", {
        "name": "People in paid work", "measures": "outcome", "source": "entered",
        "unit": "count", "target": "10", "good": "up", "frequency": "quarter",
        "breakdown": "none"})
    assert r.status == 302, r.html[:2000]
    return int(r.response.headers["Location"].rsplit("/", 1)[1])


def test_numbers_entered_by_hand_and_bad_ones_refused(app):
    client = signed_in(app, "admin")
    ind_id = _entered(client)
    url = f"/staff/indicators/{ind_id}/values"
    page = Page(client.get(f"/staff/indicators/{ind_id}"))
    for data, words in [({"period": "2026-Q4", "value": "6"}, "has not started yet"),
                        ({"period": "2026-Q1", "value": "six"}, "Enter a number"),
                        ({"period": "next year", "value": "6"}, "like 2026-Q1"),
                        ({"period": "2026-Q1", "value": "6", "where": "service:1"},
                         "Choose one from the list")]:
        r = Page(client.post(url, data={**data, "note": "From HR", "csrf_token": page.csrf}))
        assert r.status == 400 and words in r.html
        assert 'value="From HR"' in r.html and f'value="{data["period"]}"' in r.html
    r = client.post(url, data={"period": "2026-Q1", "value": "12", "where": "",
                               "csrf_token": page.csrf})
    assert r.status_code == 302
    page = client.get(f"/staff/indicators/{ind_id}").get_data(as_text=True)
    assert "Numbers entered" in page and "Admin" in page and ">12<" in page
    with app.app_context():
        assert [v.value for v in db.session.scalars(select(IndicatorValue))] == [12]


def test_the_report_downloads_agree_with_the_page(app):
    from openpyxl import load_workbook

    client = signed_in(app, "manager")
    ind_id = _new_listened_to(client)
    index = client.get("/staff/indicators/").get_data(as_text=True)
    assert "66.7%" in index and "not met yet" in index
    xlsx = client.get("/staff/indicators/report.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    first = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(first) if row and row[0] == "Indicator")
    row = first[header + 1]
    # June (today's month) has no answers yet: the latest is May's, the one before April's
    assert row[0] == "People feel listened to" and row[3:8] == ("2026-05", 66.7, 40, 70,
                                                                "Not yet")
    values = [r for r in book["Values"].iter_rows(values_only=True)
              if r and r[0] == "People feel listened to"]
    by_period = {r[2]: (r[3], r[4]) for r in values}
    assert by_period["2026-05"] == (66.7, 6) and by_period["2026-04"] == (40, 5)
    assert by_period["2026-03"] == ("hidden", "hidden")
    text = pdf_text(client.get("/staff/indicators/report.pdf").data)
    assert "People feel listened to" in text and "66.7%" in text and "40%" in text
    assert "Not yet" in text and "70%" in text
    easy = client.get("/staff/indicators/easy-read").get_data(as_text=True)
    assert "67 out of every 100." in easy and "We want 70 out of every 100" in easy
    assert "better than last time" in easy
    assert ind_id


def test_ids_are_checked_against_what_the_user_may_see(app):
    admin = signed_in(app, "admin")
    ind_id = _entered(admin)
    with app.app_context():
        elm = db.session.scalar(select(Service).filter_by(slug="elm"))
        ind = db.session.get(Indicator, ind_id)
        ind.service_id = elm.id
        db.session.commit()
    # the facilitator works at Oak House: Elm Court's indicator is not there for them
    facilitator = signed_in(app, "facilitator")
    assert facilitator.get(f"/staff/indicators/{ind_id}").status_code == 404
    page = Page(facilitator.get("/staff/indicators/new"))
    r = Page(facilitator.post("/staff/indicators/new", data={
        "name": "Elm", "measures": "outcome", "source": "entered", "unit": "count",
        "good": "up", "frequency": "month", "breakdown": "none",
        "scope": f"service:{elm.id}", "csrf_token": page.csrf}))
    assert r.status == 400 and "Choose one of your services" in r.html
    translator = signed_in(app, "translator")
    assert translator.get("/staff/indicators/").status_code == 403
    with app.app_context():
        other = create_user(db.session.get(Service, elm.id).organisation, "m2@example.org",
                            "M2", PASSWORD, Role.MANAGER)
        other.services.append(db.session.get(Service, elm.id))
        db.session.commit()
    # a manager of Elm Court sees it and can change it; the facilitator cannot open its form
    assert signed_in(app, "m2").get(f"/staff/indicators/{ind_id}/edit").status_code == 200
    assert facilitator.get(f"/staff/indicators/{ind_id}/edit").status_code == 404
