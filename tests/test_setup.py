"""Setting up a real organisation (issue 19): ``reviewkit setup`` on an empty database, the
admin's one-time link, the organisation's pages (settings, services, areas), ``reviewkit users
add``, and ``reviewkit invite`` to a real invitation answered on a phone. Then what is refused
(in plain words, exit 2) and who may reach the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import PASSWORD, Page, make_app, pages_of, post_form, signed_in, start_journey
from flask import Flask
from sqlalchemy import func, select

from reviewkit.cli import main
from reviewkit.extensions import db
from reviewkit.models import Area, Invitation, Organisation, Response, Service, User

LINK = re.compile(r"http://rk\.test(/staff/reset/\S+)")


@pytest.fixture
def fresh(tmp_path) -> Iterator[Flask]:
    """An app on an empty database: nothing migrated, no organisation."""
    app = make_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def run(app: Flask, *args: str, ok: bool = True, stdin: str | None = None):
    result = app.test_cli_runner().invoke(main, list(args), input=stdin)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def setup(app: Flask, email: str = "boss@example.org", name: str = "Tŷ Example Care"):
    return run(app, "setup", "--name", name, "--admin-email", email, "--admin-name", "Bo")


def set_password_and_sign_in(client, out: str, email: str) -> None:
    page = pages_of(client)
    path = LINK.search(out)[1]
    done = page(path, {"password": PASSWORD, "confirm": PASSWORD})
    assert done.status == 302, done.html[:500]
    assert page(path).status == 404  # it works once
    signed = page("/staff/login", {"email": email, "password": PASSWORD})
    assert signed.status == 302 and signed.response.headers["Location"].endswith("/staff/")


def test_fresh_machine_to_a_real_invitation_answered_on_a_phone(fresh):
    out = setup(fresh, email="Boss@Example.org").stdout
    org = db.session.scalar(select(Organisation))
    assert (org.name, org.slug) == ("Tŷ Example Care", "ty-example-care")
    admin = db.session.scalar(select(User))
    assert (admin.email, admin.role, admin.organisation_id) == ("boss@example.org", "admin",
                                                                org.id)
    # no usable password until the link is opened
    staff = fresh.test_client()
    refused = pages_of(staff)("/staff/login", {"email": "boss@example.org", "password": "!"})
    assert refused.status == 400
    set_password_and_sign_in(staff, out, "boss@example.org")
    dashboard = Page(staff.get("/staff/"))
    assert "Organisation settings" in dashboard and "Services and teams" in dashboard

    # the admin adds an area and a service through the pages
    assert post_form(staff, "/staff/organisation/areas", {"name": "North"}).status == 302
    north = db.session.scalar(select(Area))
    added = post_form(staff, "/staff/organisation/services",
                      {"name": "Oak House", "slug": "", "area_id": str(north.id)})
    assert added.status == 302
    oak = db.session.scalar(select(Service))
    assert (oak.slug, oak.area_id, oak.organisation_id) == ("oak-house", north.id, org.id)
    assert "Oak House" in Page(staff.get("/staff/organisation/services"))

    # a facilitator for it, from the command line, who sets their password with the link
    made = run(fresh, "users", "add", "fran@example.org", "--role", "facilitator",
               "--name", "Fran", "--service", "oak-house").stdout
    fran = db.session.scalar(select(User).filter_by(email="fran@example.org"))
    assert [s.slug for s in fran.services] == ["oak-house"] and fran.role == "facilitator"
    set_password_and_sign_in(fresh.test_client(), made, "fran@example.org")

    # a real invitation, answered on a phone
    link = run(fresh, "invite", "test-bank", "--service", "oak-house").stdout.strip()
    assert link.startswith("http://rk.test/r/")
    phone_client = fresh.test_client()
    phone = pages_of(phone_client)
    key = start_journey(phone, Invitation(token=link.rsplit("/", 1)[1])).split("/")[2]
    for qid, answer in [("like", "I like the garden"), ("name", "Sam"), ("happy", "3"),
                        ("anything-wrong", "no"), ("activities", ["swim"])]:
        assert phone(f"/a/{key}/q/{qid}", {"answer": answer, "action": "next"}).status == 302
    check = phone(f"/a/{key}/check")
    sent = phone_client.post(f"/a/{key}/send", data={"csrf_token": check.csrf})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/done")
    response = db.session.scalar(select(Response).filter_by(resume_key=key))
    assert response.submitted_at is not None
    assert response.survey.service_id == oak.id and response.survey.organisation_id == org.id
    assert {a.question_id: a.value for a in response.answers}["name"] == "Sam"


# ---------------------------------------------------------------------------- refusals


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())
    for w in words:
        assert w in text, text
    return text


def test_setup_refuses_a_second_organisation_and_bad_or_used_emails(fresh):
    refused(run(fresh, "setup", "--name", "A", "--admin-email", "not-an-email", ok=False),
            "Enter an email address like name@example.org")
    assert db.session.scalar(select(func.count(Organisation.id))) == 0  # nothing half made
    setup(fresh)
    refused(run(fresh, "setup", "--name", "B", "--admin-email", "b@example.org", ok=False),
            "an organisation is set up already: Tŷ Example Care (ty-example-care)")
    refused(run(fresh, "setup", "--name", "B", "--admin-email", "BOSS@example.org",
                "--another", ok=False), "There is already an account with that email address")
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    run(fresh, "setup", "--name", "B", "--admin-email", "b@example.org", "--another")
    refused(run(fresh, "users", "add", "x@example.org", "--role", "manager", ok=False),
            "there are several organisations: choose one with --organisation",
            "ty-example-care, b")
    run(fresh, "users", "add", "x@example.org", "--role", "manager", "--organisation", "b")


def test_setup_asks_for_what_it_is_not_given(fresh):
    out = run(fresh, "setup", stdin="Riverside Care\nadmin@example.org\n").stdout
    assert "The organisation's name" in out and "/staff/reset/" in out
    assert db.session.scalar(select(Organisation.slug)) == "riverside-care"


def test_invite_and_users_add_before_setup_say_to_run_setup(fresh):
    from reviewkit.services.setup import init_database

    init_database()
    for args in (["invite", "test-bank"], ["users", "add", "a@example.org", "--role", "admin"]):
        refused(run(fresh, *args, ok=False), "there is no organisation yet: run "
                "'reviewkit setup' first")
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


@pytest.mark.parametrize("args, words", [
    (["--role", "boss"], ["there is no role 'boss' (roles: admin, facilitator, manager, "
                          "translator)"]),
    (["--role", "facilitator", "--service", "nowhere"],
     ["there is no service 'nowhere' (services: elm-court, oak-house)"]),
    (["--role", "manager", "--password-stdin"], ["use at least 12 characters"]),
    (["--role", "manager", "--name", "N" * 201], ["Use 200 characters or fewer."]),
])
def test_users_add_refuses_unknown_roles_services_and_short_passwords(fresh, args, words):
    setup(fresh)
    admin = db.session.scalar(select(User))
    for name in ("Oak House", "Elm Court"):
        from reviewkit.services.organisation import save_service

        save_service(admin, name=name, slug=None, area_id=None)
    refused(run(fresh, "users", "add", "new@example.org", *args, stdin="short\n", ok=False),
            *words)
    assert db.session.scalar(select(User.id).filter_by(email="new@example.org")) is None


def test_users_add_with_a_password_from_stdin_can_sign_in_at_once(fresh):
    setup(fresh)
    out = run(fresh, "users", "add", "Tam@Example.org", "--role", "translator",
              "--password-stdin", stdin=PASSWORD + "\n").stdout
    assert "/staff/reset/" not in out
    client = fresh.test_client()
    assert pages_of(client)("/staff/login", {"email": "tam@example.org",
                                             "password": PASSWORD}).status == 302


def test_names_given_on_the_command_line_lose_control_characters_as_in_the_web_form(fresh):
    """``users add --name`` stored escape codes and bells (a name that recolours a terminal
    or a log); the web form takes them out, and now the command line does too (and
    ``setup``'s names); a name of nothing else is made from the email address."""
    run(fresh, "setup", "--name", "Tŷ\x1b[2J Example\x07 Care", "--admin-email",
        "boss@example.org", "--admin-name", "Bo\x08\x7f")
    assert db.session.scalar(select(Organisation.name)) == "Tŷ[2J Example Care"
    assert db.session.scalar(select(User.name).filter_by(email="boss@example.org")) == "Bo"
    out = run(fresh, "users", "add", "ann@example.org", "--role", "manager",
              "--name", "Ann\x1b[31m Jones\x07\t").stdout
    assert "\x1b" not in out and "\x07" not in out
    assert db.session.scalar(select(User.name).filter_by(email="ann@example.org")) == \
        "Ann[31m Jones"
    run(fresh, "users", "add", "cy@example.org", "--role", "manager", "--name", "\x1b\x07")
    assert db.session.scalar(select(User.name).filter_by(email="cy@example.org")) == "cy"


def test_invite_makes_links_for_the_organisation_it_is_told(fresh):
    """With several organisations (``setup --another``), ``invite`` asks which, as ``users
    add`` does, and never puts a link in the first organisation unasked."""
    from reviewkit.services.organisation import save_service

    setup(fresh)
    run(fresh, "setup", "--name", "Birch Trust", "--admin-email", "b@example.org", "--another")
    birch = db.session.scalar(select(Organisation).filter_by(slug="birch-trust"))
    admin = db.session.scalar(select(User).filter_by(email="b@example.org"))
    save_service(admin, name="Birch Lodge", slug=None, area_id=None)
    refused(run(fresh, "invite", "test-bank", "--service", "birch-lodge", ok=False),
            "there are several organisations: choose one with --organisation",
            "ty-example-care, birch-trust")
    refused(run(fresh, "invite", "test-bank", "--organisation", "nowhere", ok=False),
            "there is no organisation 'nowhere'")
    link = run(fresh, "invite", "test-bank", "--organisation", "birch-trust", "--service",
               "birch-lodge").stdout.strip()
    invitation = db.session.scalar(select(Invitation).filter_by(token=link.rsplit("/", 1)[1]))
    assert invitation.survey.organisation_id == birch.id
    assert invitation.survey.service.slug == "birch-lodge"
    # theming the statements too: which organisation's, never the first one's unasked
    refused(run(fresh, "themes", "run", "--service", "birch-lodge", ok=False),
            "there are several organisations: choose one with --organisation")
    themed = run(fresh, "themes", "run", "--organisation", "birch-trust", "--service",
                 "birch-lodge", ok=False)
    assert "organisation" not in themed.output and "no service" not in themed.output, \
        themed.output


def test_organisations_named_in_other_scripts_get_short_names_of_their_own(fresh):
    """A name with no Latin letters (Urdu, Arabic) makes no short name of its own; a second
    such organisation is numbered rather than refused as a clash the admin cannot see."""
    setup(fresh, name="ریور سائیڈ سپورٹ")
    out = run(fresh, "setup", "--name", "مركز الأمل", "--admin-email", "b@example.org",
              "--another").stdout
    assert "short name: organisation-2" in out
    assert db.session.scalars(select(Organisation.slug).order_by(Organisation.id)).all() == [
        "organisation", "organisation-2"]


def test_a_new_organisation_offers_every_language(fresh):
    """Phones offer every language, so a new organisation's settings say so too (none
    unticked that people can in fact choose)."""
    out = setup(fresh).stdout
    client = fresh.test_client()
    set_password_and_sign_in(client, out, "boss@example.org")
    page = Page(client.get("/staff/organisation/"))
    ticked = re.findall(r'name="languages" value="(\w+)" checked', page.html)
    assert ticked == list(fresh.config["LANGUAGES"])


# ---------------------------------------------------------------------------- the pages


@pytest.fixture
def admin_app(staff_app) -> Flask:
    return staff_app


def settings_data(**changes) -> dict:
    data = {"name": "Test Org", "zone": "Europe/London", "other_zone": "",
            "languages": ["en", "cy"], "answer_days": "28"}
    return {**data, **changes}


def test_settings_are_saved_and_shown_again(admin_app):
    client = signed_in(admin_app, "admin")
    form = Page(client.get("/staff/organisation/"))
    assert form.status == 200
    assert form.html.index("Europe/London") < form.html.index("Asia/Karachi")
    saved = post_form(client, "/staff/organisation/", settings_data(
        name="Riverside Care", zone="other", other_zone="America/New_York", answer_days="14"))
    assert saved.status == 302
    assert "The organisation's settings are saved" in Page(client.get("/staff/organisation/"))
    db.session.expire_all()
    org = db.session.scalar(select(Organisation))
    assert (org.name, org.timezone, org.languages, org.answer_days) == (
        "Riverside Care", "America/New_York", ["en", "cy"], 14)
    again = Page(client.get("/staff/organisation/"))
    assert 'value="America/New_York"' in again.html


@pytest.mark.parametrize("changes, message", [
    ({"zone": "other", "other_zone": "Mars/Olympus"}, "Enter a time zone like Europe/London"),
    ({"zone": "other", "other_zone": ""}, "Enter a time zone like Europe/London"),
    ({"answer_days": "four weeks"}, "Enter a number of days from 1 to 365, like 28."),
    ({"answer_days": "0"}, "Enter a number of days from 1 to 365."),
    ({"answer_days": "400"}, "Enter a number of days from 1 to 365."),
    ({"languages": []}, "Choose at least one language"),
    ({"name": " "}, "Enter the organisation's name"),
])
def test_settings_refused_with_a_message_and_nothing_typed_lost(admin_app, changes, message):
    client = signed_in(admin_app, "admin")
    sent = settings_data(**{"name": "A new name", **changes})
    page = post_form(client, "/staff/organisation/", sent)
    assert page.status == 400 and message in page and page.title.startswith("Error:")
    if sent["name"].strip():
        assert 'value="A new name"' in page.html
    if sent.get("other_zone"):
        assert f'value="{sent["other_zone"]}"' in page.html
    db.session.expire_all()
    org = db.session.scalar(select(Organisation))
    assert (org.name, org.answer_days) == ("Test Org", 28)


def test_services_and_areas_added_renamed_and_moved(admin_app):
    client = signed_in(admin_app, "admin")
    assert post_form(client, "/staff/organisation/areas", {"name": "South"}).status == 302
    south = db.session.scalar(select(Area).filter_by(name="South"))
    oak = db.session.scalar(select(Service).filter_by(slug="oak"))
    moved = post_form(client, f"/staff/organisation/services/{oak.id}",
                      {"name": "Oak House Flats", "slug": "oak", "area_id": str(south.id)})
    assert moved.status == 302
    db.session.refresh(oak)
    assert (oak.name, oak.area_id) == ("Oak House Flats", south.id)
    assert post_form(client, f"/staff/organisation/areas/{south.id}",
                     {"name": "South and East"}).status == 302
    db.session.refresh(south)
    assert south.name == "South and East"
    # refusals: a short name in use, a bad short name, an area name in use; what was typed kept
    clash = post_form(client, "/staff/organisation/services",
                      {"name": "Birch Lodge", "slug": "elm", "area_id": "0"})
    assert clash.status == 400 and "Another service has that short name" in clash
    assert 'value="Birch Lodge"' in clash.html
    bad = post_form(client, "/staff/organisation/services",
                    {"name": "Birch Lodge", "slug": "Birch Lodge!", "area_id": "0"})
    assert "Use lower-case letters, digits and hyphens only" in bad
    same = post_form(client, "/staff/organisation/areas", {"name": "north"})
    assert same.status == 400 and "There is already an area with that name" in same
    assert db.session.scalar(select(func.count(Service.id))) == 2


def test_only_admins_reach_the_organisation_pages(admin_app):
    oak = db.session.scalar(select(Service).filter_by(slug="oak"))
    area = db.session.scalar(select(Area))
    urls = ["/staff/organisation/", "/staff/organisation/services",
            f"/staff/organisation/services/{oak.id}", "/staff/organisation/areas",
            f"/staff/organisation/areas/{area.id}"]
    for role in ("facilitator", "manager", "translator"):
        client = signed_in(admin_app, role)
        assert [client.get(u).status_code for u in urls] == [403] * len(urls), role
        assert "Organisation settings" not in Page(client.get("/staff/"))
    admin = signed_in(admin_app, "admin")
    assert [admin.get(u).status_code for u in urls] == [200] * len(urls)


def test_another_organisations_services_and_areas_are_not_found(admin_app):
    other = Organisation(name="Other", slug="other")
    area = Area(organisation=other, name="Far away")
    service = Service(organisation=other, area=area, name="Theirs", slug="theirs")
    db.session.add_all([other, area, service])
    db.session.commit()
    client = signed_in(admin_app, "admin")
    for url in (f"/staff/organisation/services/{service.id}",
                f"/staff/organisation/areas/{area.id}"):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"name": "Mine now"}).status_code in (400, 404)
    # nor can a service of ours be put in their area
    oak = db.session.scalar(select(Service).filter_by(slug="oak"))
    moved = post_form(client, f"/staff/organisation/services/{oak.id}",
                      {"name": "Oak House", "slug": "oak", "area_id": str(area.id)})
    assert moved.status == 400
    db.session.refresh(service)
    db.session.refresh(oak)
    assert service.name == "Theirs" and oak.area_id != area.id


