"""The dates staff type in the co-production forms (events, the register's actions, parts,
answers, investigations and reviews, a review's actions), through HTTP on a real database:
a new or changed date that has already passed is refused beside its field (an overdue item
stays editable with its date as it is; an action already done and an event that already
happened may have a past date), impossible dates and absurd years get a message of their
own, "today" is the organisation's own day, and every form shows all its problems at once,
listed at the top with a link to each field."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import STAFF_TODAY, Page, post_form, signed_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Event, Organisation, PlanAction, Service, User
from reviewkit.services import events as ev
from reviewkit.services import register as reg

TODAY = STAFF_TODAY


@pytest.fixture
def app(staff_app_today):
    return staff_app_today


def _admin() -> User:
    return db.session.scalar(select(User).filter_by(role="admin"))


def _oak() -> Service:
    return db.session.scalar(select(Service).filter_by(slug="oak"))


def _included_idea():
    """A piece of work of Oak House and an idea of it, included: ready for an action."""
    work = reg.save_work(_admin(), title="Oak House plan", kind="local_plan",
                         service_id=_oak().id, review_on=TODAY + timedelta(days=200))
    idea = reg.raise_idea(work, "Earlier buses", source="staff", today=TODAY)
    reg.answer_idea(_admin(), idea, decision="included", today=TODAY)
    return work, idea


def _action(**changes) -> dict:
    return {"change": "Ask for an earlier bus", "owner": "Priya Shah",
            "starts_on": TODAY.isoformat(), "due_on": "2026-09-01", "status": "planned",
            "public_sentence": "", "root_cause": "", "success": ""} | changes


def problems(page: Page) -> list[str]:
    """The messages beside the fields, in the order of the page."""
    return [html.unescape(m) for m in re.findall(
        r'<p class="error-message"[^>]*>(.*?)</p>', page.html)]


def summary_links(page: Page) -> list[str]:
    """Where each link of the error summary at the top of the page goes."""
    box = page.html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)"', box)


# ---------------------------------------------------------------------------- past dates


def test_a_new_action_due_on_a_day_that_has_passed_is_refused_unless_it_is_done(app):
    work, idea = _included_idea()
    client = signed_in(app, "facilitator")
    url = f"/staff/register/{work.id}/ideas/{idea.id}/action"
    late = post_form(client, url, _action(starts_on="2026-06-01", due_on="2026-06-14"))
    assert late.status == 400
    assert problems(late) == ["This date has passed. Choose a date from today on, or set the "
                              "status to done."]
    assert 'value="2026-06-14"' in late.html and "Ask for an earlier bus" in late
    assert db.session.scalar(select(PlanAction)) is None
    assert post_form(client, url, _action(due_on=TODAY.isoformat())).status == 302
    done = post_form(client, url, _action(change="Done already", starts_on="2026-05-01",
                                          due_on="2026-06-01", status="done"))
    assert done.status == 302  # recording work already done


def test_an_overdue_action_stays_editable_but_its_date_cannot_move_into_the_past(app):
    work, idea = _included_idea()
    action = reg.add_action(_admin(), work, idea, change="Ask for an earlier bus",
                            owner="Priya Shah", starts_on=date(2026, 4, 1),
                            due_on=date(2026, 5, 31), status="planned")  # agreed in April
    client = signed_in(app, "facilitator")
    url = f"/staff/register/{work.id}/actions/{action.id}"
    kept = post_form(client, url, _action(owner="Transport team", starts_on="2026-04-01",
                                          due_on="2026-05-31", status="in_progress"))
    assert kept.status == 302
    moved = post_form(client, url, _action(owner="Someone else", starts_on="2026-04-01",
                                           due_on="2026-06-10", status="in_progress"))
    assert moved.status == 400 and "This date has passed" in moved and "Someone else" in moved
    db.session.expire_all()
    assert (action.owner, action.due_on) == ("Transport team", date(2026, 5, 31))


def _event_fields(**changes) -> dict:
    return {"name": "Oak House big day", "starts_on": "2026-07-01", "starts_time": "10:30",
            "place": "The hall", "scope": f"service:{_oak().id}", "languages": "en",
            "method": "dots", "dots": "3", "several_on_one": "y"} | changes


def test_a_new_event_on_a_past_day_is_refused_unless_it_has_already_happened(app):
    client = signed_in(app, "facilitator")
    past = post_form(client, "/staff/events/new", _event_fields(starts_on="2026-06-01"))
    assert past.status == 400
    assert problems(past) == ["This date has passed. Choose today (15 June 2026) or a later "
                              "date; for an event that has already happened, tick “It has "
                              "already happened”."]
    assert 'value="2026-06-01"' in past.html and 'value="Oak House big day"' in past.html
    assert db.session.scalar(select(Event)) is None
    # the sticky dots of a coffee morning last week, recorded afterwards
    held = post_form(client, "/staff/events/new", _event_fields(starts_on="2026-06-08",
                                                                already_held="y"))
    assert held.status == 302
    assert db.session.scalar(select(Event)).starts_at.date() == date(2026, 6, 8)
    assert post_form(client, "/staff/events/new", _event_fields(
        name="Today", starts_on=TODAY.isoformat())).status == 302


def test_an_event_whose_day_has_passed_can_still_be_renamed(app):
    event = ev.save_event(_admin(), name="Big day", starts_at=datetime(2026, 5, 2, 10, 0,
                                                                       tzinfo=UTC),
                          place="The hall", service_id=_oak().id)
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}/edit"
    renamed = post_form(client, url, _event_fields(name="Oak House big day",
                                                   starts_on="2026-05-02"))
    assert renamed.status == 302
    moved = post_form(client, url, _event_fields(starts_on="2026-05-03"))
    assert moved.status == 400 and "This date has passed" in moved
    db.session.expire_all()
    assert (event.name, event.starts_at.date()) == ("Oak House big day", date(2026, 5, 2))


@pytest.mark.parametrize("typed, message", [
    ("2027-02-31", "Enter a real date: check the day and the month, for example 2027-03-31."),
    ("2027-13-01", "Enter a real date: check the day and the month, for example 2027-03-31."),
    ("20255-08-01", "Enter the year with 4 figures, for example 2027-03-31."),
    ("0202-08-01", "Enter a year from 2000 on, for example 2027-03-31."),
    ("2199-01-01", "Choose a date within the next 10 years."),
    ("next Tuesday", "Enter the date as year, month and day, for example 2027-03-31."),
])
def test_impossible_dates_and_absurd_years_get_their_own_message(app, typed, message):
    work, idea = _included_idea()
    client = signed_in(app, "facilitator")
    page = post_form(client, f"/staff/register/{work.id}/ideas/{idea.id}/action",
                     _action(due_on=typed))
    assert page.status == 400 and problems(page) == [message]
    assert f'value="{typed}"' in page.html
    event = post_form(client, "/staff/events/new", _event_fields(starts_on=typed))
    assert event.status == 400 and problems(event) == [message]


def test_a_date_that_happened_cannot_be_ahead_or_centuries_ago(app):
    work, _idea = _included_idea()
    client = signed_in(app, "facilitator")
    signed = post_form(client, f"/staff/register/{work.id}/add/signature", {
        "name": "Riverside People First", "capacity": "", "signed_on": "2026-06-16"})
    assert problems(signed) == ["This date is after today (15 June 2026): choose today or an "
                                "earlier date."]
    old = post_form(client, f"/staff/register/{work.id}/add/signature", {
        "name": "Riverside People First", "capacity": "", "signed_on": "1026-06-01"})
    assert problems(old) == ["Enter a year from 2000 on, for example 2027-03-31."]


def test_today_is_the_day_it_is_where_the_organisation_is(staff_app):
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) are always on different days: Pago Pago's
    today has already passed in Kiritimati."""
    with staff_app.app_context():
        org = db.session.scalar(select(Organisation))
        pago_today = datetime.now(ZoneInfo("Pacific/Pago_Pago")).date().isoformat()
        client = signed_in(staff_app, "facilitator")
        org.timezone = "Pacific/Kiritimati"
        db.session.commit()
        ahead = post_form(client, "/staff/events/new", _event_fields(starts_on=pago_today))
        assert ahead.status == 400 and "This date has passed" in ahead
        org.timezone = "Pacific/Pago_Pago"
        db.session.commit()
        assert post_form(client, "/staff/events/new",
                         _event_fields(starts_on=pago_today)).status == 302


