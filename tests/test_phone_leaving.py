"""Leaving a question another way than Continue (Back, easy read, another language) without
JavaScript keeps what is in the answer box, as a draft is kept while typing; a NUL character
pasted into an answer is taken out and the question shown again with why. Over HTTP, with the
stored answers read from the database."""

from __future__ import annotations

import re

from conftest import PASSWORD, Page, form_token, sign_in, start_journey
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response

TOO_LONG = "Your answer is too long. Please keep it under 40 characters."
NUL_MESSAGE = ("Your answer had a hidden character that we cannot keep. We took it out. "
               "Please check your answer, then press Continue again.")


def _stored(key: str) -> dict[str, Answer]:
    db.session.rollback()  # see what the requests committed
    response = db.session.scalar(select(Response).filter_by(resume_key=key))
    return {a.question_id: a for a in response.answers}


def _easy_read(key: str) -> bool:
    db.session.rollback()
    return db.session.scalar(select(Response.easy_read).filter_by(resume_key=key))


def _box(page: Page) -> str:
    """What the answer box shows (a one-line box's value)."""
    import html

    return html.unescape(re.search(r'<input[^>]*id="answer"[^>]*value="([^"]*)"', page.html)[1])


def test_easy_read_pressed_with_an_answer_typed_keeps_it(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    question = page(f"/a/{key}/q/name")
    # the switch is a button of the answer form, and says which way it goes
    assert re.search(r'<button type="submit" name="easy_read" value="1" form="answer-form"',
                     question.html)
    moved = page(f"/a/{key}/q/name", {"answer": "Samira", "easy_read": "1"})
    assert moved.status == 302 and moved.response.headers["Location"] == f"/a/{key}/q/name"
    assert _easy_read(key) is True and _stored(key)["name"].value == "Samira"
    easy = page(f"/a/{key}/q/name")
    assert "What is your name?" in easy and _box(easy) == "Samira"
    # and back to standard words, with a change to the answer
    page(f"/a/{key}/q/name", {"answer": "Sami", "easy_read": "0"})
    assert _easy_read(key) is False and _stored(key)["name"].value == "Sami"


def test_easy_read_with_a_too_long_answer_switches_and_keeps_every_word(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    typed = "Samira Begum Chaudhry-Williams of Bradford"  # 42: the limit is 40
    shown = page(f"/a/{key}/q/name?change=1", {"answer": typed, "easy_read": "1"})
    assert shown.status == 400 and "What is your name?" in shown  # in easy read already
    assert TOO_LONG in shown and _box(shown) == typed
    assert "name" not in _stored(key) and _easy_read(key) is True
    # the form still goes back to the same page, with what it was asked with
    assert f'action="/a/{key}/q/name?change=1"' in shown.html


def test_easy_read_with_nothing_typed_stores_nothing(page, invite):
    """Nothing typed on a question that needs an answer: not 'Please answer this question',
    and no answer (nor 'skipped') stored."""
    key = start_journey(page, invite()).split("/")[2]
    moved = page(f"/a/{key}/q/name", {"answer": "", "easy_read": "1"})
    assert moved.status == 302 and _stored(key) == {} and _easy_read(key) is True
    skippable = page(f"/a/{key}/q/like", {"answer": "", "easy_read": "0"})
    assert skippable.status == 302 and _stored(key) == {}


def test_another_language_pressed_keeps_the_answer_and_changes_the_page(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    urdu = page(f"/a/{key}/q/name?lang=ur")
    assert urdu.dir == "rtl" and 'name="lang" value="cy"' in urdu.html
    # sent from the page opened with ?lang=ur: the button's language wins
    moved = page(f"/a/{key}/q/name", {"answer": "Siân", "lang": "cy"})
    assert moved.response.headers["Location"] == f"/a/{key}/q/name"
    assert _stored(key)["name"].value == "Siân"
    welsh = page(f"/a/{key}/q/name")
    assert welsh.lang == "cy" and _box(welsh) == "Siân"
    # too long: not stored, and said in the new language with every word kept
    typed = "Siân Angharad Llywelyn-Jones o Aberystwyth"
    refused = page(f"/a/{key}/q/name", {"answer": typed, "lang": "pl"})
    assert refused.status == 400 and refused.lang == "pl" and _box(refused) == typed
    assert "Twoja odpowiedź jest za długa" in refused
    assert _stored(key)["name"].value == "Siân"


def test_a_language_the_organisation_does_not_offer_is_not_chosen(page, invite):
    from conftest import the_organisation

    org = the_organisation()
    org.languages = ["en", "cy"]
    db.session.commit()
    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/name", {"answer": "Sam", "lang": "ur"})
    assert page(f"/a/{key}/q/name").lang == "en" and _stored(key)["name"].value == "Sam"


def test_back_keeps_the_answer_and_goes_to_the_question_before(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/like", {"answer": "I am kind", "action": "next"})
    back = page(f"/a/{key}/q/name", {"answer": "Sam", "action": "back"})
    assert back.status == 302 and back.response.headers["Location"] == f"/a/{key}/q/like"
    assert _stored(key)["name"].value == "Sam" and not _stored(key)["name"].skipped
    # nothing typed on a question that needs an answer: back, with nothing stored for it
    page(f"/a/{key}/q/happy", {"answer": "2", "action": "back"})
    assert _stored(key)["happy"].value == "2"
    # an optional answer emptied: as Continue would, it reads as skipped
    page(f"/a/{key}/q/like", {"answer": "  ", "action": "back"})
    assert _stored(key)["like"].skipped
    # too long: stays on the question, says why, and keeps every word
    typed = "Samira Begum Chaudhry-Williams of Bradford"
    stay = page(f"/a/{key}/q/name", {"answer": typed, "action": "back"})
    assert stay.status == 400 and TOO_LONG in stay and _box(stay) == typed
    assert _stored(key)["name"].value == "Sam"


def test_the_page_s_token_too_old_keeps_the_answer_and_asks_again(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    stale = page(f"/a/{key}/q/name", {"answer": "Sam", "easy_read": "1",
                                      "csrf_token": "old"}, csrf=False)
    assert stale.status == 400 and _box(stale) == "Sam"
    assert "Your answer is still here: please press the button again." in stale
    assert _easy_read(key) is False and _stored(key) == {}


def test_a_nul_in_an_answer_is_taken_out_and_the_question_shown_again(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    shown = page(f"/a/{key}/q/name", {"answer": "Sa\x00m", "action": "next"})
    assert shown.status == 400 and shown.title.startswith("Error:")
    assert NUL_MESSAGE in shown and _box(shown) == "Sam" and _stored(key) == {}
    # in the person's language
    urdu = page(f"/a/{key}/q/like?lang=ur", {"answer": "میں\x00 مہربان ہوں", "action": "next"})
    assert urdu.status == 400 and urdu.dir == "rtl"
    assert "میں مہربان ہوں" in urdu and NUL_MESSAGE not in urdu
    assert "\x00" not in urdu.html and "error-summary" in urdu.html
    # pressed Continue again, it is kept
    assert page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"}).status == 302
    assert _stored(key)["name"].value == "Sam"


def test_a_nul_in_a_draft_is_not_saved_and_says_why(page, invite, client):
    key = start_journey(page, invite()).split("/")[2]
    token = page(f"/a/{key}/q/name").csrf
    r = client.post(f"/a/{key}/q/name/draft", data={"answer": "Sa\x00m", "csrf_token": token})
    assert r.status_code == 400 and r.get_json() == {"saved": False,
                                                     "errors": {"answer": [NUL_MESSAGE]}}
    assert _stored(key) == {}


def test_a_nul_in_a_staff_form_is_taken_out_and_the_rest_can_be_sent_again(staff_app):
    from reviewkit.models import User

    admin = staff_app.test_client()
    sign_in(admin, "admin")
    sent = Page(admin.post("/staff/users/", data={
        "csrf_token": form_token(admin, "/staff/users/"), "name": "Ann\x00 Jones",
        "email": "ann@example.org", "role": "manager", "password": PASSWORD}))
    assert sent.status == 400 and sent.title.startswith("What you sent had a character")
    assert 'value="Ann Jones"' in sent.html and "\x00" not in sent.html
    assert "password" not in sent.html.split("<main", 1)[1]  # never written into a page
    with staff_app.app_context():
        assert db.session.scalar(select(User).filter_by(email="ann@example.org")) is None
    # "Send it again" sends the rest
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', sent.html, re.S)
    again = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form[2]))
    assert form[1] == "/staff/users/" and again["name"] == "Ann Jones"
    admin.post(form[1], data=again)
    with staff_app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ann@example.org"))
        assert user is not None and user.name == "Ann Jones"


def test_a_nul_in_a_field_s_name_or_the_address_is_still_refused(page, invite, client):
    key = start_journey(page, invite()).split("/")[2]
    token = page(f"/a/{key}/q/name").csrf
    r = client.post(f"/a/{key}/q/name", data={"answer": "Sam", "x\x00": "1", "csrf_token": token})
    assert r.status_code == 400 and _stored(key) == {}
    assert client.get(f"/a/{key}/q/name?lang=%00").status_code == 400


def test_the_finish_later_code_is_left_to_right_in_every_language(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "later"})
    for lang in ("en", "ur", "ar"):
        later = page(f"/a/{key}/later?lang={lang}")
        assert re.search(r'<p class="code" dir="ltr"[^>]*>[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}<',
                         later.html), lang


def _consent(key: str) -> bool | None:
    db.session.rollback()
    return db.session.scalar(select(Response.consent_pooled).filter_by(resume_key=key))


def _chosen(page_: Page) -> list[str]:
    """The values of the consent page's checked radio buttons."""
    return re.findall(r'<input type="radio" name="share" [^>]*value="(\w+)" checked>',
                      page_.html)


def _on_consent(page, invitation) -> str:
    """Open the link: on the consent page; returns its address."""
    return page(f"/r/{invitation.token}").response.headers["Location"]


def test_easy_read_on_the_consent_page_keeps_the_choice_and_records_nothing(page, invite):
    start = _on_consent(page, invite())
    key = start.split("/")[2]
    shown = page(start)
    # the switch and the languages are buttons of the consent form
    assert re.search(r'<button type="submit" name="easy_read" value="1" form="consent-form"',
                     shown.html)
    assert re.search(r'<button type="submit" form="consent-form" name="lang" value="cy"',
                     shown.html)
    moved = page(start, {"share": "no", "easy_read": "1"})
    assert moved.status == 302 and moved.response.headers["Location"] == start
    assert _easy_read(key) is True and _consent(key) is None  # only Start records it
    easy = page(start)
    assert "We will not share your name." in easy and _chosen(easy) == ["no"]
    # and back to standard words with the other choice
    page(start, {"share": "yes", "easy_read": "0"})
    assert _easy_read(key) is False and _chosen(page(start)) == ["yes"] and _consent(key) is None
    # Start records what was chosen, and the choice is not kept any longer
    assert page(start, {"share": "yes"}).status == 302 and _consent(key) is True
    page(start, {"share": "no"})
    assert _consent(key) is False and _chosen(page(start)) == ["no"]


def test_another_language_on_the_consent_page_keeps_the_choice(page, invite):
    start = _on_consent(page, invite())
    key = start.split("/")[2]
    page(f"{start}?lang=ur")
    moved = page(start, {"share": "yes", "lang": "ar"})
    assert moved.response.headers["Location"] == start and _consent(key) is None
    arabic = page(start)
    assert arabic.lang == "ar" and arabic.dir == "rtl" and _chosen(arabic) == ["yes"]
    # with nothing chosen: the language changes, and nothing is chosen for the person
    other = _on_consent(page, invite())
    page(other, {"lang": "pl"})
    polish = page(other)
    assert polish.lang == "pl" and _chosen(polish) == [] and "error-summary" not in polish.html


def test_a_choice_kept_for_one_response_is_not_shown_on_another(page, invite):
    first, second = _on_consent(page, invite()), _on_consent(page, invite())
    page(first, {"share": "no", "easy_read": "1"})
    assert _chosen(page(second)) == [] and _chosen(page(first)) == ["no"]
    assert _consent(first.split("/")[2]) is None


def test_a_switch_with_a_stale_token_on_the_consent_page_keeps_the_choice(page, invite):
    start = _on_consent(page, invite())
    key = start.split("/")[2]
    stale = page(start, {"share": "no", "lang": "cy", "csrf_token": "old"}, csrf=False)
    assert stale.status == 400 and _chosen(stale) == ["no"]
    assert "Your answer is still here: please press the button again." in stale
    assert _consent(key) is None and page(start).lang == "en"
    # nothing chosen yet: only that, not "Please choose yes or no." for a language button
    stale = page(start, {"easy_read": "1", "csrf_token": "old"}, csrf=False)
    assert stale.status == 400 and "please press the button again." in stale
    assert "Please choose yes or no." not in stale and _easy_read(key) is False


def test_the_example_code_stays_whole_and_in_order_on_an_arabic_or_urdu_resume_page(page):
    """"like K7PQ-4XR9-MN3T" inside an Arabic sentence broke at a hyphen and showed its groups
    in the wrong order: the code is isolated left to right, in the hint and in the message
    for a code that does not match, and the box for the code is left to right."""
    for lang in ("ar", "ur"):
        shown = page(f"/resume?lang={lang}")
        assert shown.dir == "rtl" and shown.html.count(
            '<bdi dir="ltr" class="nowrap">K7PQ-4XR9-MN3T</bdi>') == 1, lang
        assert re.search(r'<input[^>]* dir="ltr"[^>]* id="code"|<input[^>]* id="code"'
                         r'[^>]* dir="ltr"', shown.html), lang
        wrong = page(f"/resume?lang={lang}", {"code": "ABCD-EFGH-JKLM"})
        assert wrong.status == 400 and 'value="ABCD-EFGH-JKLM"' in wrong.html
        # in the hint, the problem list and beside the box
        assert wrong.html.count('<bdi dir="ltr" class="nowrap">K7PQ-4XR9-MN3T</bdi>') == 3, lang


def test_another_language_on_the_resume_page_keeps_the_code_typed(page, invite):
    """A code half typed, then Arabic pressed: the page is in Arabic with the code still in
    the box, and the code is neither looked up nor said to be wrong."""
    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "later"})
    code = re.search(r'<p class="code"[^>]*>([A-Z0-9-]+)<', page(f"/a/{key}/later").html)[1]
    shown = page("/resume")
    assert re.search(r'<button type="submit" form="resume-form" name="lang" value="ar"',
                     shown.html)
    arabic = page("/resume", {"code": "K7PQ-4X", "lang": "ar"})
    assert arabic.status == 200 and arabic.lang == "ar" and arabic.dir == "rtl"
    assert 'value="K7PQ-4X"' in arabic.html and "error-summary" not in arabic.html
    # a whole code and a language: still only the language (Continue opens the answers)
    welsh = page("/resume", {"code": code, "lang": "cy"})
    assert welsh.status == 200 and welsh.lang == "cy" and f'value="{code}"' in welsh.html
    assert page("/resume", {"code": code}).response.headers["Location"] == f"/k/{key}"


def test_back_from_a_change_keeps_changing_and_continue_returns_to_the_check_page(page, invite):
    """"Change" on the check page, then Back: the question before is a change too, so its
    Continue goes back to the check page, not through every question after it again."""
    key = start_journey(page, invite()).split("/")[2]
    for qid, answer in (("like", "I am kind"), ("name", "Sam"), ("happy", "2")):
        page(f"/a/{key}/q/{qid}", {"answer": answer, "action": "next"})
    back = page(f"/a/{key}/q/happy?change=1", {"answer": "3", "action": "back"})
    assert back.response.headers["Location"] == f"/a/{key}/q/name?change=1"
    assert _stored(key)["happy"].value == "3"
    on = page(f"/a/{key}/q/name?change=1", {"answer": "Sami", "action": "next"})
    assert on.response.headers["Location"] == f"/a/{key}/check"
    # not from the check page: Back and Continue go question by question, as before
    back = page(f"/a/{key}/q/happy", {"answer": "3", "action": "back"})
    assert back.response.headers["Location"] == f"/a/{key}/q/name"


SKIP_WITH_WORDS = ("You have written an answer here. To keep it, press Continue. To skip this "
                   "question, delete your answer first, then press Skip.")


def test_skip_pressed_with_words_in_the_box_keeps_them_and_says_how_to_skip(page, invite):
    """Skip sits next to Continue: pressed with words typed (a slip of the thumb), it stored the
    question as skipped and the words were gone. Now the page comes back with the words and
    says what each button does; an empty box, or a choice, is skipped as before."""
    key = start_journey(page, invite()).split("/")[2]
    typed = "Cooking with Ayesha\nThe garden"
    shown = page(f"/a/{key}/q/like", {"answer": typed, "action": "skip"})
    assert shown.status == 400 and SKIP_WITH_WORDS in shown
    assert re.search(r"<textarea[^>]*>\s*Cooking with Ayesha\nThe garden</textarea>", shown.html)
    assert "like" not in _stored(key)  # neither skipped nor half saved
    # the same words, Continue: kept as the answer
    page(f"/a/{key}/q/like", {"answer": typed, "action": "next"})
    assert _stored(key)["like"].value == ["Cooking with Ayesha", "The garden"]
    # changing it from the check page: the box holds the answer, emptied then skipped
    back = page(f"/a/{key}/q/like?change=1", {"answer": typed, "action": "skip"})
    assert back.status == 400 and not _stored(key)["like"].skipped
    assert page(f"/a/{key}/q/like", {"answer": " ", "action": "skip"}).status == 302
    assert _stored(key)["like"].skipped and _stored(key)["like"].value is None
    # a face chosen, then Skip: one tap to choose again, so it skips
    assert page(f"/a/{key}/q/happy", {"answer": "2", "action": "skip"}).status == 302
    assert _stored(key)["happy"].skipped


def test_skip_with_words_is_said_in_the_page_s_language(page, invite):
    key = start_journey(page, invite()).split("/")[2]
    shown = page(f"/a/{key}/q/like?lang=cy", {"answer": "Coginio", "action": "skip"})
    assert shown.status == 400 and shown.lang == "cy"
    assert "I hepgor y cwestiwn hwn, dilëwch eich ateb yn gyntaf" in shown
    assert SKIP_WITH_WORDS not in shown and "Coginio" in shown
