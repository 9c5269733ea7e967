"""The history of a piece of work, read from SQLAlchemy-Continuum's version tables (commitment
4): who changed what, when, and from what to what, newest first.

Nothing here writes. The version rows are written by Continuum alone and no page edits them;
this module only reads them back, compares each version of a row with the one before, and puts
the changes made together (one transaction, one thing a person did) into one entry.

Names of people who sent an idea, and of partners who are people, are shown only to readers
who may see names (``with_names``); others read :data:`HIDDEN` in their place. The words for
stored values (kinds, statuses, answers, credits, sources) are here too, for the forms and the
pages to share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..extensions import db
from ..models import (
    Area,
    Idea,
    IdeaAnswer,
    Investigation,
    Partner,
    PlanAction,
    Service,
    Signature,
    User,
    Work,
    WorkPart,
    WorkReview,
)
from ..models.history import version_class, versioning_manager

KIND_LABELS = {
    "organisation_plan": _l("Organisation plan"), "local_plan": _l("Local plan"),
    "plan": _l("Plan"), "policy": _l("Policy"), "process": _l("Process"),
    "project": _l("Project")}
WORK_STATUS_LABELS = {"open": _l("Open"), "closed": _l("Closed")}
ACTION_STATUS_LABELS = {"planned": _l("Planned"), "in_progress": _l("In progress"),
                        "done": _l("Done")}
DECISION_LABELS = {
    "included": _l("Included"), "partly": _l("Partly included"),
    "not_included": _l("Not included"), "not_yet": _l("Not yet decided")}
WAITING = _l("Waiting for an answer")
CREDIT_LABELS = {"name": _l("By name"), "organisation": _l("By their organisation only"),
                 "none": _l("Not at all")}
PARTNER_KIND_LABELS = {"person": _l("A person"), "organisation": _l("An organisation")}
SOURCE_LABELS = {
    "phone": _l("Sent from a phone or link"), "staff": _l("Typed by staff"),
    "statement": _l("From a review"), "theme": _l("From a theme"),
    "ballot": _l("From an event")}
HIDDEN = _l("not shown to your role")
NOT_RECORDED = _l("not recorded")

#: What each table is called in the timeline, and the fields shown, with their labels. Other
#: columns (ids, codes, copies kept for sorting, timestamps) are not part of the story.
NOUNS = {
    Work: _l("the piece of work"), WorkPart: _l("a part or milestone"),
    Partner: _l("a partner"), Signature: _l("a signature"), WorkReview: _l("a yearly review"),
    Idea: _l("an idea"), IdeaAnswer: _l("an answer"), PlanAction: _l("an action"),
    Investigation: _l("an investigation"),
}
FIELDS: dict[type, dict[str, Any]] = {
    Work: {"title": _l("Title"), "kind": _l("Kind"), "summary": _l("Summary"),
           "easy_read": _l("Easy-read summary"), "service_id": _l("Service"),
           "area_id": _l("Area"), "facilitator_id": _l("Facilitator"),
           "manager_id": _l("Manager"), "parent_id": _l("Part of"), "status": _l("Status"),
           "review_on": _l("Review date"), "ideas_until": _l("Open for ideas until")},
    WorkPart: {"title": _l("Title"), "starts_on": _l("Starts"), "finishes_on": _l("Finishes"),
               "done": _l("Done")},
    Partner: {"kind": _l("Person or organisation"), "name": _l("Name"),
              "organisation": _l("Organisation"), "role": _l("What they bring"),
              "credit": _l("Credited")},
    Signature: {"name": _l("Name"), "capacity": _l("Signed as"), "signed_on": _l("Signed on")},
    WorkReview: {"reviewed_on": _l("Reviewed on"), "what_changed": _l("What changed"),
                 "ideas_until": _l("Open for ideas until"),
                 "next_review_on": _l("Next review")},
    Idea: {"text": _l("Idea"), "raised_on": _l("Raised on"), "source": _l("How it came in"),
           "raised_by": _l("Raised by"), "credit": _l("Credited"),
           "credit_as": _l("Credited as")},
    IdeaAnswer: {"decision": _l("Answer"), "reason": _l("Reason"),
                 "decide_by": _l("To be decided by"), "cost": _l("Cost"),
                 "cost_note": _l("About the cost")},
    PlanAction: {"change": _l("What will change"), "owner": _l("Owner"),
                 "starts_on": _l("Starts"), "due_on": _l("Finishes"), "status": _l("Status"),
                 "service_id": _l("Service"), "area_id": _l("Area"),
                 "public_sentence": _l("You said, we did")},
    Investigation: {"why": _l("Why it stalled"), "next_steps": _l("What will be done"),
                    "new_date": _l("New date")},
}
VERBS = {0: _l("Added %(thing)s"), 1: _l("Changed %(thing)s"), 2: _l("Removed %(thing)s")}
WORDS = {"kind": {**KIND_LABELS, **PARTNER_KIND_LABELS}, "credit": CREDIT_LABELS,
         "decision": DECISION_LABELS, "source": SOURCE_LABELS,
         "status": {**WORK_STATUS_LABELS, **ACTION_STATUS_LABELS}}


@dataclass(frozen=True)
class Change:
    label: Any
    before: Any  # words, or None for nothing
    after: Any


@dataclass
class Event:
    what: Any  # "Added an idea"
    subject: Any  # which one: the idea's text, the action's change… (None: the work itself)
    changes: list[Change] = field(default_factory=list)


@dataclass
class Entry:
    when: datetime
    who: str | None  # None: nobody signed in (a public link, or reviewkit itself)
    events: list[Event] = field(default_factory=list)


class _Words:
    """Stored values as words: labels for codes, names for ids, dates as dates."""

    def __init__(self, organisation_id: int):
        def names(model, label="name"):
            return dict(db.session.execute(select(model.id, getattr(model, label)).where(
                model.organisation_id == organisation_id)).all())

        self.refs = {"service_id": names(Service), "area_id": names(Area),
                     "parent_id": names(Work, "title")}
        self.users = names(User)
        self.languages = current_app.config.get("LANGUAGES", {})

    def say(self, name: str, value: Any) -> Any:
        if value is None or value == "":
            return WAITING if name == "decision" else None
        if name in WORDS:
            return WORDS[name].get(value, value)
        if name in self.refs:
            return self.refs[name].get(value, NOT_RECORDED)
        if name.endswith("_by_id") or name in ("facilitator_id", "manager_id"):
            return self.users.get(value, NOT_RECORDED)
        if isinstance(value, bool):
            return _l("Yes") if value else _l("No")
        if isinstance(value, Decimal | float):
            return f"£{value:,.2f}"
        if isinstance(value, date | datetime):
            return value.isoformat()
        return value


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 80 else text[:79] + "…"


def _versions(model: type, where) -> list:
    """(version, issued_at, user_id) rows of ``model``'s versions, oldest first per row."""
    version = version_class(model)
    tx = versioning_manager.transaction_cls
    return db.session.execute(
        select(version, tx.issued_at, tx.user_id).join(tx, tx.id == version.transaction_id)
        .where(where(version)).order_by(version.id, version.transaction_id)).all()


