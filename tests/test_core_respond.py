"""The minimal respondent flow: open a link, one question per page, check, send, thank you."""

from __future__ import annotations

from datetime import timedelta

from conftest import start_journey
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response
from reviewkit.models.base import utcnow


def _start(page, invitation, share: str = "yes") -> str:
    """The first question's URL after opening the link and answering the privacy question."""
    return start_journey(page, invitation, share)


def _answers(response_id: int) -> dict[str, Answer]:
    rows = db.session.scalars(select(Answer).filter_by(response_id=response_id)).all()
    return {a.question_id: a for a in rows}


def test_whole_journey_stores_one_row_per_answer(page, invite):
    invitation = invite()
    url = _start(page, invitation)
    assert url.endswith("/q/like")
    q1 = page(url)
    assert q1.status == 200 and "Question 1 of 6" in q1 and q1.title.startswith("What do people")
    r = page(url, {"answer": "I am kind\n\n- I make people laugh\n", "action": "next"})
    assert r.status == 302 and r.response.headers["Location"].endswith("/q/name")
    key = url.split("/")[2]
    steps = [("name", {"answer": "  Sam  "}), ("happy", {"answer": "3"}),
             ("anything-wrong", {"answer": "yes"}),
             ("what-wrong", {"answer": "The bus is late"}),
             ("activities", {"answer": ["swim", "music"]})]
    for qid, data in steps:
        res = page(f"/a/{key}/q/{qid}", {**data, "action": "next"})
        assert res.status == 302, (qid, res.html[:2000])
    assert res.response.headers["Location"].endswith(f"/a/{key}/check")
    check = page(f"/a/{key}/check")
    for text in ("I make people laugh", "Sam", "Happy", "The bus is late", "Swimming", "Music"):
        assert text in check
    resp = db.session.scalar(select(Response).filter_by(resume_key=key))
    stored = _answers(resp.id)
    assert stored["like"].value == ["I am kind", "I make people laugh"]
    assert stored["name"].value == "Sam"
    assert stored["activities"].value == ["swim", "music"]
    assert stored["happy"].value == "3"
    assert len(stored) == 6


def test_send_marks_submitted_and_reopening_shows_thank_you(page, invite, client):
    invitation = invite()
    url = _start(page, invitation)
    key = url.split("/")[2]
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"})
    check = page(f"/a/{key}/check")
    r = client.post(f"/a/{key}/send", data={"csrf_token": check.csrf})
    assert r.status_code == 302 and r.headers["Location"].endswith("/done")
    assert db.session.scalar(select(Response).filter_by(resume_key=key)).submitted_at is not None
    again = page(f"/r/{invitation.token}")
    assert again.response.headers["Location"].endswith(f"/a/{key}/done")
    assert "Thank you" in page(f"/a/{key}/done")
    # a sent response cannot be changed
    late = page(f"/a/{key}/q/name", {"answer": "Changed", "action": "next"}, csrf=False)
    assert late.status == 302
    assert _answers(db.session.scalar(select(Response.id).filter_by(resume_key=key)))[
        "name"].value == "Sam"


def test_send_with_a_required_question_unanswered_goes_to_it(page, invite, client):
    key = _start(page, invite()).split("/")[2]
    check = page(f"/a/{key}/check")
    assert "Some questions still need an answer" in check
    r = client.post(f"/a/{key}/send", data={"csrf_token": check.csrf})
    assert r.headers["Location"].endswith(f"/a/{key}/q/name?change=1&needed=1")


def test_resubmitting_the_same_answer_does_not_duplicate(page, invite):
    key = _start(page, invite()).split("/")[2]
    for _ in range(3):  # double tap, then a retry after a dropped connection
        assert page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"}).status == 302
    page(f"/a/{key}/q/name", {"answer": "Samira", "action": "next"})
    rows = db.session.scalars(select(Answer).filter_by(question_id="name")).all()
    assert [a.value for a in rows] == ["Samira"]


