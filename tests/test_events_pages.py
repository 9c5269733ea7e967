"""Local events' staff pages through HTTP, on a real database: a facilitator makes an event
(what was typed kept when it is refused), builds its ballot from the service's themes and by
hand with words in Welsh, opens voting, votes with a person on the tablet, enters paper
tallies and withdraws one, closes voting and makes the local plan, whose priorities get
actions with a root cause and what success looks like. A facilitator of another service sees
none of it, a manager sees the results (small numbers hidden) and changes nothing, and every
id in a URL or a form is checked."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import Page, pooled_themes, post_form, signed_in
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import (
    Ballot,
    BallotItem,
    Event,
    Idea,
    Organisation,
    PlanAction,
    Service,
    TallySheet,
    User,
    Work,
)
from reviewkit.services import events as ev

WHEN = datetime(2026, 6, 20, 10, 30, tzinfo=UTC)


@pytest.fixture
def app(staff_app):
    staff_app.config["TODAY"] = date(2026, 6, 15)
    with staff_app.app_context():
        yield staff_app




def _get(model, id_: int):
    """A row as the requests left it (they use their own sessions)."""
    db.session.expire_all()
    return db.session.get(model, id_)


def _user(role: str) -> User:
    return db.session.scalar(select(User).filter_by(role=role))


def _service(slug: str) -> Service:
    return db.session.scalar(select(Service).filter_by(slug=slug))


def _themes(org_id: int, service: Service) -> None:
    """Two themes of Oak House's pooled statements: buses (2) and cooking (1)."""
    pooled_themes(_user("admin"), service, [("t1", "The bus is late"),
                                            ("t1", "No bus on Sunday"),
                                            ("t2", "I want to cook")],
                  {"t1": "Buses", "t2": "Cooking"}, WHEN.date())


def _event(slug: str = "oak", **fields) -> Event:
    admin = _user("admin")
    event = ev.save_event(admin, name=f"{slug} day", starts_at=WHEN, place="Hall",
                          service_id=_service(slug).id, languages=["en", "cy"], **fields)
    for label in ("Transport", "Cooking", "Holidays"):
        ev.add_item(admin, event, label=label)
    return event


EVENT = {"name": "Oak House big day", "starts_on": "2026-06-20", "starts_time": "10:30",
         "place": "Oak House hall", "languages": ["en", "cy"], "access": ["step_free"],
         "access_notes": "The ramp is at the side door.", "method": "dots", "dots": "3",
         "several_on_one": "y"}


def test_a_facilitator_makes_an_event_and_what_was_typed_is_kept_when_it_is_refused(app):
    client = signed_in(app, "facilitator")
    oak = _service("oak")
    blank = Page(client.get("/staff/events/new"))
    assert blank.status == 200 and "A British Sign Language interpreter." in blank
    assert f'value="service:{oak.id}"' in blank.html
    assert f'value="service:{_service("elm").id}"' not in blank.html  # not theirs

    for changed, message in [
            ({"starts_time": "25:99"}, "Enter the time as hours and minutes"),
            ({"languages": []}, "Choose at least one language"),
            ({"languages": ["en", "xx"]}, "Choose one from the list."),
            ({"access": ["lift"]}, "Choose one from the list."),
            ({"scope": f"service:{_service('elm').id}"}, "Choose one from the list."),
            ({"dots": "lots"}, "Enter a whole number"),
            ({"dots": "40"}, "Enter a whole number from 1 to 20."),
            ({"starts_on": "20/6/2026"}, "Enter the date as year, month and day")]:
        bad = post_form(client, "/staff/events/new", {**EVENT, "scope": f"service:{oak.id}",
                                                  **changed})
        assert bad.status == 400 and message in bad, changed
        assert 'value="Oak House big day"' in bad.html and "The ramp is at the side door." in bad
        assert bad.title.startswith("Error:")
    assert db.session.scalar(select(func.count(Event.id))) == 0

    made = post_form(client, "/staff/events/new", {**EVENT, "scope": f"service:{oak.id}"})
    assert made.status == 302, made.html[-3000:]
    event = db.session.scalar(select(Event))
    assert made.response.headers["Location"].endswith(f"/staff/events/{event.id}/ballot")
    assert (event.starts_at, event.service_id, event.languages, event.access, event.dots) == (
        WHEN - timedelta(hours=1), oak.id, ["en", "cy"], ["step_free"], 3)  # 10:30 in London
    assert event.created_by_id == _user("facilitator").id

    page = Page(client.get(f"/staff/events/{event.id}"))
    assert page.status == 200 and "Access that is missing" in page
    assert "Hearing loop" in page and "The ramp is at the side door." in page
    listed = Page(client.get("/staff/events/"))
    assert "Oak House big day" in listed and "Missing:" in listed

    changed = post_form(client, f"/staff/events/{event.id}/edit", {
        **EVENT, "scope": f"service:{oak.id}", "access": list(ev.ACCESS), "method": "rank"})
    assert changed.status == 302
    db.session.refresh(event)
    assert event.method == "rank" and event.missing_access == []
    assert "Access that is missing" not in Page(client.get(f"/staff/events/{event.id}"))


