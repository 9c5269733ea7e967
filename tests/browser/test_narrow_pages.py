"""Pages at the narrowest phone the house supports (320 px wide): the translator's pages (the
overview, a language, each question bank of it, a phone preview) and the ballot of an event do
not make the whole page scroll sideways (wide tables scroll inside their own region); and on
the public voting pages in Urdu (right to left) an English event title is isolated from the
page's direction, so "What next at Tŷ Celyn?" keeps its question mark at its end.

One app with the shipped banks, the staff of "Test Org" and an open event serves the module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from .browsing import fits, staff_sign_in, staff_site

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True,
          "locale": "en-GB"}
TITLE = "What next at Tŷ Celyn?"
BANKS = ["appreciative-inquiry", "co-production-audit", "monthly-check-in",
         "person-centred-review"]
MADE: dict = {}


def _event(_org, services, users) -> None:
    from reviewkit.services import events as ev

    admin = users["admin"]
    event = ev.save_event(admin, name=TITLE, starts_at=datetime(2026, 6, 20, 10, 30, tzinfo=UTC),
                          place="Tŷ Celyn lounge", service_id=services["oak"].id,
                          languages=["en", "cy", "ur"])
    for label, easy, picture in [
            ("More trips out to the seaside and the countryside", "Go out more.", "sun"),
            ("Cooking our own meals with support", "Learn to cook.", "tea"),
            ("Help to find paid work or volunteering", "Help to find a job.", "tools")]:
        item = ev.add_item(admin, event, label=label, easy_read=easy, picture=picture)
    ev.change_item(admin, item, label=item.label, easy_read=item.easy_read, picture="tools",
                   translations={"cy": {"label": "Help i ddod o hyd i waith",
                                        "easy_read": "Help i gael swydd."}})
    ev.set_voting(admin, event, "open")
    MADE.update(event_id=event.id, code=ev.public_code(event))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator:
    yield from staff_site(tmp_path_factory.mktemp("narrow-pages"), _event)


def _signed_in(contexts, url: str, email: str):
    """A 320 px page signed in as ``email`` (through the login form)."""
    page = contexts.page(**NARROW)
    staff_sign_in(page, url, email)
    return page


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    try:
        fits(page, url)
    except AssertionError as e:
        raise AssertionError(f"{e}; too wide: {_too_wide(page)}") from None
    cut = _captions_cut_off(page)
    assert not cut, f"{url}: table captions run past the edge of their scrolling region: {cut}"


def _captions_cut_off(page) -> list[str]:
    """The captions of tables in a region that scrolls sideways that reach past either side of
    the region (so their end is cut off on a phone), with their box and the region's."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll caption:not(.visually-hidden)')]
            .map(c => [c, c.getBoundingClientRect(),
                       c.closest('.table-scroll').getBoundingClientRect()])
            .filter(([c, box, region]) => box.left < region.left - 0.5
                                          || box.right > region.right + 0.5)
            .map(([c, box, region]) => `"${c.textContent.trim()}" ${Math.round(box.left)}`
                 + `..${Math.round(box.right)} px in ${Math.round(region.left)}`
                 + `..${Math.round(region.right)} px`)""")


def _too_wide(page) -> list[str]:
    """The outermost elements that reach past the viewport's right edge (for the message)."""
    return page.evaluate(
        """(width) => [...document.body.querySelectorAll('*')]
            .filter(el => el.getBoundingClientRect().right > width + 0.5
                          && !(el.parentElement.getBoundingClientRect().right > width + 0.5))
            .slice(0, 5)
            .map(el => `<${el.tagName.toLowerCase()} class="${el.className}"> `
                       + Math.round(el.getBoundingClientRect().right) + 'px')""",
        page.viewport_size["width"])


