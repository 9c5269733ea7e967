"""Local events where people vote on their top priorities: make an event and its ballot (items
from the service's or area's themes, and items added on the day), open and close voting, take
ballots from phones and from people voting with a facilitator, paper tallies, and the local
plan the top priorities become (a piece of work of the register, part of the organisation plan).

Votes are anonymous: a ballot is found again only by the random key the voter's browser keeps.
A ballot can be changed while voting is open; a repeated submit (the same ``submit_key``)
counts once; a single-use code, where the event asks for them, is bound to the first ballot
that uses it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Area,
    Ballot,
    BallotItem,
    Channel,
    Event,
    Service,
    Statement,
    TallyCount,
    TallySheet,
    ThemeAssignment,
    ThemeSet,
    User,
    Vote,
    VotingCode,
    VotingMethod,
    VotingState,
    Work,
)
from ..models.base import utcnow
from ..models.events import ACCESS, RANKS
from .clock import Refused, checked_text, clean_code, new_code, shown_code, today_
from .themes import about_services


class EventError(Refused):
    """Something about an event or a vote that cannot be saved, with a message for a person."""


def _text(field: str, value: str | None, *, longest: int, required: bool = True) -> str | None:
    return checked_text(EventError, field, value, longest=longest, required=required)


def _commit_with_code(row, attribute: str = "public_code") -> None:
    """Add ``row`` with a fresh short code, trying again on the rare clash."""
    for _try in range(5):
        setattr(row, attribute, new_code())
        db.session.add(row)
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("no free code")


# ---------------------------------------------------------------------------- the event


def visible_event_ids(user: User) -> set[int] | None:
    """Facilitators run the events of their services (and of areas their services are in);
    everyone else with the events permission sees all of the organisation's (None)."""
    if user.role != "facilitator":
        return None
    services = {s.id for s in user.services}
    areas = {s.area_id for s in user.services if s.area_id}
    return set(db.session.scalars(select(Event.id).where(
        Event.organisation_id == user.organisation_id,
        Event.service_id.in_(services or {-1}) | Event.area_id.in_(areas or {-1}))))


def event_for(user: User, event_id: int) -> Event | None:
    """The event ``event_id`` if ``user`` may see it (their organisation's; a facilitator's
    own), else None."""
    event = db.session.get(Event, event_id)
    allowed = visible_event_ids(user)
    if event is None or event.organisation_id != user.organisation_id or (
            allowed is not None and event.id not in allowed):
        return None
    return event


def save_event(user: User, event: Event | None = None, *, name: str, starts_at: datetime | None,
               place: str, service_id: int | None = None, area_id: int | None = None,
               languages: Sequence[str] = ("en",), access: Sequence[str] = (),
               access_notes: str | None = None, method: str = VotingMethod.DOTS.value,
               dots: int | None = 3, several_on_one: bool = True,
               codes_required: bool = False) -> Event:
    """Make an event, or change one. An event is for one service or one area; a facilitator
    only for their own."""
    from flask import current_app

    org = user.organisation_id
    if starts_at is None:
        raise EventError("starts_at", _l("Enter the date and time it starts."))
    if (service_id is None) == (area_id is None):
        raise EventError("scope", _l("Choose the service or the area the event is for."))
    if service_id is not None:
        service = db.session.get(Service, service_id)
        if service is None or service.organisation_id != org:
            raise EventError("scope", _l("Choose the service or the area the event is for."))
        if user.role == "facilitator" and service_id not in {s.id for s in user.services}:
            raise EventError("scope", _l("Choose one of your services."))
    else:
        area = db.session.get(Area, area_id)
        if area is None or area.organisation_id != org:
            raise EventError("scope", _l("Choose the service or the area the event is for."))
        if user.role == "facilitator" and area_id not in {s.area_id for s in user.services}:
            raise EventError("scope", _l("Choose the area of one of your services."))
    offered = current_app.config["LANGUAGES"]
    languages = [code for code in dict.fromkeys(languages) if code]
    if not languages or any(code not in offered for code in languages):
        raise EventError("languages", _l("Choose at least one language from the list."))
    if any(a not in ACCESS for a in access):
        raise EventError("access", _l("Choose from the list."))
    if method not in {m.value for m in VotingMethod}:
        raise EventError("method", _l("Choose how people vote."))
    if method == VotingMethod.DOTS.value and (dots is None or not 1 <= dots <= 20):
        raise EventError("dots", _l("Give each person from 1 to 20 dots."))
    if event is not None and event.voting != VotingState.DRAFT.value and (
            method != event.method or (dots or 3) != event.dots
            or several_on_one != event.several_on_one):
        raise EventError("method", _l("Voting has started, so how people vote cannot change."))
    fields = {"name": _text("name", name, longest=200), "starts_at": starts_at,
              "place": _text("place", place, longest=300), "service_id": service_id,
              "area_id": area_id, "languages": languages, "access": list(dict.fromkeys(access)),
              "access_notes": _text("access_notes", access_notes, longest=2000, required=False),
              "method": method, "dots": dots or 3, "several_on_one": bool(several_on_one),
              "codes_required": bool(codes_required)}
    if event is None:
        event = Event(organisation_id=org, created_by_id=user.id, **fields)
        _commit_with_code(event)
    else:
        for name_, value in fields.items():
            setattr(event, name_, value)
        db.session.commit()
    return event