def test_a_ballot_with_no_themes_says_who_works_them_out_to_those_who_cannot(app):
    """A facilitator cannot see the "Themes and gaps" pages the message sent them to."""
    event = ev.save_event(_user("facilitator"), name="Oak day", starts_at=WHEN, place="Hall",
                          service_id=_service("oak").id, languages=["en"])
    url = f"/staff/events/{event.id}/ballot"
    facilitator = Page(signed_in(app, "facilitator").get(url))
    assert "A manager or an admin works the themes out; until then, type the items." in \
        facilitator and "“Themes and gaps” pages" not in facilitator
    assert "“Themes and gaps” pages" in Page(signed_in(app, "admin").get(url))


def test_a_themes_name_in_another_language_is_marked_on_the_ballot_page(app):
    """A theme named from Welsh statements, offered on the English ballot page, is marked as
    Welsh so a screen reader reads it in Welsh (WCAG 3.1.2); its I statement is under it."""
    from reviewkit.models import ThemeEdit, ThemeSet

    org = db.session.scalar(select(Organisation))
    oak = _service("oak")
    _themes(org.id, oak)
    ts = db.session.scalar(select(ThemeSet))
    ts.result = {"themes": [{"id": "t1", "label": "Bysiau hwyr", "language": "cy"},
                            {"id": "t2", "label": "Cooking", "language": "en"}]}
    ts.edits = [ThemeEdit(edit={"op": "i_statement", "theme": "t1",
                                "text": "I want the bus on time"})]
    db.session.commit()
    event = ev.save_event(_user("facilitator"), name="Oak day", starts_at=WHEN, place="Hall",
                          service_id=oak.id)
    page = Page(signed_in(app, "facilitator").get(f"/staff/events/{event.id}/ballot"))
    labels = page.html.split('id="themes-h"', 1)[1]
    assert '<span lang="cy">Bysiau hwyr</span></label>' in labels
    assert ">Cooking</label>" in labels
    assert "“I want the bus on time” · 2 statements" in page