# ---------------------------------------------------------------------------- all at once


def test_the_action_form_shows_every_problem_at_once_with_a_summary(app):
    """Empty, a finish before its start and a forged status: three messages in one go, each
    beside its field and linked from the summary at the top (they came one at a time)."""
    work, idea = _included_idea()
    client = signed_in(app, "facilitator")
    page = post_form(client, f"/staff/register/{work.id}/ideas/{idea.id}/action", _action(
        change="", starts_on="2026-09-01", due_on="2026-08-01", status="finished"))
    assert page.status == 400 and page.title.startswith("Error:")
    assert problems(page) == ["Say what will change",
                              "The finish date must be on or after the start date.",
                              "Choose one from the list."]
    assert summary_links(page) == ["change", "due_on", "status"]
    for name in summary_links(page):
        assert f'id="{name}"' in page.html


def test_the_other_register_forms_show_every_problem_at_once(app):
    work, idea = _included_idea()
    client = signed_in(app, "facilitator")
    part = post_form(client, f"/staff/register/{work.id}/add/part", {
        "title": "", "starts_on": "2026-09-01", "finishes_on": "2026-08-01"})
    assert problems(part) == ["Enter what this part is",
                              "The finish date must be on or after the start date."]
    partner = post_form(client, f"/staff/register/{work.id}/add/partner", {
        "kind": "person", "name": "", "organisation": "", "role": "", "credit": "organisation"})
    assert problems(partner) == ["Enter their name", "Enter their organisation, to credit it."]
    typed = post_form(client, f"/staff/register/{work.id}/ideas/new", {
        "text": "", "raised_on": "2026-06-16", "language": "en", "credit": "name",
        "credit_as": ""})
    assert problems(typed) == ["Write the idea here",
                               "The date they raised it cannot be after today.",
                               "Write the name to credit, or choose not to be credited."]
    other = reg.raise_idea(work, "A garden", source="staff", today=TODAY)
    managers = signed_in(app, "manager")
    answer = post_form(managers, f"/staff/register/{work.id}/ideas/{other.id}", {
        "decision": "not_yet", "reason": "", "decide_by": TODAY.isoformat(), "cost": "lots",
        "cost_note": ""})
    assert problems(answer) == [
        "Give the reason: it is needed for every answer but “included”.",
        "Choose a date after today (15 June 2026).",
        "Enter the cost in pounds, like 1500 or 1500.50."]
    review = post_form(client, f"/staff/register/{work.id}/review", {
        "reviewed_on": "2026-06-10", "what_changed": "", "ideas_until": "2026-06-01",
        "next_review_on": "2026-06-10"})
    assert problems(review) == ["Say what changed since the last review",
                                "This date has passed: choose today (15 June 2026) or a later "
                                "date.",
                                "This date has passed: choose today (15 June 2026) or a later "
                                "date."]
    review = post_form(client, f"/staff/register/{work.id}/review", {
        "reviewed_on": "2026-06-16", "what_changed": "", "ideas_until": "",
        "next_review_on": "2026-06-20"})
    assert problems(review) == ["The review date cannot be after today.",
                                "Say what changed since the last review"]
    assert db.session.scalar(select(PlanAction)) is None