def event_by_code(code: str | None) -> Event | None:
    cleaned = clean_code(code)
    return db.session.scalar(select(Event).filter_by(public_code=cleaned)) if cleaned else None


def public_code(event: Event) -> str:
    return shown_code(event.public_code)


# ---------------------------------------------------------------------------- the ballot


@dataclass(frozen=True)
class ThemeChoice:
    id: str
    label: str
    statements: int  # pooled statements of the event's service or area in the theme
    i_statement: str = ""  # what people wrote for the theme as an "I statement" (curation)


def theme_choices(event: Event) -> list[ThemeChoice]:
    """The current themes of the event's service or area, the most talked about first (curated
    labels, as the gap analysis shows them)."""
    from ..reports.themes import curate

    ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=event.organisation_id,
                                                      scope="all"))
    if ts is None or not ts.result:
        return []
    services = [event.service_id] if event.service_id else list(db.session.scalars(
        select(Service.id).where(Service.area_id == event.area_id)))
    assign = dict(db.session.execute(
        select(ThemeAssignment.statement_id, ThemeAssignment.theme_id)
        .join(Statement, Statement.id == ThemeAssignment.statement_id)
        .where(ThemeAssignment.theme_set_id == ts.id, Statement.pooled.is_(True),
               Statement.deleted_at.is_(None), Statement.service_id.in_(services or [-1]),
               about_services())).all())
    curated = curate(ts, assign)
    counts = Counter(t for t in curated.assign.values() if t in curated.labels)
    return [ThemeChoice(tid, curated.labels[tid], n, curated.i_statements.get(tid, ""))
            for tid, n in counts.most_common()]


def _editable(event: Event) -> None:
    if event.voting == VotingState.CLOSED.value:
        raise EventError("label", _l("Voting has closed, so the ballot cannot change."))


def add_theme_items(user: User, event: Event, theme_ids: Sequence[str]) -> list[BallotItem]:
    """Items for the chosen themes (each once), with their labels as they are today and, as the
    words shown under the label, the theme's "I statement" where people wrote one."""
    _editable(event)
    choices = {c.id: c for c in theme_choices(event)}
    if not theme_ids or any(t not in choices for t in theme_ids):
        raise EventError("themes", _l("Choose themes from the list."))
    have = {i.theme_id for i in event.items}
    made = []
    for tid in dict.fromkeys(theme_ids):
        if tid not in have:
            made.append(BallotItem(event=event, label=choices[tid].label[:200], theme_id=tid,
                                   easy_read=choices[tid].i_statement[:300] or None,
                                   position=len(event.items) + len(made)))
    db.session.add_all(made)
    db.session.commit()
    return made


def add_item(user: User, event: Event, *, label: str, easy_read: str | None = None,
             picture: str | None = None) -> BallotItem:
    """An item added by hand: before the day, or on the day (once voting has opened)."""
    _editable(event)
    item = BallotItem(event=event, label=_text("label", label, longest=200),
                      easy_read=_text("easy_read", easy_read, longest=300, required=False),
                      picture=picture or None, position=len(event.items),
                      added_on_day=event.voting == VotingState.OPEN.value)
    db.session.add(item)
    db.session.commit()
    return item


def change_item(user: User, item: BallotItem, *, label: str, easy_read: str | None,
                picture: str | None = None, translations: Mapping[str, Mapping] | None = None
                ) -> BallotItem:
    """The words of an item for this event, in English and (optionally) each language."""
    _editable(item.event)
    item.label = _text("label", label, longest=200)
    item.easy_read = _text("easy_read", easy_read, longest=300, required=False)
    item.picture = picture or None
    if translations is not None:
        item.translations = {
            lang: {"label": _text("label", t.get("label"), longest=200, required=False),
                   "easy_read": _text("easy_read", t.get("easy_read"), longest=300,
                                      required=False)}
            for lang, t in translations.items() if (t.get("label") or "").strip()}
    db.session.commit()
    return item