def test_the_ballot_from_themes_and_by_hand_with_its_words_in_welsh(app):
    org = db.session.scalar(select(Organisation))
    oak = _service("oak")
    _themes(org.id, oak)
    event = ev.save_event(_user("facilitator"), name="Oak day", starts_at=WHEN, place="Hall",
                          service_id=oak.id, languages=["en", "cy"])
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}/ballot"
    ballot = Page(client.get(url))
    assert "Buses" in ballot and "2 statements" in ballot and "1 statement" in ballot

    forged = post_form(client, url, {"themes": ["t1", "t9"]})
    assert forged.status == 400 and "Choose one from the list." in forged
    assert post_form(client, url, {"themes": []}).status == 400
    assert post_form(client, url, {"themes": ["t1", "t2"]}).status == 302
    assert [(i.label, i.theme_id) for i in event.items] == [("Buses", "t1"), ("Cooking", "t2")]
    assert "Buses" not in Page(client.get(url)).html.split("Add items from themes")[1]

    empty = post_form(client, f"/staff/events/{event.id}/items/new", {"label": "",
                                                                 "easy_read": "Go out"})
    assert empty.status == 400 and "Go out" in empty
    assert post_form(client, f"/staff/events/{event.id}/items/new", {
        "label": "A garden", "easy_read": "Grow food", "picture": "sun"}).status == 302
    garden = db.session.scalar(select(BallotItem).filter_by(label="A garden"))
    assert (garden.picture, garden.added_on_day) == ("sun", False)

    item_url = f"/staff/events/{event.id}/items/{garden.id}"
    form = Page(client.get(item_url))
    assert "What people vote for, in Cymraeg (optional)" in form and 'lang="cy"' in form.html
    forged = post_form(client, item_url, {"label": "A garden", "picture": "../../etc"})
    assert forged.status == 400 and "Choose one from the list." in forged
    assert post_form(client, item_url, {
        "label": "A garden", "easy_read": "Grow food", "picture": "sun",
        "label_cy": "Gardd", "easy_read_cy": "Tyfu bwyd"}).status == 302
    db.session.refresh(garden)
    assert garden.words("cy") == ("Gardd", "Tyfu bwyd", True)
    assert "Cymraeg" in Page(client.get(url))  # translated into

    cooking = db.session.scalar(select(BallotItem).filter_by(label="Cooking"))
    assert client.post(f"/staff/events/{event.id}/items/{cooking.id}/remove",
                       data={"csrf_token": Page(client.get(url)).csrf}).status_code == 302
    assert [i.label for i in db.session.scalars(select(BallotItem))] == ["Buses", "A garden"]


