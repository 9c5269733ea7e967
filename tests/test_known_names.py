"""Names a review knows never reach the pooled themes and reports: a support worker writes
"Zuri likes swimming" or "JT is happy at the centre" at a review; the general rules cannot
tell that a word at the start of a sentence is a name, but the review knows the person's and
the contributors' names, and they are taken out before statements are themed or reported."""

from __future__ import annotations

from datetime import date

from conftest import the_organisation
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import BankVersion, Contributor, Person, Review, Statement
from reviewkit.nlp.masking import mask_known_names, mask_personal
from reviewkit.services.themes import Scope, run_themes

SAID = ["Zuri likes swimming on Tuesdays", "Zuri likes swimming with her friends",
        "JT is happy at the centre", "JT is happy when the bus comes on time",
        "Okafor family visit at weekends"]
OTHERS = (["The bus to college is late", "The bus never comes on time", "Buses are always late",
           "The taxi did not come"] * 4
          + ["Swimming is great", "I like swimming on Tuesdays", "Going swimming with friends"] * 4
          + ["Staff listen to me", "The staff are kind", "Staff always help me"] * 4)


def test_the_general_rules_alone_miss_names_at_the_start_of_a_sentence():
    # why the review's names are needed: these pass mask_personal unchanged
    assert mask_personal("Zuri likes swimming") == "Zuri likes swimming"
    assert mask_personal("JT is happy at the centre") == "JT is happy at the centre"


def test_mask_known_names_whole_words_any_case_and_ordinary_words_only_capitalised():
    names = ["Zuri Okafor", "JT", "Mum", "Rose"]
    assert mask_known_names("Zuri and zuri's mum; Okafor. JTs JT's", names) == \
        "[name] and [name]'s mum; [name]. JTs [name]'s"
    assert mask_known_names("Rose likes the rose garden", names) == \
        "[name] likes the rose garden"
    assert mask_known_names("Zuri Okafor came", names) == "[name] came"


def test_review_names_are_out_of_themes_and_reports(app):
    from reviewkit.reports.filters import Filters
    from reviewkit.reports.gap import build_report

    org = the_organisation()
    person = Person(organisation_id=org.id, display_name="Zuri Okafor")
    db.session.add(person)
    db.session.flush()
    review = Review(organisation_id=org.id, person_id=person.id,
                    bank_version_id=db.session.scalars(select(BankVersion.id)).first(),
                    held_on=date(2026, 10, 1))
    db.session.add(review)
    db.session.flush()
    db.session.add(Contributor(review_id=review.id, name="JT", role="staff"))
    day = date(2026, 10, 1)
    db.session.add_all(Statement(organisation_id=org.id, review_id=review.id,
                                 bank_id="person-centred-review", section_id="working",
                                 text=t, pooled=True, said_on=day) for t in SAID * 2)
    db.session.add_all(Statement(organisation_id=org.id, bank_id="test-bank",
                                 section_id="about-me", text=t, pooled=True, said_on=day)
                       for t in OTHERS)
    db.session.commit()

    ts = run_themes(org, Scope(org.id))
    shown = [str(v) for t in ts.result["themes"]
             for v in (t["label"], t.get("typical") or "", *t.get("examples", []))]
    assert shown and not any(n in s for s in shown for n in ("Zuri", "JT", "Okafor")), shown
    assert any("[name]" in s for s in shown), shown  # the statements are there, masked

    report = build_report(Filters(org.id, since=date(2026, 1, 1), until=date(2026, 12, 31)))
    texts = [str(r.text) for r in report.statements]
    assert any("[name] likes swimming" in t for t in texts), texts
    assert not any(n in t for t in texts for n in ("Zuri", "JT", "Okafor")), texts
    # the person's own review keeps what was said, names and all
    kept = db.session.scalars(select(Statement.text).where(Statement.review_id == review.id))
    assert "Zuri likes swimming on Tuesdays" in set(kept)
