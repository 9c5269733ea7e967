"""The 503 page a phone gets while the database does not answer ("The service is busy for a
moment"), in a real browser: at 360 px, in English and in Urdu (right to left), axe-core clean,
what was typed kept, and "Send it again" reached and pressed by keyboard once the database is
back. The database goes away for real, as in tests/test_database_unreachable.py: the live
server's requests go to a second app on the same secret key whose SQLite file cannot be opened,
then back to the first."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_database_unreachable import TYPED, _unreachable

from reviewkit.extensions import db
from reviewkit.models import Answer

from .browsing import Journey, Labels, LiveServer, catalogue, check_public_page, tab_through

pytestmark = pytest.mark.browser

TYPED_IN = {"en": TYPED, "ur": "بس پھر دیر سے آئی اور ڈرائیور مہربان تھا"}


class Switch:
    """A WSGI app that hands each request to the app in ``to``: one address, whose database
    can stop answering and come back."""

    def __init__(self, to):
        self.to = to

    def __call__(self, environ, start_response):
        return self.to(environ, start_response)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_busy_page_at_360_px_by_keyboard(app, invite, tmp_path, phone, lang):
    text = catalogue(lang) if lang != "en" else str
    typed = TYPED_IN[lang]
    down = _unreachable(app, tmp_path, "sqlite")
    switch = Switch(app)
    statuses: list[tuple[str, int]] = []
    phone.on("response", lambda r: statuses.append((r.request.method, r.status))
             if r.request.resource_type == "document" else None)
    with LiveServer(switch) as base:
        journey = Journey(phone, labels=Labels.from_catalogue(lang))
        phone.goto(f"{base}/r/{invite().token}?lang={lang}")
        journey.answer_consent()
        question = phone.url
        assert question.endswith("/q/like")
        journey.type_into(phone.locator("main form textarea"), typed)

        switch.to = down  # the database stops answering
        journey.press_button(journey.button(journey.labels.continue_))
        assert statuses[-1] == ("POST", 503)
        assert phone.url == question
        assert journey.heading() == text("The service is busy for a moment")
        assert text("Try again in a minute. What you typed is kept.") in \
            phone.locator("main").inner_text()
        check_public_page(phone, phone.url, lang)  # lang and dir, one <h1>, axe, 360 px
        assert phone.locator("main form input[name=answer]").get_attribute("value") == typed
        again = journey.button(text("Send it again"))
        reached, unstyled = tab_through(phone, [again])
        assert reached == {0}, "Tab does not reach 'Send it again'"
        assert not unstyled, "'Send it again' shows no focus when Tab reaches it"

        switch.to = app  # the database is back
        journey.press_button(again)
        assert statuses[-2:] == [("POST", 302), ("GET", 200)]
        assert phone.url.endswith("/q/name")
    db.session.rollback()  # see what the server's threads committed
    assert db.session.scalars(select(Answer.value)).all() == [[typed]]
