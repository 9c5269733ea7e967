"""An event's date and time are the organisation's own clocks': typed as 10:30 in London in
June, the event starts at 09:30 UTC and every page, download and the edit form show 10:30;
in December it is 10:30 UTC. A time the clocks skip gets a message; one they show twice is
the first. The list compares instants, and the migration moves events stored the old way
(the typed time as if it were UTC) to the instant that was meant. Other stored instants
staff see (a consent, a finished review, an indicator number, a theme change, an action done,
the register's history) are shown on the organisation's clocks too."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import Page, make_app, pooled_themes, post_form, signed_in
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import JSON, Boolean, Integer, String, column, insert, select, table

from reviewkit.extensions import db
from reviewkit.models import Event, Organisation, Service, User
from reviewkit.models.base import UTCDateTime
from reviewkit.services import events as ev


@pytest.fixture
def app(staff_app):
    staff_app.config["TODAY"] = date(2026, 6, 10)
    staff_app.config["NOW"] = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    with staff_app.app_context():
        yield staff_app


def _oak() -> Service:
    return db.session.scalar(select(Service).filter_by(slug="oak"))


def _typed(client, day: str, at: str) -> Page:
    return post_form(client, "/staff/events/new", {
        "name": f"Big day {day}", "starts_on": day, "starts_time": at, "place": "Oak hall",
        "scope": f"service:{_oak().id}", "languages": ["en"], "method": "dots", "dots": "3"})


def _made(page: Page) -> Event:
    assert page.status == 302, page.html[-2000:]
    db.session.expire_all()
    return db.session.get(Event, int(page.response.headers["Location"].split("/")[-2]))


@pytest.mark.parametrize(("day", "instant"), [
    ("2026-06-20", datetime(2026, 6, 20, 9, 30, tzinfo=UTC)),  # British Summer Time
    ("2026-12-10", datetime(2026, 12, 10, 10, 30, tzinfo=UTC))])  # Greenwich Mean Time
def test_the_time_typed_is_londons_and_every_page_shows_it_as_typed(app, day, instant):
    client = signed_in(app, "facilitator")
    event = _made(_typed(client, day, "10:30"))
    assert event.starts_at == instant
    shown = f"{day} 10:30"
    assert shown in Page(client.get(f"/staff/events/{event.id}"))
    assert shown in Page(client.get("/staff/events/"))
    form = Page(client.get(f"/staff/events/{event.id}/edit"))
    assert f'value="{day}"' in form.html and 'value="10:30"' in form.html
    # saved again unchanged, it stays where it was
    again = post_form(client, f"/staff/events/{event.id}/edit", {
        "name": event.name, "starts_on": day, "starts_time": "10:30", "place": "Oak hall",
        "scope": f"service:{_oak().id}", "languages": ["en"], "method": "dots", "dots": "3"})
    assert again.status == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).starts_at == instant
    # the phone's page before voting opens, in the event's own time zone
    public = Page(app.test_client().get(f"/v/{ev.public_code(event)}"))
    assert f"{date.fromisoformat(day):%-d %B %Y}, 10:30" in public


def test_an_organisation_elsewhere_has_its_own_clocks(app):
    db.session.get(Organisation, _oak().organisation_id).timezone = "America/New_York"
    db.session.commit()
    client = signed_in(app, "facilitator")
    event = _made(_typed(client, "2026-06-20", "10:30"))
    assert event.starts_at == datetime(2026, 6, 20, 14, 30, tzinfo=UTC)
    assert "2026-06-20 10:30" in Page(client.get(f"/staff/events/{event.id}"))


def test_a_time_the_clocks_skip_is_explained_and_one_they_show_twice_is_the_first(app):
    client = signed_in(app, "facilitator")
    skipped = _typed(client, "2027-03-28", "01:30")
    assert skipped.status == 400 and skipped.title.startswith("Error:")
    assert ("The clocks go forward on 2027-03-28, so there is no 01:30 that day. Choose "
            "another time, for example 02:30.") in skipped
    assert 'value="Big day 2027-03-28"' in skipped.html and 'value="01:30"' in skipped.html
    assert db.session.scalar(select(Event)) is None
    twice = _made(_typed(client, "2026-10-25", "01:30"))  # 01:30 BST, then 01:30 GMT
    assert twice.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert "2026-10-25 01:30" in Page(client.get(f"/staff/events/{twice.id}"))


def _event(name: str, starts_at: datetime) -> Event:
    admin = db.session.scalar(select(User).filter_by(role="admin"))
    return ev.save_event(admin, name=name, starts_at=starts_at, place="Hall",
                         service_id=_oak().id, languages=["en"])


def _section(page: Page, key: str) -> str:
    return page.html.split(f'id="{key}-h"')[1].split("</section>")[0]


def test_the_list_compares_instants_and_never_opened_is_by_the_local_day(app):
    _event("Started", datetime(2026, 6, 20, 9, 30, tzinfo=UTC))  # 10:30 in London
    _event("Later", datetime(2026, 6, 20, 10, 0, tzinfo=UTC))  # 11:00 in London
    client = signed_in(app, "admin")
    del app.config["TODAY"]  # today is NOW's day in London
    app.config["NOW"] = datetime(2026, 6, 20, 9, 45, tzinfo=UTC)  # 10:45 in London
    page = Page(client.get("/staff/events/"))
    assert "Started" in _section(page, "past") and "Later" in _section(page, "upcoming")
    assert "(never opened)" not in page  # it is still that day
    app.config["NOW"] = datetime(2026, 6, 20, 23, 30, tzinfo=UTC)  # 00:30 on the 21st
    page = Page(client.get("/staff/events/"))
    assert _section(page, "past").count("(never opened)") == 2


def test_opened_closed_the_download_and_the_organisation_plan_are_on_the_local_clock(app):
    from reviewkit.reports import event_plan

    admin = db.session.scalar(select(User).filter_by(role="admin"))
    late = _event("Late", datetime(2026, 6, 20, 23, 30, tzinfo=UTC))  # 00:30 on 21 June
    for label in ("Buses", "Cooking"):
        ev.add_item(admin, late, label=label)
    ev.set_voting(admin, late, "open")
    ev.set_voting(admin, late, "closed")
    late.opened_at = datetime(2026, 6, 20, 23, 35, tzinfo=UTC)
    late.closed_at = datetime(2026, 6, 21, 0, 5, tzinfo=UTC)
    db.session.commit()
    client = signed_in(app, "admin")
    page = Page(client.get(f"/staff/events/{late.id}"))
    assert "2026-06-21 00:30" in page
    assert "opened 2026-06-21 00:35, closed 2026-06-21 01:05" in page
    sheet = load_workbook(io.BytesIO(client.get(f"/staff/events/{late.id}/results.xlsx").data)
                          ).active
    assert any(str(cell.value).startswith("2026-06-21, Hall.") for row in sheet.iter_rows()
               for cell in row)
    org = late.organisation_id
    assert [r.event.id for r in event_plan.build(org, date(2026, 6, 21), date(2026, 6, 21)
                                                 ).events] == [late.id]
    assert event_plan.build(org, date(2026, 6, 20), date(2026, 6, 20)).events == []


# ---------------------------------------------------------------------------- the migration

OLD_EVENT = table("event", column("id", Integer), column("organisation_id", Integer),
                  column("name", String), column("starts_at", UTCDateTime),
                  column("place", String), column("languages", JSON), column("access", JSON),
                  column("method", String), column("dots", Integer),
                  column("several_on_one", Boolean), column("voting", String),
                  column("codes_required", Boolean), column("public_code", String),
                  column("changed_at", UTCDateTime), column("created_at", UTCDateTime))
ORGANISATION = table("organisation", column("id", Integer), column("name", String),
                     column("slug", String), column("timezone", String),
                     column("created_at", UTCDateTime))
#: (organisation, time typed, the instant it was meant to be)
TYPED = [(1, datetime(2026, 6, 20, 14, 0), datetime(2026, 6, 20, 13, 0)),
         (1, datetime(2026, 12, 10, 14, 0), datetime(2026, 12, 10, 14, 0)),
         (1, datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 0, 30)),  # the first 01:30
         (2, datetime(2026, 6, 20, 14, 0), datetime(2026, 6, 20, 18, 0))]


def _starts(conn) -> list[datetime]:
    return list(conn.scalars(select(OLD_EVENT.c.starts_at).order_by(OLD_EVENT.c.id)))


def test_the_migration_moves_stored_events_to_the_instant_that_was_typed(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision="0014")
        now = datetime.now(UTC)
        with db.engine.begin() as conn:
            conn.execute(insert(ORGANISATION), [
                {"id": 1, "name": "London", "slug": "london", "timezone": "Europe/London",
                 "created_at": now},
                {"id": 2, "name": "New York", "slug": "ny", "timezone": "America/New_York",
                 "created_at": now}])
            conn.execute(insert(OLD_EVENT), [
                {"id": n, "organisation_id": org, "name": f"E{n}", "place": "Hall",
                 "starts_at": typed.replace(tzinfo=UTC), "languages": ["en"], "access": [],
                 "method": "dots", "dots": 3, "several_on_one": True, "voting": "draft",
                 "codes_required": False, "public_code": f"CODE{n}", "changed_at": now,
                 "created_at": now} for n, (org, typed, _meant) in enumerate(TYPED, 1)])
        upgrade(revision="0015")
        with db.engine.begin() as conn:
            assert _starts(conn) == [meant.replace(tzinfo=UTC) for _o, _t, meant in TYPED]
        downgrade(revision="0014")
        with db.engine.begin() as conn:
            assert _starts(conn) == [typed.replace(tzinfo=UTC) for _o, typed, _m in TYPED]
        db.engine.dispose()


# ---------------------------------------------------------------------------- other times

KOLKATA = ZoneInfo("Asia/Kolkata")  # 5 h 30 ahead of UTC all year: a time left in UTC shows


def test_staff_pages_show_stored_times_on_the_organisations_clocks(staff_app_today):
    from reviewkit.models import Person, ThemeEdit, ThemeSet
    from reviewkit.services import indicators as ind_svc
    from reviewkit.services import people as people_svc
    from reviewkit.services import plans
    from reviewkit.services import register as reg
    from reviewkit.services import reviews as rv
    from reviewkit.services.banks import latest_version

    oak = _oak()
    db.session.get(Organisation, oak.organisation_id).timezone = "Asia/Kolkata"
    admin = db.session.scalar(select(User).filter_by(role="admin"))
    person = Person(organisation_id=oak.organisation_id, service=oak, display_name="Al")
    db.session.add(person)
    db.session.commit()
    late = datetime(2026, 6, 20, 20, 0, tzinfo=UTC)  # 01:30 on 21 June in Kolkata
    people_svc.record_consent(admin, person, scope="pooled", given=True).recorded_at = late
    review = rv.start_review(admin, person, latest_version("person-centred-review"),
                             date(2026, 6, 20))
    review.finished_at = late
    db.session.commit()
    work = reg.save_work(admin, title="Oak plan", kind="local_plan", service_id=oak.id,
                         review_on=date(2027, 6, 1))
    indicator = ind_svc.save_indicator(admin, name="Visits", easy_read=None, pictogram=None,
                                       measures="outcome", source="entered", unit="count")
    ind_svc.enter_value(admin, indicator, period="2026-05", value=3).entered_at = late
    action = plans.create_action(admin, None, change="Open on Saturdays", owner="Lead",
                                 due_on=date(2026, 7, 1), status="done")
    action.done_at = action.created_at = late
    pooled_themes(admin, oak, [("t1", "The bus is late")], {"t1": "Buses"}, date(2026, 6, 1))
    theme_set = db.session.scalar(select(ThemeSet))
    db.session.add(ThemeEdit(theme_set_id=theme_set.id, user_id=admin.id, created_at=late,
                             edit={"op": "rename", "theme": "t1", "label": "Transport"}))
    db.session.commit()
    client = signed_in(staff_app_today, "admin")
    assert "2026-06-21: " in Page(client.get(f"/staff/people/{person.id}"))
    assert "Finished on 2026-06-21." in Page(client.get(f"/staff/reviews/{review.id}/summary"))
    assert "2026-06-21 01:30" in Page(client.get(f"/staff/indicators/{indicator.id}"))
    done = Page(client.get("/staff/analysis/plan")).html.split("Open on Saturdays")[1]
    assert "<dd>2026-06-21</dd>" in done.split("</dl>")[0]
    started = Page(client.get(f"/staff/analysis/plan/{action.id}/edit"))
    assert "<dd>2026-06-21</dd>" in started.html
    assert "<td>2026-06-21 01:30</td>" in Page(client.get("/staff/analysis/curate")).html
    plan_csv = client.get("/staff/analysis/plan.csv").get_data(as_text=True)
    assert "Open on Saturdays" in plan_csv and ",2026-06-21," in plan_csv
    history = Page(client.get(f"/staff/register/{work.id}/history")).html
    when = datetime.fromisoformat(history.split('<time datetime="')[1].split('"')[0])
    assert f">{when.astimezone(KOLKATA):%-d %B %Y, %H:%M}</time>" in history


def test_a_day_worked_out_from_a_stored_instant_is_the_organisations_day(staff_app_today):
    """What was said on a phone, an action done for an idea (its public page, the promises
    kept), counted on the day it was where the organisation is."""
    from reviewkit.models import Response
    from reviewkit.reports import register_dashboard, you_said_we_did
    from reviewkit.services import invitations as inv
    from reviewkit.services import plans
    from reviewkit.services import register as reg
    from reviewkit.services import responses as rsp
    from reviewkit.services.banks import latest_version
    from reviewkit.services.statements import statements_from_response

    oak = _oak()
    org = db.session.get(Organisation, oak.organisation_id)
    org.timezone = "Asia/Kolkata"
    admin = db.session.scalar(select(User).filter_by(role="admin"))
    late = datetime(2026, 6, 20, 20, 0, tzinfo=UTC)  # 01:30 on 21 June in Kolkata
    survey = inv.survey_for(latest_version("monthly-check-in"), oak, org)
    response = rsp.start_response(inv.create_invitations(survey, count=1)[0])
    rsp.set_consent(response, True)
    rsp.save_answer(response, "tell-us", "The bus is always late")
    rsp.submit(response)
    response = db.session.get(Response, response.id)
    response.submitted_at = late
    assert {s.said_on for s in statements_from_response(response)} == {date(2026, 6, 21)}

    work = reg.save_work(admin, title="Oak plan", kind="local_plan", service_id=oak.id,
                         review_on=date(2027, 6, 1))
    idea = reg.raise_idea(work, "Earlier buses", source="staff", today=date(2026, 6, 1))
    reg.answer_idea(admin, idea, decision="included", today=date(2026, 6, 2))
    for n in range(5):  # five, so that the share of promises kept is shown
        action = plans.create_action(admin, None, work=work, idea_id=idea.id, change=f"Bus {n}",
                                     owner="Lead", due_on=date(2026, 6, 20), status="done",
                                     public_sentence="We asked for an earlier bus.")
        action.done_at = late
    db.session.commit()
    page = Page(staff_app_today.test_client().get(f"/t/{reg.shown_code(idea.tracking_code)}"))
    assert "Done on 21 June 2026." in page
    assert {item.on for item in you_said_we_did.for_work(work).done} == {date(2026, 6, 21)}
    kept = register_dashboard.build(org.id, today=date(2026, 7, 1), answer_days=30)
    assert {p.actions_on_time for p in kept} == {0.0}  # done a day after they were due
