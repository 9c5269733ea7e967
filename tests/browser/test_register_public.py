"""The public side of the register in a real browser (Debian chromium) at 360 px: a partner
sends an idea in Welsh with JavaScript turned off, by keyboard, and gets a tracking code; the
tracking link shows the dated answer once a manager has answered; the "you said, we did" PDFs
(read with pdftotext) credit exactly the partners who agreed; Listen reads the page aloud in
its language; axe-core finds nothing on any public page in English, Welsh, Urdu and Arabic,
in standard words and in easy read, and no page scrolls sideways.

One app with "Day opportunities" (partners who chose each kind of credit, ideas answered,
actions done and in progress), a closed piece of work and a fixed "today" serves the module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import requests
from babel.dates import format_date
from conftest import make_app, pdf_text
from flask import Flask
from sqlalchemy import select
from test_ideas_public import tell_back

from reviewkit.extensions import db
from reviewkit.models import Idea, User
from reviewkit.services import register as reg

from .browsing import (
    Keys,
    LiveServer,
    catalogue,
    check_public_page,
    staff_organisation,
)
from .conftest import PHONE

pytestmark = pytest.mark.browser

TODAY = date(2026, 6, 15)
CREDITED = ["Riverside People First", "Ann Jones (Oak House Friends)", "Carers Together"]
NEVER = ["Secret Sam", "Bob Smith", "Hidden Group", "Raised By Name", "Transport lead"]


@dataclass
class Site:
    app: Flask
    url: str
    code: str  # the open piece of work's public code, as shown
    closed: str
    idea: str  # a tracking code with an answer and an action
    slug: str


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[Site]:
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path_factory.mktemp("register-public"), RATELIMIT_ENABLED=False,
                   TODAY=TODAY)
    with app.app_context():
        assert not init_database().problems
        org, services, users = staff_organisation()
        manager = users["manager"]
        work = reg.save_work(manager, title="Day opportunities", kind="plan",
                             service_id=services["oak"].id,
                             summary="How we change day services, with the people who use them.",
                             easy_read="We want to make day services better.\nTell us how.")
        for kind, name, credit, organisation in [
                ("organisation", "Riverside People First", "name", None),
                ("person", "Ann Jones", "name", "Oak House Friends"),
                ("person", "Bob Smith", "organisation", "Carers Together"),
                ("person", "Secret Sam", "none", "Hidden Group")]:
            reg.add_partner(manager, work, kind=kind, name=name, credit=credit,
                            organisation=organisation)
        closed = reg.save_work(manager, title="Old menus", kind="process",
                               service_id=services["elm"].id)
        closed.status = "closed"
        texts = [f"Idea {i}: a club on Saturdays" for i in range(7)]
        texts[5] = "A link with no place to break: www.example.org/" + "a" * 60
        ideas = [reg.raise_idea(work, texts[i], source="phone",
                                today=TODAY - timedelta(days=40), raised_by="Raised By Name",
                                name_agreed=True) for i in range(7)]
        tell_back(manager, work, ideas, included=5, refused=1, change="A minibus for trips")
        with LiveServer(app) as url:
            yield Site(app, url, reg.shown_code(work.public_code),
                       reg.shown_code(closed.public_code),
                       reg.shown_code(ideas[0].tracking_code), org.slug)
        db.session.remove()
        db.engine.dispose()




def test_a_partner_sends_an_idea_in_welsh_without_javascript_and_follows_it(site, contexts):
    cy = catalogue("cy")
    page = contexts.page(**PHONE, java_script_enabled=False)
    keys = Keys(page)
    page.goto(f"{site.url}/w/{site.code}?lang=cy")
    check_public_page(page, page.url, "cy")
    assert page.locator("[data-listen]").is_hidden()  # no Listen button without JavaScript

    keys.press(keys.button(cy("Send my idea")))  # nothing written: a clear message
    assert page.locator(".error-summary").count() == 1
    assert cy("Write your idea here.") in page.locator(".error-summary").inner_text()
    check_public_page(page, page.url, "cy")

    keys.type(page.locator("#text"), "Clwb ar ddydd Sadwrn, please")
    keys.radio(page.locator("input[name=credit]"), 1)  # show my name
    keys.type(page.locator("#credit_as"), "Ann Jones")
    keys.press(keys.button(cy("Send my idea")))
    assert re.search(r"/t/[A-Z2-9]{4}-[A-Z2-9]{4}/sent$", page.url), page.url
    code = page.locator("p.code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    check_public_page(page, page.url, "cy")
    with site.app.app_context():
        idea = reg.find_idea(code)
        assert (idea.text, idea.language, idea.credit, idea.credit_as, idea.raised_by) == (
            "Clwb ar ddydd Sadwrn, please", "cy", "name", "Ann Jones", None)
        manager = db.session.scalar(select(User).filter_by(role="manager"))
        reg.answer_idea(manager, idea, decision="not_yet", reason="We are asking the bus company",
                        decide_by=date(2026, 8, 1), today=date(2026, 6, 16))

    keys.press(page.locator("p.link-text a"))  # the link to keep
    assert page.url.endswith(f"/t/{code}")
    main = " ".join(page.locator("main").inner_text().split())
    assert "Clwb ar ddydd Sadwrn, please" in main
    for day in (date(2026, 6, 15), date(2026, 6, 16), date(2026, 8, 1)):
        assert format_date(day, "d MMMM y", locale="cy") in main, day  # dates in Welsh
    assert "We are asking the bus company" in main
    check_public_page(page, page.url, "cy")

    page.goto(f"{site.url}/t")  # the code typed by hand, in small letters
    keys.type(page.locator("#code"), code.lower())
    keys.press(keys.button(cy("Find my idea")))
    assert page.url.endswith(f"/t/{code}")



def test_the_you_said_we_did_pdf_credits_exactly_the_partners_who_agreed(site, contexts):
    page = contexts.page(**PHONE)
    for path in (f"/o/{site.slug}/you-said-we-did",
                 f"/o/{site.slug}/you-said-we-did/{site.code}"):
        page.goto(site.url + path)
        shown = page.locator("ul.credits").first.locator("li").all_inner_texts()
        assert shown == CREDITED, path
        for name in ("Download as PDF", "Easy read PDF, with pictures"):
            href = page.get_by_role("link", name=name, exact=True).get_attribute("href")
            text = pdf_text(requests.get(site.url + href, timeout=60).content)
            for credited in CREDITED:
                assert credited in text, (path, name, credited)
            for secret in NEVER:
                assert secret not in text, (path, name, secret)
            assert "We opened on Saturdays." in text
            assert all(word in text for word in ("costs", "much"))  # a narrow column wraps
            assert "fewer than 5" in text  # 1 not included, 1 waiting


def test_listen_reads_the_page_in_its_language(site, contexts):
    page = contexts.page(**PHONE)
    page.add_init_script("""
        window.__spoken = [];
        window.speechSynthesis.speak = (u) => window.__spoken.push([u.text, u.lang]);
    """)
    for path, want in ((f"/w/{site.code}?lang=cy&easy=1", "cy"), (f"/t/{site.idea}?lang=ar", "ar"),
                       (f"/o/{site.slug}/you-said-we-did?lang=ur", "ur")):
        page.goto(site.url + path)
        page.locator("[data-listen]").click()
        text, lang = page.evaluate("window.__spoken.at(-1)")
        assert lang == want, path
        assert page.locator("h1").inner_text().strip() in text, path


PAGES = {
    "send": "/w/{code}", "closed": "/w/{closed}", "follow": "/t", "unknown code": "/t/ZZZZ-ZZZ2",
    "idea": "/t/{idea}", "sent": "/t/{idea}/sent", "you said, we did": "/o/{slug}/you-said-we-did",
    "a bad period": "/o/{slug}/you-said-we-did?from=soon",
    "one piece of work": "/o/{slug}/you-said-we-did/{code}",
}


@pytest.mark.parametrize("easy", ["0", "1"], ids=["standard", "easy read"])
@pytest.mark.parametrize("lang", ["en", "cy", "ur", "ar"])
def test_axe_finds_nothing_on_the_public_pages(site, contexts, lang, easy):
    page = contexts.page(**PHONE)
    for name, path in PAGES.items():
        url = site.url + path.format(code=site.code, closed=site.closed, idea=site.idea,
                                     slug=site.slug) + f"{'&' if '?' in path else '?'}" \
            f"lang={lang}&easy={easy}"
        response = page.goto(url)
        assert response.status in (200, 400, 404), (name, response.status)
        assert (page.locator("body.easy-read").count() == 1) == (easy == "1"), name
        check_public_page(page, url, lang)
    page.goto(f"{site.url}/w/{site.code}?lang={lang}&easy={easy}")  # a form with errors
    page.get_by_role("button", name=catalogue(lang)("Send my idea") if lang != "en"
                     else "Send my idea", exact=True).click()
    page.wait_for_selector(".error-summary")
    check_public_page(page, page.url, lang)
    with site.app.app_context():
        assert db.session.scalar(select(Idea).filter_by(text="")) is None