def remove_item(user: User, item: BallotItem) -> None:
    """Only before anyone has voted for it."""
    event = item.event
    voted = db.session.scalar(select(func.count(Vote.id)).where(Vote.item_id == item.id)) or \
        db.session.scalar(select(func.count(TallyCount.id)).where(TallyCount.item_id == item.id))
    if voted:
        raise EventError("label", _l("People have voted for this item, so it stays."))
    event.items.remove(item)
    db.session.commit()


def set_voting(user: User, event: Event, state: str) -> None:
    """Open voting (at least two items), close it, or open it again."""
    if state not in (VotingState.OPEN.value, VotingState.CLOSED.value):
        raise EventError("voting", _l("Choose to open or to close voting."))
    if state == VotingState.OPEN.value and len(event.items) < 2:
        raise EventError("voting", _l("Add at least two things to vote on first."))
    event.voting = state
    if state == VotingState.OPEN.value:
        event.opened_at = event.opened_at or utcnow()
        event.closed_at = None
    else:
        event.closed_at = utcnow()
    event.changed_at = utcnow()
    db.session.commit()


def make_codes(user: User, event: Event, count: int) -> list[VotingCode]:
    """``count`` single-use codes (1 to 500) for cards."""
    if not 1 <= count <= 500:
        raise EventError("count", _l("Make from 1 to 500 codes at a time."))
    made = []
    for _n in range(count):
        code = VotingCode(event_id=event.id)
        _commit_with_code(code, "code")
        made.append(code)
    return made


# ---------------------------------------------------------------------------- voting


def new_voter_key() -> str:
    return secrets.token_urlsafe(24)


def _checked_votes(event: Event, choices: Mapping[int, int] | Sequence[int]) -> list[Vote]:
    items = {i.id for i in event.items}
    if event.method == VotingMethod.DOTS.value:
        dots = {int(k): int(v) for k, v in dict(choices).items() if int(v)}
        if any(k not in items for k in dots) or any(v < 0 for v in dots.values()):
            raise EventError("choices", _l("Choose from the list."))
        if not dots:
            raise EventError("choices", _l("Put at least one dot on something."))
        if sum(dots.values()) > event.dots:
            raise EventError("choices", lazy_ngettext("You have only %(num)d dot: take some off.",
                                                      "You have only %(num)d dots: take some off.",
                                                      event.dots))
        if not event.several_on_one and any(v > 1 for v in dots.values()):
            raise EventError("choices", _l("Put one dot on each thing you choose."))
        return [Vote(item_id=k, dots=v) for k, v in dots.items()]
    ranked = [int(i) for i in choices]
    if any(i not in items for i in ranked):
        raise EventError("choices", _l("Choose from the list."))
    if not ranked:
        raise EventError("choices", _l("Choose your first choice at least."))
    if len(set(ranked)) != len(ranked) or len(ranked) > RANKS:
        raise EventError("choices", _l("Choose something different for each place."))
    return [Vote(item_id=item, rank=place) for place, item in enumerate(ranked, start=1)]