@pytest.mark.parametrize("url, data, message", [
    ("/staff/organisation/services", {"name": "Birch", "slug": "", "area_id": "{theirs}"},
     "فہرست میں سے کوئی علاقہ چنیں"),
    ("/staff/organisation/services", {"name": "Birch", "slug": "", "area_id": "north"},
     "فہرست میں سے کوئی علاقہ چنیں"),
    ("/staff/organisation/services", {"name": "Birch", "slug": "",
                                      "area_id": "99999999999999999999"},
     "فہرست میں سے کوئی علاقہ چنیں"),
    ("/staff/organisation/", settings_data(name="Birch", zone="Mars/Olympus"),
     "فہرست میں سے ایک چنیں۔"),
    ("/staff/organisation/", settings_data(name="Birch", languages=["en", "xx"]),
     "فہرست میں سے کم از کم ایک زبان چنیں۔"),
])
def test_a_choice_not_on_the_list_is_refused_in_the_pages_language(admin_app, url, data,
                                                                   message):
    """An id or a choice the page never offered (another organisation's area, a word where
    a number goes, a zone not in the list) gets the page's own message in its language, with
    what was typed kept, and nothing saved."""
    other = Organisation(name="Other", slug="other")
    area = Area(organisation=other, name="Far away")
    db.session.add_all([other, area])
    db.session.commit()
    client = signed_in(admin_app, "admin")
    sent = {k: v.replace("{theirs}", str(area.id)) if isinstance(v, str) else v
            for k, v in data.items()}
    page = post_form(client, url + "?lang=ur", sent)
    assert page.status == 400 and message in page, page.html[-3000:]
    assert "Not a valid choice" not in page and "coerce" not in page
    assert 'value="Birch"' in page.html
    assert db.session.scalar(select(func.count(Service.id)).filter_by(name="Birch")) == 0
    assert db.session.scalar(select(Organisation.name).filter_by(slug="test-org")) == "Test Org"