def test_voting_opened_assisted_votes_paper_tallies_closed_and_the_local_plan(app):
    event = _event(several_on_one=False)
    items = {i.label: i.id for i in event.items}
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}"
    assert "Voting is not open" in Page(client.get(f"{url}/assisted"))
    assert "Open voting first" in Page(client.get(f"{url}/tally"))
    assert post_form(client, url, {}).status == 405  # the page itself takes no posts
    opened = Page(client.post(f"{url}/voting", data={
        "state": "open", "csrf_token": Page(client.get(url)).csrf}))
    assert opened.status == 302 and _get(Event, event.id).voting == "open"
    page = Page(client.get(url))
    assert "Close voting" in page and "Voting open" in page
    if "voting.vote" in app.view_functions:
        assert f"http://rk.test/v/{ev.public_code(event)}" in page
        assert f"/v/{ev.public_code(event)}/live" in page

    # a vote with a person on the tablet: the same choices as a phone, counted once
    form = Page(client.get(f"{url}/assisted"))
    key = form.html.split('name="ballot_key" value="')[1].split('"')[0]
    too_many = Page(client.post(f"{url}/assisted", data={
        "csrf_token": form.csrf, "ballot_key": key, f"item_{items['Transport']}": "2"}))
    assert too_many.status == 400 and "Enter a whole number from 0 to 3." not in too_many
    assert "Put one dot on each thing you choose." in too_many
    assert f'value="{key}"' in too_many.html and 'value="2"' in too_many.html
    vote = {"csrf_token": form.csrf, "ballot_key": key, f"item_{items['Transport']}": "1",
            f"item_{items['Cooking']}": "1"}
    for _twice in range(2):
        assert Page(client.post(f"{url}/assisted", data=vote)).status == 302
    ballot = db.session.scalar(select(Ballot))
    assert db.session.scalar(select(func.count(Ballot.id))) == 1
    assert (ballot.channel, ballot.entered_by_id) == ("assisted", _user("facilitator").id)
    forged = Page(client.post(f"{url}/assisted", data={**vote, "ballot_key": "phone-key",
                                                      f"item_{items['Cooking']}": "9"}))
    assert forged.status == 400 and db.session.scalar(select(func.count(Ballot.id))) == 1

    # paper tallies: a number for each item; who and when kept; a wrong sheet withdrawn
    bad = post_form(client, f"{url}/tally", {f"item_{items['Transport']}": "many",
                                         f"item_{items['Holidays']}": "4", "note": "Wall"})
    assert bad.status == 400 and "Enter a whole number" in bad and 'value="many"' in bad.html
    assert 'value="Wall"' in bad.html and 'value="4"' in bad.html
    assert post_form(client, f"{url}/tally", {f"item_{items['Transport']}": "",
                                          "note": ""}).status == 400  # nothing counted
    for counts in ({"Transport": "6", "Holidays": "4"}, {"Holidays": "40"}):
        assert post_form(client, f"{url}/tally", {f"item_{items[k]}": v for k, v in
                                              counts.items()}).status == 302
    wrong = db.session.scalar(select(TallySheet).order_by(TallySheet.id.desc()))
    tally = Page(client.get(f"{url}/tally"))
    assert "by Facilitator" in tally and "Holidays 40" in tally
    assert Page(client.post(f"{url}/tally/{wrong.id}/withdraw",
                            data={"csrf_token": tally.csrf})).status == 302
    assert _get(TallySheet, wrong.id).withdrawn_at is not None
    assert "Withdrawn" in Page(client.get(f"{url}/tally"))

    page = Page(client.get(url))
    rows = page.html.split("<tbody>")[-1]
    assert rows.index("Transport") < rows.index("Holidays") < rows.index("Cooking")
    assert "<td>7</td>" in rows  # Transport: 1 assisted + 6 on paper
    download = client.get(f"{url}/results.csv")
    assert download.status_code == 200 and "no-store" in download.headers["Cache-Control"]
    table = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["1", "Transport", "", "no", "0", "1", "6", "7"] in table  # all shown: they run it
    xlsx = client.get(f"{url}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"{url}/results.pdf").status_code == 404

    # the local plan: only once voting has closed; the top 3 ticked
    assert client.get(f"{url}/plan").status_code == 302
    closed = Page(client.post(f"{url}/voting", data={
        "state": "closed", "csrf_token": Page(client.get(url)).csrf}))
    assert closed.status == 302 and _get(Event, event.id).voting == "closed"
    plan = Page(client.get(f"{url}/plan"))
    assert plan.status == 200 and plan.html.count("checked") == 3
    assert post_form(client, f"{url}/plan", {"items": ["999999"]}).status == 400
    made = post_form(client, f"{url}/plan", {"items": [str(items["Transport"]),
                                                    str(items["Holidays"])]})
    assert made.status == 302
    work = db.session.scalar(select(Work).filter_by(kind="local_plan"))
    assert made.response.headers["Location"].endswith(f"/staff/register/{work.id}")
    assert client.get(f"{url}/plan").headers["Location"].endswith(f"/staff/register/{work.id}")
    assert work.title in Page(client.get(url))
    ideas = db.session.scalars(select(Idea).where(Idea.work_id == work.id)
                               .order_by(Idea.id)).all()
    assert [(i.text, i.decision) for i in ideas] == [("Transport", "included"),
                                                      ("Holidays", "included")]

    # each priority gets its actions: what will change, root cause, success, owner, dates
    action_url = f"/staff/register/{work.id}/ideas/{ideas[0].id}/action"
    form = Page(client.get(action_url))
    assert "Root cause (optional)" in form and "What success looks like (optional)" in form
    assert post_form(client, action_url, {
        "change": "A minibus on Saturdays", "root_cause": "The Saturday bus was cut",
        "success": "Everyone who wants to can get to town", "owner": "Team leader",
        "starts_on": "2026-07-01", "due_on": "2026-12-31", "status": "planned",
        "public_sentence": ""}).status == 302
    action = db.session.scalar(select(PlanAction).where(PlanAction.work_id == work.id))
    assert (action.root_cause, action.success) == ("The Saturday bus was cut",
                                                   "Everyone who wants to can get to town")
    changed = post_form(client, f"/staff/register/{work.id}/actions/{action.id}", {
        "change": "A minibus on Saturdays", "root_cause": "", "success": "x" * 2001,
        "owner": "Team leader", "starts_on": "2026-07-01", "due_on": "2026-12-31",
        "status": "planned", "public_sentence": ""})
    assert changed.status == 400 and "This is too long" in changed


def test_codes_are_made_and_shown_with_whether_each_was_used(app):
    event = _event(codes_required=True)
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}/codes"
    assert post_form(client, url, {"count": "501"}).status == 400
    assert post_form(client, url, {"count": "4"}).status == 302
    ev.set_voting(_user("admin"), event, "open")
    codes = [c.code for c in ev.make_codes(_user("admin"), event, 1)]
    ev.cast(event, voter_key="phone", choices={event.items[0].id: 1}, code=codes[0])
    page = Page(client.get(url))
    assert page.html.count('class="code"') == 5 and ev.shown_code(codes[0]) in page
    assert page.html.count("<td>Yes</td>") == 1


