"""The Listen button reads the question aloud where the browser can speak, and is absent (not
broken) where it cannot or where JavaScript is off."""

from __future__ import annotations

import pytest
from conftest import the_organisation

from reviewkit.extensions import db
from reviewkit.services import invitations as inv
from reviewkit.services.banks import latest_version

pytestmark = pytest.mark.browser


def _question_url(live_server: str, page) -> str:
    survey = inv.survey_for(latest_version("test-bank"), None, the_organisation())
    token = inv.create_invitations(survey)[0].token
    db.session.commit()
    page.goto(f"{live_server}/r/{token}")
    page.check("#share")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/q/like")
    return page.url


def _listened(page, live_server: str, qid: str, lang: str) -> list[list[str]]:
    """Listen pressed on question ``qid`` in ``lang``: what the phone was asked to say, as
    [text, language] an utterance."""
    page.add_init_script("""
        window.__spoken = [];
        window.speechSynthesis.speak = (u) => window.__spoken.push([u.text, u.lang]);
    """)
    _question_url(live_server, page)
    page.goto(page.url.replace("/q/like", f"/q/{qid}") + f"?lang={lang}")
    listen = page.locator("[data-listen]")
    assert listen.is_visible()
    listen.click()
    return page.evaluate("window.__spoken")


def test_listen_speaks_the_question_and_its_choices_in_the_page_language(live_server, contexts):
    page = contexts.page(viewport={"width": 360, "height": 740})
    spoken = _listened(page, live_server, "happy", "cy")
    assert spoken[0][1] == "cy" and spoken[-1][1] == "cy"  # the progress line, the faces
    text = ". ".join(t for t, _lang in spoken)
    title = page.locator("#q-title").inner_text().strip()
    assert text.startswith(page.locator(".progress").inner_text().strip()) and title in text
    for label in page.locator(".choice label").all_inner_texts():
        assert label.strip() in text


def test_no_listen_button_without_speech_or_without_javascript(live_server, contexts):
    mute = contexts.page(viewport={"width": 360, "height": 740})
    mute.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    _question_url(live_server, mute)
    assert mute.locator("[data-listen]").is_hidden()
    nojs = contexts.page(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    nojs.goto(mute.url)
    assert nojs.locator("[data-listen]").is_hidden()


def test_listen_reads_words_not_translated_yet_in_their_own_language(live_server, contexts):
    """On an Arabic page, a question not translated into Arabic yet is in English: it is read
    out as English, and the page's own words (the progress line) as Arabic."""
    page = contexts.page(viewport={"width": 320, "height": 640})
    spoken = _listened(page, live_server, "activities", "ar")
    progress = page.locator(".progress").inner_text().strip()
    assert spoken[0][1] == "ar" and spoken[0][0].startswith(progress)
    english = " ".join(text for text, lang in spoken if lang == "en")
    assert "What would you like to do more of?" in english
    assert "Swimming" in english and "Cooking" in english
    assert not any("Swimming" in text for text, lang in spoken if lang == "ar")
