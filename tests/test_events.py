"""Local events and their votes, on a real database: an event for a service or an area, a ballot
from themes and from the day, dot voting and ranking from phones (changed, repeated, refused),
single-use codes, assisted votes and paper tallies, the results, and the local plan the top
priorities become."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import pooled_themes
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import (
    Area,
    Ballot,
    Event,
    Organisation,
    Service,
    User,
    Vote,
    Work,
)
from reviewkit.reports.event_results import results, table
from reviewkit.reports.table import HIDDEN
from reviewkit.services import events as ev
from reviewkit.services.events import EventError

WHEN = datetime(2026, 6, 20, 10, 30, tzinfo=UTC)


@pytest.fixture
def org(staff_app):
    with staff_app.app_context():
        yield db.session.scalar(select(Organisation))


def _user(role: str) -> User:
    return db.session.scalar(select(User).filter_by(role=role))


def _service(slug: str) -> Service:
    return db.session.scalar(select(Service).filter_by(slug=slug))


def _event(method="dots", **fields) -> Event:
    event = ev.save_event(_user("facilitator"), name="Oak House big day", starts_at=WHEN,
                          place="Oak House hall", service_id=_service("oak").id,
                          languages=["en", "cy"], access=["step_free", "hearing_loop"],
                          method=method, **fields)
    for label in ("Transport", "Cooking", "Holidays", "Work"):
        ev.add_item(_user("facilitator"), event, label=label)
    return event


def _items(event: Event) -> dict[str, int]:
    return {i.label: i.id for i in event.items}


def test_an_event_is_for_a_service_or_an_area_and_says_what_access_is_missing(org):
    facilitator = _user("facilitator")  # works at Oak House only
    event = _event()
    assert event.public_code and event.voting == "draft"
    assert event.missing_access == ["quiet_room", "easy_read", "interpreter", "bsl"]
    for fields, field in [
            ({"service_id": _service("elm").id}, "scope"),  # not one of theirs
            ({"service_id": None}, "scope"),  # neither a service nor an area
            ({"service_id": _service("oak").id, "languages": ["xx"]}, "languages"),
            ({"service_id": _service("oak").id, "dots": 0}, "dots"),
            ({"service_id": _service("oak").id, "access": ["lift"]}, "access")]:
        with pytest.raises(EventError) as refused:
            ev.save_event(facilitator, name="x", starts_at=WHEN, place="y", **fields)
        assert refused.value.field == field, fields
    area = db.session.scalar(select(Area))
    north = ev.save_event(facilitator, name="North day", starts_at=WHEN, place="Library",
                          area_id=area.id)  # the area of their service
    assert ev.visible_event_ids(facilitator) == {event.id, north.id}
    assert ev.visible_event_ids(_user("manager")) is None


def test_dot_votes_are_checked_changed_and_counted_once(org):
    event = _event(dots=3, several_on_one=False)
    items = _items(event)
    with pytest.raises(EventError):  # not open yet
        ev.cast(event, voter_key="phone-1", choices={items["Transport"]: 1})
    ev.set_voting(_user("facilitator"), event, "open")
    for choices in ({items["Transport"]: 2}, {items["Transport"]: 1, items["Cooking"]: 1,
                    items["Holidays"]: 1, items["Work"]: 1}, {999999: 1}, {}):
        with pytest.raises(EventError):
            ev.cast(event, voter_key="phone-1", choices=choices)
    assert db.session.scalar(select(func.count(Ballot.id))) == 0  # nothing stored
    first = ev.cast(event, voter_key="phone-1", choices={items["Transport"]: 1,
                                                         items["Cooking"]: 1},
                    language="cy", easy_read=True, submit_key="s1")
    again = ev.cast(event, voter_key="phone-1", choices={items["Work"]: 1}, submit_key="s1")
    assert again.id == first.id  # the same submit twice: counted once, unchanged
    assert {v.item_id for v in first.votes} == {items["Transport"], items["Cooking"]}
    ev.cast(event, voter_key="phone-1", choices={items["Transport"]: 1, items["Work"]: 1},
            submit_key="s2")  # changed, keeping one item
    ev.cast(event, voter_key="phone-1", choices={items["Work"]: 1}, submit_key="s3")
    ev.cast(event, voter_key="phone-2", choices={items["Work"]: 1, items["Cooking"]: 1})
    res = results(event)
    assert [(r.item.label, r.total) for r in res.items[:2]] == [("Work", 2), ("Cooking", 1)]
    assert res.phones == 2 and res.by_language == {"cy": 1, "en": 1}
    ev.set_voting(_user("facilitator"), event, "closed")
    with pytest.raises(EventError):
        ev.cast(event, voter_key="phone-3", choices={items["Work"]: 1})


def test_ranking_counts_points_and_first_choices_with_paper_and_assisted_votes(org):
    event = _event(method="rank")
    items = _items(event)
    facilitator = _user("facilitator")
    with pytest.raises(EventError):  # paper votes are counted once voting has opened
        ev.add_tally(facilitator, event, {(items["Cooking"], 1): 2})
    ev.set_voting(facilitator, event, "open")
    with pytest.raises(EventError):  # the same item twice
        ev.cast(event, voter_key="p", choices=[items["Cooking"], items["Cooking"]])
    ev.cast(event, voter_key="p1", choices=[items["Transport"], items["Cooking"]])
    ev.cast(event, voter_key="p2", choices=[items["Cooking"], items["Transport"],
                                            items["Work"]])
    ev.cast(event, voter_key=ev.new_voter_key(), choices=[items["Holidays"]],
            channel="assisted", entered_by=facilitator)
    sheet = ev.add_tally(facilitator, event, {(items["Cooking"], 1): 2, (items["Work"], 2): 1},
                         note="Sticky dots on the wall")
    wrong = ev.add_tally(facilitator, event, {(items["Work"], 1): 40})
    ev.withdraw_tally(facilitator, wrong)  # entered by mistake: kept, not counted
    with pytest.raises(EventError):
        ev.add_tally(facilitator, event, {(items["Work"], None): 3})  # no place given
    res = results(event)
    by = {r.item.label: r for r in res.items}
    assert (by["Cooking"].phone, by["Cooking"].paper, by["Cooking"].total) == (5, 6, 11)
    assert by["Cooking"].firsts == 3 and by["Cooking"].place == 1
    assert by["Transport"].total == 5 and by["Work"].total == 1 + 2
    assert by["Holidays"].assisted == 3 and res.assisted == 1 and res.sheets == 1
    assert sheet.entered_by_id == facilitator.id and sheet.entered_at is not None
    # a commissioner's download hides counts from 1 to 4; the projector page shows them all
    rows = {row[1]: row for row in table(res).rows}
    assert rows["Transport"][4] == 5 and rows["Work"][4] is HIDDEN
    assert table(res, suppress_small=False).rows[-1][4] != HIDDEN
    # hidden, a count could be worked out from the total and the other channels: totals only
    assert "phone_points" not in table(res).header
    assert "phone_points" in table(res, suppress_small=False).header


def test_single_use_codes_allow_exactly_one_ballot_each(org):
    event = _event(codes_required=True)
    items = _items(event)
    facilitator = _user("facilitator")
    ev.set_voting(facilitator, event, "open")
    one, two = (c.code for c in ev.make_codes(facilitator, event, 2))
    with pytest.raises(EventError) as refused:
        ev.cast(event, voter_key="a", choices={items["Work"]: 1})
    assert refused.value.field == "code"
    ev.cast(event, voter_key="a", choices={items["Work"]: 1}, code=one.lower())
    ev.cast(event, voter_key="a", choices={items["Cooking"]: 1}, code=one)  # changed: fine
    with pytest.raises(EventError):  # another phone with the same card
        ev.cast(event, voter_key="b", choices={items["Work"]: 1}, code=one)
    ev.cast(event, voter_key="b", choices={items["Work"]: 1}, code=f"{two[:4]}-{two[4:]}")
    assert db.session.scalar(select(func.count(Ballot.id))) == 2
    assert db.session.scalar(select(func.count(Vote.id))) == 2


def test_the_ballot_comes_from_the_services_themes_and_the_top_priorities_become_a_plan(org):
    facilitator = _user("facilitator")
    oak = _service("oak")
    pooled_themes(facilitator, oak, [("t1", "The bus is late"), ("t1", "No bus on Sunday"),
                                     ("t2", "I want to cook")],
                  {"t1": "Buses", "t2": "Cooking"}, WHEN.date())
    event = ev.save_event(facilitator, name="Oak day", starts_at=WHEN, place="Hall",
                          service_id=oak.id)
    assert [(c.id, c.label, c.statements) for c in ev.theme_choices(event)] == [
        ("t1", "Buses", 2), ("t2", "Cooking", 1)]
    with pytest.raises(EventError):
        ev.add_theme_items(facilitator, event, ["t9"])
    ev.add_theme_items(facilitator, event, ["t1", "t2", "t1"])
    ev.set_voting(facilitator, event, "open")
    day = ev.add_item(facilitator, event, label="A garden")
    assert day.added_on_day and [i.label for i in event.items] == ["Buses", "Cooking",
                                                                   "A garden"]
    items = _items(event)
    for key in ("a", "b", "c"):
        ev.cast(event, voter_key=key, choices={items["Buses"]: 2, items["A garden"]: 1})
    with pytest.raises(EventError):  # voting still open
        ev.make_local_plan(facilitator, event, [items["Buses"]])
    ev.set_voting(facilitator, event, "closed")
    top = [r.item.id for r in results(event).top()]
    assert top == [items["Buses"], items["A garden"]]
    work = ev.make_local_plan(facilitator, event, top)
    assert ev.make_local_plan(facilitator, event, top).id == work.id  # once only
    assert work.kind == "local_plan" and work.service_id == oak.id
    assert db.session.get(Work, work.parent_id).kind == "organisation_plan"
    ideas = sorted(work_ideas(work), key=lambda i: i.id)
    assert [(i.text, i.source, i.decision, i.theme_id) for i in ideas] == [
        ("Buses", "ballot", "included", "t1"), ("A garden", "ballot", "included", None)]


def work_ideas(work):
    from reviewkit.models import Idea

    return db.session.scalars(select(Idea).filter_by(work_id=work.id)).all()