def test_made_codes_are_counted_in_the_form_of_the_word_that_fits_the_number(app):
    """'Made 1 code.', not 'Made 1 codes.'; in Polish 2 and 5 take different forms (kody,
    kodów), which one translation of 'Made %(n)d codes.' could not give."""
    event = _event(codes_required=True)
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}/codes"
    for count, said in ((1, "Made 1 code."), (4, "Made 4 codes.")):
        assert post_form(client, url, {"count": str(count)}).status == 302
        assert said in Page(client.get(url)), count
    assert "Single-use codes (5 made)" in Page(client.get(f"/staff/events/{event.id}"))
    for count, said in ((2, "Utworzono 2 kody."), (5, "Utworzono 5 kodów.")):
        assert post_form(client, f"{url}?lang=pl", {"count": str(count)}).status == 302
        assert said in Page(client.get(f"{url}?lang=pl")), count


def test_a_facilitator_of_another_service_sees_none_of_its_events(app):
    elm = _event("elm")
    item, client = elm.items[0], signed_in(app, "facilitator")  # works at Oak House only
    ev.set_voting(_user("admin"), elm, "open")
    sheet = ev.add_tally(_user("admin"), elm, {(item.id, None): 2})
    base = f"/staff/events/{elm.id}"
    for url in (base, f"{base}/edit", f"{base}/ballot", f"{base}/items/new",
                f"{base}/items/{item.id}", f"{base}/tally", f"{base}/assisted",
                f"{base}/codes", f"{base}/plan", f"{base}/results.csv"):
        assert client.get(url).status_code == 404, url
    token = Page(client.get("/staff/events/")).csrf
    for url in (f"{base}/voting", f"{base}/items/{item.id}/remove",
                f"{base}/tally/{sheet.id}/withdraw"):
        assert client.post(url, data={"csrf_token": token, "state": "closed"}
                           ).status_code == 404, url
    assert "elm day" not in Page(client.get("/staff/events/"))
    assert _get(Event, elm.id).voting == "open"
    assert _get(TallySheet, sheet.id).withdrawn_at is None


