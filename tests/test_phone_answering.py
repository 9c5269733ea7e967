"""What a person answering on their own phone meets, found by answering as them: the progress
line, answers sent from another tab after sending, sending with a question still to answer,
answers that are only spaces or bullets, and a code of only spaces."""

from __future__ import annotations

import re

from conftest import Page, start_journey
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response

PROGRESS = re.compile(r"Question (\d+) of (\d+)")


def _key(page, invite, **kw) -> str:
    return start_journey(page, invite(**kw)).split("/")[2]


def _progress(page, url: str) -> tuple[int, int]:
    shown = page(url)
    n, total = PROGRESS.search(shown.html).groups()
    return int(n), int(total)


def test_the_question_count_never_grows_as_answers_bring_follow_up_questions(page, invite):
    """The test bank's 'What is not working?' follows a yes: it is counted from the start
    (it said 'Question 4 of 5', then 'Question 5 of 6'), and left out of the count after a no."""
    key = _key(page, invite)
    seen = []
    for qid, value in [("like", "Kind"), ("name", "Sam"), ("happy", "3"),
                       ("anything-wrong", "yes"), ("what-wrong", "The bus"),
                       ("activities", "cook")]:
        seen.append(_progress(page, f"/a/{key}/q/{qid}"))
        page(f"/a/{key}/q/{qid}", {"answer": value, "action": "next"})
    assert seen == [(n, 6) for n in range(1, 7)]
    page(f"/a/{key}/q/anything-wrong?change=1", {"answer": "no", "action": "next"})
    assert _progress(page, f"/a/{key}/q/activities") == (5, 5)


def _send(page, client, key: str):
    """Send the answers; returns ``post(qid, data)``: a question page left open, sent."""
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"})
    token = page(f"/a/{key}/check").csrf
    r = client.post(f"/a/{key}/send", data={"csrf_token": token})
    assert r.headers["Location"].endswith("/done")
    return lambda qid, data: Page(client.post(f"/a/{key}/q/{qid}",
                                              data={**data, "csrf_token": token}))


def test_an_answer_from_a_tab_left_open_after_sending_is_shown_back_not_lost(page, client, invite):
    """Answers sent in one tab; in another tab, still on a question, the person types and
    presses Continue: they were shown 'Thank you. We have your answers.' and what they typed
    was gone without a word. Now the thank-you page says it was not added and shows it."""
    key = _key(page, invite)
    left_open = _send(page, client, key)
    late = left_open("like", {"answer": "Please call my mum\nShe worries",
                                     "action": "next"})
    assert late.status == 409
    assert "This answer was not added" in late and "Thank you" in late
    assert "Please call my mum" in late and "She worries" in late
    # shown in the direction of its own words (an Urdu answer on an English page, or English
    # on an Urdu one), as on the check page
    assert '<p dir="auto">Please call my mum</p><p dir="auto">She worries</p>' in late.html
    choice = left_open("happy", {"answer": "1", "action": "next"})
    assert choice.status == 409 and "Sad" in choice  # the face's words, not its value
    # the same answer again (a double tap) or a skip lost nothing: the usual thank-you page
    assert left_open("name", {"answer": "Sam", "action": "next"}).status == 302
    assert left_open("like", {"answer": "", "action": "skip"}).status == 302
    stored = db.session.scalars(select(Answer.question_id)).all()
    assert stored == ["name"]  # nothing sent late was saved


def test_only_bullets_is_not_an_answer_and_empty_reads_as_skipped(page, invite):
    """'- •' passed as an answer to a question that needs one (stored as no statements at
    all); spaces in an optional box were stored as an empty answer that read as nothing."""
    from conftest import TEST_BANKS

    key = _key(page, invite)
    required = page(f"/a/{key}/q/name", {"answer": "   ", "action": "next"})
    assert required.status == 400 and "Please answer this question" in required
    page(f"/a/{key}/q/like", {"answer": "- \n• \n*", "action": "next"})
    row = db.session.scalar(select(Answer).filter_by(question_id="like"))
    assert row.skipped and row.value is None
    assert "Skipped" in page(f"/a/{key}/check")
    assert "required: true" not in (TEST_BANKS / "test-bank.yaml").read_text().split(
        "id: like", 1)[1].split("- id:", 1)[0]  # 'like' is optional in the test bank


