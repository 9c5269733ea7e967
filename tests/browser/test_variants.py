"""The phone journey in its other variants (issue 4): English easy read, Welsh and Urdu easy
read, at 360 px, by keyboard only, with JavaScript off, for every shipped bank.

Each variant is chosen as a person would: the "Easy read" button in the header and the
language link in the footer's language list, by keyboard. The driver finds its buttons by
their names in the shipped catalogues (translations/<lang>/LC_MESSAGES/messages.po), so a
wrong or missing translation fails here. Halfway, the link is opened on another phone (the
link only): the journey must resume in the same language and wording. On every page: axe-core
finds nothing, the page says its language and direction (<html lang dir>), easy read is on or
off as chosen, nothing scrolls sideways, and in Urdu the layout is mirrored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import make_app, the_organisation
from flask import Flask

from reviewkit.config import LANGUAGES
from reviewkit.extensions import db
from reviewkit.models import Answer, Response

from .browsing import (
    SKIPPED,
    Journey,
    Keys,
    Labels,
    LiveServer,
    Visit,
    axe,
    describe_violations,
    matches,
)
from .conftest import PHONE

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
BANKS = ["person-centred-review", "appreciative-inquiry", "monthly-check-in",
         "co-production-audit"]  # every shipped bank, each with Welsh and Urdu text
# Short answers in each language, typed key by key into the text questions (Urdu typed
# into a right-to-left page); other questions get the driver's answers.
WORDS = {"en": ["Kind", "Music", "My mum", "Swim", "Cake"],
         "cy": ["Caredig", "Cerdd", "Fy mam", "Nofio", "Cacen"],
         "ur": ["مہربان", "موسیقی", "میری امی", "تیراکی", "کیک"]}
TEXT_TYPES = {"free_text", "short_text", "statements"}
VARIANTS = [  # id, language, easy read
    pytest.param("en", True, id="en-easy-read"),
    pytest.param("cy", False, id="cy"),
    pytest.param("ur", True, id="ur-easy-read"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[Flask, str]]:
    """One app with the shipped banks, served for all the variants (they only add rows)."""
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path_factory.mktemp("variants"),
                   BANKS_PATH=str(REPO / "question_banks"))
    with app.app_context():
        assert not init_database().problems
        with LiveServer(app) as url:
            yield app, url
        db.session.remove()
        db.engine.dispose()


class Requests:
    """Every URL a browser context asks for (to check none leaves the live server)."""

    def __init__(self, context, base: str):
        self.base = base.rstrip("/") + "/"
        self.urls: list[str] = []
        context.on("request", lambda r: self.urls.append(r.url))

    def outside(self) -> list[str]:
        return [u for u in self.urls if not u.startswith((self.base, "data:", "blob:"))]


def invite(app: Flask, bank: str):
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    with app.app_context():
        survey = inv.survey_for(latest_version(bank), None, the_organisation())
        invitation = inv.create_invitations(survey)[0]
        return invitation.id, invitation.token


def plan_for(bank_id: str, lang: str) -> dict[str, str]:
    bank = yaml.safe_load((REPO / "question_banks" / f"{bank_id}.yaml").read_text(encoding="utf-8"))
    ids = [q["id"] for s in bank["sections"] for q in s["questions"] if q["type"] in TEXT_TYPES]
    return {qid: WORDS[lang][i % len(WORDS[lang])] for i, qid in enumerate(ids)}


def choose_variant(page, lang: str, easy_read: bool) -> Labels:
    """On the first page (in English), switch language and wording by keyboard."""
    keys = Keys(page)
    english = Labels()
    if lang != "en":
        # a button of the consent form (the choice made goes with it), a link elsewhere
        languages = page.get_by_role("navigation", name=english.language)
        name = LANGUAGES[lang][0]
        keys.press(languages.get_by_role("button", name=name, exact=True).or_(
            languages.get_by_role("link", name=name, exact=True)))
    labels = Labels.from_catalogue(lang)
    if easy_read:
        switch = page.get_by_role("button", name=labels.easy_read, exact=True)
        assert switch.get_attribute("aria-pressed") == "false"
        keys.press(switch)
        pressed = page.get_by_role("button", name=labels.standard_words, exact=True)
        assert pressed.get_attribute("aria-pressed") == "true", \
            f"after choosing easy read the header button is not {labels.standard_words!r}"
    return labels


def variant_checks(lang: str, easy_read: bool, problems: list[str], untranslated: list[str]):
    direction = LANGUAGES[lang][1]

    def on_page(journey: Journey, visit: Visit) -> None:
        page = journey.page
        where = f"{visit.kind} page {visit.url} (<h1> {visit.heading!r})"
        seen = page.evaluate("""() => ({
            lang: document.documentElement.lang, dir: document.documentElement.dir,
            css: getComputedStyle(document.body).direction,
            easy: document.body.classList.contains("easy-read"),
            width: document.documentElement.scrollWidth})""")
        if (seen["lang"], seen["dir"], seen["css"]) != (lang, direction, direction):
            problems.append(f"{where}: lang={seen['lang']} dir={seen['dir']} "
                            f"(CSS {seen['css']}), expected {lang} {direction}")
        if seen["easy"] != easy_read:
            problems.append(f"{where}: easy read is {'on' if seen['easy'] else 'off'}")
        if seen["width"] > PHONE["viewport"]["width"]:
            problems.append(f"{where}: scrolls sideways ({seen['width']} px wide)")
        if visit.kind == "question":
            # Mirrored in right-to-left: Continue sits on the inline-start side of the form.
            side = page.evaluate("""() => {
                const b = document.querySelector(".buttons button").getBoundingClientRect();
                const f = document.querySelector("main form").getBoundingClientRect();
                return {start: Math.abs(b.left - f.left) < 2, end: Math.abs(b.right - f.right) < 2};
            }""")
            if not side["end" if direction == "rtl" else "start"]:
                problems.append(f"{where}: Continue is not at the {direction} start side")
            if easy_read and not page.locator("main img.picto-lg").count():
                problems.append(f"{where}: easy read without the question's pictogram")
            if lang != "en" and page.locator("main .note").count():
                untranslated.append(f"{visit.qid}: {visit.heading}")
        violations = axe(page)
        if violations:
            problems.append(describe_violations(violations, where))

    return on_page


@pytest.mark.parametrize("bank", BANKS)
@pytest.mark.parametrize("lang, easy_read", VARIANTS)
def test_variant_journey_by_keyboard_without_javascript(lang, easy_read, bank, server, contexts):
    app, base = server
    invitation_id, token = invite(app, bank)
    link = f"{base}/r/{token}"
    phones = [contexts.new(**PHONE, java_script_enabled=False) for _ in range(2)]
    seen = [Requests(c, base) for c in phones]
    problems: list[str] = []
    untranslated: list[str] = []
    hook = variant_checks(lang, easy_read, problems, untranslated)

    page = phones[0].new_page()
    page.goto(link)
    labels = choose_variant(page, lang, easy_read)
    plan = plan_for(bank, lang)
    first = Journey(page, labels=labels, plan=plan, skip_every=4, on_page=hook)
    first.walk(questions=3)

    # Another phone with only the link: back at the first unanswered question, same variant.
    again = Journey(phones[1].new_page(), labels=labels, plan=plan, skip_every=4, on_page=hook,
                    given=dict(first.given), chosen=set(first.chosen),
                    visits=list(first.visits))
    resumed = again.open(link)
    assert resumed.kind == "question" and resumed.qid not in first.given, (
        f"reopening the link went to {resumed} instead of the first unanswered question")
    assert again.walk().kind == "done"
    kinds = [v.kind for v in again.visits]
    assert kinds[0] == "consent" and kinds[-2:] == ["check", "done"], kinds
    assert kinds.count("question") >= min(10, len(plan) + 3), kinds
    assert not problems, "\n\n".join(problems)
    assert seen[0].outside() + seen[1].outside() == []

    with app.app_context():
        response = db.session.query(Response).filter_by(invitation_id=invitation_id).one()
        assert response.submitted_at is not None
        assert (response.language, response.easy_read) == (lang, easy_read)
        stored = {a.question_id: a for a in
                  db.session.query(Answer).filter_by(response_id=response.id)}
        wrong = [(qid, given, stored[qid].value if qid in stored else None)
                 for qid, given in again.given.items()
                 if qid not in stored or (not stored[qid].skipped if given is SKIPPED else
                                          stored[qid].skipped
                                          or not matches(stored[qid].value, given))]
        assert wrong == [], f"answers not stored as entered (question, given, stored): {wrong}"
        typed = [qid for qid in again.given if qid in plan]
        assert len(typed) >= min(10, len(plan) // 2), typed
    assert untranslated == [], (
        f"questions shown in English in the {lang} journey: {untranslated}")