def test_translator_pages_fit_320_px(site, contexts):
    page = _signed_in(contexts, site.url, "translator@example.org")
    base = f"{site.url}/staff/translate"
    _open(page, f"{base}/")
    for lang in ("cy", "ur"):
        _open(page, f"{base}/{lang}/")
        for bank in BANKS:
            _open(page, f"{base}/{lang}/banks/{bank}")
    for bank in BANKS:
        _open(page, f"{base}/preview/{bank}")
    _open(page, f"{base}/preview/person-centred-review?language=ur&variant=easy")
    frame = page.locator("iframe.phone-preview").bounding_box()
    assert frame is not None and frame["x"] >= 0 and frame["x"] + frame["width"] <= 320, frame


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_a_table_caption_wraps_inside_its_scrolling_region(site, contexts, lang):
    """The caption "Translated out of all texts, per language and file" is as wide as its table
    (over 700 px): at 320 px it wraps inside the region that scrolls the table, in English,
    Welsh and Urdu (right to left), and stays in view when the table is scrolled to its end."""
    page = _signed_in(contexts, site.url, "translator@example.org")
    base = f"{site.url}/staff/translate"
    _open(page, f"{base}/?lang={lang}")
    _open(page, f"{base}/cy/?lang={lang}")
    region = page.locator(".table-scroll").first
    region.evaluate("el => { el.scrollLeft = (getComputedStyle(el).direction === 'rtl' ? -1 : 1)"
                    " * el.scrollWidth; }")
    assert region.evaluate("el => Math.abs(el.scrollLeft) > 0"), "the table does not scroll"
    assert not _captions_cut_off(page), _captions_cut_off(page)


def test_ballot_fits_320_px(site, contexts):
    page = _signed_in(contexts, site.url, "admin@example.org")
    _open(page, f"{site.url}/staff/events/{MADE['event_id']}/ballot")


def _end_of(page, selector: str) -> tuple[float, float]:
    """Where (x) the last letter of ``TITLE`` and its question mark are drawn inside
    ``selector`` (the two are on one line even where the title wraps)."""
    return tuple(page.evaluate(
        """([selector, title]) => {
            const walk = document.createTreeWalker(document.querySelector(selector),
                                                   NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walk.nextNode()) && !node.data.includes(title)) {}
            const end = node.data.indexOf(title) + title.length, range = document.createRange();
            const x = (i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                               return range.getBoundingClientRect().left; };
            return [x(end - 2), x(end - 1)];
        }""", [selector, TITLE]))


@pytest.mark.parametrize("path", ["", "/live"], ids=["vote", "live"])
def test_an_english_title_on_an_urdu_voting_page_keeps_its_own_direction(site, contexts, path):
    page = contexts.page(**NARROW)
    url = f"{site.url}/v/{MADE['code']}{path}?lang=ur"
    _open(page, url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    h1 = page.locator("h1")
    assert h1.inner_text().strip() == TITLE
    isolated = h1.evaluate("el => el.dir === 'auto' || !!el.querySelector('bdi')")
    assert isolated, f"{url}: the title is not isolated (dir=auto or <bdi>)"
    letter, mark = _end_of(page, "h1")
    assert letter < mark, f"{url}: the question mark is drawn to the left of the title's end"


def test_the_organisation_admin_pages_fit_320_px(site, contexts):
    """A service named after a long one-word place (a real Welsh village) wraps, name and
    short name, in the services' table and the staff accounts' boxes to tick, in English and
    in Urdu."""
    from sqlalchemy import select

    from reviewkit.extensions import db
    from reviewkit.models import User
    from reviewkit.services.organisation import save_service

    admin = db.session.scalar(select(User).filter_by(email="admin@example.org"))
    name = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch Day Centre"
    village = save_service(admin, name=name, slug="", area_id=None)  # short name: 58 letters, …
    page = _signed_in(contexts, site.url, "admin@example.org")
    for path in ("/staff/organisation/", "/staff/organisation/services",
                 "/staff/organisation/areas", "/staff/users/",
                 f"/staff/organisation/services/{village.id}"):
        for lang in ("en", "ur"):
            _open(page, f"{site.url}{path}?lang={lang}")
