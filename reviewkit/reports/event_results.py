"""An event's results as data: each item's votes from phones, from people who voted with a
facilitator, and from paper tallies, ranked; the projector page, the staff page and the
downloads all read these.

Dot voting counts dots. Ranking counts points (a first choice 3, a second 2, a third 1: a Borda
count) and, to break ties, first choices. In a download for commissioners, a count from 1 to 4
is hidden (the projector page of a live event shows every number to the people in the room).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import Ballot, BallotItem, Event, TallyCount, TallySheet, Vote
from ..models.events import RANKS
from ..services.clock import local_time
from .suppression import is_small
from .table import HIDDEN, Column, Document, Table

TOP = 3  # an event's top priorities


def points(rank: int) -> int:
    return RANKS + 1 - rank


@dataclass
class ItemResult:
    item: BallotItem
    phone: int = 0  # dots or points from phones
    assisted: int = 0  # from people who voted with a facilitator
    paper: int = 0  # from paper tallies and sticky dots
    firsts: int = 0  # ranking: first choices, from all three
    place: int = 0  # 1 for the most votes (ties share a place)

    @property
    def total(self) -> int:
        return self.phone + self.assisted + self.paper


@dataclass
class EventResults:
    event: Event
    items: list[ItemResult]  # the most votes first
    phones: int = 0  # ballots cast on phones
    assisted: int = 0  # ballots cast with a facilitator
    sheets: int = 0  # paper tally sheets entered
    by_language: dict[str, int] = field(default_factory=dict)  # phone ballots

    @property
    def ranked(self) -> bool:
        return self.event.method == "rank"

    @property
    def most(self) -> int:
        return max((r.total for r in self.items), default=0)

    def top(self, n: int = TOP) -> list[ItemResult]:
        return [r for r in self.items if r.total > 0][:n]


def results(event: Event) -> EventResults:
    """Every item of ``event`` with its votes, counted in the database."""
    by_item = {i.id: ItemResult(i) for i in event.items}
    ranked = event.method == "rank"
    value = Vote.rank if ranked else Vote.dots
    for item_id, channel, v, n in db.session.execute(
            select(Vote.item_id, Ballot.channel, value, func.count(Vote.id))
            .join(Ballot, Ballot.id == Vote.ballot_id).where(Ballot.event_id == event.id)
            .group_by(Vote.item_id, Ballot.channel, value)):
        row = by_item.get(item_id)
        if row is None:
            continue
        amount = points(v) * n if ranked else v * n
        if channel == "assisted":
            row.assisted += amount
        else:
            row.phone += amount
        if ranked and v == 1:
            row.firsts += n
    for item_id, rank, n in db.session.execute(
            select(TallyCount.item_id, TallyCount.rank, func.sum(TallyCount.count))
            .join(TallySheet, TallySheet.id == TallyCount.sheet_id)
            .where(TallySheet.event_id == event.id, TallySheet.withdrawn_at.is_(None))
            .group_by(TallyCount.item_id, TallyCount.rank)):
        row = by_item.get(item_id)
        if row is None:
            continue
        row.paper += points(rank) * n if ranked and rank else n
        if ranked and rank == 1:
            row.firsts += n
    items = sorted(by_item.values(), key=lambda r: (-r.total, -r.firsts, r.item.position,
                                                    r.item.id))
    place, previous = 0, None
    for i, row in enumerate(items, start=1):
        if (row.total, row.firsts) != previous:
            place, previous = i, (row.total, row.firsts)
        row.place = place
    ballots = dict(db.session.execute(
        select(Ballot.channel, func.count(Ballot.id)).where(Ballot.event_id == event.id)
        .group_by(Ballot.channel)).all())
    languages = dict(db.session.execute(
        select(Ballot.language, func.count(Ballot.id)).where(
            Ballot.event_id == event.id, Ballot.channel == "phone")
        .group_by(Ballot.language)).all())
    sheets = db.session.scalar(select(func.count(TallySheet.id)).where(
        TallySheet.event_id == event.id, TallySheet.withdrawn_at.is_(None))) or 0
    return EventResults(event, items, phones=ballots.get("phone", 0),
                        assisted=ballots.get("assisted", 0), sheets=sheets,
                        by_language={k or "en": v for k, v in languages.items()})


def table(res: EventResults, *, suppress_small: bool = True) -> Table:
    """One row per item, English column names; counts from 1 to 4 hidden when asked (and
    then only totals: no count by channel)."""
    def n(value: int):
        return HIDDEN if suppress_small and is_small(value) else value

    unit = "points" if res.ranked else "dots"
    # With small numbers hidden, the channels are left out: a hidden count could be worked
    # out from the total and the other channels.
    channels = [] if suppress_small else ["phone", "assisted", "paper"]
    cols = [Column("place", numeric=True), Column("item", key=True, width=40),
            Column("theme_id"), Column("added_on_the_day"),
            *(Column(f"{c}_{unit}", True) for c in channels), Column(f"total_{unit}", True)]
    if res.ranked:
        cols.append(Column("first_choices", numeric=True))
    rows = []
    for r in res.items:
        row = [r.place, r.item.label, r.item.theme_id or "", "yes" if r.item.added_on_day
               else "no", *(n(getattr(r, c)) for c in channels), n(r.total)]
        if res.ranked:
            row.append(n(r.firsts))
        rows.append(row)
    event = res.event
    how = ("Ranking: a first choice 3 points, a second 2, a third 1." if res.ranked
           else f"Dot voting: {event.dots} dots each.")
    return Table("Results", cols, rows, heading=f"{event.name}: results",
                 intro=[f"{local_time(event.starts_at, event.organisation_id):%Y-%m-%d}, "
                        f"{event.place}. {how}"])


def workbook(res: EventResults, *, suppress_small: bool = True) -> Document:
    return Document("Event results", [table(res, suppress_small=suppress_small)])
