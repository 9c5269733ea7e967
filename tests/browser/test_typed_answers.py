"""Number, date, time and date-and-time questions in a real browser (Debian chromium), on a
360 px phone, in English and in Urdu (right to left), by keyboard only: axe-core finds nothing
on any page (error pages too); each box has its question as its name, its example as a hint
and the keypad of its kind; a number out of range and a date that does not exist get a clear
message, linked from the error summary, with what was typed still in the box; the check page
shows the answers in the page's language; the end is reached and the answers stored.

The same bank as tests/test_xlsform_types.py (one whole number from 0 to 120, a decimal, a
number with no range, a date, a time and a date and time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import initialised_app
from flask import Flask
from test_xlsform_types import BANK

from reviewkit.extensions import db
from reviewkit.models import Answer, Response

from .browsing import Journey, Visit, catalogue
from .test_variants import choose_variant, variant_checks

pytestmark = pytest.mark.browser

# What is typed in each language: in Urdu the date with the digits an Urdu keyboard types.
TYPED = {
    "en": {"age": "87", "hours": "7.5", "owed": "-1200", "last-visit": "25/12/2024",
           "wake": "07:45", "moved-in": "1/4/2023 22:05"},
    "ur": {"age": "87", "hours": "7.5", "owed": "-1200", "last-visit": "۲۵/۱۲/۲۰۲۴",
           "wake": "07:45", "moved-in": "1/4/2023 22:05"},
}
STORED = {"age": 87, "hours": 7.5, "owed": -1200, "last-visit": "2024-12-25", "wake": "07:45",
          "moved-in": "2023-04-01T22:05"}
# On the check page, in the page's language (Babel's CLDR data).
SHOWN = {
    "en": ["87", "7.5", "-1,200", "25 December 2024", "7:45 AM", "1 April 2023, 10:05 PM"],
    "ur": ["87", "7.5", "-1,200", "25 دسمبر 2024", "7:45 AM", "1 اپریل 2023 10:05 PM"],
}
EXAMPLES = {"last-visit": "For example, 25/12/2024", "wake": "For example, 14:30",
            "moved-in": "For example, 25/12/2024 14:30"}
# "owed" may be below 0: the full keyboard (an iPhone's digits keypad has no minus sign)
KEYPADS = {"age": "numeric", "hours": "decimal"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "typed.yaml").write_text(BANK, encoding="utf-8")
    with initialised_app(tmp_path, BANKS_PATH=str(banks)) as app:
        yield app


def check_box(journey: Journey, visit: Visit, text) -> None:
    """The answer box of a number, date or time question: named by the question, described by
    its hints, the right keypad, and left to right (digits keep their order in Urdu)."""
    page = journey.page
    box = page.get_by_role("textbox", name=visit.heading, exact=True)
    assert box.count() == 1, f"{visit.url}: no text box named {visit.heading!r}"
    assert box.get_attribute("dir") == "ltr"
    assert box.get_attribute("inputmode") == KEYPADS.get(visit.qid)
    hints = [page.locator(f"#{i}").inner_text()
             for i in (box.get_attribute("aria-describedby") or "").split()]
    if visit.qid in EXAMPLES:
        assert text(EXAMPLES[visit.qid]) in hints, (visit.qid, hints)
    if page.locator("html").get_attribute("dir") == "rtl":  # under its label, on the right
        assert box.evaluate("el => getComputedStyle(el).textAlign") == "right"


def refused(journey: Journey, visit: Visit, typed: str, message: str) -> None:
    """Type ``typed``, press Continue: the same question again with ``message`` in the error
    summary and by the box, what was typed still in the box, and the summary's link takes the
    keyboard to the box."""
    page = journey.page
    box = page.locator("main #answer")
    journey.type_into(box, typed)
    journey.press_button(journey.button(journey.labels.continue_))
    again = journey.visit()  # axe-core and the language checks on the error page too
    assert again.qid == visit.qid, f"{typed!r} was taken: now at {again.url}"
    summary = page.locator(".error-summary[role=alert]")
    link = summary.get_by_role("link", name=message, exact=True)
    assert link.count() == 1, summary.inner_text()
    assert page.locator("#answer-error").inner_text() == message
    assert "answer-error" in box.get_attribute("aria-describedby").split()
    assert box.input_value() == typed
    journey.focus(link)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "answer"
    assert box.input_value() == typed


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_numbers_dates_and_times_by_keyboard_on_a_phone(lang, live_server, invite, phone):
    invitation = invite("typed")
    problems: list[str] = []
    hook = variant_checks(lang, False, problems, [])  # the bank has no Urdu: English questions
    phone.goto(f"{live_server}/r/{invitation.token}")
    labels = choose_variant(phone, lang, False)
    text = catalogue(lang) if lang != "en" else (lambda msgid: msgid)
    journey = Journey(phone, labels=labels, plan=dict(TYPED[lang]), on_page=hook)
    journey.visit()
    journey.answer_consent()

    visit = journey.visit()
    while visit.kind == "question":
        check_box(journey, visit, text)
        if visit.qid == "age":
            refused(journey, visit, "130",
                    text("Please enter a number from %(min)s to %(max)s.")
                    % {"min": "0", "max": "120"})
        elif visit.qid == "last-visit":
            refused(journey, visit, "31/02/2024", text("Please enter a date, like 25/12/2024."))
        visit = journey.walk(questions=1)
    assert not problems, "\n\n".join(problems)
    assert [v.qid for v in journey.visits if v.kind == "question"] == [
        "age", "age", "hours", "owed", "last-visit", "last-visit", "wake", "moved-in"]

    # The check page writes the answers as the page's language does (they are not shown as
    # typed, so the driver does not look for them there).
    assert visit.kind == "check"
    shown = [" ".join(dd.split()) for dd in
             phone.locator("main .summary .row dd:first-of-type").all_inner_texts()]
    assert shown == SHOWN[lang]
    journey.chosen.update(TYPED[lang])
    assert journey.walk().kind == "done"
    assert not problems, "\n\n".join(problems)

    db.session.rollback()  # see what the server's threads committed
    response = db.session.query(Response).filter_by(invitation_id=invitation.id).one()
    assert response.submitted_at is not None and response.language == lang
    stored = {a.question_id: a.value for a in
              db.session.query(Answer).filter_by(response_id=response.id)}
    assert stored == STORED