def test_a_time_zone_not_known_is_shown_beside_the_time_zone_typed(admin_app):
    client = signed_in(admin_app, "admin")
    page = post_form(client, "/staff/organisation/",
                     settings_data(zone="other", other_zone="Nowhere/Town"))
    assert page.status == 400
    assert re.search(r'id="other_zone-error">Enter a time zone like Europe/London<', page.html)
    assert 'href="#other_zone"' in page.html and 'id="name-error"' not in page.html


def test_every_problem_with_the_settings_is_shown_at_once(admin_app):
    """An empty name with 0 days showed only the name's error; the days' error came after it
    was put right (the service's rules ran only once the form passed). Every field's problem
    is now shown together, each beside its field and in the summary."""
    client = signed_in(admin_app, "admin")
    page = post_form(client, "/staff/organisation/", settings_data(
        name=" ", answer_days="0", languages=[], zone="other", other_zone="Nowhere/Town"))
    assert page.status == 400
    for field, message in [("name", "Enter the organisation's name"),
                           ("answer_days", "Enter a number of days from 1 to 365."),
                           ("other_zone", "Enter a time zone like Europe/London")]:
        assert f'id="{field}-error">{message}<' in page.html, field
        assert f'href="#{field}"' in page.html, field
    assert "Choose at least one language<" in page.html and 'href="#languages"' in page.html
    db.session.expire_all()
    org = db.session.scalar(select(Organisation))
    assert (org.name, org.answer_days) == ("Test Org", 28)