def test_condition_hides_follow_up_until_its_answer_is_given(page, invite):
    key = _start(page, invite()).split("/")[2]
    no = page(f"/a/{key}/q/anything-wrong", {"answer": "no", "action": "next"})
    assert no.response.headers["Location"].endswith("/q/activities")
    hidden = page(f"/a/{key}/q/what-wrong")
    assert hidden.status == 302  # not shown: sent on to the next question
    yes = page(f"/a/{key}/q/anything-wrong", {"answer": "yes", "action": "next"})
    assert yes.response.headers["Location"].endswith("/q/what-wrong")


def test_skip_stores_a_skipped_answer_for_optional_questions_only(page, invite):
    key = _start(page, invite()).split("/")[2]
    r = page(f"/a/{key}/q/like", {"answer": "", "action": "skip"})
    assert r.status == 302
    rid = db.session.scalar(select(Response.id).filter_by(resume_key=key))
    assert _answers(rid)["like"].skipped is True
    required = page(f"/a/{key}/q/name", {"answer": "", "action": "skip"})
    assert required.status == 400 and "Please answer this question" in required
    assert "Skip this question" not in required


def test_reopening_a_single_use_link_resumes_the_same_response(page, invite):
    invitation = invite()
    key = _start(page, invitation).split("/")[2]
    page(f"/a/{key}/q/like", {"answer": "Kind", "action": "next"})
    again = page(f"/r/{invitation.token}")
    assert again.response.headers["Location"] == f"/a/{key}/q/name"  # consent already given
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_open_link_gives_each_visitor_their_own_response(page, invite, app):
    invitation = invite(single_use=False)
    first = page(f"/r/{invitation.token}").response.headers["Location"]
    other = app.test_client()  # another phone
    second = other.get(f"/r/{invitation.token}").headers["Location"]
    assert first != second
    assert db.session.scalar(select(func.count(Response.id))) == 2
    # the same phone scanning the poster again carries on with its own answers
    assert page(f"/r/{invitation.token}").response.headers["Location"] == first
    assert other.get(f"/r/{invitation.token}").headers["Location"] == second
    assert db.session.scalar(select(func.count(Response.id))) == 2


def test_unknown_token_is_a_friendly_404_in_the_page_language(page):
    r = page("/r/not-a-real-token", headers={"Accept-Language": "cy"})
    assert r.status == 404 and r.lang == "cy"
    assert "Traceback" not in r and "link" in r.html.lower()
    rtl = page("/r/not-a-real-token?lang=ur")
    assert rtl.lang == "ur" and rtl.dir == "rtl"


def test_expired_link_says_so_and_what_to_do(page, invite):
    invitation = invite(expires_in_days=1)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    r = page(f"/r/{invitation.token}")
    assert r.status == 410
    assert "This link has ended" in r and "ask the person who gave you the link" in r
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_over_long_answer_is_refused_with_the_text_kept(page, invite):
    key = _start(page, invite()).split("/")[2]
    typed = "S" * 41  # the test bank's name question allows 40 characters
    r = page(f"/a/{key}/q/name", {"answer": typed, "action": "next"})
    assert r.status == 400
    assert "too long" in r and f'value="{typed}"' in r.html
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_a_choice_not_in_the_bank_gets_a_clear_message(page, invite):
    key = _start(page, invite()).split("/")[2]
    r = page(f"/a/{key}/q/happy", {"answer": "99", "action": "next"})
    assert r.status == 400 and "Please choose one of the answers shown" in r
    m = page(f"/a/{key}/q/activities", {"answer": ["swim", "skydiving"], "action": "next"})
    assert m.status == 400 and "Please choose one of the answers shown" in m
    assert 'value="swim" checked' in m.html  # what was ticked stays ticked
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_missing_csrf_token_keeps_the_typed_text(page, invite):
    key = _start(page, invite()).split("/")[2]
    r = page(f"/a/{key}/q/what-wrong", {}, csrf=False)  # hidden question: moved on, nothing saved
    assert r.status == 302
    r = page(f"/a/{key}/q/like", {"answer": "I love my garden", "action": "next"}, csrf=False)
    assert r.status == 400
    assert "We could not check that this answer came from you" in r
    assert "I love my garden" in r
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_html_in_an_answer_is_shown_escaped(page, invite):
    key = _start(page, invite()).split("/")[2]
    page(f"/a/{key}/q/name", {"answer": "<script>alert(1)</script>", "action": "next"})
    check = page(f"/a/{key}/check")
    assert "<script>alert(1)</script>" not in check.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in check.html


