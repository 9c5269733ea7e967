"""The demo's local events, where people voted on their top priorities, made through the events
and register services as if they had happened:

- **Oak House big day**, four months ago: dot voting (3 dots, several on one item) from
  phones, with a facilitator on the tablet and sticky dots on the wall; its local plan has
  actions done, started and planned;
- **West area voting day**, six weeks ago, in Welsh and English: "rank your top 3" from phones,
  with a facilitator and on paper (one sheet withdrawn: it was counted twice); its local plan's
  actions have just started;
- **What next at Tŷ Celyn?**, open for voting now, so a newcomer can vote from their own phone
  and watch the projector page.

The same items come back at each event (by their words), so the organisation plan rolls them
up. Every action says what will change, the root cause, what success looks like, who owns it
and its dates. The data is the same every time (a seeded random); dates count back from today.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import select

from ..extensions import db
from ..models import Area, Ballot, Event, Idea, Organisation, Service, TallySheet, User, Vote
from ..models.history import acting_as, versioning_manager
from ..reports.event_results import results
from . import events as ev
from . import plans
from . import register as reg
from .clock import instant, organisation_zone


@dataclass(frozen=True)
class Item:
    label: str
    easy_read: str
    picture: str
    cy: tuple[str, str]  # the label and easy read in Welsh


ITEMS = {
    "transport": Item("Getting about: buses and lifts", "Help to get to the places I want to go.",
                      "place", ("Mynd o gwmpas: bysiau a lifftiau",
                                "Help i fynd i'r llefydd rydw i eisiau mynd.")),
    "weekends": Item("Things to do at weekends", "More to do on Saturday and Sunday.",
                     "calendar", ("Pethau i'w gwneud ar y penwythnos",
                                  "Mwy i'w wneud ar ddydd Sadwrn a dydd Sul.")),
    "cooking": Item("Learning to cook", "Lessons to cook my own food.", "tea",
                    ("Dysgu coginio", "Gwersi i goginio fy mwyd fy hun.")),
    "holidays": Item("Holidays", "A holiday away from home.", "sun",
                     ("Gwyliau", "Gwyliau i ffwrdd o gartref.")),
    "work": Item("Work and volunteering", "A job, or helping out.", "tools",
                 ("Gwaith a gwirfoddoli", "Swydd, neu helpu.")),
    "staff": Item("Staff who stay", "The same staff, who know me.", "people",
                  ("Staff sy'n aros", "Yr un staff, sy'n fy nabod i.")),
    "told": Item("Being told about changes", "Tell me before things change.", "talk",
                 ("Cael gwybod am newidiadau", "Dweud wrtha i cyn i bethau newid.")),
}


@dataclass(frozen=True)
class Act:
    """An action of a priority. Days count from today (negative: that many days ago)."""

    priority: str  # an item's key
    change: str
    root_cause: str
    success: str
    owner: str
    made: int
    starts: int
    due: int
    moved: int | None = None  # then in progress
    done: int | None = None  # then done, with "you said, we did"
    said: str | None = None


@dataclass(frozen=True)
class Day:
    name: str
    place: str
    day: int  # days from today
    service: str | None  # a service's slug, or
    area: str | None  # an area's name
    method: str
    items: tuple[str, ...]
    liked: tuple[int, ...]  # how much people favour each item (weights, in the order above)
    phones: int
    assisted: int
    languages: tuple[str, ...] = ("en",)
    access: tuple[str, ...] = ()
    access_notes: str | None = None
    paper: tuple[dict[str, int], ...] = ()  # item -> dots (or first choices, ranking)
    withdrawn: dict[str, int] | None = None  # a sheet counted twice by mistake
    partners: tuple[tuple[str, str, str], ...] = ()  # kind, name, credit
    acts: tuple[Act, ...] = ()


OAK = Day(
    "Oak House big day", "Oak House hall, 12 Mill Lane", -120, "oak-house", None, "dots",
    ("weekends", "transport", "cooking", "holidays", "work", "staff"), (9, 7, 6, 4, 3, 2), 42, 6,
    access=("step_free", "hearing_loop", "quiet_room", "easy_read"),
    access_notes="No BSL interpreter could come; the ballot was read aloud and shown on the "
                 "wall.",
    paper=({"weekends": 11, "transport": 8, "cooking": 9, "holidays": 3, "work": 2},),
    partners=(("organisation", "Oak House residents' meeting", "name"),
              ("organisation", "Riverside People First", "name")),
    acts=(
        Act("weekends", "A Saturday club at Oak House, with a trip out once a month",
            "Most staff work on weekdays, so there was little on at weekends.",
            "Everyone who wants to do something at the weekend can, every weekend.",
            "Team leader, Oak House", -112, -100, 30, moved=-25),
        Act("transport", "Book the community minibus for Saturday trips",
            "The Saturday bus was cut, and taxis cost too much for most people.",
            "Nobody misses a trip because there is no way to get there.",
            "Area manager, North", -112, -90, -10, done=-12,
            said="The community minibus now takes people on Saturday trips."),
        Act("cooking", "Cooking lessons in the Oak House kitchen, two evenings a week",
            "People were never shown how, and staff cooked for everyone to save time.",
            "Everyone who wants to can cook a meal on their own.",
            "Support worker lead, Oak House", -110, -60, 60, moved=-20),
    ))
WEST = Day(
    "West area voting day", "Canolfan Gymunedol Llanfair", -45, None, "West", "rank",
    ("transport", "staff", "told", "cooking", "holidays", "weekends"), (9, 8, 6, 4, 4, 3), 31, 4,
    languages=("en", "cy"),
    access=("step_free", "hearing_loop", "quiet_room", "easy_read", "interpreter", "bsl"),
    access_notes="Everything in Welsh and English; a BSL interpreter all day.",
    paper=({"transport": 6, "staff": 4, "told": 2}, {"staff": 3, "transport": 2, "told": 3}),
    withdrawn={"transport": 6, "staff": 4, "told": 2},
    partners=(("organisation", "Tŷ Celyn tenants' group", "name"),
              ("person", "Gwen Morgan", "name")),
    acts=(
        Act("transport", "Travel training in every village, with a buddy for the first trips",
            "The country buses are few, and the timetables are hard to read.",
            "Four in five people who want to can get to town on their own.",
            "Travel trainer", -40, -30, 120, moved=-10),
        Act("staff", "Recruit staff who speak Welsh for nights and weekends",
            "Few Welsh speakers applied: the adverts were only in English.",
            "Every shift has someone who speaks Welsh.", "HR manager", -40, -20, 150),
        Act("told", "A letter in easy read, in Welsh and English, two weeks before any change",
            "Changes were decided in team meetings and told to people on the day.",
            "Nobody is surprised by a change at home.", "Team leaders in the west", -38, -35, 30,
            moved=-5),
    ))
OPEN = Day(
    "What next at Tŷ Celyn?", "Tŷ Celyn lounge", 0, "ty-celyn", None, "dots",
    ("cooking", "holidays", "weekends", "work", "told"), (6, 7, 4, 3, 2), 9, 1,
    languages=("en", "cy", "ur"), access=("step_free", "quiet_room", "easy_read"))


@contextmanager
def _on(day: date) -> Iterator[None]:
    """A step of the story on ``day``: the services date it so, and the register's history
    is stamped with it. Put back afterwards."""
    missing = object()
    before = current_app.config.get("TODAY", missing)
    minute = [10 * 60]

    def stamp(_mapper, _connection, transaction) -> None:
        minute[0] += 2
        transaction.issued_at = datetime.combine(day, time()) + timedelta(minutes=minute[0])

    current_app.config["TODAY"] = day
    sa_event.listen(versioning_manager.transaction_cls, "before_insert", stamp)
    try:
        yield
    finally:
        sa_event.remove(versioning_manager.transaction_cls, "before_insert", stamp)
        if before is missing:
            current_app.config.pop("TODAY", None)
        else:
            current_app.config["TODAY"] = before


def _ballot(spec: Day, keys: list[str], rnd: random.Random, dots: int) -> dict | list:
    weights = list(spec.liked)
    if spec.method == "rank":
        chosen: list[str] = []
        while len(chosen) < 3:
            key = rnd.choices(keys, weights)[0]
            if key not in chosen:
                chosen.append(key)
        return chosen
    return dict(Counter(rnd.choices(keys, weights, k=dots)))


def _event(spec: Day, org: Organisation, user: User, today: date, rnd: random.Random
           ) -> Event:
    when = instant(today + timedelta(days=spec.day), time(10, 30), organisation_zone(org.id))
    if spec.day == 0:  # open now: it started an hour ago
        when = datetime.now(UTC).replace(microsecond=0, second=0) - timedelta(hours=1)
    scope = ({"service_id": db.session.scalar(select(Service.id).filter_by(
        organisation_id=org.id, slug=spec.service))} if spec.service else
        {"area_id": db.session.scalar(select(Area.id).filter_by(organisation_id=org.id,
                                                                 name=spec.area))})
    event = ev.save_event(user, name=spec.name, starts_at=when, place=spec.place,
                          languages=spec.languages, access=spec.access,
                          access_notes=spec.access_notes, method=spec.method, dots=3, **scope)
    for key in spec.items:
        item = ev.add_item(user, event, label=ITEMS[key].label,
                           easy_read=ITEMS[key].easy_read, picture=ITEMS[key].picture)
        if "cy" in spec.languages:
            label, easy = ITEMS[key].cy
            ev.change_item(user, item, label=item.label, easy_read=item.easy_read,
                           picture=item.picture,
                           translations={"cy": {"label": label, "easy_read": easy}})
    ids = {key: item.id for key, item in zip(spec.items, event.items, strict=True)}
    ev.set_voting(user, event, "open")
    phones = []  # the phones' ballots at once (as many phones would), voted over 90 minutes
    for _n in range(spec.phones):
        choice = _ballot(spec, list(spec.items), rnd, event.dots)
        at = when + timedelta(minutes=rnd.randrange(90 if spec.day else 59))
        phones.append(Ballot(
            event_id=event.id, voter_key=ev.new_voter_key(), channel="phone", cast_at=at,
            changed_at=at, language=rnd.choice(spec.languages), easy_read=rnd.random() < 0.4,
            votes=[Vote(item_id=ids[k], rank=n) for n, k in enumerate(choice, start=1)]
            if isinstance(choice, list) else [Vote(item_id=ids[k], dots=v)
                                              for k, v in choice.items()]))
    db.session.add_all(phones)
    db.session.commit()
    for _n in range(spec.assisted):  # with a facilitator on the tablet, through the service
        choice = _ballot(spec, list(spec.items), rnd, event.dots)
        ballot = ev.cast(event, voter_key=ev.new_voter_key(), channel="assisted",
                         entered_by=user, choices=[ids[k] for k in choice]
                         if isinstance(choice, list) else {ids[k]: v for k, v in choice.items()})
        if spec.day:
            ballot.cast_at = ballot.changed_at = when + timedelta(minutes=rnd.randrange(90))
    for counts in spec.paper:
        rank = 1 if spec.method == "rank" else None
        ev.add_tally(user, event, {(ids[k], rank): n for k, n in counts.items()},
                     note="Paper ballots" if rank else "Sticky dots on the wall")
    if spec.withdrawn:
        wrong = ev.add_tally(user, event, {(ids[k], 1): n for k, n in spec.withdrawn.items()},
                             note="The first paper ballots, counted again by mistake")
        ev.withdraw_tally(user, wrong)
        wrong.withdrawn_at = when + timedelta(hours=2, minutes=20)
    if spec.day:
        ev.set_voting(user, event, "closed")
        event.opened_at, event.closed_at = when, when + timedelta(hours=1, minutes=45)
        event.changed_at = event.closed_at
        for sheet in db.session.scalars(select(TallySheet).filter_by(event_id=event.id)):
            sheet.entered_at = when + timedelta(hours=2)
        db.session.commit()
    return event


def _local_plan(spec: Day, event: Event, user: User, today: date) -> None:
    """The top three priorities become the local plan, two days after the event, with the
    people who voted as its partners; then each priority's actions, as they came."""
    day = today + timedelta(days=spec.day + 2)
    with _on(day):
        top = [r.item.id for r in results(event).top()]
        work = ev.make_local_plan(user, event, top)
        for kind, name, credit in spec.partners:
            reg.add_partner(user, work, kind=kind, name=name, credit=credit,
                            role="Voted on the priorities")
    ideas = {idea.text: idea for idea in db.session.scalars(select(Idea).filter_by(
        work_id=work.id))}
    for act in sorted(spec.acts, key=lambda a: a.made):
        idea = ideas[ITEMS[act.priority].label]
        with _on(today + timedelta(days=act.made)):
            action = reg.add_action(
                user, work, idea, change=act.change, root_cause=act.root_cause,
                success=act.success, owner=act.owner, starts_on=today + timedelta(
                    days=act.starts), due_on=today + timedelta(days=act.due), status="planned")
        for on, status in ((act.moved, "in_progress"), (act.done, "done")):
            if on is None:
                continue
            with _on(today + timedelta(days=on)), acting_as(user.id):
                if status == "done":
                    action.done_at = datetime.combine(today + timedelta(days=on), time(16),
                                                      UTC)
                plans.update_action(action, status=status,
                                    public_sentence=act.said if status == "done" else None)


def build_events(org: Organisation, today: date, rnd: random.Random) -> Event:
    """The demo's two past events with their votes and local plans, and one open now (call
    it once, when the demo organisation is made, after the register). Returns the open one."""
    facilitator = db.session.scalar(select(User).filter_by(organisation_id=org.id,
                                                           role="facilitator"))
    for spec in (OAK, WEST):
        _local_plan(spec, _event(spec, org, facilitator, today, rnd), facilitator, today)
    return _event(OPEN, org, facilitator, today, rnd)


def open_event(org: Organisation) -> Event | None:
    """The demo's event that is open for voting (the newest, if there are several)."""
    return db.session.scalar(select(Event).where(
        Event.organisation_id == org.id, Event.voting == "open").order_by(
        Event.starts_at.desc()).limit(1))


def voting_link(event: Event) -> str:
    return current_app.config["BASE_URL"] + f"/v/{ev.public_code(event)}"
