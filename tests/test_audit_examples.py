"""The co-production self-audit's examples ("What shows this? Give an example.") belong with its
results: shown under each principle, masked and in their own language, hidden where the
principle's numbers are, only to those who may see the round, and in the downloads; and they
stay out of the organisation-wide themes and the gap analysis, which are about services."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from conftest import Page, pdf_text, service_by_slug, signed_in, staff_user
from openpyxl import load_workbook
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Statement, ThemeAssignment
from reviewkit.reports import audit_rounds as ar
from reviewkit.reports.filters import Filters
from reviewkit.reports.gap import forget, make_report
from reviewkit.reports.table import HIDDEN
from reviewkit.services import audit as svc
from reviewkit.services.banks import audit_banks, purpose_of
from reviewkit.services.clock import today_
from reviewkit.services.demo_audit import answer
from reviewkit.services.themes import Scope, pooled_count, pooled_statements, run_themes

MENU = "We asked people before we changed the menu."
NAMED = "Call Mrs Jones on 07700 900123 about the garden group."
URDU = "ہم نے مینو بدلنے سے پہلے لوگوں سے پوچھا۔"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture
def org(staff_org):
    return staff_org


user, service = staff_user, service_by_slug


def give(survey, example: str | None, language: str = "en", groups=("people-supported",),
         what_stops: list[str] | None = None) -> None:
    """One response: the people-centred ratings, every other rating not sure, and ``example``
    as the people-centred evidence (and what stops people joining meetings)."""
    values: dict[str, object] = {"who-took-part": list(groups)}
    for q in survey.bank_version.bank.questions:
        if [c.value for c in q.choices][:4] == list(ar.SCORES):
            values[q.id] = "not-sure"
    values.update({"involved-from-start": "doing-well", "strengths-first": "starting"})
    if example is not None:
        values["people-centred-evidence"] = example
    if what_stops:
        values["what-stops-people"] = what_stops
    answer(svc.link_of(survey), values, language=language)


def five_with_examples(survey) -> None:
    give(survey, MENU)
    give(survey, NAMED)
    give(survey, URDU, language="ur")
    give(survey, FORMULA, what_stops=["The bus stops at six."])
    give(survey, None)


def test_examples_are_shown_under_their_principle_masked_and_in_their_own_language(
        staff_app, org):
    survey = svc.open_round(user("admin"), service_id=service("oak").id,
                            closes_on=today_() + timedelta(days=9), title="Oak round")
    five_with_examples(survey)
    res = ar.results(survey)
    people = res.examples["people-centred"]
    assert [str(e) for e in people][:1] == [MENU] and len(people) == 4
    assert all("Jones" not in e and "07700" not in e for e in people)
    assert [e.lang for e in people] == ["en", "en", "ur", "en"]
    assert res.examples["meetings"] == ["The bus stops at six."]  # a statements question too
    assert res.examples["across-silos"] == []  # shown, but nobody wrote one

    page = Page(signed_in(staff_app, "facilitator").get(f"/staff/audit/{survey.id}/results"))
    assert page.status == 200 and "Examples people gave" in page
    assert f'<li dir="auto">{MENU}</li>' in page.html
    assert f'<li dir="auto" lang="ur">{URDU}</li>' in page.html
    assert "Jones" not in page.html and "07700" not in page.html and "[phone]" in page.html
    section = page.html.split('id="examples-h"')[1]
    assert section.index("People-centred") < section.index(MENU) < section.index(
        "Working across silos")  # under its principle
    assert "Nobody gave an example." in section

    # on an Urdu page, the English examples are marked English and the Urdu one is not
    urdu = Page(signed_in(staff_app, "facilitator").get(
        f"/staff/audit/{survey.id}/results?lang=ur"))
    assert f'<li dir="auto" lang="en">{MENU}</li>' in urdu.html
    assert f'<li dir="auto">{URDU}</li>' in urdu.html


def test_examples_are_hidden_where_the_principles_numbers_are(staff_app, org):
    survey = svc.open_round(user("admin"), service_id=service("oak").id,
                            closes_on=today_() + timedelta(days=9))
    for _ in range(4):
        give(survey, MENU)
    res = ar.results(survey)
    assert res.cells[("people-centred", ar.EVERYONE)].hidden
    assert res.examples["people-centred"] is None
    page = Page(signed_in(staff_app, "manager").get(f"/staff/audit/{survey.id}/results"))
    assert MENU not in page.html
    assert "Not shown, like this principle's numbers for everyone" in page
    rows = ar.examples_table(res, ar.words(survey.bank_version.bank, "en")).rows
    assert ["People-centred", HIDDEN] in [[str(r[0]), r[1]] for r in rows]
    book = load_workbook(io.BytesIO(signed_in(staff_app, "manager").get(
        f"/staff/audit/{survey.id}/results.xlsx").data))
    assert MENU not in str([list(r) for r in book["Examples"].iter_rows(values_only=True)])

    # a fifth response: everyone is shown, and so are the examples
    give(survey, None)
    assert [str(e) for e in ar.results(survey).examples["people-centred"]] == [MENU] * 4


def test_only_those_who_may_see_the_round_see_its_examples(staff_app, org):
    survey = svc.open_round(user("admin"), service_id=service("elm").id,
                            closes_on=today_() + timedelta(days=9))
    five_with_examples(survey)
    facilitator = signed_in(staff_app, "facilitator")  # works at Oak House only
    for page in ("/results", "/results.xlsx", "/results.pdf"):
        got = facilitator.get(f"/staff/audit/{survey.id}{page}")
        assert got.status_code == 404 and MENU.encode() not in got.data
    translator = signed_in(staff_app, "translator").get(f"/staff/audit/{survey.id}/results")
    assert translator.status_code == 403 and MENU.encode() not in translator.data
    assert MENU in Page(signed_in(staff_app, "manager").get(
        f"/staff/audit/{survey.id}/results")).html


def test_the_spreadsheet_and_pdf_have_the_examples_and_no_formula(staff_app, org):
    survey = svc.open_round(user("admin"), service_id=None,
                            closes_on=today_() + timedelta(days=9))
    five_with_examples(survey)
    manager = signed_in(staff_app, "manager")
    book = load_workbook(io.BytesIO(manager.get(
        f"/staff/audit/{survey.id}/results.xlsx").data))
    sheet = book["Examples"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert ["People-centred", MENU] in rows and ["People-centred", URDU] in rows
    assert not any("Jones" in str(r) or "07700" in str(r) for r in rows)
    formula = next(c for row in sheet.iter_rows() for c in row if c.value == FORMULA)
    assert formula.data_type == "s"  # text, never a formula
    text = pdf_text(manager.get(f"/staff/audit/{survey.id}/results.pdf").data)
    assert "Examples people gave" in text and "changed the menu" in text
    assert "Jones" not in text and "07700" not in text
    # the numbers (CSV) stay the scores table
    csv = manager.get(f"/staff/audit/{survey.id}/results.csv").get_data(as_text=True)
    assert "Score (1 to 4)" in csv and MENU not in csv


# ---------------------------------------------------------------- not in the gap analysis


REVIEW_TEXTS = (["The bus to college is late", "The bus never comes on time",
                 "Buses are always late", "The taxi did not come"] * 3
                + ["Staff listen to me", "My support workers are kind",
                   "Staff are friendly and kind"] * 3
                + ["I want to learn to cook", "Cooking lessons would be good"] * 3)


def test_audit_statements_stay_out_of_the_organisation_wide_themes_and_gap_analysis(
        staff_app, org):
    oak = service("oak")
    survey = svc.open_round(user("admin"), service_id=oak.id,
                            closes_on=today_() + timedelta(days=9))
    five_with_examples(survey)
    audit_ids = set(db.session.scalars(select(Statement.id).where(
        Statement.bank_id == svc.BANK, Statement.pooled.is_(True))))
    assert audit_ids  # sent audit answers still become (pooled) statements
    db.session.add_all(Statement(
        organisation_id=org.id, service_id=oak.id, bank_id="person-centred-review",
        section_id="working", text=t, pooled=True, said_on=today_(), kind="working")
        for t in REVIEW_TEXTS)
    db.session.commit()
    review_ids = set(db.session.scalars(select(Statement.id).where(
        Statement.bank_id == "person-centred-review")))
    assert purpose_of(svc.BANK) == "audit" and purpose_of("person-centred-review") == "review"
    assert audit_banks() == {svc.BANK}

    everything = Scope(org.id)
    assert {s.id for s in pooled_statements(everything)} == review_ids
    assert pooled_count(everything) == len(review_ids)
    ts = run_themes(org, everything, n_themes=5)
    assert set(db.session.scalars(select(ThemeAssignment.statement_id).filter_by(
        theme_set_id=ts.id))) == review_ids
    # chosen on its own, the audit bank is still there to theme
    assert {s.id for s in pooled_statements(Scope(org.id, bank_id=svc.BANK))} == audit_ids

    # an audit statement themed with the services before (a row kept as it is) is left out too
    theme = ts.result["themes"][0]["id"]
    db.session.add(ThemeAssignment(theme_set_id=ts.id, statement_id=min(audit_ids),
                                   theme_id=theme, kind="working"))
    db.session.commit()
    forget()
    report = make_report(Filters(org.id))
    texts = {s.text for s in report.statements}
    assert "I want to learn to cook" in texts and not any("menu" in t for t in texts)
    assert report.totals["total"] == len(review_ids)
    chosen = make_report(Filters(org.id, banks=(svc.BANK,)))
    assert chosen.totals["total"] == len(audit_ids) >= 5

    # the analysis page offers the audit as a bank to choose; the default is the services
    manager = signed_in(staff_app, "manager")
    page = Page(manager.get("/staff/analysis/"))
    assert 'value="co-production-audit"' in page.html
    assert "The co-production self-audit is counted only when you tick it." in page
    assert 'aria-describedby="bank-hint"' in page.html
    curation = Page(manager.get(f"/staff/analysis/curate?scope=all&theme={theme}"))
    assert "menu" not in curation.html


def test_an_events_ballot_counts_the_services_statements_not_the_audits(org):
    from conftest import pooled_themes

    from reviewkit.services import events as ev

    facilitator, oak = user("facilitator"), service("oak")
    when = today_() + timedelta(days=20)
    pooled_themes(facilitator, oak, [("t1", "The bus is late"), ("t2", "I want to cook")],
                  {"t1": "Buses", "t2": "Menus"}, when)
    ts_id = db.session.scalar(select(ThemeAssignment.theme_set_id).limit(1))
    audit = Statement(organisation_id=org.id, service_id=oak.id, bank_id=svc.BANK,
                      section_id="people-centred", text=MENU, pooled=True, said_on=today_(),
                      kind="working")
    db.session.add(audit)
    db.session.flush()  # an audit statement themed with the services' before: left as it is
    db.session.add(ThemeAssignment(theme_set_id=ts_id, statement_id=audit.id, theme_id="t2"))
    db.session.commit()
    event = ev.save_event(facilitator, name="Oak day", place="Hall", service_id=oak.id,
                          starts_at=datetime.combine(when, time(10, 30), UTC))
    assert [(c.label, c.statements) for c in ev.theme_choices(event)] == [
        ("Buses", 1), ("Menus", 1)]


def test_the_demo_rounds_have_examples_to_read_with_names_taken_out(org):
    """The demo's rounds had ratings only, so every principle said nobody gave an example."""
    from reviewkit.services import demo_audit

    rounds = demo_audit.build(org, [service("oak")], today_())
    latest = ar.results(rounds[2])
    shown = [str(e) for given in latest.examples.values() if given for e in given]
    assert len(shown) >= 5
    assert all(e in {t for texts in demo_audit.EXAMPLES.values() for t in texts}
               or "[name]" in e for e in shown)
    named = [e for e in shown if "[name]" in e]
    assert named and not [e for e in shown if "Mary" in e or "Jo " in e]
    # and what people said to do next
    said_next = {str(e) for given in latest.next_steps.values() for e in given}
    assert "Coffee mornings" in said_next and len(said_next) >= 4


