"""WTForms' own messages ("Not a valid choice.", "Invalid Choice: could not coerce.", "Not a
valid integer value." …) never reach a person: every form says what to do, in the page's
language, and keeps everything else that was typed (forms/messages.py)."""

from __future__ import annotations

import html
import re

import pytest
from browser.browsing import catalogue
from conftest import Page, form_token, sign_in, start_journey
from sqlalchemy import select
from test_staff_review import (
    _another_reviews_contributor,
    _facilitator_review,
    _said,
)

from reviewkit.extensions import db
from reviewkit.models import Review, Statement

CHOOSE = "Choose from the list. The list may have changed: check it and try again."
CHOOSE_ONE = "Choose one of these."
ENGLISH = ("Not a valid choice", "could not coerce", "not a valid choice for this field",
           "Not a valid integer value", "This field is required")


def _error_of(page: Page, field: str) -> str:
    """The message the page's summary of problems gives for ``field`` (a link to it)."""
    summary = page.html.split('class="error-summary"', 1)[-1]
    m = re.search(rf'<a href="#{field}">(.*?)</a>', summary, re.S)
    assert m, f"no problem said of {field}"
    return html.unescape(m.group(1))


def _no_english(page: Page) -> None:
    for words in ENGLISH:
        assert words not in page, f"WTForms' own {words!r} reached the page"


def test_a_who_said_it_not_of_this_review_says_choose_from_the_list_and_keeps_the_words(
        staff_app):
    """Adding a statement with a "who said it" that is not one of the review's own (another
    review's contributor, or not a number at all) said "Choose who said it" or WTForms'
    "Invalid Choice: could not coerce.". Now: choose from the list, which may have changed;
    what was typed stays in the box; nothing is stored; in Welsh on a Welsh page."""
    secret = _another_reviews_contributor(staff_app)
    client, review_id = _facilitator_review(staff_app)
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    for who in (secret.id, "someone"):
        page = Page(client.post(url, data={"contributor": who, "text": "Laughs at my jokes",
                                           "csrf_token": form_token(client, url)}))
        assert page.status == 400
        assert _error_of(page, "contributor") == CHOOSE
        assert 'value="Laughs at my jokes"' in page.html  # still in the box
        _no_english(page)
    welsh = Page(client.post(f"{url}?lang=cy", data={
        "contributor": "someone", "text": "Chwerthin", "csrf_token": form_token(client, url)}))
    assert welsh.lang == "cy" and CHOOSE != catalogue("cy")(CHOOSE)
    assert _error_of(welsh, "contributor") == catalogue("cy")(CHOOSE)
    assert db.session.scalar(select(Statement).filter_by(review_id=review_id)) is None


def test_a_heading_or_role_not_in_the_list_says_what_to_do(staff_app):
    """The edit's "Heading" select and a contributor's "Who are they?" sent with a value that
    is not one of theirs said WTForms' "Not a valid choice."; nothing chosen at all now says
    "Choose one of these."; the words typed stay."""
    client, review_id = _facilitator_review(staff_app)
    statement, edit = _said(client, review_id)
    page = Page(client.post(edit, data={
        "text": "Kind to everyone she meets", "section": "a-heading-gone", "contributor": "",
        "kind": "", "csrf_token": form_token(client, edit)}))
    assert page.status == 400 and _error_of(page, "section") == CHOOSE
    assert 'value="Kind to everyone she meets"' in page.html
    _no_english(page)
    people = f"/staff/reviews/{review_id}/people"
    for role, message in (("boss", CHOOSE), ("", CHOOSE_ONE)):
        page = Page(client.post(people, data={"name": "Carys Jones", "role": role,
                                              "csrf_token": form_token(client, people)}))
        assert page.status == 400 and _error_of(page, "role") == message
        assert 'value="Carys Jones"' in page.html
        _no_english(page)
    db.session.expire_all()
    assert db.session.get(Statement, statement.id).text == "Kind to everyone"


def test_invitations_tampered_choices_are_said_in_our_words(staff_app):
    """A service that is not a number, an output that is not offered: our message for each,
    the other choices kept."""
    client = staff_app.test_client()
    sign_in(client, "admin")
    url = "/staff/invitations/"
    shown = Page(client.get(url))
    assert shown.status == 200
    page = Page(client.post(url, data={
        "bank": "person-centred-review", "service": "Oak House", "language": "en",
        "count": "7", "output": "a5", "csrf_token": shown.csrf}))
    assert page.status == 400
    assert _error_of(page, "service") == _error_of(page, "output") == CHOOSE
    assert 'value="7"' in page.html
    _no_english(page)