def cast(event: Event, *, voter_key: str, choices: Mapping[int, int] | Sequence[int],
         channel: str = Channel.PHONE.value, language: str | None = None,
         easy_read: bool = False, code: str | None = None, entered_by: User | None = None,
         submit_key: str | None = None) -> Ballot:
    """Store (or change) the ballot of ``voter_key``: dots per item id, or item ids in order
    of choice. Nothing is stored when the vote is refused."""
    if not event.is_open:
        raise EventError("choices", _l("Voting is closed. Your vote was not counted."))
    if channel not in {c.value for c in Channel}:
        raise EventError("choices", _l("Choose from the list."))
    if not voter_key or len(voter_key) > 64:
        raise EventError("choices", _l("Your phone did not keep our cookie, so the vote was "
                                       "not counted. Please try again."))
    ballot = db.session.scalar(select(Ballot).filter_by(event_id=event.id, voter_key=voter_key))
    if ballot is not None and submit_key and ballot.last_submit == submit_key:
        return ballot  # the same submit again: counted once
    votes = _checked_votes(event, choices)
    code_row = None
    if event.codes_required and channel == Channel.PHONE.value:
        cleaned = clean_code(code)
        code_row = db.session.scalar(select(VotingCode).filter_by(
            event_id=event.id, code=cleaned)) if cleaned else None
        if code_row is None:
            raise EventError("code", _l("Type the code on your card, like K7PQ-4XR9."))
        used = db.session.scalar(select(Ballot).filter_by(code_id=code_row.id))
        if used is not None and (ballot is None or used.id != ballot.id):
            raise EventError("code", _l("This code has been used already. Ask for a new card."))
    now = utcnow()
    if ballot is None:
        ballot = Ballot(event_id=event.id, voter_key=voter_key, channel=channel, cast_at=now,
                        entered_by_id=entered_by.id if entered_by else None)
        db.session.add(ballot)
    ballot.language = language or ballot.language
    ballot.easy_read, ballot.changed_at = bool(easy_read), now
    ballot.last_submit = submit_key
    if code_row is not None:
        ballot.code_id = code_row.id
    if ballot.votes:  # the old votes go first: the new ones may be for the same items
        ballot.votes.clear()
        db.session.flush()
    ballot.votes = votes
    event.changed_at = now
    try:
        db.session.commit()
    except IntegrityError:  # the same phone twice at the same moment, or a code just used
        db.session.rollback()
        again = db.session.scalar(select(Ballot).filter_by(event_id=event.id,
                                                           voter_key=voter_key))
        if again is not None and submit_key and again.last_submit == submit_key:
            return again
        raise EventError("choices", _l("Your vote was not counted: please press the button "
                                       "again.")) from None
    return ballot


def ballot_of(event: Event, voter_key: str | None) -> Ballot | None:
    if not voter_key:
        return None
    return db.session.scalar(select(Ballot).filter_by(event_id=event.id, voter_key=voter_key))


def add_tally(user: User, event: Event, counts: Mapping[tuple[int, int | None], int],
              note: str | None = None) -> TallySheet:
    """Paper votes or sticky dots, counted: {(item id, rank or None): how many}."""
    if event.voting == VotingState.DRAFT.value:
        raise EventError("counts", _l("Open voting first: paper votes are counted on the day."))
    items = {i.id for i in event.items}
    ranked = event.method == VotingMethod.RANK.value
    rows = []
    for (item_id, rank), n in counts.items():
        if item_id not in items or (rank is not None) != ranked or (
                ranked and not 1 <= rank <= RANKS):
            raise EventError("counts", _l("Choose from the list."))
        if n is None or n < 0 or n > 100000:
            raise EventError("counts", _l("Enter a whole number from 0, for each item."))
        if n:
            rows.append(TallyCount(item_id=item_id, rank=rank, count=n))
    if not rows:
        raise EventError("counts", _l("Enter how many votes at least one item got."))
    sheet = TallySheet(event_id=event.id, entered_by_id=user.id, counts=rows,
                       note=_text("note", note, longest=300, required=False))
    db.session.add(sheet)
    event.changed_at = utcnow()
    db.session.commit()
    return sheet


def withdraw_tally(user: User, sheet: TallySheet) -> None:
    sheet.withdrawn_at = utcnow()
    db.session.get(Event, sheet.event_id).changed_at = utcnow()
    db.session.commit()


# ---------------------------------------------------------------------------- the local plan


def make_local_plan(user: User, event: Event, item_ids: Sequence[int]) -> Work:
    """The chosen top priorities as ideas of a new local plan (part of the organisation plan),
    each included, for the service or area of the event. Once only: then the plan is kept."""
    from . import register as reg

    if event.voting != VotingState.CLOSED.value:
        raise EventError("items", _l("Close voting first."))
    if event.work_id is not None:
        return db.session.get(Work, event.work_id)
    items = {i.id: i for i in event.items}
    chosen = [items[i] for i in dict.fromkeys(item_ids) if i in items]  # in the order chosen
    if not chosen:
        raise EventError("items", _l("Choose the priorities for the local plan."))
    # named in the words of the person who makes it, as a title they typed would be
    work = reg.save_work(user, title=_("%(event)s: local plan", event=event.name)[:200],
                         kind="local_plan",
                         service_id=event.service_id, area_id=event.area_id,
                         facilitator_id=user.id)
    day = today_()
    ts_id = db.session.scalar(select(ThemeSet.id).filter_by(
        organisation_id=event.organisation_id, scope="all"))
    for item in chosen:
        idea = reg.raise_idea(work, item.label, source="ballot", today=day, entered_by=user,
                              theme=(ts_id, item.theme_id) if item.theme_id else None,
                              ballot_item_id=item.id)
        reg.answer_idea(user, idea, decision="included", today=day)
    event.work_id = work.id
    db.session.commit()
    return work
