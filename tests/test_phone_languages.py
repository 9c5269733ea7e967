"""Bad input on the phone gets a clear message in the page's language, and keeps what was typed."""

from __future__ import annotations

from datetime import timedelta

from conftest import start_journey

from reviewkit.extensions import db
from reviewkit.models.base import utcnow


def test_unknown_link_in_welsh_and_urdu(page):
    cy = page("/r/not-a-real-token", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert cy.status == 404 and cy.lang == "cy" and "Heb ddod o hyd i'r dudalen" in cy
    ur = page("/r/not-a-real-token?lang=ur")
    assert ur.status == 404 and ur.dir == "rtl" and "صفحہ نہیں ملا" in ur


def test_expired_link_speaks_the_invitations_language(page, invite):
    invitation = invite(language="cy", expires_in_days=1)
    invitation.expires_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    r = page(f"/r/{invitation.token}")
    assert r.status == 410 and r.lang == "cy" and "Mae'r ddolen hon wedi dod i ben" in r


def test_too_long_answer_message_in_welsh_keeps_the_text(page, invite):
    key = start_journey(page, invite(language="cy")).split("/")[2]
    typed = "Rydw i'n hoffi nofio " * 3  # the test bank's name question allows 40 characters
    r = page(f"/a/{key}/q/name", {"answer": typed, "action": "next"})
    assert r.status == 400 and r.lang == "cy"
    assert "Mae eich ateb yn rhy hir" in r and typed.strip() in r


def test_unknown_language_code_says_so_and_falls_back(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    r = page(f"/a/{key}/q/like?lang=klingon")
    assert r.status == 200 and r.lang == "en"
    assert "we do not have that language yet" in r


def test_switching_language_mid_journey_keeps_answers(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/like", {"answer": "I am kind", "action": "next"})
    welsh = page(f"/a/{key}/q/like?lang=cy")
    assert welsh.lang == "cy" and "I am kind" in welsh
    urdu = page(f"/a/{key}/q/like?lang=ur")
    assert urdu.dir == "rtl" and "I am kind" in urdu


def test_face_and_yes_no_answers_come_in_the_pages_language(page, invite):
    """The fixed answers of a face scale and a yes/no question are interface text: on a Welsh
    or Urdu page they come from its catalogue, marked with the page's language."""
    key = start_journey(page, invite()).split("/")[2]
    faces = page(f"/a/{key}/q/happy?lang=cy")
    assert faces.status == 200 and faces.lang == "cy"
    assert "Hapus" in faces and "Iawn" in faces and ">Happy<" not in faces.html
    yes_no = page(f"/a/{key}/q/anything-wrong?lang=ur")
    assert yes_no.status == 200 and yes_no.dir == "rtl"
    assert "ہاں" in yes_no and ">Yes<" not in yes_no.html
    # a free-text question has no fixed answers; its page still comes in Urdu
    assert page(f"/a/{key}/q/like?lang=ur").dir == "rtl"


def test_phones_offer_only_the_organisations_languages(app, page, invite):
    """The organisation's settings say which languages it offers people: its phone pages list
    those, a ?lang= or a browser asking for another gets the page in one it offers, with the
    notice that says so, and what the person answered is kept."""
    from conftest import pages_of, the_organisation

    org = the_organisation()
    org.languages = ["en", "cy"]
    db.session.commit()
    invitation = invite()
    key = start_journey(page, invitation).split("/")[2]
    page(f"/a/{key}/q/like", {"answer": "I am kind", "action": "next"})
    offered = page(f"/a/{key}/q/like")  # a question's languages are buttons of its form
    assert offered.status == 200 and 'name="lang" value="cy"' in offered.html
    assert 'value="ur"' not in offered.html and 'value="pl"' not in offered.html
    assert 'hreflang="cy"' in page(f"/a/{key}/check") and 'hreflang="ur"' not in page(
        f"/a/{key}/check")
    urdu = page(f"/a/{key}/q/like?lang=ur")
    assert urdu.status == 200 and urdu.lang == "en" and urdu.dir != "rtl"
    assert "we do not have that language yet" in urdu and "I am kind" in urdu
    welsh = page(f"/a/{key}/q/like?lang=cy")
    assert welsh.lang == "cy" and 'value="ur"' not in welsh.html
    # a new phone whose browser asks for Urdu first gets the next language it asks for that
    # is offered (an invitation made in English would otherwise say English)
    phone = pages_of(app.test_client())
    asks = {"Accept-Language": "ur,cy;q=0.8,en;q=0.5"}
    opened = phone(f"/r/{invite(language='ur').token}", headers=asks)
    assert phone(opened.response.headers["Location"], headers=asks).lang == "cy"
    # offering every language again brings Urdu back
    org.languages = None
    db.session.commit()
    assert page(f"/a/{key}/q/like?lang=ur").dir == "rtl"


def test_words_not_translated_yet_read_left_to_right_on_an_arabic_page(page, invite):
    """A question not translated into Arabic yet is in English, marked as English *and* left to
    right: otherwise "What would you like us to call you?" shows as "?What would…" and the
    choices' full stops jump to the front. What the person types and reads back on the check
    page follows its own words (dir=auto)."""
    import re

    key = start_journey(page, invite()).split("/")[2]
    name = page(f"/a/{key}/q/name?lang=ar")
    assert name.dir == "rtl" and "This question is not translated yet" not in name
    assert '<h1 id="q-title" lang="en" dir="ltr">' in name.html
    assert '<span lang="en" dir="ltr">About me</span>' in name.html
    assert re.search(r'<input[^>]* dir="auto"[^>]* id="answer"|<input[^>]* id="answer"'
                     r'[^>]* dir="auto"', name.html)
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"})
    page(f"/a/{key}/q/activities", {"answer": ["swim"], "action": "next"})
    choices = page(f"/a/{key}/q/activities")
    assert '<span lang="en" dir="ltr">Swimming</span>' in choices.html
    page(f"/a/{key}/q/like", {"answer": "Kind\nFunny", "action": "next"})
    check = page(f"/a/{key}/check")
    assert '<dt lang="en" dir="ltr">What would you like us to call you?</dt>' in check.html
    assert '<dd dir="auto">Sam</dd>' in check.html  # typed: its own direction
    assert '<li dir="auto">Kind</li>' in check.html
    # a choice not translated yet is marked, as on the question; and so is the question's
    # text that a screen reader hears after "Change"
    assert '<li lang="en" dir="ltr">Swimming</li>' in check.html
    assert ('<span class="visually-hidden"> – <span lang="en" dir="ltr">What would you like us '
            'to call you?</span></span>') in check.html
