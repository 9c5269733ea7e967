"""The organisation plan from the local events of a period (the Big Plan Day): every theme that
was on a ballot, ranked by votes and by how many events put it in their top three (both, since
events differ in size), the local priorities and their actions under each, and the
organisation-wide actions agreed for it.

A theme is an item's theme id; an item added on the day is its own theme, by its words. An
organisation-wide action answers a theme when it carries that theme id (or those words). For
readers who may not see small numbers, counts from 1 to 4 are hidden, and so is the share of
each event's votes of a theme whose count is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Event, Idea, PlanAction, VotingState, Work
from .event_results import TOP, EventResults, ItemResult, results
from .suppression import is_small
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
    """The closed events that took place from ``since`` to ``until`` (inclusive)."""
    from ..services.plans import organisation_plan

    start = datetime.combine(since, time.min, UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, UTC)
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


def shown(n: int, suppress_small: bool):
    """A count as published: hidden from 1 to 4 for readers who may not see small numbers."""
    return HIDDEN if suppress_small and is_small(n) else n


def share_hidden(row: ThemeRow, suppress_small: bool) -> bool:
    """Whether a theme's mean share is hidden: with its votes. A share of a hidden count gives
    the count back (a theme on one ballot with 8% of that event's 25 votes had 2)."""
    return suppress_small and is_small(row.votes)


def workbook(plan: OrganisationPlan, *, suppress_small: bool) -> Document:
    """The roll-up as three tables (English column names): themes, local priorities with
    their actions, and the organisation-wide actions."""
    themes = Table("Themes", [
        Column("rank", numeric=True), Column("theme", key=True, width=40),
        Column("events_top_three", numeric=True), Column("events_on_ballot", numeric=True),
        Column("mean_share_of_votes_percent", numeric=True), Column("votes", numeric=True),
        Column("organisation_actions", numeric=True)], [
        [i, t.label, t.top_three, t.events,
         HIDDEN if share_hidden(t, suppress_small) else round(t.share * 100),
         shown(t.votes, suppress_small),
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
            head = [t.label, f"{p.event.name} ({p.event.starts_at:%Y-%m-%d})", p.result.place,
                    shown(p.result.total, suppress_small)]
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