def test_forged_ids_of_another_event_or_organisation_are_not_found(app):
    oak, other = _event(), _event()
    ev.set_voting(_user("admin"), other, "open")
    sheet = ev.add_tally(_user("admin"), other, {(other.items[0].id, None): 2})
    client = signed_in(app, "admin")
    assert client.get(f"/staff/events/{oak.id}/items/{other.items[0].id}").status_code == 404
    token = Page(client.get("/staff/events/")).csrf
    assert client.post(f"/staff/events/{oak.id}/tally/{sheet.id}/withdraw",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/staff/events/{oak.id}/items/{other.items[0].id}/remove",
                       data={"csrf_token": token}).status_code == 404
    assert len(_get(Event, other.id).items) == 3

    # an event of another organisation, even for its own admin's id
    from reviewkit.models import Role
    from reviewkit.services.users import create_user

    org = Organisation(name="Elsewhere", slug="elsewhere")
    there = Service(organisation=org, name="There", slug="there")
    db.session.add_all([org, there])
    db.session.commit()
    stranger = create_user(org, "admin@elsewhere.org", "Them", "correct horse 1", Role.ADMIN)
    db.session.commit()
    theirs = ev.save_event(stranger, name="Their day", starts_at=WHEN, place="There",
                           service_id=there.id)
    assert client.get(f"/staff/events/{theirs.id}").status_code == 404
    assert client.get(f"/staff/events/{theirs.id}/results.csv").status_code == 404
    assert "Their day" not in Page(client.get("/staff/events/"))
    # an event for another organisation's service cannot be made either
    refused = post_form(client, "/staff/events/new", {**EVENT, "scope": f"service:{there.id}"})
    assert refused.status == 400 and db.session.scalar(
        select(func.count(Event.id)).where(Event.organisation_id != org.id)) == 2