def test_a_time_zone_typed_is_used_whatever_the_list_says(admin_app):
    """A zone typed in "Another time zone" was dropped unless the list said "Another time
    zone": a zone typed wins over the list, and the page says so."""
    client = signed_in(admin_app, "admin")
    form = Page(client.get("/staff/organisation/"))
    assert "A time zone typed here is used instead of the one chosen in the list." in form
    saved = post_form(client, "/staff/organisation/", settings_data(
        zone="Europe/London", other_zone="America/New_York"))
    assert saved.status == 302
    db.session.expire_all()
    assert db.session.scalar(select(Organisation.timezone)) == "America/New_York"
    refused = post_form(client, "/staff/organisation/", settings_data(
        zone="Europe/London", other_zone="Nowhere/Town"))
    assert refused.status == 400 and 'id="other_zone-error"' in refused.html


# ---------------------------------------------------------------------------- the demo


def test_the_demo_facilitator_has_people_and_a_review_to_open(tmp_path):
    """Every login the demo prints leads somewhere real: the facilitator works at Oak House,
    where people have agreed to a review and one review is under way."""
    from conftest import initialised_app

    from reviewkit.config import REPO_ROOT
    from reviewkit.models import Review
    from reviewkit.services.demo import build_demo
    from reviewkit.services.users import DEMO_PASSWORD

    with initialised_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks")) as app:
        demo = build_demo()
        email = next(e for e, _p, role in demo.logins if role == "facilitator")
        client = app.test_client()
        assert pages_of(client)("/staff/login", {"email": email,
                                                 "password": DEMO_PASSWORD}).status == 302
        people = Page(client.get("/staff/people/"))
        assert "Nobody yet" not in people
        for name in ("Jo", "Sam", "Rhys"):
            assert f">{name}<" in people.html
        assert '<option value="' in people.html and "Oak House" in people.html  # a service
        review = db.session.scalar(select(Review).where(Review.person_id.isnot(None)))
        assert review.person.display_name == "Jo" and review.service.slug == "oak-house"
        heading = Page(client.get(f"/staff/reviews/{review.id}/h/like-and-admire"))
        assert heading.status == 200 and "I make people laugh" in heading
        assert "Ann (mum)" in heading
        actions = Page(client.get(f"/staff/reviews/{review.id}/actions"))
        assert actions.status == 200 and "Find a cooking class near Oak House" in actions
