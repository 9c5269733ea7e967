"""Number, date, time and date-and-time questions (issue 18): imported from XLSForm integer,
decimal, date, time and dateTime rows (a simple constraint range as min and max), exported back
to the same XLSForm types, typed on the phone in a text box with a number keypad or an example
date or time, checked on the server with a clear message that keeps what was typed, stored and
exported as numbers and ISO dates, and read back on the check page in the person's language
(5 March 2026, 5 Mawrth 2026). Also a loop over
a choice list, a rank, and a select_one_from_file whose CSV file is beside the form."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest
from conftest import initialised_app, pages_of, start_journey
from openpyxl import load_workbook
from pyxform import xls2xform
from test_xlsform import both, write_form

from reviewkit.banks import parse_bank
from reviewkit.banks.loader import BankError
from reviewkit.banks.xlsform import import_xlsform
from reviewkit.banks.xlsform_export import bank_yaml, export_xlsform, same_bank
from reviewkit.banks.xlsform_terms import number_range


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_typed_rows_import_as_their_own_questions_and_round_trip(tmp_path: Path, kind: str):
    path = both(tmp_path, "types")[kind == "xlsx"]
    result = import_xlsform(path)
    bank = result.bank
    assert [(q.id, q.type.value) for q in bank.questions] == [
        ("age", "number"), ("hours", "number"), ("visits", "number"), ("last_visit", "date"),
        ("wake", "time"), ("moved_in", "datetime"), ("review_at", "datetime"),
        ("best_room", "single_choice"), ("hours_in_lounge", "number"),
        ("hours_in_garden", "number")]
    age, hours, visits = (bank.question(q) for q in ("age", "hours", "visits"))
    assert (age.decimal, age.min, age.max) == (False, 0, 120)
    assert (hours.decimal, hours.min, hours.max) == (True, 0.5, None)
    assert (visits.min, visits.max) == (None, None)
    assert [str(line) for line in result.lines if line.row] == [
        "survey row 4: 'visits' (integer): constraint '. != 3' is not checked",
        "survey row 9: 'best_room' (rank rooms): shown as a choice of the answer that comes "
        "first: reviewkit cannot put answers in order",
        "survey row 10: 'each_room' (begin loop over rooms): a loop over the choices of a list: "
        "its questions are asked once for each choice, in a section of their own"]

    out = export_xlsform(bank, tmp_path / "out.xlsx", langs=[])
    xls2xform.convert(xlsform=str(out), validate=False)  # pyxform converts it
    rows = list(load_workbook(out)["survey"].values)
    head = rows[0]
    written = {r[head.index("name")]: (r[head.index("type")], r[head.index("constraint")])
               for r in rows[1:]}
    assert written["age"] == ("integer", ". >= 0 and . <= 120")
    assert written["hours"] == ("decimal", ". >= 0.5")
    assert written["last_visit"][0] == "date" and written["wake"][0] == "time"
    assert written["moved_in"][0] == "dateTime"
    back = import_xlsform(out)
    assert same_bank(bank, back.bank) == []
    assert same_bank(bank, parse_bank(bank_yaml(bank), "types.yaml")) == []


@pytest.mark.parametrize(("constraint", "decimal", "expected"), [
    (". >= 0 and . <= 120", False, {"min": 0, "max": 120}),
    ("(. > 0) and (. < 120)", False, {"min": 1, "max": 119}),
    (". <= 7.5", True, {"max": 7.5}),
    (". > 0", True, None),  # a decimal's "more than 0" has no smallest answer
    (". >= 0.5", False, None),  # a whole number cannot start at 0.5
    (". >= 10 and . <= 1", False, None),
    (". >= 0 or . <= 5", False, None),
    ("regex(., '^[0-9]+$')", False, None),
])
def test_only_simple_ranges_become_min_and_max(constraint, decimal, expected):
    assert number_range(constraint, decimal) == expected


@pytest.mark.parametrize(("extra", "message"), [
    ("type: short_text\n    decimal: true", "only number questions can have decimal, min or max"),
    ("type: number\n    min: 5\n    max: 1", "min must not be more than max"),
    ("type: number\n    min: 0.5", "a whole-number question needs whole-number min and max"),
])
def test_bank_files_refuse_number_fields_that_make_no_sense(extra, message):
    text = BANK.replace("type: number\n    min: 0\n    max: 120", extra, 1)
    with pytest.raises(BankError) as err:
        parse_bank(text, "typed.yaml")
    assert message in str(err.value)


BANK = """\
id: typed
version: 1
title: Typed answers
easy_read_title: Typed answers
description: Numbers, dates and times.
purpose: check_in
sections:
- id: about
  title: About you
  easy_read: About you
  pictogram: question
  questions:
  - id: age
    type: number
    min: 0
    max: 120
    text: How old are you?
    easy_read: How old are you?
    pictogram: question
  - id: hours
    type: number
    decimal: true
    min: 0
    text: Hours of help a week?
    easy_read: Hours of help?
    pictogram: question
  - id: owed
    type: number
    text: How much is owed?
    easy_read: How much is owed?
    pictogram: question
  - id: last-visit
    type: date
    text: When was the last visit?
    easy_read: Last visit?
    pictogram: question
  - id: wake
    type: time
    text: What time do you get up?
    easy_read: Get up at?
    pictogram: question
  - id: moved-in
    type: datetime
    text: When did you move in?
    easy_read: Moved in?
    pictogram: question
