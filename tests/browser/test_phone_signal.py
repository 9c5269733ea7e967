"""Answering on a phone whose signal drops, with two tabs open, and by ear: found by answering
as a person would (Debian chromium at 360 px, JavaScript on)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response

from .browsing import axe, describe_violations
from .conftest import PHONE

pytestmark = pytest.mark.browser

SAVED = "Saved as you type."
UNSAVED = "Not saved yet, because there is no signal. What you type stays on this phone."
NO_SIGNAL = "You seem to have no signal. Your answer is still here. Try again when you have signal."
RESTORED = "We brought back what you typed before."


def _begin(page, base: str, invitation) -> str:
    """Open the link, say yes to sharing, start; returns the first question's URL (like)."""
    page.goto(f"{base}/r/{invitation.token}")
    page.check("#share")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/q/like")
    return page.url


def _begin_keys(page, base: str, invitation) -> str:
    """As :func:`_begin`, with or without JavaScript."""
    page.goto(f"{base}/r/{invitation.token}")
    page.check("#share")
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/q/like")
    return page.url


def _stored(qid: str):
    db.session.rollback()  # see what the server's threads committed
    return db.session.scalar(select(Answer.value).filter_by(question_id=qid))


def test_signal_lost_while_typing_then_the_tab_closed_keeps_every_word(
        live_server, invite, contexts):
    """Typed, saved as a draft, then more typed with no signal, Continue pressed, the tab
    closed: the page said 'Saved as you type.' all along, and on coming back the box held only
    the older draft from the server (' and funny' was gone)."""
    context = contexts.new(**PHONE)
    page = context.new_page()
    url = _begin(page, live_server, invite())
    status = page.locator("[data-status]")
    page.locator("#answer").click()
    page.keyboard.type("I am kind")
    expect(status).to_have_text(SAVED)
    assert _stored("like") == ["I am kind"]

    context.set_offline(True)
    page.keyboard.type(" and funny")
    expect(status).to_have_text(UNSAVED)  # not 'Saved as you type.'
    red = "rgb(176, 0, 32)"  # the error colour, not the green of 'saved'
    assert status.evaluate("el => getComputedStyle(el).color") == red
    page.get_by_role("button", name="Continue").click()
    expect(status).to_have_text(NO_SIGNAL)
    assert status.evaluate("el => getComputedStyle(el).color") == red
    assert page.url == url and page.locator("#answer").input_value() == "I am kind and funny"
    page.close()

    context.set_offline(False)
    later = context.new_page()
    later.goto(url)
    expect(later.locator("#answer")).to_have_value("I am kind and funny")
    expect(later.locator("[data-status]")).to_have_text(SAVED)  # brought back, and saved
    assert later.locator("[data-status]").evaluate("el => getComputedStyle(el).color") != red
    assert _stored("like") == ["I am kind and funny"]
    later.get_by_role("button", name="Continue").click()
    later.wait_for_url("**/q/name")


def test_continue_with_no_signal_then_again_with_signal(live_server, invite, contexts):
    context = contexts.new(**PHONE)
    page = context.new_page()
    _begin(page, live_server, invite())
    page.get_by_role("button", name="Skip this question").click()
    page.wait_for_url("**/q/name")
    page.locator("#answer").fill("Sam")
    context.set_offline(True)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-status]")).to_have_text(NO_SIGNAL)
    context.set_offline(False)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/q/happy")
    assert _stored("name") == "Sam"


def test_send_with_no_signal_says_so_and_sends_when_it_is_back(live_server, invite, contexts):
    """Send pressed with no signal showed the browser's own 'No internet' page."""
    context = contexts.new(**PHONE)
    page = context.new_page()
    url = _begin(page, live_server, invite())
    page.goto(url.replace("/q/like", "/q/name"))
    page.locator("#answer").fill("Sam")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/q/happy")
    page.goto(url.replace("/q/like", "/check"))
    context.set_offline(True)
    page.get_by_role("button", name="Send my answers").click()
    status = page.locator("form [data-status]")
    expect(status).to_have_text(
        "You seem to have no signal. Nothing is lost. Try again when you have signal.")
    assert page.url.endswith("/check")
    violations = axe(page)
    assert not violations, describe_violations(violations, page.url)
    context.set_offline(False)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/done")
    db.session.rollback()
    assert db.session.scalar(select(Response.submitted_at)) is not None