def test_what_people_said_to_do_next_is_on_the_results_page_and_downloads(staff_app, org):
    """The self-audit ends with "What we will do next" (keep doing, not working yet, ideas):
    nothing of it was shown anywhere, though the facilitator's prompt is to turn it into
    actions. It is shown from 5 responses, masked, on the page and in the downloads."""
    survey = svc.open_round(user("admin"), service_id=None,
                            closes_on=today_() + timedelta(days=9))
    link = svc.link_of(survey)
    for n in range(4):
        answer(link, {"who-took-part": ["staff"], "keep-doing": ["Coffee mornings"],
                      "ideas": [f"Ask Mrs Jones to chair meeting {n}"] if n == 0 else []})
    manager = signed_in(staff_app, "manager")
    url = f"/staff/audit/{survey.id}/results"
    small = Page(manager.get(url))
    assert "What people said we should do next" in small
    assert "fewer than 5 people answered this round" in small and "Coffee mornings" not in small
    answer(link, {"who-took-part": ["people-supported"], "not-working-yet": ["Papers come late"]})
    page = Page(manager.get(url))
    assert "What are we doing well that we should keep doing?" in page
    assert page.html.count('<li dir="auto">Coffee mornings</li>') == 4
    assert "Papers come late" in page and "Ask [name] to chair meeting 0" in page
    assert "Jones" not in page
    rows = [list(r) for r in load_workbook(io.BytesIO(manager.get(f"{url}.xlsx").data))[
        "Next steps"].iter_rows(values_only=True)]
    assert ["What is not working yet?", "Papers come late"] in rows
    assert "Papers come late" in pdf_text(manager.get(f"{url}.pdf").data)