def _rows(work: Work) -> dict[type, list]:
    """Every version of every row that belongs to ``work``, by table."""
    by_work = {m: _versions(m, lambda v: v.work_id == work.id)
               for m in (WorkPart, Partner, Signature, WorkReview, Idea, PlanAction)}
    rows = {Work: _versions(Work, lambda v: v.id == work.id), **by_work}
    idea_ids = {r[0].id for r in rows[Idea]} or {-1}
    action_ids = {r[0].id for r in rows[PlanAction]} or {-1}
    rows[IdeaAnswer] = sorted(_versions(IdeaAnswer, lambda v: v.idea_id.in_(idea_ids)),
                              key=lambda r: (r[0].idea_id, r[0].transaction_id))
    rows[Investigation] = _versions(Investigation, lambda v: or_(
        v.idea_id.in_(idea_ids), v.action_id.in_(action_ids)))
    return rows


def timeline(work: Work, *, with_names: bool) -> list[Entry]:
    """The history of ``work`` and of everything in it, newest first."""
    words = _Words(work.organisation_id)
    rows = _rows(work)
    subjects = {Idea: {r[0].id: r[0].text for r in rows[Idea]},
                PlanAction: {r[0].id: r[0].change for r in rows[PlanAction]}}
    entries: dict[int, Entry] = {}
    for model, versions in rows.items():
        before: dict[Any, Any] = {}
        for version, issued_at, user_id in versions:
            # An answer reads against the idea's answer before it (from what, to what).
            key = version.idea_id if model is IdeaAnswer else version.id
            event = _event(model, version, before.get(key), words, subjects, with_names)
            before[key] = version
            if event is None:
                continue
            entry = entries.setdefault(version.transaction_id, Entry(
                issued_at, words.users.get(user_id) if user_id else None))
            entry.events.append(event)
    return [entries[k] for k in sorted(entries, reverse=True)]


def _hidden(model: type, name: str, version, with_names: bool) -> bool:
    if with_names:
        return False
    return (model is Idea and name == "raised_by") or (
        model is Partner and name == "name" and version.kind == "person")


def _event(model: type, version, previous, words: _Words, subjects: dict,
           with_names: bool) -> Event | None:
    op = version.operation_type
    changes = []
    if op != 2:
        for name, label in FIELDS[model].items():
            value = getattr(version, name)
            old = getattr(previous, name) if previous is not None else None
            if op == 1 and previous is not None and old == value:
                continue
            if op == 0 and model is not IdeaAnswer and value in (None, ""):
                continue
            if op == 0 and model is IdeaAnswer and value in (None, "") and old in (None, ""):
                continue
            if _hidden(model, name, version, with_names):
                changes.append(Change(label, HIDDEN if old else None, HIDDEN))
                continue
            old_words = NOT_RECORDED if op == 1 and previous is None else words.say(name, old)
            changes.append(Change(label, old_words, words.say(name, value)))
        if not changes:
            return None  # only columns that are not part of the story moved
    return Event(VERBS[op] % {"thing": NOUNS[model]}, _subject(model, version, subjects,
                                                               with_names), changes)


def _subject(model: type, version, subjects: dict, with_names: bool) -> Any:
    if model is Work or model is WorkReview:
        return None
    if model is Idea:
        return _short(version.text)
    if model is PlanAction:
        return _short(version.change)
    if model is IdeaAnswer:
        return _short(subjects[Idea].get(version.idea_id))
    if model is Investigation:
        return _short(subjects[Idea].get(version.idea_id) if version.idea_id
                      else subjects[PlanAction].get(version.action_id))
    if model is Partner and version.kind == "person" and not with_names:
        return PARTNER_KIND_LABELS["person"]
    return _short(getattr(version, "title", None) or getattr(version, "name", None))


def investigations(item: Idea | PlanAction) -> list[Investigation]:
    """The investigations of one idea or action, oldest first."""
    column = Investigation.idea_id if isinstance(item, Idea) else Investigation.action_id
    return list(db.session.scalars(select(Investigation).where(column == item.id)
                                   .order_by(Investigation.id)))
