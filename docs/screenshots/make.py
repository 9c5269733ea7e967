"""Make the screenshots in docs/screenshots/ (run by hand, not a test):

    .venv/bin/python docs/screenshots/make.py            # all of them
    .venv/bin/python docs/screenshots/make.py phone      # the phone and tablet ones only
    .venv/bin/python docs/screenshots/make.py analysis   # the commissioner's report pages only

A question page of the phone journey at 360 px in English, English easy read, Welsh and Urdu
easy read, and the tablet review conversation at 1024×768. Then the demo organisation
(``reviewkit demo``'s data, themed as the demo does) as a commissioner sees it: the themes and
the gap analysis on a 1280 px laptop and on a 360 px phone, and the gap analysis in Urdu, right
to left. It uses the browser tests' set-up: the test app on a loopback port (a throwaway
instance folder, the shipped banks) and Debian chromium through Playwright (/usr/bin/chromium;
fonts-noto-core for every script)."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser.browsing import STAFF_PASSWORD, LiveServer, staff_organisation  # noqa: E402
from browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from conftest import make_app  # noqa: E402

BANK = "person-centred-review"
QUESTION = "answering-with"  # question 1: a choice with a pictogram beside each answer
PHONES = [  # file, language, easy read
    ("question-en-360.png", "en", False),
    ("question-en-easy-read-360.png", "en", True),
    ("question-cy-360.png", "cy", False),
    ("question-ur-easy-read-360.png", "ur", True),
]
LIMIT = 150_000  # bytes per PNG
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
ANALYSIS = [  # file, page, language, viewport, what to scroll to the top (None: the page's top)
    ("analysis-themes-1280.png", "/staff/analysis/", "en", LAPTOP, "figcaption"),
    ("analysis-gaps-1280.png", "/staff/analysis/gaps", "en", LAPTOP, None),
    ("analysis-themes-360.png", "/staff/analysis/", "en", PHONE, "table"),
    ("analysis-gaps-360.png", "/staff/analysis/gaps", "en", PHONE, "h2#gaps-service"),
    ("analysis-gaps-ur-360.png", "/staff/analysis/gaps", "ur", PHONE, "h2#gaps-service"),
]


def question_urls(base: str, app) -> list[tuple[str, str]]:
    """A started response per variant (consent given, language and wording set): the
    question page's URL for each file name."""
    from reviewkit.services import invitations as inv
    from reviewkit.services import organisation as orgs
    from reviewkit.services import responses as rsp
    from reviewkit.services.banks import latest_version

    urls = []
    org = (orgs.organisations() or [orgs.create_organisation("Screenshots")])[0]
    survey = inv.survey_for(latest_version(BANK), None, org)
    for name, lang, easy in PHONES:
        invitation = inv.create_invitations(survey, language=lang, easy_read=easy)[0]
        response = rsp.start_response(invitation, language=lang)
        rsp.set_consent(response, True)
        urls.append((name, f"{base}/a/{response.resume_key}/q/{QUESTION}?lang={lang}"))
    return urls


def review(app) -> tuple[int, str]:
    """A review part way through, as in a meeting: four people, a few things said."""
    from reviewkit.services import people, reviews
    from reviewkit.services.banks import latest_version

    _org, services, users = staff_organisation()
    user = users["facilitator"]
    person = people.create_person(user, display_name="Sam", reference="OAK-0042",
                                  service_id=services["oak"].id, language="en", easy_read=True)
    people.record_consent(user, person, scope="review", given=True)
    r = reviews.start_review(user, person, latest_version(BANK), date(2026, 3, 14))
    sam = r.contributors[0]
    ann = reviews.add_contributor(r, "Ann", "family")
    priya = reviews.add_contributor(r, "Priya", "staff")
    reviews.add_contributor(r, "Tom", "advocate")
    for who, kind, text in [
            (sam, "working", "I like going to the day centre on Tuesdays"),
            (priya, "working", "Sam's new key worker listens well"),
            (ann, "not_working", "The transport is often late"),
            (sam, "not_working", "Too many different staff at night"),
            (sam, "working", "Cooking my own tea on Fridays")]:
        reviews.add_statement(r, "working-not-working", who.id, kind, text)
    return r.id, "working-not-working"


def save(shots: list) -> None:
    for name, page in shots:
        path = HERE / name
        page.screenshot(path=str(path), type="png")
        size = path.stat().st_size
        print(f"{path.relative_to(REPO)}: {size // 1024} KB"
              + ("  (over the limit)" if size > LIMIT else ""))


def analysis() -> None:
    """The demo organisation's themes and gap analysis, as ``reviewkit demo`` makes them."""
    from playwright.sync_api import sync_playwright

    from reviewkit import tasks
    from reviewkit.extensions import db
    from reviewkit.services.demo import build_demo
    from reviewkit.services.setup import init_database

    was = tasks.huey.immediate
    tasks.huey.immediate = True  # the demo themes in its own process too
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(Path(tmp), BANKS_PATH=str(REPO / "question_banks"),
                           RATELIMIT_ENABLED=False, HUEY_IMMEDIATE=True)
            with app.app_context(), LiveServer(app) as base, sync_playwright() as p:
                assert not init_database().problems
                demo = build_demo()
                tasks.theme_organisation(demo.organisation.id)()
                email, password = next((e, pw) for e, pw, role in demo.logins
                                       if role == "manager")
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                shots = []
                for name, path, lang, device, top in ANALYSIS:
                    page = browser.new_context(**device, locale="en-GB").new_page()
                    page.goto(f"{base}/staff/login")
                    page.fill("#email", email)
                    page.fill("#password", password)
                    page.click("button[type=submit]")
                    page.goto(f"{base}/staff/?lang={lang}")  # the language, kept for the page
                    page.goto(base + path)
                    if top:
                        page.locator(top).first.evaluate("el => el.scrollIntoView()")
                    shots.append((name, page))
                save(shots)
                browser.close()
                db.session.remove()
                db.engine.dispose()
    finally:
        tasks.huey.immediate = was


def main(parts: list[str]) -> int:
    if "phone" in parts:
        phones_and_tablet()
    if "analysis" in parts:
        analysis()
    return 0


def phones_and_tablet() -> None:
    from playwright.sync_api import sync_playwright

    from reviewkit.extensions import db
    from reviewkit.services.setup import init_database

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp), BANKS_PATH=str(REPO / "question_banks"))
        with app.app_context(), LiveServer(app) as base, sync_playwright() as p:
            assert not init_database().problems
            phones = question_urls(base, app)
            review_id, heading = review(app)
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            shots = []
            for name, url in phones:
                context = browser.new_context(**PHONE, locale="en-GB")
                page = context.new_page()
                page.goto(url)
                shots.append((name, page))
            tablet = browser.new_context(viewport={"width": 1024, "height": 768},
                                         device_scale_factor=1, locale="en-GB")
            page = tablet.new_page()
            page.goto(f"{base}/staff/login")
            page.fill("#email", "facilitator@example.org")
            page.fill("#password", STAFF_PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/staff/reviews/{review_id}/h/{heading}?who=3&kind=not_working")
            page.locator("#text").fill("The bus pass ran out")
            shots.append(("review-tablet-1024.png", page))

            save(shots)
            browser.close()
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["phone", "analysis"]))
