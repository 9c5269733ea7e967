"""Every staff page in a real browser at 1024×768 (issue 6): axe-core finds nothing, and the
page's main controls can be reached with the Tab key and show where the focus is.

One app and one signed-in browser context serve the whole module; the data (a person with
consent, a review with statements and actions, one of them overdue, and enough monthly
check-ins for the report to show numbers) is made through the services. A last test checks
that every HTML page under /staff is in the list here, so a new page cannot go unchecked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import add_checkins, make_app
from flask import Flask

from reviewkit.extensions import db

from .browsing import (
    Keys,
    LiveServer,
    axe,
    catalogue,
    describe_violations,
    staff_organisation,
    staff_sign_in,
    tab_through,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DESKTOP = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB"}
DOWNLOADS = re.compile(r"\.(pdf|csv|xlsx|po|json|<any\([\w, ]+\):fmt>)$")


# --- the app and its data -------------------------------------------------------------------------

def seed(app: Flask) -> dict:
    """Organisation, services, one user per role (as tests/conftest.py staff_app), and data
    for every page; returns what the page URLs need."""
    from reviewkit.services import people as people_svc
    from reviewkit.services import reviews as rv
    from reviewkit.services.banks import latest_version
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import issue_reset_link_token

    assert not init_database().problems
    org, services, users = staff_organisation()
    oak, elm = services["oak"], services["elm"]
    admin = users["admin"]

    person = people_svc.create_person(admin, display_name="Jo", reference="OAK-7",
                                      service_id=oak.id, language="en", easy_read=True)
    people_svc.record_consent(admin, person, scope="review", given=True, note="With Tom")
    review = rv.start_review(admin, person, latest_version("person-centred-review"),
                             date.today())
    family = rv.add_contributor(review, "Ann", "family")
    staff = rv.add_contributor(review, "Priya", "staff")
    first = None
    for section, kind, text, who in [
            ("like-and-admire", "strength", "Makes everyone laugh", family),
            ("like-and-admire", "strength", "Kind to animals", staff),
            ("my-future", "idea", "Try a cooking class", family),
            ("working-not-working", "not_working", "Transport is often late", staff),
            ("working-not-working", "working", "Day centre is good", family)]:
        s = rv.add_statement(review, section, who.id, kind, text)
        first = first or s
    gp = rv.add_action(review, what="Ring the GP about the new tablets", who="Priya",
                       due_on=date(2020, 1, 1))  # overdue: shown on the dashboard
    rv.add_action(review, what="Visit the college open day", who="Ann",
                  due_on=date.today() + timedelta(days=60))
    from reviewkit.services import plans

    plan_action = plans.create_action(  # overdue: marked on the action plan page
        admin, plans.ThemeRef(None, "t1", "Transport"), change="Earlier bus to college",
        owner="Transport team", due_on=date(2020, 1, 1), status="planned", service_id=oak.id)

    # Monthly check-ins: six this month and six last month at Oak House, two at Elm Court.
    last_month = (date.today().replace(day=1) - timedelta(days=1))
    for service, count, when in [(oak, 6, None), (oak, 6, last_month), (elm, 2, None)]:
        add_checkins(service, org, count, when)
    # The register: the organisation plan (the plan action above is one of its actions) with
    # an idea, a stalled one, and a theme to raise an idea from; the person agreed to share,
    # so their statements can become ideas.
    from reviewkit.models import ThemeSet
    from reviewkit.services import register as reg

    people_svc.record_consent(admin, person, scope="pooled", given=True, note="With Tom")
    work = reg.organisation_plan(org.id)
    idea = reg.raise_idea(work, "A Saturday club", source="staff",
                          today=date.today() - timedelta(days=100), entered_by=admin)
    db.session.add(ThemeSet(organisation_id=org.id, scope="all", model={"themes": []},
                            result={"themes": [{"id": "t1", "label": "Saturday club"}]}))
    db.session.commit()
    # A local event at Oak House with voting open: two items, a phone vote, a paper sheet and
    # single-use codes (its local plan is made once voting closes, so that page comes back to
    # the event's page).
    from datetime import UTC, datetime

    from reviewkit.services import events as ev

    event = ev.save_event(admin, name="Oak House big day", place="Oak House hall",
                          starts_at=datetime.now(UTC), service_id=oak.id,
                          languages=["en", "cy"], access=["step_free"], codes_required=True)
    buses = ev.add_item(admin, event, label="Buses")
    ev.add_item(admin, event, label="Cooking")
    ev.set_voting(admin, event, "open")
    ev.make_codes(admin, event, 3)
    sheet = ev.add_tally(admin, event, {(buses.id, None): 6}, note="Sticky dots")
    # The self-audit: the demo's rounds (three for the organisation, the last one open).
    from reviewkit.services import demo_audit

    audit_round = demo_audit.build(org, [oak], date.today())[2]
    # Indicators: one from the check-ins above, split by service, and one entered by hand.
    from reviewkit.services import indicators

    indicators.save_indicator(
        admin, name="People feel listened to", easy_read="People listen to me.",
        pictogram="ear", measures="outcome", source="answers",
        question="monthly-check-in/listened-to", options=["3"], target=70,
        breakdown="service")
    paid = indicators.save_indicator(
        admin, name="People in paid work", easy_read=None, pictogram="tools",
        measures="outcome", source="entered", unit="count", target=10, frequency="quarter")
    indicators.enter_value(admin, paid, period=f"{date.today().year}-Q1", value=8)
    return {"round_id": audit_round.id, "indicator_id": paid.id,
            "service_id": oak.id, "area_id": oak.area_id,
            "person_id": person.id, "review_id": review.id, "statement_id": first.id,
            "action_id": gp.id,
            "contributor_id": review.contributors[0].id,
            "event_id": event.id, "item_id": buses.id, "sheet_id": sheet.id,
            "section_id": "like-and-admire", "lang": "cy", "bank_id": "person-centred-review",
            "question_id": "admire", "token": issue_reset_link_token(users["translator"]),
            "plan_action_id": plan_action.id, "work_id": work.id, "idea_id": idea.id,
            "what": "partner", "user_id": users["facilitator"].id}


@dataclass
class Site:
    app: Flask
    url: str
    params: dict
    page: object  # signed in as the organisation admin
    visitor: object  # not signed in
    checked: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[Site]:
    app = make_app(tmp_path_factory.mktemp("staff-pages"),
                   BANKS_PATH=str(REPO / "question_banks"))
    with app.app_context():
        params = seed(app)
        with LiveServer(app) as url:
            admin = browser.new_context(**DESKTOP)
            visitor = browser.new_context(**DESKTOP)
            for c in (admin, visitor):
                c.set_default_timeout(10_000)
            page = admin.new_page()
            staff_sign_in(page, url, "admin@example.org")
            yield Site(app, url, params, page, visitor.new_page())
            admin.close()
            visitor.close()
        db.session.remove()
        db.engine.dispose()


# --- the pages ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffPage:
    endpoint: str
    controls: tuple[tuple[str, str], ...] = ()  # (ARIA role, accessible name) to reach by Tab
    signed_out: bool = False
    query: str = ""
    heading: str = ""  # the page's <h1>, where a redirect could land elsewhere


NAV = (("link", "Skip to main content"), ("link", "Home"), ("link", "People"),
       ("link", "Register"), ("button", "Sign out"))
PAGES = [
    StaffPage("staff.login", (("textbox", "Email address"), ("textbox", "Password"),
                              ("button", "Sign in")), signed_out=True),
    StaffPage("staff.reset", (("textbox", "New password"), ("textbox", "Type it again"),
                              ("button", "Set password")), signed_out=True),
    StaffPage("staff.dashboard", (
        ("link", "Ring the GP about the new tablets"),
        ("link", "People supported and reviews"), ("link", "Invitation links, QR codes and cards"),
        ("link", "Monthly check-ins by team"), ("link", "Staff accounts"), *NAV)),
    StaffPage("people.index", (
        ("link", "Jo"), ("textbox", "Name to show"), ("textbox", "Reference (optional)"),
        ("combobox", "Service"), ("combobox", "Preferred language"),
        ("checkbox", "Prefers easy read"), ("button", "Add person"), *NAV)),
    StaffPage("people.show", (
        ("link", re.compile(r"^My person-centred review")), ("combobox", "Conversation"),
        ("button", "Start a review conversation"),
        ("radio", "Their answers are used for their own review"), ("radio", "Yes"),
        ("textbox", "Note (optional)"), ("button", "Record consent"),
        ("button", "Download everything we hold (JSON)"), ("button", "Erase their record"),
        *NAV)),
    StaffPage("people.erase", (
        ("button", re.compile(r"^Erase .*'s record for good$")),
        ("link", "Cancel: keep their record"), *NAV)),
    StaffPage("conversation.contributors", (
        ("textbox", "Name"), ("combobox", "Who are they?"), ("button", "Add"),
        ("link", "Start the conversation"), *NAV)),
    StaffPage("conversation.edit_contributor", (
        ("textbox", "Name"), ("combobox", "Who are they?"), ("button", "Save"),
        ("link", "Cancel"), *NAV)),
    StaffPage("conversation.heading", (
        ("link", "What is working and not working"), ("link", "Actions"),
        ("combobox", "Who said it"), ("textbox", "What they said"), ("button", "Add"),
        ("link", re.compile(r"^Edit or move\s?: Makes everyone laugh$")),
        ("button", re.compile(r"^Delete\s?: Makes everyone laugh$")),
        ("link", re.compile(r"^Next heading: ")), *NAV)),
    StaffPage("conversation.edit_statement", (
        ("textbox", "What they said"), ("combobox", "Who said it"), ("combobox", "Heading"),
        ("button", "Save"), ("link", "Cancel"), *NAV)),
    StaffPage("conversation.actions", (
        ("button", re.compile(r"^Mark done\s?: Ring the GP")), ("textbox", "What will happen"),
        ("link", re.compile(r"^Change\s?: Ring the GP")),
        ("link", re.compile(r"^Delete\s?: Ring the GP")),
        ("textbox", "Who will do it"), ("button", "Add action"), ("link", "See the summary"),
        *NAV)),
    StaffPage("conversation.edit_action", (
        ("textbox", "What will happen"), ("textbox", "Who will do it"), ("textbox", "By when"),
        ("button", "Save"), ("link", "Cancel"), *NAV)),
    StaffPage("conversation.delete_action", (
        ("button", "Delete the action"), ("link", "Cancel: keep the action"), *NAV)),
    StaffPage("conversation.summary", (
        ("link", "Download the summary (PDF)"), ("link", "Back to actions"), *NAV)),
    StaffPage("reports.checkins", NAV),
    StaffPage("users.index", (
        ("button", re.compile(r"New password link\s?– Facilitator")), ("textbox", "Name"),
        ("textbox", "Email address"), ("combobox", "Role"), ("button", "Add account"), *NAV)),
    StaffPage("invitations.index", (("button", "Make them"), *NAV)),
    StaffPage("translate.index"),
    StaffPage("translate.language"),
    StaffPage("translate.bank"),
    StaffPage("translate.preview"),
    StaffPage("translate.phone"),
    StaffPage("translate.import_form", (("button", "Read the form"), *NAV)),
    # Themes and gaps (reports for managers).
    StaffPage("analysis.index"),
    StaffPage("analysis.gaps"),
    StaffPage("analysis.compare"),
    StaffPage("analysis.action"),
    StaffPage("analysis.curation"),
    StaffPage("analysis.job"),
    StaffPage("analysis.plan", (
        ("link", "Download the action plan (CSV)"),
        ("link", re.compile(r"^Change\W+Earlier bus to college$")),
        ("button", re.compile(r"^Mark in progress\W+Earlier bus to college$")),
        ("button", re.compile(r"^Mark done\W+Earlier bus to college$")), *NAV)),
    StaffPage("analysis.plan_edit", (
        ("textbox", "What will change"), ("combobox", "Where"), ("textbox", "Who owns it"),
        ("radio", "Planned"), ("textbox", "You said, we did (optional)"),
        ("button", "Save the changes"), ("link", "Back to the action plan"), *NAV)),
    # The co-production register.
    StaffPage("register.index", (
        ("link", "New piece of work"), ("link", "Organisation plan"), *NAV)),
    StaffPage("register.new", (
        ("textbox", "Title"), ("combobox", "Kind of work"), ("combobox", "Where"),
        ("textbox", "Review date"), ("button", "Make the piece of work"), *NAV)),
    StaffPage("register.edit", (("textbox", "Title"), ("button", "Save the changes"), *NAV)),
    StaffPage("register.work", (
        ("link", "Change the details"), ("link", "Add an idea for someone"),
        ("link", "A Saturday club"), ("link", "Earlier bus to college"),
        ("link", "Add a partner"), ("link", "Record the yearly review"), *NAV)),
    StaffPage("register.add", (
        ("radio", "A person"), ("textbox", "Name"), ("radio", "By name"), ("button", "Add"),
        *NAV)),
    StaffPage("register.review", (
        ("textbox", "What changed"), ("button", "Record the review"), *NAV)),
    StaffPage("register.work_history", NAV),
    StaffPage("register.new_idea", (
        ("textbox", "The idea, in their words"), ("combobox", "Language it was given in"),
        ("checkbox", "They agreed to their name being kept"), ("button", "Add the idea"),
        *NAV)),
    StaffPage("register.idea", (
        ("radio", "Included"), ("textbox", "Reason"), ("button", "Save the answer"),
        ("link", "Record an investigation"), *NAV)),
    StaffPage("register.new_action", NAV, heading="A Saturday club"),
    StaffPage("register.action", (
        ("textbox", "What will change"), ("radio", "Planned"),
        ("button", "Save the changes"), *NAV)),
    StaffPage("register.investigate_idea", (
        ("textbox", "Why has it not moved?"), ("button", "Record the investigation"), *NAV)),
    StaffPage("register.investigate_action", NAV),
    StaffPage("register.ideas", (
        ("link", "Organisation plan"), ("link", "Spreadsheet (XLSX)"), *NAV)),
    StaffPage("register.promises_page", NAV),
    StaffPage("register.organisation_plan", (
        ("textbox", "Events from"), ("button", "Show"), ("link", "Document (PDF)"), *NAV)),
    StaffPage("register.organisation_action", (
        ("textbox", "What will change"), ("button", "Add the action"), *NAV),
        query="?theme=t1&label=Saturday+club", heading="Saturday club"),
    StaffPage("register.idea_from_theme", (
        ("combobox", "Piece of work"), ("textbox", "The idea"), *NAV),
        query="?scope=all&theme=t1", heading="Saturday club"),
    StaffPage("register.idea_from_statement", (
        ("combobox", "Piece of work"), ("textbox", "The idea"), *NAV),
        heading="Makes everyone laugh"),
]
PAGES += [
    # Local events.
    StaffPage("events.index", (("link", "New event"), ("link", "Oak House big day"), *NAV)),
    StaffPage("events.new", (
        ("textbox", "Name of the event"), ("textbox", "Date"), ("textbox", "Time it starts"),
        ("combobox", "Service or area"), ("checkbox", "Cymraeg"),
        ("checkbox", "Step-free access"), ("radio", re.compile(r"^Dot voting")),
        ("spinbutton", "Dots for each person (dot voting)"), ("button", "Make the event"),
        *NAV)),
    StaffPage("events.edit", (("textbox", "Place"), ("button", "Save the changes"), *NAV)),
    StaffPage("events.event", (
        ("link", "Change the details"), ("button", "Close voting"),
        ("link", "Change the ballot"), ("link", "Download the results (CSV)"),
        ("link", "Add paper votes and sticky dots"),
        ("link", "Vote with a person on the tablet"), *NAV)),
    StaffPage("events.ballot", (
        ("link", "Buses"), ("button", re.compile(r"^Take it off\W+Cooking$")),
        ("link", "Type an item"), *NAV)),
    StaffPage("events.new_item", (
        ("textbox", "What people vote for"), ("combobox", "Picture (optional)"),
        ("button", "Add it to the ballot"), *NAV)),
    StaffPage("events.item", (
        ("textbox", "What people vote for"),
        ("textbox", "What people vote for, in Cymraeg (optional)"),
        ("button", "Save the words"), *NAV)),
    StaffPage("events.tally", (
        ("textbox", "Buses"), ("textbox", "Which sheet or wall (optional)"),
        ("button", "Add the paper votes"), ("button", re.compile(r"^Withdraw this sheet")),
        *NAV)),
    StaffPage("events.assisted", (
        ("spinbutton", "Buses"), ("button", "Count their vote"), *NAV)),
    StaffPage("events.codes", (
        ("spinbutton", "How many codes"), ("button", "Make the codes"), *NAV)),
    StaffPage("events.plan", NAV, heading="Oak House big day"),  # voting is still open
]
PAGES += [
    # The co-production self-audit.
    StaffPage("audit.index", (("link", "Open a round"), *NAV)),
    StaffPage("audit.new", (
        ("combobox", "Who is it for?"), ("textbox", "Name of the round (optional)"),
        ("button", "Open the round"), *NAV)),
    StaffPage("audit.round", (
        ("link", "Results"), ("link", "Poster with the QR code (PDF)"),
        ("button", "Start a group answer"), ("button", "Close the round now"), *NAV)),
    StaffPage("audit.results", (
        ("link", "Round by round"), ("link", "Report (PDF)"), ("link", "Spreadsheet (XLSX)"),
        *NAV)),
    StaffPage("audit.over_time", (("link", "Report (PDF)"), *NAV)),
]
PAGES += [
    # Indicators people chose.
    StaffPage("indicators.index", (
        ("link", "New indicator"), ("link", "People feel listened to"),
        ("link", "Report (PDF)"), ("link", "Easy-read version, for the people it is about"),
        *NAV)),
    StaffPage("indicators.new", (
        ("textbox", "Name, in the words people chose"), ("radio", re.compile(r"^What we do")),
        ("combobox", "Question"), ("combobox", "Figure"), ("textbox", "Target (optional)"),
        ("button", "Save the indicator"), *NAV)),
    StaffPage("indicators.edit", (("button", "Save the indicator"), *NAV)),
    StaffPage("indicators.indicator", (
        ("link", "Change the indicator"), ("combobox", "Show"),
        ("textbox", "Month or quarter"), ("textbox", "Number"),
        ("button", "Save the number"), ("button", "Archive this indicator"), *NAV)),
    StaffPage("indicators.easy_read", NAV),
]
PAGES += [
    # The organisation's settings, services and areas (admins).
    StaffPage("organisation.settings", (
        ("textbox", "Organisation's name"), ("combobox", "Local time zone"),
        ("textbox", "Another time zone (optional)"), ("checkbox", "Cymraeg"),
        ("textbox", "Days to answer every idea"), ("button", "Save the settings"), *NAV)),
    StaffPage("organisation.services", (
        ("link", re.compile(r"^Oak House\W+change$")), ("textbox", "Name of the service or team"),
        ("textbox", "Short name (optional)"), ("combobox", "Area"),
        ("button", "Add the service"), *NAV)),
    StaffPage("organisation.service", (
        ("textbox", "Name of the service or team"), ("combobox", "Area"),
        ("button", "Save the changes"), ("link", "Cancel"), *NAV)),
    StaffPage("organisation.areas", (
        ("textbox", "Name of the area"), ("button", "Add the area"), *NAV)),
    StaffPage("organisation.area", (
        ("textbox", "Name of the area"), ("button", "Save the name"), *NAV)),
    StaffPage("users.change", (
        ("textbox", "Name"), ("combobox", "Role"), ("checkbox", "Oak House"),
        ("checkbox", "This account can sign in"), ("button", "Save the changes"),
        ("link", "Cancel"), *NAV)),
]
IDS = [p.endpoint for p in PAGES]


def url_for_page(site: Site, endpoint: str) -> str:
    rule = next(r for r in site.app.url_map.iter_rules() if r.endpoint == endpoint)
    path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(site.params[m.group(1)]), rule.rule)
    return site.url + path


@pytest.mark.parametrize("spec", PAGES, ids=IDS)
def test_staff_page(spec: StaffPage, site: Site):
    if spec.endpoint not in site.app.view_functions:
        pytest.skip(f"{spec.endpoint} is not a route of this app")
    page = site.visitor if spec.signed_out else site.page
    url = url_for_page(site, spec.endpoint) + spec.query
    response = page.goto(url)
    site.checked.add(spec.endpoint)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    assert page.locator("h1").count() == 1, f"{url}: {page.locator('h1').count()} <h1>"
    if spec.heading:
        assert spec.heading in page.locator("main").inner_text(), f"{url}: not its own page"
    violations = axe(page)
    assert not violations, describe_violations(violations, url)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024, \
        f"{url} scrolls sideways at 1024 px"

    targets = []
    for role, name in spec.controls:
        found = page.get_by_role(role, name=name, exact=True) if isinstance(name, str) \
            else page.get_by_role(role, name=name)
        assert found.count() >= 1, f"{url}: no {role} named {name!r}"
        targets.append(found.first)
    reached, unstyled = tab_through(page, targets)
    missing = [spec.controls[i] for i in range(len(targets)) if i not in reached]
    assert not missing, f"{url}: the Tab key never reaches {missing}"
    no_focus_style = [spec.controls[i] for i in sorted(unstyled)]
    assert not no_focus_style, f"{url}: no visible focus on {no_focus_style}"


def test_login_page_with_an_error(site: Site):
    """The sign-in page after a wrong password: the error summary too has no violations, and
    the link in it takes the focus to the field."""
    page = site.visitor
    page.goto(f"{site.url}/staff/login")
    keys = Keys(page)
    keys.type(page.locator("#email"), "nobody@example.org")
    keys.type(page.locator("#password"), "not the password")
    keys.press(keys.button("Sign in"))
    assert page.locator(".error-summary").count() == 1
    violations = axe(page)
    assert not violations, describe_violations(violations, "sign-in page with an error")


def test_staff_pages_in_welsh(site: Site, browser):
    """With Cymraeg chosen in the language list (by keyboard): the review heading page and the
    people list say lang="cy", show the catalogue's Welsh, and axe finds nothing."""
    cy = catalogue("cy")
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        keys = staff_sign_in(page, site.url, "admin@example.org")
        page.goto(url_for_page(site, "conversation.heading"))
        keys.press(page.get_by_role("navigation", name="Language").get_by_role(
            "link", name="Cymraeg", exact=True))
        assert page.evaluate("() => document.documentElement.lang") == "cy"
        for role, msgid in [("combobox", "Who said it"), ("textbox", "What they said"),
                            ("button", "Add"), ("button", "Sign out")]:
            assert page.get_by_role(role, name=cy(msgid), exact=True).count() == 1, \
                f"no {role} named {cy(msgid)!r} ({msgid!r} in Welsh)"
        main = page.locator("main").inner_text()
        for msgid in ["Said so far", "What to ask"]:
            assert cy(msgid) in main, f"{msgid!r} is not in Welsh ({cy(msgid)!r})"
        assert cy("Heading %(n)d of %(total)d") % {"n": 1, "total": 6} in main
        violations = axe(page)
        assert not violations, describe_violations(violations, "review heading page in Welsh")

        page.goto(url_for_page(site, "people.index"))
        assert page.locator("h1").inner_text() == cy("People supported")
        assert page.get_by_role("button", name=cy("Add person"), exact=True).count() == 1
        violations = axe(page)
        assert not violations, describe_violations(violations, "people page in Welsh")
    finally:
        context.close()


def test_every_staff_page_is_checked(site: Site):
    """Every HTML page under /staff (a GET route that is not a download) is in PAGES."""
    pages = sorted(r.endpoint for r in site.app.url_map.iter_rules()
                   if r.rule.startswith("/staff") and "GET" in r.methods
                   and not DOWNLOADS.search(r.rule))
    listed = set(IDS)
    assert [e for e in pages if e not in listed] == [], \
        "staff pages with no browser check: add them to PAGES in test_staff_pages.py"