def test_an_investigation_shows_its_problems_at_once(app):
    work, idea = _included_idea()
    action = reg.add_action(_admin(), work, idea, change="Ask for an earlier bus",
                            owner="Priya Shah", starts_on=date(2026, 1, 1),
                            due_on=date(2026, 7, 31), status="planned")
    action.moved_on = date(2026, 3, 1)  # nothing has moved since March: stalled
    db.session.commit()
    managers = signed_in(app, "manager")
    page = post_form(managers, f"/staff/register/{work.id}/actions/{action.id}/investigate",
                     {"why": "", "next_steps": "", "new_date": "2026-06-15"})
    assert problems(page) == ["Say why it has not moved", "Say what will be done",
                              "Choose a date after today (15 June 2026)."]


def test_the_indicator_forms_show_every_problem_at_once(app):
    """No name and a count's target below 0 (the target came only once the name was given);
    a period not yet started and a number that is not whole, together."""
    client = signed_in(app, "admin")
    made = post_form(client, "/staff/indicators/new", {
        "name": "", "measures": "outcome", "source": "entered", "unit": "count",
        "target": "-5", "good": "up", "frequency": "quarter", "breakdown": "area",
        "scope": f"service:{_oak().id}"})
    assert problems(made) == ["Enter the indicator's name", "A count target is 0 or more.",
                              "An indicator of one service cannot be split by area."]
    assert summary_links(made) == ["name", "target", "breakdown"]
    made = post_form(client, "/staff/indicators/new", {
        "name": "People in paid work", "measures": "outcome", "source": "entered",
        "unit": "count", "target": "10", "good": "up", "frequency": "quarter",
        "breakdown": "none"})
    assert made.status == 302
    url = made.response.headers["Location"]
    page = Page(client.get(url))
    entered = Page(client.post(f"{url}/values", data={
        "period": "2026-Q4", "value": "2.5", "where": "", "csrf_token": page.csrf}))
    assert entered.status == 400
    assert problems(entered) == ["This period has not started yet: enter numbers for this "
                                 "period or earlier ones.",
                                 "Enter a whole number, for example 3."]