def test_privacy_choice_is_asked_first_and_stored(page, invite):
    invitation = invite()
    start = page(f"/r/{invitation.token}").response.headers["Location"]
    shown = page(start)
    assert shown.title == "Before you start – reviewkit"
    assert "who support you will read your answers" in shown
    blank = page(start, {})
    assert blank.status == 400 and "Please choose yes or no" in blank
    key = start.split("/")[2]
    assert page(f"/a/{key}/q/like").response.headers["Location"].endswith("/start")
    page(start, {"share": "no"})
    assert db.session.scalar(select(Response.consent_pooled)) is False
    assert "only use your answers for your own review" in page(f"/a/{key}/check")


def test_easy_read_switch_changes_the_wording_and_keeps_answers(page, invite, app):
    key = _start(page, invite()).split("/")[2]
    page(f"/a/{key}/q/happy", {"answer": "2", "action": "next"})
    standard = page(f"/a/{key}/q/name")
    assert "What would you like us to call you?" in standard and "Easy read" in standard
    from conftest import Page

    client = app.test_client()
    token = Page(client.get(f"/a/{key}/q/name")).csrf
    moved = client.post(f"/a/{key}/easy-read",
                        data={"easy_read": "1", "next": f"/a/{key}/q/name", "csrf_token": token})
    assert moved.headers["Location"] == f"/a/{key}/q/name"
    easy = Page(client.get(f"/a/{key}/q/name"))
    assert "What is your name?" in easy and "Standard words" in easy
    assert 'class="easy-read"' in easy.html and "pictograms/person.svg" in easy.html
    assert db.session.scalar(select(Answer.value).filter_by(question_id="happy")) == "2"
    evil = client.post(f"/a/{key}/easy-read", data={"easy_read": "0", "next": "https://evil.example",
                                                      "csrf_token": token})
    assert evil.headers["Location"] == f"/a/{key}/check"


def test_finish_later_gives_a_code_that_resumes_on_another_phone(page, invite, app):
    key = _start(page, invite()).split("/")[2]
    r = page(f"/a/{key}/q/like", {"answer": "I am kind", "action": "later"})
    assert r.response.headers["Location"] == f"/a/{key}/later"
    later = page(f"/a/{key}/later")
    code = __import__("re").search(r'class="code"[^>]*>([A-Z0-9]{4}(?:-[A-Z0-9]{4})+)<',
                                   later.html)[1]
    other = app.test_client()
    from conftest import Page

    form = Page(other.get("/resume"))
    wrong = Page(other.post("/resume", data={"code": "ZZZZ-ZZZZ", "csrf_token": form.csrf}))
    assert wrong.status == 400 and "We could not find that code" in wrong and "ZZZZ-ZZZZ" in wrong
    ok = other.post("/resume", data={"code": code.lower().replace("-", " "),
                                     "csrf_token": form.csrf})
    assert ok.headers["Location"] == f"/k/{key}"
    assert other.get(f"/k/{key}").headers["Location"] == f"/a/{key}/q/name"
    assert db.session.scalar(select(Answer.value).filter_by(question_id="like")) == ["I am kind"]


def test_change_link_returns_to_check_your_answers(page, invite):
    key = _start(page, invite()).split("/")[2]
    for qid, value in [("like", "Kind"), ("name", "Sam"), ("happy", "3"),
                       ("anything-wrong", "no"), ("activities", "cook")]:
        page(f"/a/{key}/q/{qid}", {"answer": value, "action": "next"})
    r = page(f"/a/{key}/q/name?change=1", {"answer": "Samira", "action": "next"})
    assert r.response.headers["Location"] == f"/a/{key}/check"
    # a change that opens a follow-up question asks it before going back
    r = page(f"/a/{key}/q/anything-wrong?change=1", {"answer": "yes", "action": "next"})
    assert r.response.headers["Location"] == f"/a/{key}/q/what-wrong?change=1"


