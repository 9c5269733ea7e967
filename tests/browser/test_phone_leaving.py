"""A question left another way than Continue (easy read, another language, Back) keeps what is
in the answer box, with JavaScript off (an old phone, a script that did not load) as with it
on; Enter in the box still means Continue; a NUL pasted into an answer is taken out and said;
the finish-later code stays whole on an Urdu page at 320 px. Debian chromium, by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Answer

from .browsing import Journey, axe, describe_violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

BOTH = [pytest.param(False, id="nojs"), pytest.param(True, id="js")]


def _stored(qid: str):
    db.session.rollback()  # see what the server's threads committed
    return db.session.scalar(select(Answer.value).filter_by(question_id=qid))


def _on_name(page, base: str, invitation) -> Journey:
    """Open the link, say yes to sharing, answer the first question: on 'name' (which has a
    Back button), by keyboard."""
    journey = Journey(page, plan={"like": "I am kind"})
    journey.open(f"{base}/r/{invitation.token}")
    journey.walk(questions=1)
    assert page.url.endswith("/q/name")
    return journey


def _type(journey: Journey, text: str) -> None:
    journey.type_into(journey.page.locator("#answer"), text)


@pytest.mark.parametrize("javascript", BOTH)
def test_easy_read_keeps_the_answer_and_enter_still_means_continue(javascript, live_server,
                                                                   invite, contexts):
    page = contexts.page(**PHONE, java_script_enabled=javascript)
    journey = _on_name(page, live_server, invite())
    _type(journey, "Samira")
    journey.press_button(journey.button("Easy read"))
    expect(journey.button("Standard words")).to_be_visible()
    expect(page.locator("h1")).to_have_text("What is your name?")  # the easy-read words
    expect(page.locator("#answer")).to_have_value("Samira")
    assert _stored("name") == "Samira"
    # Enter in the one-line box is Continue (not the switch, which comes first on the page)
    _type(journey, "Sami")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/q/happy")
    assert _stored("name") == "Sami"
    expect(journey.button("Standard words")).to_be_visible()


def test_the_tab_order_is_as_it_was_and_the_extra_continue_is_out_of_sight(live_server, invite,
                                                                          contexts):
    """The button that makes Enter mean Continue is never reached by Tab, seen, or read out:
    Tab goes skip link, reviewkit, Easy read, Back, the box, Continue, as before."""
    page = contexts.page(**PHONE, java_script_enabled=False)
    _on_name(page, live_server, invite())
    page.locator("body").focus()
    names = []
    for _ in range(6):
        page.keyboard.press("Tab")
        names.append(page.evaluate("""() => { const a = document.activeElement;
            return a.id === 'answer' ? 'box' : a.textContent.trim(); }"""))
    assert names == ["Skip to main content", "reviewkit", "Easy read", "Back", "box", "Continue"]
    assert page.get_by_role("button", name="Continue", exact=True).count() == 1
    hidden = page.locator("header button[value=next]")
    assert hidden.bounding_box()["width"] <= 1


@pytest.mark.parametrize("javascript", BOTH)
def test_another_language_keeps_the_answer(javascript, live_server, invite, contexts):
    page = contexts.page(**PHONE, java_script_enabled=javascript)
    journey = _on_name(page, live_server, invite())
    _type(journey, "Siân")
    welsh = page.get_by_role("contentinfo").get_by_role("button", name="Cymraeg")
    journey.press_button(welsh)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("#answer")).to_have_value("Siân")
    assert _stored("name") == "Siân"
    expect(page.get_by_role("contentinfo").get_by_role("button", name="Cymraeg")).to_have_attribute(
        "aria-current", "true")
    # and into Urdu: right to left, the answer still there, nothing in the way (axe)
    journey.press_button(page.get_by_role("contentinfo").get_by_role("button", name="اردو"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#answer")).to_have_value("Siân")
    violations = axe(page)
    assert not violations, describe_violations(violations, "Urdu question page")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


@pytest.mark.parametrize("javascript", BOTH)
def test_back_keeps_the_answer(javascript, live_server, invite, contexts):
    page = contexts.page(**PHONE, java_script_enabled=javascript)
    journey = _on_name(page, live_server, invite())
    _type(journey, "Sam")
    journey.press_button(journey.button("Back"))
    page.wait_for_url("**/q/like")
    assert _stored("name") == "Sam"
    expect(page.locator("#answer")).to_have_value("I am kind")
    journey.press_button(journey.button("Continue"))
    page.wait_for_url("**/q/name")
    expect(page.locator("#answer")).to_have_value("Sam")


def test_back_with_a_too_long_answer_stays_and_keeps_every_word(live_server, invite, contexts):
    page = contexts.page(**PHONE, java_script_enabled=False)
    journey = _on_name(page, live_server, invite())
    typed = "Samira Begum Chaudhry-Williams of Bradford"  # 42: the limit is 40
    _type(journey, typed)
    journey.press_button(journey.button("Back"))
    assert page.url.endswith("/q/name")
    expect(page.locator("#answer-error")).to_have_text(
        "Your answer is too long. Please keep it under 40 characters.")
    expect(page.locator("#answer")).to_have_value(typed)
    assert _stored("name") is None


@pytest.mark.parametrize("javascript", BOTH)
def test_a_nul_pasted_into_an_answer_is_taken_out_and_said(javascript, live_server, invite,
                                                            contexts):
    page = contexts.page(**PHONE, java_script_enabled=javascript)
    journey = _on_name(page, live_server, invite())
    page.locator("#answer").fill("Sa\x00m")
    journey.press_button(journey.button("Continue"))
    expect(page.locator("#answer-error")).to_have_text(
        "Your answer had a hidden character that we cannot keep. We took it out. "
        "Please check your answer, then press Continue again.")
    expect(page.locator("#answer")).to_have_value("Sam")
    expect(page.locator(".error-summary")).to_be_focused()
    assert _stored("name") is None
    journey.press_button(journey.button("Continue"))
    page.wait_for_url("**/q/happy")
    assert _stored("name") == "Sam"


def _whole_left_to_right(code, lang: str) -> None:
    """The text of ``code`` (one text node) is on one line, its first letter left of its last."""
    lines, ordered = code.evaluate("""el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const first = document.createRange(), last = document.createRange();
        const text = el.firstChild;
        first.setStart(text, 0); first.setEnd(text, 1);
        last.setStart(text, text.length - 1); last.setEnd(text, text.length);
        return [range.getClientRects().length,
                first.getBoundingClientRect().left < last.getBoundingClientRect().left];
    }""")
    assert lines == 1, f"{lang}: the code is on {lines} lines"
    assert ordered, f"{lang}: the code reads right to left"


@pytest.mark.parametrize("lang", ["ur", "en"])
def test_the_finish_later_code_stays_whole_at_320px(lang, live_server, invite, contexts):
    page = contexts.page(**{**PHONE, "viewport": {"width": 320, "height": 640}},
                         java_script_enabled=False)
    journey = _on_name(page, live_server, invite())
    page.goto(page.url + f"?lang={lang}")
    journey.press_button(page.locator("main button[value=later]"))
    page.wait_for_url("**/later")
    code = page.locator("p.code")
    _whole_left_to_right(code, lang)
    box = code.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("javascript", BOTH)
def test_the_consent_choice_survives_easy_read_and_another_language(javascript, live_server,
                                                                    invite, contexts):
    """Chosen "No", then Easy read, then Arabic: still "No" on each page, nothing recorded
    until Start; Enter on the choice means Start, not the easy-read switch before it."""
    from reviewkit.models import Response

    def recorded():
        db.session.rollback()
        return db.session.scalar(select(Response.consent_pooled))

    page = contexts.page(**{**PHONE, "viewport": {"width": 320, "height": 640}},
                         java_script_enabled=javascript)
    journey = Journey(page)
    journey.open(f"{live_server}/r/{invite().token}")
    radios = page.locator("main input[name=share]")
    journey.choose_radio(radios, 1)
    journey.press_button(journey.button("Easy read"))
    expect(journey.button("Standard words")).to_be_visible()
    expect(page.locator("#share-no")).to_be_checked()
    journey.press_button(page.get_by_role("contentinfo").get_by_role("button", name="العربية"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#share-no")).to_be_checked()
    assert recorded() is None
    violations = axe(page)
    assert not violations, describe_violations(violations, "Arabic consent page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.locator("#share-no").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/q/**")
    assert recorded() is False


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_resume_page_keeps_the_code_and_its_example_stays_whole_at_320px(lang, live_server,
                                                                            contexts):
    """A code typed by keyboard on the English page, then Arabic or Urdu pressed: the code is
    still in the box. It does not match: the example code in the hint and in the messages is
    whole and left to right, what was typed is still there, and the page is axe-clean."""
    page = contexts.page(**{**PHONE, "viewport": {"width": 320, "height": 640}},
                         java_script_enabled=False)
    page.goto(f"{live_server}/resume?lang=en")
    keys = Journey(page)
    keys.type_into(page.locator("#code"), "ABCD-EFGH-JKLM")
    keys.press_button(page.get_by_role("contentinfo").locator(f"button[value={lang}]"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#code")).to_have_value("ABCD-EFGH-JKLM")
    keys.press_button(page.locator("main form button"))
    expect(page.locator("#code")).to_have_value("ABCD-EFGH-JKLM")
    examples = page.locator("main bdi")
    assert examples.count() == 3
    for i in range(3):
        _whole_left_to_right(examples.nth(i), lang)
    violations = axe(page)
    assert not violations, describe_violations(violations, f"{lang} resume page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