def test_a_tampered_privacy_answer_on_the_phone_is_said_in_the_persons_language(page, invite):
    """The phone's first question (may we use your answers) sent with neither yes nor no
    said WTForms' "Not a valid choice." in English on an Urdu page."""
    invitation = invite(language="ur")
    start = page(f"/r/{invitation.token}").response.headers["Location"]
    refused = page(start, {"share": "maybe"})
    assert refused.status == 400 and refused.lang == "ur" and refused.dir == "rtl"
    urdu = catalogue("ur")(CHOOSE)
    assert urdu != CHOOSE and urdu in refused
    _no_english(refused)
    assert start_journey(page, invitation)  # yes still goes on


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_wtforms_own_messages_are_ours_in_the_pages_language(app, lang):
    """Any field or validator of WTForms that says something of its own (a missing answer, a
    word where a number or a date goes, a pattern not matched) says it in our words and in the
    page's language, on every form of ours (BaseForm), not "This field is required.",
    "Not a valid integer value.", "Not a valid date value." or "Invalid input."."""
    from werkzeug.datastructures import MultiDict
    from wtforms import DateField, DecimalField, IntegerField, SelectMultipleField, StringField
    from wtforms.validators import DataRequired, Length, NumberRange, Regexp

    from reviewkit.forms.questions import BaseForm

    class Everything(BaseForm):
        class Meta:
            csrf = False

        needed = StringField(validators=[DataRequired()])
        whole = IntegerField()
        number = DecimalField()
        day = DateField()
        code = StringField(validators=[Regexp(r"^[a-z]+$")])
        short = StringField(validators=[Length(min=3)])
        between = IntegerField(validators=[NumberRange(1, 10)])
        several = SelectMultipleField(choices=[("a", "A"), ("b", "B")])

    said = {"needed": "This is needed: fill it in or choose one, then try again.",
            "whole": "Enter a whole number, for example 3.",
            "number": "Enter a number, for example 3 or 2.5.",
            "day": "Enter a date as year, month and day, for example 2026-03-31.",
            "code": "Check this and try again: it is not in a form we can take.",
            "short": ("Write at least %(min)d character.", "Write at least %(min)d characters."),
            "between": "Enter a number from %(min)s to %(max)s.",
            "several": CHOOSE}
    shipped = catalogue(lang) if lang != "en" else (
        lambda msgid, plural=None, n=None: plural if plural and n != 1 else msgid)

    def text(m: str | tuple[str, str]) -> str:  # "short" counts 3 characters
        return shipped(*m, 3) if isinstance(m, tuple) else shipped(m)

    with app.test_request_context(f"/?lang={lang}"):
        form = Everything(MultiDict([
            ("needed", " "), ("whole", "three"), ("number", "a few"), ("day", "31/02"),
            ("code", "ABC 1"), ("short", "ab"), ("between", "11"), ("several", "a"),
            ("several", "z")]))
        assert not form.validate()
        got = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    expected = {name: [text(m) % {"min": 3 if name == "short" else 1, "max": 10}]
                for name, m in said.items()}
    assert got == expected
    if lang != "en":
        untranslated = [m for m in said.values()
                        if text(m) in (m if isinstance(m, tuple) else (m,))]
        assert not untranslated, untranslated


@pytest.mark.parametrize(("lang", "least", "said"), [
    ("en", 1, "Write at least 1 character."), ("en", 3, "Write at least 3 characters."),
    ("pl", 2, "Napisz co najmniej 2 znaki."), ("pl", 5, "Napisz co najmniej 5 znaków.")])
def test_wtforms_length_says_the_number_of_characters_in_the_form_it_takes(app, lang, least,
                                                                           said):
    """WTForms asks for the form of "characters" that fits its number; it was given one text
    whatever the number ("Write at least 1 characters."; Polish "2 znaków")."""
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField
    from wtforms.validators import Length

    from reviewkit.forms.questions import BaseForm

    class Short(BaseForm):
        class Meta:
            csrf = False

        short = StringField(validators=[Length(min=least)])

    with app.test_request_context(f"/?lang={lang}"):
        form = Short(MultiDict([("short", "")]))
        assert not form.validate()
        assert [str(e) for e in form.errors["short"]] == [said]


def test_a_form_from_a_page_open_too_long_says_so_keeps_what_was_typed_and_changes_nothing(
        staff_app):
    """A form whose token no longer checks (the page was open while the session changed, as
    after signing out and in again in another tab) showed Flask-WTF's English ("The CSRF
    tokens do not match."), nothing at all (deleting a statement), or a bare "Something was
    wrong with that request" (deleting an action). Now each says what happened and what to do,
    what was typed is still there, and nothing is changed."""
    from reviewkit.models import Action
    from reviewkit.services import reviews as rv

    client, review_id = _facilitator_review(staff_app)
    other = staff_app.test_client()
    sign_in(other, "facilitator")
    actions = f"/staff/reviews/{review_id}/actions"
    stale = form_token(other, actions)  # a token of another session
    page = Page(client.post(actions, data={"what": "Ring the GP", "who": "Priya",
                                           "csrf_token": stale}))
    assert page.status == 400
    assert "We could not check that this answer came from you" in page
    assert re.search(r">\s*Ring the GP</textarea>", page.html) and 'value="Priya"' in page.html
    assert "CSRF" not in page

    review = db.session.get(Review, review_id)
    action = rv.add_action(review, what="Ring the GP", who="Priya", due_on=None)
    delete = f"{actions}/{action.id}/delete"
    page = Page(client.post(delete, data={"confirm": "yes", "csrf_token": stale}))
    assert page.status == 400 and page.title.startswith("Error: Delete this action?")
    assert "We could not check that this answer came from you" in page and "CSRF" not in page
    assert not db.session.get(Action, action.id).is_deleted

    statement, _ = _said(client, review_id)
    r = client.post(f"/staff/reviews/{review_id}/s/{statement.id}/delete",
                    data={"csrf_token": stale})
    after = Page(client.get(r.headers["Location"]))
    assert "Nothing was changed: please press the button again." in after
    db.session.expire_all()
    assert not db.session.get(Statement, statement.id).is_deleted