def test_draft_saves_text_while_typing_without_duplicating(page, invite, client):
    key = _start(page, invite()).split("/")[2]
    token = page(f"/a/{key}/q/like").csrf
    for text in ("I am", "I am kind"):
        r = client.post(f"/a/{key}/q/like/draft", data={"answer": text, "csrf_token": token})
        assert r.status_code == 200 and r.get_json() == {"saved": True}
    assert db.session.scalars(select(Answer.value)).all() == [["I am kind"]]
    too_long = client.post(f"/a/{key}/q/name/draft", data={"answer": "x" * 41, "csrf_token": token})
    assert too_long.status_code == 400
    choice = client.post(f"/a/{key}/q/happy/draft", data={"answer": "3", "csrf_token": token})
    assert choice.status_code == 409


def test_a_100_kb_answer_gets_a_clear_message_and_is_kept(page, invite):
    key = _start(page, invite()).split("/")[2]
    typed = "I have a lot to say. " * 5000  # about 100 KB
    r = page(f"/a/{key}/q/like", {"answer": typed, "action": "next"})
    assert r.status == 400 and "too long" in r
    assert typed.strip() in r
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_thank_you_page_links_to_you_said_we_did_when_published(page, invite, client):
    invitation = invite()
    invitation.survey.organisation.you_said_we_did_url = "https://example.org/you-said-we-did"
    db.session.commit()
    key = _start(page, invitation).split("/")[2]
    page(f"/a/{key}/q/name", {"answer": "Sam", "action": "next"})
    client.post(f"/a/{key}/send", data={"csrf_token": page(f"/a/{key}/check").csrf})
    done = page(f"/a/{key}/done")
    assert "What happens next" in done and "https://example.org/you-said-we-did" in done.html


def test_pages_carry_a_strict_content_security_policy(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_forms_strip_whitespace_without_growing_shared_field_definitions(app):
    from reviewkit.forms import answer_form
    from reviewkit.services.banks import latest_version

    q = latest_version("test-bank").bank.question("name")
    with app.test_request_context(method="POST", data={"answer": "  Sam  "}):
        for _ in range(3):
            form = answer_form(q, "Name", [], meta={"csrf": False})
            assert form.answer.data == "Sam"
    unbound = type(form).answer
    assert unbound.kwargs.get("filters", []) == []


def test_the_start_page_promises_skipping_only_as_far_as_the_bank_allows(tmp_path):
    """The test bank needs its name question answered: "most questions", not "any"; the same
    bank with nothing required may say "any question", in standard and easy read."""
    from conftest import TEST_BANKS, initialised_app, pages_of, the_organisation

    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    banks = tmp_path / "banks"
    banks.mkdir()
    text = (TEST_BANKS / "test-bank.yaml").read_text(encoding="utf-8")
    assert "required: true" in text
    (banks / "test-bank.yaml").write_text(text, encoding="utf-8")
    free = text.replace("id: test-bank", "id: free-bank", 1).replace("required: true",
                                                                      "required: false")
    (banks / "free-bank.yaml").write_text(free, encoding="utf-8")
    with initialised_app(tmp_path, BANKS_PATH=str(banks)) as app:
        page = pages_of(app.test_client())
        for bank, promise in (("test-bank", "skip most questions"),
                              ("free-bank", "skip any question")):
            survey = inv.survey_for(latest_version(bank), None, the_organisation())
            for easy_read in (False, True):
                invitation = inv.create_invitations(survey, easy_read=easy_read)[0]
                start = page(page(f"/r/{invitation.token}").response.headers["Location"])
                said = [m for m in ("skip most questions", "skip any question") if m in start]
                assert said == [promise], (bank, easy_read, said)