def test_a_required_statements_question_refuses_only_bullets(app, page, tmp_path):
    from conftest import TEST_BANKS, initialised_app, pages_of, the_organisation

    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    banks = tmp_path / "banks"
    banks.mkdir()
    text = (TEST_BANKS / "test-bank.yaml").read_text(encoding="utf-8")
    text = text.replace("kinds: [strength]", "kinds: [strength]\n        required: true", 1)
    (banks / "test-bank.yaml").write_text(text, encoding="utf-8")
    with initialised_app(tmp_path / "app", BANKS_PATH=str(banks)) as other:
        pages = pages_of(other.test_client())
        survey = inv.survey_for(latest_version("test-bank"), None, the_organisation())
        key = start_journey(pages, inv.create_invitations(survey)[0]).split("/")[2]
        r = pages(f"/a/{key}/q/like", {"answer": "- \n• \n*", "action": "next"})
        assert r.status == 400 and "Please answer this question" in r
        assert "- \n• \n*" in r  # what was typed is kept
        db.session.rollback()
        assert db.session.scalar(select(Answer.id)) is None


def test_sending_with_a_question_to_answer_says_why_on_that_question(page, client, invite):
    """'Send my answers' brought the person to a question with no word of why."""
    key = _key(page, invite)
    check = page(f"/a/{key}/check")
    assert "Please answer this before you send." in check
    r = client.post(f"/a/{key}/send", data={"csrf_token": check.csrf})
    where = r.headers["Location"]
    assert "/q/name" in where
    shown = page(where)
    assert "Please answer this question before you send your answers." in shown
    on = page(where, {"answer": "Sam", "action": "next"})  # the questions not seen yet, then
    assert on.response.headers["Location"] == f"/a/{key}/q/happy?change=1"  # back to check
    assert "Please answer this before you send." not in page(f"/a/{key}/check")


def test_a_code_of_only_spaces_asks_for_the_code(page):
    r = page("/resume", {"code": "    "})
    assert r.status == 400 and "Enter your code." in r and "We could not find" not in r


def test_check_your_answers_keeps_the_lines_of_a_written_answer(page, invite):
    """'I like swimming' and 'I like music' on two lines read back as one sentence."""
    key = _key(page, invite)
    page(f"/a/{key}/q/anything-wrong", {"answer": "yes", "action": "next"})
    page(f"/a/{key}/q/what-wrong", {"answer": "The bus is late\nNobody rings back",
                                    "action": "next"})
    assert "The bus is late<br>Nobody rings back" in page(f"/a/{key}/check").html


def test_finish_later_with_nothing_typed_stops_there_and_comes_back_there(page, invite):
    """'Save and finish later' on a question that needs an answer said 'Please answer this
    question'; on an optional one it stored the question as skipped, so coming back started
    after it."""
    key = _key(page, invite)
    stop = page(f"/a/{key}/q/like", {"answer": "", "action": "later"})
    assert stop.response.headers["Location"] == f"/a/{key}/later"
    assert db.session.scalar(select(Answer.id)) is None
    assert page(f"/k/{key}").response.headers["Location"] == f"/a/{key}/q/like"
    page(f"/a/{key}/q/like", {"answer": "Kind", "action": "next"})
    required = page(f"/a/{key}/q/name", {"answer": "  ", "action": "later"})
    assert required.response.headers["Location"] == f"/a/{key}/later"
    assert page(f"/k/{key}").response.headers["Location"] == f"/a/{key}/q/name"
    too_long = page(f"/a/{key}/q/name", {"answer": "S" * 41, "action": "later"})
    assert too_long.status == 400 and "S" * 41 in too_long  # typed, refused, kept