def test_an_answer_typed_in_a_second_tab_after_sending_is_shown_not_dropped(
        live_server, invite, contexts):
    context = contexts.new(**PHONE)
    first = context.new_page()
    url = _begin(first, live_server, invite())
    second = context.new_page()
    second.goto(url.replace("/q/like", "/q/what-wrong"))  # hidden until 'yes': goes on
    second.goto(url)
    first.goto(url.replace("/q/like", "/q/name"))
    first.locator("#answer").fill("Sam")
    first.get_by_role("button", name="Continue").click()
    first.wait_for_url("**/q/happy")
    first.goto(url.replace("/q/like", "/check"))
    first.get_by_role("button", name="Send my answers").click()
    first.wait_for_url("**/done")

    second.locator("#answer").fill("Please call my mum")
    second.get_by_role("button", name="Continue").click()
    expect(second.locator(".notice")).to_contain_text("This answer was not added.")
    expect(second.locator(".notice blockquote")).to_have_text("Please call my mum")
    expect(second.get_by_role("heading", level=1)).to_have_text("Thank you")
    violations = axe(second)
    assert not violations, describe_violations(violations, second.url)


def test_continue_loads_the_next_question_once(live_server, invite, contexts):
    """With JavaScript the answer is sent in the page; the next page was loaded twice (fetch
    followed the redirect, then the page went there): twice the data on a weak signal."""
    page = contexts.page(**PHONE)
    _begin(page, live_server, invite())
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if r.method == "GET" else None)
    page.get_by_role("button", name="Skip this question").click()
    page.wait_for_url("**/q/name")
    page.wait_for_load_state()
    assert [u for u in loads if re.search(r"/q/name$", u)] == [page.url]


SPEECH = """
    window.__spoken = [];
    window.speechSynthesis.speak = (u) => window.__spoken.push([u.text, u.lang]);
"""


def test_listen_reads_the_hints_and_is_on_the_start_and_thank_you_pages(
        live_server, invite, contexts):
    """Listen read the question's title and choices, not where the person is ('Question 1 of
    6'), its hint ('Write each thing on a new line') or what is wrong with an answer, and the
    start page (the privacy choice) and the end had no Listen at all."""
    page = contexts.page(**PHONE)
    page.add_init_script(SPEECH)
    page.goto(f"{live_server}/r/{invite().token}")
    page.get_by_role("button", name="Listen").click()
    start = page.evaluate("window.__spoken[0][0]")
    for said in ("Before you start", "Can we use your answers to help plan services?",
                 "Yes. You can use my answers", "No. Only use my answers"):
        assert said in start
    page.check("#share")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/q/like")
    page.get_by_role("button", name="Listen").click()
    said = page.evaluate("window.__spoken[0][0]")  # a new page
    assert said.startswith("Question 1 of 6") and "Write each thing on a new line." in said
    page.goto(page.url.replace("/q/like", "/q/name"))
    page.get_by_role("button", name="Continue").click()  # nothing typed: a message
    expect(page.locator("#answer-error")).to_be_visible()
    page.get_by_role("button", name="Listen").click()
    assert "Please answer this question, or go back." in page.evaluate("window.__spoken[0][0]")


def test_no_listen_button_when_the_phone_has_no_voice_for_the_language(
        live_server, invite, contexts):
    """An Urdu page read by the phone's only (English) voice is no help."""
    page = contexts.page(**PHONE)
    page.add_init_script(SPEECH + """
        window.speechSynthesis.getVoices = () => [{lang: "en-GB", name: "English"}];
    """)
    url = _begin(page, live_server, invite())
    expect(page.get_by_role("button", name="Listen")).to_be_visible()
    page.goto(url + "?lang=ur")
    assert page.locator("[data-listen]").is_hidden()