"""


@pytest.fixture
def typed_app(tmp_path: Path):
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "typed.yaml").write_text(BANK, encoding="utf-8")
    with initialised_app(tmp_path, BANKS_PATH=str(banks)) as app:
        yield app


def test_phone_pages_check_numbers_dates_and_times_and_store_them(typed_app, tmp_path):
    from conftest import the_organisation

    from reviewkit.extensions import db
    from reviewkit.models import Answer
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version
    from reviewkit.services.export import export_responses

    survey = inv.survey_for(latest_version("typed"), None, the_organisation())
    invitation = inv.create_invitations(survey)[0]
    page = pages_of(typed_app.test_client())
    url = start_journey(page, invitation)
    assert url.endswith("/q/age")
    shown = page(url)
    assert 'inputmode="numeric"' in shown.html and 'type="text"' in shown.html

    def answer(url: str, typed: str, error: str | None) -> str:
        r = page(url, {"answer": typed, "action": "next"})
        if error is None:
            assert r.status == 302, r.html
            return r.response.headers["Location"]
        assert r.status == 400 and error in r, (typed, r.html)
        assert f'value="{typed}"' in r.html  # what the person typed is kept
        return url

    answer(url, "twelve", "Please enter a whole number, like 12.")
    answer(url, "12.5", "Please enter a whole number, like 12.")
    answer(url, "130", "Please enter a number from 0 to 120.")
    url = answer(url, "87", None)
    assert url.endswith("/q/hours") and 'inputmode="decimal"' in page(url).html
    answer(url, "lots", "Please enter a number, like 12 or 2.5.")
    url = answer(url, "7.5", None)
    # an answer that may be below 0 gets the full keyboard: an iPhone's digits keypad has no minus
    assert url.endswith("/q/owed") and "inputmode" not in page(url).html
    url = answer(url, "-1,200", None)  # English thousands, read by Babel
    assert url.endswith("/q/last-visit") and "For example, 25/12/2024" in page(url)
    answer(url, "31/02/2024", "Please enter a date, like 25/12/2024.")
    url = answer(url, "۲۵/۱۲/۲۰۲۴", None)  # as an Urdu keyboard types it
    assert "For example, 14:30" in page(url)
    answer(url, "25:10", "Please enter a time, like 14:30.")
    url = answer(url, "07:45", None)
    assert "For example, 25/12/2024 14:30" in page(url)
    answer(url, "yesterday", "Please enter a date and a time, like 25/12/2024 14:30.")
    url = answer(url, "2023-04-01T10:00", None)
    assert url.endswith("/check")
    check = page(url)
    assert check.status == 200 and "7.5" in check and "25 December 2024" in check

    stored = {a.question_id: a.value for a in db.session.query(Answer)}
    assert stored == {"age": 87, "hours": 7.5, "owed": -1200, "last-visit": "2024-12-25",
                      "wake": "07:45", "moved-in": "2023-04-01T10:00"}
    assert isinstance(stored["age"], int) and isinstance(stored["hours"], float)
    # a number goes back into the box as it was typed, without ".0"
    assert 'value="87"' in page(url.replace("/check", "/q/age")).html

    out = tmp_path / "answers.csv"
    export_responses(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["question_id"]: r["answer"] for r in csv.DictReader(fh)}
    # numbers as numbers: a negative number is not made inert as text would be ("'-1200")
    assert (rows["age"], rows["hours"], rows["owed"]) == ("87", "7.5", "-1200")


# What the check-your-answers page shows for the answers typed, in English and in Welsh.
TYPED = {"age": "87", "hours": "1.2345", "owed": "-1200", "last-visit": "25/12/2024",
         "wake": "07:45", "moved-in": "2023-04-01T22:05"}
SHOWN = {
    "en": {"age": "87", "hours": "1.2345", "owed": "-1,200", "last-visit": "25 December 2024",
           "wake": "7:45 AM", "moved-in": "1 April 2023, 10:05 PM"},
    "cy": {"age": "87", "hours": "1.2345", "owed": "-1,200", "last-visit": "25 Rhagfyr 2024",
           "wake": "07:45", "moved-in": "1 Ebrill 2023 22:05"},
}


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_check_page_shows_numbers_dates_and_times_in_the_persons_language(typed_app, tmp_path,
                                                                           lang):
    import re

    from conftest import the_organisation

    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version
    from reviewkit.services.export import export_responses

    survey = inv.survey_for(latest_version("typed"), None, the_organisation())
    page = pages_of(typed_app.test_client())
    url = start_journey(page, inv.create_invitations(survey)[0])
    for qid, typed in TYPED.items():
        assert url.endswith(f"/q/{qid}")
        r = page(url, {"answer": typed, "action": "next"})
        assert r.status == 302, r.html
        url = r.response.headers["Location"]
    check = page(f"{url}?lang={lang}")
    assert check.status == 200 and check.lang == lang
    rows = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", check.html, re.S)
    # Babel puts a narrow no-break space before AM/PM
    shown = [" ".join(html.unescape(answer).split()) for _, answer in rows]
    assert shown == list(SHOWN[lang].values())

    out = tmp_path / "answers.csv"  # exports keep ISO dates and plain numbers
    export_responses(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        exported = {r["question_id"]: r["answer"] for r in csv.DictReader(fh)}
    assert exported == {**TYPED, "last-visit": "2024-12-25"}


def test_a_loop_over_a_list_is_a_section_per_choice(tmp_path: Path):
    path = write_form(tmp_path / "loop.xlsx", [
        ["type", "name", "label", "hint"],
        ["select_multiple rooms", "rooms", "Which rooms do you use?", ""],
        ["begin loop over rooms", "each_room", "", ""],
        ["integer", "hours", "How many hours a day in the %(label)s?", "Roughly"],
        ["text", "like", "What do you like about it?", ""],
        ["end loop", "", "", ""],
    ], [["list_name", "name", "label"], ["rooms", "lounge", "Lounge"],
        ["rooms", "garden", "Garden"]])
    result = import_xlsform(path)
    bank = result.bank
    assert [(s.id, s.title) for s in bank.sections] == [
        ("loop", "loop"), ("each_room_lounge", "Lounge"), ("each_room_garden", "Garden")]
    assert [(q.id, q.type.value, q.text) for q in bank.sections[1].questions] == [
        ("hours_lounge", "number", "How many hours a day in the Lounge?"),
        ("like_lounge", "short_text", "Lounge: What do you like about it?")]
    assert bank.question("hours_garden").help == "Roughly"
    assert ("survey row 3: 'each_room' (begin loop over rooms): a loop over the choices of a "
            "list: its questions are asked once for each choice, in a section of their own"
            ) in result.report
    assert result.skipped == []


def test_rank_is_a_choice_of_the_first_and_choices_from_a_csv_beside_the_form(tmp_path: Path):
    (tmp_path / "places.csv").write_text("name,label\nhome,At home\nclub,At the club\n",
                                         encoding="utf-8")
    path = write_form(tmp_path / "rank.xlsx", [
        ["type", "name", "label"],
        ["rank activities", "favourite", "Put the activities in order"],
        ["select_one_from_file places.csv", "place", "Where do you meet?"],
        ["select_one_from_file missing.csv", "other_place", "Where else?"],
    ], [["list_name", "name", "label"], ["activities", "swim", "Swimming"],
        ["activities", "walk", "Walking"], ["activities", "cook", "Cooking"]])
    xls2xform.convert(xlsform=str(path), validate=False)
    result = import_xlsform(path)
    rank, place = result.bank.question("favourite"), result.bank.question("place")
    assert rank.type.value == "single_choice" and [c.value for c in rank.choices] == [
        "swim", "walk", "cook"]
    assert [(c.value, c.label) for c in place.choices] == [("home", "At home"),
                                                          ("club", "At the club")]
    assert result.bank.question("other_place") is None
    report = result.report
    assert ("survey row 2: 'favourite' (rank activities): shown as a choice of the answer that "
            "comes first: reviewkit cannot put answers in order") in report
    assert ("survey row 3: 'place' (select_one_from_file places.csv): its choices are read "
            "from places.csv, beside the form") in report
    assert [str(line) for line in result.skipped] == [
        "survey row 4: 'other_place' (select_one_from_file missing.csv) left out: its choices "
        "come from a file outside the form (not found beside it, or not a CSV file with name and "
        "label columns)"]
