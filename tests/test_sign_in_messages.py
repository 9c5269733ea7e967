"""Flask-Login's message on the way to the sign-in page is ours, in the page's language."""

from __future__ import annotations

from conftest import Page

WELSH = "Mewngofnodwch i weld y dudalen hon, os gwelwch yn dda."


def _sent_to_sign_in(client, url: str) -> Page:
    asked = client.get(url)
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/staff/login")
    return Page(client.get(asked.headers["Location"]))


def test_the_sign_in_prompt_is_in_welsh_on_a_welsh_page(client):
    page = _sent_to_sign_in(client, "/staff/?lang=cy")
    assert page.lang == "cy"
    assert WELSH in page
    assert "Please log in" not in page and "Please sign in to see this page." not in page


def test_the_sign_in_prompt_in_english(client):
    page = _sent_to_sign_in(client, "/staff/people/")
    assert page.lang == "en"
    assert "Please sign in to see this page." in page and "Please log in" not in page