def test_the_service_form_shows_every_problem_at_once(app):
    client = signed_in(app, "admin")
    page = post_form(client, "/staff/organisation/services", {
        "name": "", "slug": "Birch Lodge!", "area_id": "999999"})
    assert page.status == 400
    assert problems(page) == ["Enter the service's name",
                              "Use lower-case letters, digits and hyphens only, like oak-house",
                              "Choose an area from the list"]
    assert 'value="Birch Lodge!"' in page.html
    taken = post_form(client, "/staff/organisation/services", {
        "name": "oak house", "slug": "ELM", "area_id": "999999"})
    assert problems(taken) == ["Another service has that name",
                               "Another service has that short name",
                               "Choose an area from the list"]
    oak = _oak()
    kept = post_form(client, f"/staff/organisation/services/{oak.id}", {
        "name": "Oak House", "slug": "oak", "area_id": str(oak.area_id)})
    assert kept.status == 302  # its own names are not taken


def test_overdue_is_counted_from_the_same_today_as_the_forms(staff_app):
    """An action due 10 days ago by the calendar is not yet overdue on a day 30 days ago (the
    app's today): the review's actions, the dashboard and the action plan agree with the
    forms (they counted from the server's UTC calendar)."""
    from reviewkit.models import Person
    from reviewkit.services import plans as plans_svc
    from reviewkit.services import reviews as rv
    from reviewkit.services.banks import latest_version

    today = date.today() - timedelta(days=30)
    due = date.today() - timedelta(days=10)
    staff_app.config["TODAY"] = today
    with staff_app.app_context():
        manager = db.session.scalar(select(User).filter_by(role="manager"))
        person = Person(organisation_id=_oak().organisation_id, service=_oak(),
                        display_name="Al")
        db.session.add(person)
        db.session.commit()
        review = rv.start_review(manager, person, latest_version("person-centred-review"),
                                 today)
        rv.add_action(review, what="Book the dentist", who="Alex", due_on=due)
        plans_svc.create_action(manager, None, change="Earlier buses", owner="Transport team",
                                due_on=due, status="planned")
        facilitator, client = signed_in(staff_app, "facilitator"), signed_in(staff_app, "manager")
        url = f"/staff/reviews/{review.id}/actions"
        actions = Page(facilitator.get(url))
        assert "Book the dentist" in actions and "overdue" not in actions.html.split("<h2")[0]
        assert "Overdue actions" not in Page(facilitator.get("/staff/"))
        plan = Page(client.get("/staff/analysis/plan"))
        assert "Earlier buses" in plan and "overdue" not in plan.html.lower()
        staff_app.config["TODAY"] = due + timedelta(days=1)
        assert "overdue" in Page(facilitator.get(url)).html.split("<h2")[0]
        assert "Overdue actions" in Page(facilitator.get("/staff/"))
        assert "overdue" in Page(client.get("/staff/analysis/plan")).html


def test_the_event_form_shows_every_problem_at_once_once_voting_has_started(app):
    """No name and a change to how people vote once voting is open: both at once (the vote's
    rule came only after the name was given)."""
    event = ev.save_event(_admin(), name="Big day", starts_at=datetime(2026, 6, 20, 10, 30,
                                                                       tzinfo=UTC),
                          place="The hall", service_id=_oak().id)
    for label in ("Buses", "Cooking"):
        ev.add_item(_admin(), event, label=label)
    ev.set_voting(_admin(), event, "open")
    client = signed_in(app, "facilitator")
    url = f"/staff/events/{event.id}/edit"
    page = post_form(client, url, _event_fields(name="", starts_on="2026-06-20",
                                                method="rank"))
    assert problems(page) == ["Enter the name of the event",
                              "Voting has started, so how people vote cannot change."]
    assert summary_links(page) == ["name", "method"]
    assert post_form(client, url, _event_fields(name="Oak House big day",
                                                starts_on="2026-06-20")).status == 302
