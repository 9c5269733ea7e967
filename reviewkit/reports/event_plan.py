"""The organisation plan from the local events of a period (the Big Plan Day): every theme that
was on a ballot, ranked by votes and by how many events put it in their top three (both, since
events differ in size), the local priorities and their actions under each, and the
organisation-wide actions agreed for it.

A theme is an item's theme id; an item added on the day is its own theme, by its words. An
organisation-wide action answers a theme when it carries that theme id (or those words). For
readers who may not see small numbers, counts from 1 to 4 are hidden, and so is every count
that would give one away by adding and subtracting (a theme's votes are the sum of its items'
votes at each event, an event's votes the sum of its items'), and every mean share of an
event's votes that involves a hidden count (see :class:`Published`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Event, Idea, PlanAction, VotingState, Work
from ..services.clock import instant, local_time, organisation_zone
from .audit import ALL, Key
from .event_results import TOP, EventResults, ItemResult, results
from .suppression import suppress
from .table import HIDDEN, Column, Document, Table


def theme_key(theme_id: str | None, label: str) -> str:
    return theme_id or "words:" + " ".join(label.lower().split())


@dataclass
class Priority:
    """An item that an event put in its top three, with what its local plan does about it."""

    event: Event
    result: ItemResult
    idea: Idea | None  # the idea it became in the event's local plan
    actions: list[PlanAction] = field(default_factory=list)


@dataclass
class ThemeRow:
    key: str
    label: str
    votes: int = 0  # dots and points over every event
    share: float = 0.0  # the mean share of each event's votes (0 to 1), events weighed alike
    events: int = 0  # events that had it on the ballot
    top_three: int = 0  # events that put it in their top three
    priorities: list[Priority] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)  # organisation-wide


@dataclass
class OrganisationPlan:
    since: date
    until: date
    events: list[EventResults]
    themes: list[ThemeRow]
    work: Work  # the organisation plan
    unlinked: list[PlanAction]  # organisation-wide actions that answer no theme here


def build(organisation_id: int, since: date, until: date) -> OrganisationPlan:
    """The closed events that took place from ``since`` to ``until`` (inclusive), days of
    the organisation's own calendar."""
    from ..services.plans import organisation_plan

    zone = organisation_zone(organisation_id)
    start, end = instant(since, time.min, zone), instant(until + timedelta(days=1), time.min,
                                                         zone)
    events = db.session.scalars(select(Event).where(
        Event.organisation_id == organisation_id, Event.voting == VotingState.CLOSED.value,
        Event.starts_at >= start, Event.starts_at < end).order_by(Event.starts_at)).all()
    counted = [results(e) for e in events]
    work = organisation_plan(organisation_id)
    plan_ideas = _ideas_of([e.work_id for e in events if e.work_id])
    actions_of = _actions_of([i.id for ideas in plan_ideas.values() for i in ideas])
    rows: dict[str, ThemeRow] = {}
    for res in counted:
        everything = sum(r.total for r in res.items) or 1
        top = {r.item.id for r in res.top(TOP)}
        for r in res.items:
            key = theme_key(r.item.theme_id, r.item.label)
            row = rows.setdefault(key, ThemeRow(key, r.item.label))
            row.votes += r.total
            row.share += r.total / everything
            row.events += 1
            if r.item.id in top:
                row.top_three += 1
                idea = next((i for i in plan_ideas.get(res.event.work_id, [])
                             if theme_key(i.theme_id, i.text) == key), None)
                row.priorities.append(Priority(res.event, r, idea,
                                               actions_of.get(idea.id, []) if idea else []))
    for row in rows.values():
        row.share = round(row.share / row.events, 4) if row.events else 0.0
    unlinked = []
    for action in db.session.scalars(select(PlanAction).where(
            PlanAction.work_id == work.id).order_by(PlanAction.due_on, PlanAction.id)):
        key = theme_key(action.theme_id, action.theme_label or "") if (
            action.theme_id or action.theme_label) else None
        if key in rows:
            rows[key].actions.append(action)
        else:
            unlinked.append(action)
    themes = sorted(rows.values(), key=lambda t: (-t.top_three, -t.share, -t.votes, t.label))
    return OrganisationPlan(since, until, counted, themes, work, unlinked)


def _ideas_of(work_ids: list[int]) -> dict[int, list[Idea]]:
    out: dict[int, list[Idea]] = {}
    for idea in db.session.scalars(select(Idea).where(Idea.work_id.in_(work_ids or [-1]),
                                                      Idea.source == "ballot")):
        out.setdefault(idea.work_id, []).append(idea)
    return out


def _actions_of(idea_ids: list[int]) -> dict[int, list[PlanAction]]:
    out: dict[int, list[PlanAction]] = {}
    for action in db.session.scalars(select(PlanAction).where(
            PlanAction.idea_id.in_(idea_ids or [-1])).order_by(PlanAction.due_on)):
        out.setdefault(action.idea_id, []).append(action)
    return out