def test_a_manager_sees_results_with_small_numbers_hidden_and_changes_nothing(app):
    event = _event()
    items = {i.label: i.id for i in event.items}
    admin = _user("admin")
    ev.set_voting(admin, event, "open")
    ev.add_tally(admin, event, {(items["Transport"], None): 12, (items["Cooking"], None): 3})
    client = signed_in(app, "manager")
    url = f"/staff/events/{event.id}"
    page = Page(client.get(url))
    assert page.status == 200 and "oak day" in page
    assert "Close voting" not in page and "Change the ballot" not in page
    rows = {row.split("</th>")[0].split(">")[-1]: row for row in page.html.split(
        "<tbody>")[-1].split("<tr>")[1:]}
    assert "<td>12</td>" in rows["Transport"] and "not shown" in rows["Cooking"]
    assert "<td>3</td>" not in rows["Cooking"].split("</th>")[1]
    table = list(csv.reader(io.StringIO(client.get(f"{url}/results.csv").get_data(
        as_text=True).lstrip("\ufeff"))))
    cooking = next(row for row in table if len(row) > 1 and row[1] == "Cooking")
    assert "hidden" in cooking and "3" not in cooking
    assert "New event" not in Page(client.get("/staff/events/"))
    assert client.get("/staff/events/new").status_code == 403
    token = page.csrf
    for path, data in [("/staff/events/new", {**EVENT, "scope": f"service:{_service('oak').id}"}),
                       (f"{url}/voting", {"state": "closed"}),
                       (f"{url}/items/{items['Cooking']}/remove", {})]:
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count(Event.id))) == 1
    assert _get(Event, event.id).voting == "open" and len(event.items) == 3
    admins = list(csv.reader(io.StringIO(signed_in(app, "admin").get(
        f"{url}/results.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert ["2", "Cooking", "", "no", "0", "0", "3", "3"] in admins


def test_export_votes_writes_every_vote_and_tally_count_and_never_who(app, tmp_path):
    from reviewkit.cli import main

    event = _event(method="rank")
    items = {i.label: i.id for i in event.items}
    admin = _user("admin")
    ev.set_voting(admin, event, "open")
    ev.cast(event, voter_key="phone-key-1", choices=[items["Transport"], items["Cooking"]])
    ev.cast(event, voter_key="assisted-key", choices=[items["Holidays"]], channel="assisted",
            entered_by=admin)
    ev.add_tally(admin, event, {(items["Cooking"], 1): 7})
    wrong = ev.add_tally(admin, event, {(items["Transport"], 2): 40})
    ev.withdraw_tally(admin, wrong)
    runner = app.test_cli_runner()

    out = tmp_path / "votes.csv"
    result = runner.invoke(main, ["export", "votes", str(out)])
    assert result.exit_code == 0 and "5 votes written" in result.output, result.output
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["item_label"], r["rank"], r["count"], r["channel"], bool(r["withdrawn_at"]))
            for r in rows] == [("Transport", "1", "1", "phone", False),
                               ("Cooking", "2", "1", "phone", False),
                               ("Holidays", "1", "1", "assisted", False),
                               ("Cooking", "1", "7", "paper", False),
                               ("Transport", "2", "40", "paper", True)]
    assert {(r["event_id"], r["event_name"], r["event_date"], r["method"]) for r in rows} == {
        (str(event.id), "oak day", "2026-06-20", "rank")}
    assert all(r["time"] and r["dots"] == "" for r in rows)
    for secret in ("phone-key-1", "assisted-key", "Admin", "admin@example.org"):
        assert secret not in text

    for bad, message in [(tmp_path / "votes.txt", "must end in .csv"),
                         (tmp_path / "nowhere" / "votes.csv", "there is no folder"),
                         (tmp_path, "is a directory")]:
        result = runner.invoke(main, ["export", "votes", str(bad)])
        assert result.exit_code != 0 and message in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instance", "votes.csv"]


def test_an_event_offers_the_languages_the_organisation_offers(app):
    """The organisation's settings choose the languages offered at events: only those are
    boxes to tick on a new event, one not offered is refused, and an event that has one
    already keeps it."""
    org = db.session.scalar(select(Organisation).filter_by(slug="test-org"))
    oak = _service("oak")
    older = ev.save_event(_user("admin"), name="Earlier day", starts_at=WHEN, place="Hall",
                          service_id=oak.id, languages=["en", "ur"])
    org.languages = ["en", "cy"]
    db.session.commit()
    client = signed_in(app, "facilitator")
    blank = Page(client.get("/staff/events/new"))
    assert 'name="languages" value="cy"' in blank.html
    assert 'name="languages" value="ur"' not in blank.html
    bad = post_form(client, "/staff/events/new", {**EVENT, "scope": f"service:{oak.id}",
                                                  "languages": ["en", "ur"]})
    assert bad.status == 400 and "Choose one from the list." in bad
    assert 'value="Oak House big day"' in bad.html
    kept = Page(client.get(f"/staff/events/{older.id}/edit"))
    assert 'name="languages" value="ur" checked' in kept.html


def test_a_manager_is_not_shown_how_many_ballots_or_sheets_when_from_1_to_4(app):
    """The line above the results counts ballots by phone, with a facilitator and paper
    sheets: from 1 to 4 they are "not shown" to a manager, as in the table; those who run
    the event see them."""
    event = _event()
    items = {i.label: i.id for i in event.items}
    admin = _user("admin")
    ev.set_voting(admin, event, "open")
    for key in ("phone-1", "phone-2"):
        ev.cast(event, voter_key=key, choices={items["Transport"]: 1})
    for _ in range(2):
        ev.add_tally(admin, event, {(items["Transport"], None): 6})
    url = f"/staff/events/{event.id}"
    manager = Page(signed_in(app, "manager").get(url))
    results = manager.html.split('id="results-h"')[1].split("</section>")[0]
    assert "2 votes from phones" not in results and "2 paper tally sheets" not in results
    assert "Votes from phones: not shown; with a facilitator: 0; paper tally sheets: not shown" \
        in results
    runner = Page(signed_in(app, "admin").get(url)).html
    assert "2 votes from phones" in runner and "2 paper tally sheets" in runner


def test_a_local_plan_made_on_a_welsh_page_is_named_in_welsh(app):
    """The plan made from the top priorities was always called '<event>: local plan', in
    English whatever language the facilitator worked in."""
    event = _event()
    items = [i.id for i in event.items]
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}"
    for state in ("open", "closed"):
        assert Page(client.post(f"{url}/voting", data={
            "state": state, "csrf_token": Page(client.get(url)).csrf})).status == 302
    made = post_form(client, f"{url}/plan?lang=cy", {"items": [str(items[0])]})
    assert made.status == 302
    work = db.session.scalar(select(Work).filter_by(kind="local_plan"))
    assert work.title == f"{event.name}: cynllun lleol"
