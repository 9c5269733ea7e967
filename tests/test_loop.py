"""The whole co-production loop on a fresh install, as a provider would run it: ``reviewkit
setup``, the admin's pages, staff from the command line, an invitation answered on phones (in
English and Welsh, shared for planning), the themes worked out and curated, a local event that
votes on them, the local plan in the register, an action done, and "you said, we did" telling
back what came of a phone answer, crediting a partner. Each hand-over asserts what the person
at that step sees."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import PASSWORD, Page, make_app, pages_of, post_form, signed_in, start_journey
from flask import Flask
from sqlalchemy import select
from test_setup import run, set_password_and_sign_in, setup

from reviewkit.extensions import db
from reviewkit.models import Invitation, Service, Statement, ThemeAssignment
from reviewkit.services.clock import today_

SAID = ["The bus to college is late", "The bus is late every morning",
        "The bus to college never comes on time", "Mae'r bws i'r coleg yn hwyr",
        "The bus is late again", "Late buses make me miss college"]


@pytest.fixture
def fresh(tmp_path) -> Iterator[Flask]:
    """An app on an empty database, running its jobs (the themes) at once, as the demo and a
    small service without a worker do."""
    app = make_app(tmp_path, HUEY_IMMEDIATE=True, RATELIMIT_ENABLED=False)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _answer_on_a_phone(app, link: str, words: str, lang: str) -> None:
    client = app.test_client()
    phone = pages_of(client)
    first = start_journey(phone, Invitation(token=link.rsplit("/", 1)[1]))
    key = first.split("/")[2]
    for qid, answer in [("like", "I like the garden"), ("name", "Al"), ("happy", "2"),
                        ("anything-wrong", "yes"), ("what-wrong", words)]:
        assert phone(f"/a/{key}/q/{qid}?lang={lang}",
                     {"answer": answer, "action": "next"}).status == 302
    check = phone(f"/a/{key}/check")
    assert check.lang == lang and words in check
    sent = client.post(f"/a/{key}/send", data={"csrf_token": check.csrf})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/done")


def test_a_fresh_install_runs_the_loop_from_a_phone_answer_to_you_said_we_did(fresh):
    # Set up: the organisation, its first admin, a service from the admin's pages
    out = setup(fresh, email="admin@example.org").stdout
    admin = fresh.test_client()
    set_password_and_sign_in(admin, out, "admin@example.org")
    assert post_form(admin, "/staff/organisation/services",
                     {"name": "Oak House", "slug": "", "area_id": "0"}).status == 302
    for role in ("facilitator", "manager"):
        run(fresh, "users", "add", f"{role}@example.org", "--role", role, "--name",
            role.title(), *(["--service", "oak-house"] if role == "facilitator" else []),
            "--password-stdin", stdin=PASSWORD + "\n")

    # Hear: one invitation link for a poster, answered on phones in English and Welsh
    link = run(fresh, "invite", "test-bank", "--service", "oak-house",
               "--open-link").stdout.strip()
    for words in SAID:
        _answer_on_a_phone(fresh, link, words, "cy" if words.startswith("Mae") else "en")

    # Theme: the manager works the themes out and curates the one about buses
    manager = signed_in(fresh, "manager")
    welsh = Page(manager.get("/staff/analysis/?lang=cy"))  # said in the page's language
    assert "Dydy'r themâu ddim wedi cael eu cyfrifo eto." in welsh and "Cyfrifo'r themâu" in welsh
    themes = Page(manager.get("/staff/analysis/?lang=en"))
    assert "The themes have not been worked out yet." in themes
    worked = manager.post("/staff/analysis/compute", data={"csrf_token": themes.csrf})
    assert "Done:" in Page(manager.get(worked.headers["Location"]))
    themes = Page(manager.get("/staff/analysis/"))
    bus = db.session.scalar(select(ThemeAssignment.theme_id).join(Statement).where(
        Statement.text == SAID[0]))  # the theme a phone answer is in
    assert bus and f"curate?theme={bus}" in themes.html
    assert post_form(manager, "/staff/analysis/curate", {
        "op": "rename", "scope": "all", "theme": bus, "label": "Buses to college"}
    ).status == 302
    assert post_form(manager, "/staff/analysis/curate", {
        "op": "i_statement", "scope": "all", "theme": bus,
        "i_statement": "I want to get to college on time"}).status == 302
    assert "Buses to college" in Page(manager.get("/staff/analysis/"))

    # Choose: the facilitator's event puts the curated theme on the ballot; phones vote
    facilitator = signed_in(fresh, "facilitator")
    oak = db.session.scalar(select(Service).filter_by(slug="oak-house"))
    made = post_form(facilitator, "/staff/events/new", {
        "name": "Oak House big day", "starts_on": str(today_(oak.organisation_id)),
        "starts_time": "00:00", "place": "Oak House hall", "scope": f"service:{oak.id}",
        "languages": ["en", "cy"], "method": "dots", "dots": "3", "several_on_one": "y"})
    assert made.status == 302
    ballot_url = made.response.headers["Location"]
    event_url = ballot_url.removesuffix("/ballot")
    ballot = Page(facilitator.get(ballot_url))
    assert "Buses to college" in ballot and "I want to get to college on time" in ballot
    themes = re.findall(r'name="themes" value="(t\d+)"', ballot.html)
    assert bus in themes and len(themes) > 1
    assert post_form(facilitator, ballot_url, {"themes": themes}).status == 302
    bus_item = re.search(r'href="(/staff/events/\d+/items/\d+)">Buses to college',
                         Page(facilitator.get(ballot_url)).html)[1]
    assert post_form(facilitator, bus_item, {  # its words in Welsh, for the day
        "label": "Buses to college", "easy_read": "I want to get to college on time",
        "picture": "", "label_cy": "Bysiau i'r coleg", "easy_read_cy": ""}).status == 302
    opened = facilitator.post(f"{event_url}/voting", data={
        "state": "open", "csrf_token": Page(facilitator.get(event_url)).csrf})
    assert opened.status_code == 302
    code = re.search(r"http://rk\.test/v/([\w-]+)", Page(facilitator.get(event_url)).html)[1]
    ballot = Page(fresh.test_client().get(f"/v/{code}"))
    item = re.search(r'for="(dots-\d+)">[^<]*<span[^>]*><strong>Buses to college', ballot.html)[1]
    for _voter in range(3):
        voter = pages_of(fresh.test_client())
        form = voter(f"/v/{code}")
        key = re.search(r'name="submit_key" type="hidden" value="([^"]+)"', form.html)[1]
        sent = voter(f"/v/{code}", {"submit_key": key, item: "2"}).response
        assert sent.headers["Location"] == f"/v/{code}/thanks"
    facilitator.post(f"{event_url}/voting", data={
        "state": "closed", "csrf_token": Page(facilitator.get(event_url)).csrf})
    plan_form = Page(facilitator.get(f"{event_url}/plan"))
    assert "Buses to college" in plan_form and "6 in all" in plan_form

    # Plan, answer and act: the local plan in the register, its idea included, an action
    plan = post_form(facilitator, f"{event_url}/plan", {"items": [item.split("-")[1]]})
    work_url = plan.response.headers["Location"]
    work = Page(facilitator.get(work_url))
    assert "Oak House big day: local plan" in work and "Buses to college" in work
    assert f'<dt>Made from the votes at</dt><dd><a href="{event_url}">' in work.html
    idea_url = re.search(rf'href="({work_url}/ideas/\d+)"', work.html)[1]
    idea = Page(facilitator.get(idea_url))
    assert "Included" in idea and f'<a href="{event_url}">the event it came from</a>' in idea
    assert "the theme it came from" not in idea  # facilitators do not see themes
    theme = re.search(r'<a href="([^"]+)">the theme it came from</a>',
                      Page(manager.get(idea_url)).html)[1]
    assert "Buses to college" in Page(manager.get(theme.replace("&amp;", "&")))
    assert post_form(facilitator, f"{idea_url}/action", {
        "change": "A college minibus", "root_cause": "The 8:10 bus was cut", "success": "",
        "owner": "Oak House manager", "starts_on": "2026-06-21", "due_on": "2026-09-01",
        "status": "done", "public_sentence": "We run a minibus to college every morning."}
    ).status == 302
    assert post_form(facilitator, f"{work_url}/add/partner", {
        "kind": "organisation", "name": "Cwm People First", "organisation": "Cwm People First",
        "role": "", "credit": "organisation"}).status == 302

    # Tell back: "you said, we did" for everyone, with no account
    told = Page(fresh.test_client().get("/o/ty-example-care/you-said-we-did"))
    assert told.status == 200, told.html[:300]
    words = " ".join(re.sub(r"<[^>]+>", " ", told.html).split())
    assert ("You said: Buses to college We did: We run a minibus to college every morning."
            in words), words
    assert "Thank you to the partners who worked on this with us: Cwm People First" in words
    welsh = Page(fresh.test_client().get("/o/ty-example-care/you-said-we-did?lang=cy"))
    assert "<strong>Dywedoch chi:</strong> <bdi>Bysiau i&#39;r coleg</bdi>" in welsh.html


@pytest.mark.parametrize("url, words", [
    ("/staff/events/", "Facilitators and admins make the events."),
    ("/staff/audit/", "Facilitators and admins open the rounds.")])
def test_a_manager_is_told_who_starts_events_and_self_audit_rounds(staff_app, url, words):
    """A manager sees events and rounds and starts none: the empty list said only "None"."""
    assert words in Page(signed_in(staff_app, "manager").get(url))
    assert words not in Page(signed_in(staff_app, "facilitator").get(url))