def test_a_long_paste_is_kept_whole_and_said_to_be_too_long(live_server, invite, contexts):
    """The answer box had maxlength: a 6,000-character paste into a 5,000-character box was
    cut at 5,000 without a word, the end of it lost."""
    page = contexts.page(**PHONE)
    _begin(page, live_server, invite())
    pasted = ("I like my garden and I like to talk about it. " * 140)[:6000]
    page.locator("#answer").fill(pasted)
    too_long = "Your answer is too long. Please keep it under 5000 characters."
    expect(page.locator("[data-status]")).to_have_text(too_long)
    assert page.locator("#answer").input_value() == pasted
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#answer-error")).to_have_text(too_long)
    assert page.locator("#answer").input_value() == pasted.strip()
    page.locator("#answer").fill(pasted[:4000])
    expect(page.locator("[data-status]")).not_to_have_text(too_long)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/q/name")


def test_typing_before_the_script_has_loaded_is_not_replaced_by_the_older_copy(
        live_server, invite, contexts):
    """On a slow phone a person can type before respond.js has run. It then found the copy
    of what was typed on the page before (refused as too long) and put that back over the new
    words, so Continue sent the old text and was refused again (seen in a loaded CI run)."""
    page = contexts.page(**PHONE)
    url = _begin(page, live_server, invite())
    page.locator("#answer").fill("The old words, kept on the phone")
    page.evaluate("localStorage.setItem('rk:' + location.pathname, "
                  "'The old words, kept on the phone')")
    held = []
    page.route("**/js/respond.js", lambda route: held.append(route))
    page.goto(url, wait_until="commit")
    page.locator("#answer").fill("My new words")
    assert held, "the script was not held back"
    held[0].continue_()
    page.unroute("**/js/respond.js")
    page.wait_for_load_state("load")
    expect(page.locator("#answer")).to_have_value("My new words")
    expect(page.locator("[data-status]")).not_to_have_text(RESTORED)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/q/name")
    assert _stored("like") == ["My new words"]


def test_switching_to_easy_read_keeps_what_was_typed(live_server, invite, contexts):
    """Typed, then 'Easy read' pressed at once: the page comes back in easy words with what
    was typed, and saved. (Without JavaScript, and Enter still meaning Continue:
    test_phone_leaving.)"""
    page = contexts.page(**PHONE)
    url = _begin_keys(page, live_server, invite())
    page.goto(url.replace("/q/like", "/q/name"))
    page.locator("#answer").fill("Samira")
    page.get_by_role("button", name="Easy read").click()
    expect(page.get_by_role("button", name="Standard words")).to_be_visible()
    expect(page.locator("h1")).to_have_text("What is your name?")  # the easy-read words
    expect(page.locator("#answer")).to_have_value("Samira")
    for _ in range(100):  # the phone sends its copy after the page has come back
        if _stored("name") == "Samira":
            break
        page.wait_for_timeout(100)
    assert _stored("name") == "Samira"


@pytest.mark.parametrize("javascript", [
    pytest.param(True, id="js"), pytest.param(False, id="nojs")])
def test_a_refused_answer_puts_the_focus_on_what_is_wrong(javascript, live_server, invite,
                                                         contexts):
    """After Continue with a problem the focus was at the top of the page: a keyboard or
    screen reader user had to find 'There is a problem' past the header and the Back link."""
    page = contexts.page(**PHONE, java_script_enabled=javascript)
    url = _begin_keys(page, live_server, invite())
    page.goto(url.replace("/q/like", "/q/name"))
    page.locator("#answer").focus()
    page.keyboard.press("Enter")  # nothing typed
    expect(page.locator(".error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    message = page.get_by_role("link", name="Please answer this question, or go back.")
    expect(message).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.type("Sam")
    expect(page.locator("#answer")).to_have_value("Sam")