def test_the_privacy_choice_in_easy_read_is_in_short_sentences(page, invite):
    """In easy read the privacy choice kept its standard words: a 17-word 'Yes' with three
    commas, and a hint about 'the council and your support provider'."""
    start = page(f"/r/{invite(easy_read=True).token}").response.headers["Location"]
    shown = page(start)
    assert "Yes. You can use my answers. Do not use my name." in shown
    assert "We put answers from many people together. We do not show names." in shown
    assert "support provider" not in shown
    for sentence in re.findall(r"[^.?!]+[.?!]", re.sub(r"<[^>]+>", " ", shown.html.split(
            "<main", 1)[1].split("</form>", 1)[0])):
        assert len(sentence.split()) <= 15, sentence
    assert "support provider" in page(f"/r/{invite().token}", follow=True)  # standard words


def test_a_code_typed_with_urdu_digits_or_full_width_letters_is_found(page, client, invite):
    """K7PQ-4XR9-MN3T typed on an Urdu keyboard's digits (۷, ۴, ۹, ۳) was 'not found'."""
    from reviewkit.services.responses import short_code_for

    key = _key(page, invite)
    code = short_code_for(db.session.scalar(select(Response).filter_by(resume_key=key)))
    urdu = "".join("۰۱۲۳۴۵۶۷۸۹"[int(c)] if c.isdigit() else c for c in code)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    for typed in (urdu, wide.lower()):
        r = page("/resume", {"code": typed})
        assert r.response.headers["Location"] == f"/k/{key}", typed


def test_numbers_typed_with_the_arabic_decimal_mark_or_a_minus_sign_are_read(tmp_path):
    """'٢٫٥' (2.5 as an Arabic keyboard types it) and '−3' (a phone's minus sign) were
    'Please enter a number'."""
    from conftest import initialised_app, pages_of, the_organisation
    from test_xlsform_types import BANK

    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "typed.yaml").write_text(BANK, encoding="utf-8")
    with initialised_app(tmp_path / "app", BANKS_PATH=str(banks)) as app:
        pages = pages_of(app.test_client())
        survey = inv.survey_for(latest_version("typed"), None, the_organisation())
        key = start_journey(pages, inv.create_invitations(survey)[0]).split("/")[2]
        for qid, typed, lang, stored in (("hours", "٢٫٥", "ar", 2.5),
                                          ("owed", "١٬٢٠٠", "ar", 1200),
                                          ("owed", "−3", "en", -3)):
            r = pages(f"/a/{key}/q/{qid}?lang={lang}", {"answer": typed, "action": "next"})
            assert r.status == 302, (typed, r.html[-3000:])
            db.session.rollback()
            assert db.session.scalar(select(Answer.value).filter_by(question_id=qid)) == stored


def test_the_self_audit_ends_without_talk_of_a_review_or_supporters(tmp_path):
    """A member of staff or a partner sending the self-audit read 'The people who support you
    will read your answers. They will talk with you about them, at your next review', and on
    the check page 'only use your answers for your own review'."""
    from conftest import initialised_app, pages_of, the_organisation

    from reviewkit.config import REPO_ROOT
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    with initialised_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks")) as app:
        pages = pages_of(app.test_client())
        survey = inv.survey_for(latest_version("co-production-audit"), None, the_organisation())
        key = start_journey(pages, inv.create_invitations(survey)[0], "no").split("/")[2]
        check = pages(f"/a/{key}/check")
        assert "only use your answers in this audit" in check
        assert "your own review" not in check
        done = pages(f"/a/{key}/done")
        assert "Your answers are counted with everyone else's" in done
        assert "people who support you" not in done and "next review" not in done


def test_the_finish_later_page_gives_a_code_page_in_the_persons_language(page, invite, app):
    """The address to type the code at opened in English on a new phone: it now carries the
    language the person answers in, so the code page opens in Urdu for an Urdu speaker."""
    key = _key(page, invite)
    page(f"/a/{key}/q/like", {"answer": "میں مہربان ہوں", "action": "later"})
    later = page(f"/a/{key}/later?lang=ur")
    links = re.findall(r'href="([^"]*/resume[^"]*)"', later.html)
    assert links and all(link.endswith("?lang=ur") for link in links), links
    other = app.test_client()  # another phone, which has never seen the app
    code_page = Page(other.get(links[0]))
    assert code_page.status == 200 and '<html lang="ur"' in code_page.html