def _atom(theme: str, event: Event, result: ItemResult) -> Key:
    return (theme, str(event.id), str(result.item.id))


class Published:
    """The plan's numbers as a reader sees them. Readers who may not see small numbers
    (``suppress_small``) get counts from 1 to 4 hidden, then every count that would give one
    away by subtraction (reports/suppression.py: a theme's votes are the sum of its items' votes
    at each event, and an event's votes, which a shown share and count give away, the sum of
    its items'), and a theme's mean share wherever any count it is made of is hidden (a share
    and its count give the event's total back: 8 % of an event's 25 votes is 2)."""

    def __init__(self, plan: OrganisationPlan, suppress_small: bool) -> None:
        self.hidden: set[Key] = set()
        self._parts: dict[str, list[Key]] = {}  # theme -> the counts its share is made of
        if not suppress_small:
            return
        values: dict[Key, int] = {}
        members: dict[Key, list[Key]] = {}
        for res in plan.events:
            event = (ALL, str(res.event.id), ALL)
            values[event], members[event] = 0, []
            for r in res.items:
                theme = theme_key(r.item.theme_id, r.item.label)
                atom = _atom(theme, res.event, r)
                values[atom], members[atom] = r.total, [atom]
                values[event] += r.total
                members[event].append(atom)
                total = (theme, ALL, ALL)
                values[total] = values.get(total, 0) + r.total
                members.setdefault(total, []).append(atom)
                # a share's term a/T involves the event's total T only where a is not 0
                self._parts.setdefault(theme, []).extend([atom, event] if r.total else [atom])
        relations = [(key, parts) for key, parts in members.items() if parts != [key]]
        self.hidden = suppress(values, relations, members)

    def votes(self, theme: ThemeRow):
        return HIDDEN if (theme.key, ALL, ALL) in self.hidden else theme.votes

    def share(self, theme: ThemeRow):
        """The theme's mean share of its events' votes, in whole percent, or hidden."""
        if self.votes(theme) is HIDDEN or any(k in self.hidden
                                              for k in self._parts.get(theme.key, ())):
            return HIDDEN
        return round(theme.share * 100)

    def priority_votes(self, theme: ThemeRow, priority: Priority):
        atom = _atom(theme.key, priority.event, priority.result)
        return HIDDEN if atom in self.hidden else priority.result.total


def workbook(plan: OrganisationPlan, *, suppress_small: bool) -> Document:
    """The roll-up as three tables (English column names): themes, local priorities with
    their actions, and the organisation-wide actions."""
    published = Published(plan, suppress_small)
    themes = Table("Themes", [
        Column("rank", numeric=True), Column("theme", key=True, width=40),
        Column("events_top_three", numeric=True), Column("events_on_ballot", numeric=True),
        Column("mean_share_of_votes_percent", numeric=True), Column("votes", numeric=True),
        Column("organisation_actions", numeric=True)], [
        [i, t.label, t.top_three, t.events,
         published.share(t), published.votes(t),
         len(t.actions)] for i, t in enumerate(plan.themes, start=1)],
        heading=f"Organisation plan: local events from {plan.since} to {plan.until}",
        intro=[f"{len(plan.events)} local events. Themes are ranked by how many events put "
               "them in their top three, then by their mean share of each event's votes."])
    local = Table("Local priorities", [
        Column("theme", key=True, width=24), Column("event", width=28),
        Column("place_at_event", numeric=True), Column("votes", numeric=True),
        Column("action", width=36), Column("root_cause", width=28),
        Column("success", width=28), Column("owner", width=20), Column("finishes_on"),
        Column("status")], [])
    for t in plan.themes:
        for p in t.priorities:
            day = local_time(p.event.starts_at, p.event.organisation_id)
            head = [t.label, f"{p.event.name} ({day:%Y-%m-%d})", p.result.place,
                    published.priority_votes(t, p)]
            for a in p.actions or [None]:
                local.rows.append(head + (
                    [a.change, a.root_cause or "", a.success or "", a.owner,
                     a.due_on.isoformat(), a.status] if a else ["", "", "", "", "", ""]))
    org = Table("Organisation actions", [
        Column("theme", key=True, width=30), Column("action", width=40),
        Column("owner"), Column("starts_on"), Column("finishes_on"), Column("status"),
        Column("local_priorities_answered", numeric=True)], [
        [t.label, a.change, a.owner, a.starts_on.isoformat() if a.starts_on else "",
         a.due_on.isoformat(), a.status, len(t.priorities)]
        for t in plan.themes for a in t.actions])
    return Document("Organisation plan", [themes, local, org],
                    meta=f"Local events from {plan.since} to {plan.until}", landscape=True)
