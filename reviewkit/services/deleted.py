"""Deleted statements and actions are erased for good after a set time.

Delete on the tablet hides a statement or an action and keeps it, so that Undo can bring it
back (``SoftDeleted``). What is kept is still held, and it is special-category data nobody
needs once the moment for Undo has passed: a row deleted more than ``DELETED_KEPT_DAYS`` days
ago (``REVIEWKIT_DELETED_KEPT_DAYS``, 30 by default) is erased for good by
:func:`purge_deleted`. ``reviewkit purge-deleted`` runs it, and so does the job worker once a
day (``reviewkit.tasks.purge_deleted_daily``); docs/backups.md says how to run it without one.

"More than N days ago" counts whole days of the organisation's calendar (its time zone) up to
the app's today (``services/clock.py``; tests set ``TODAY``): with 30, a row deleted on 1 March
goes from 1 April (31 days on), and one deleted on 2 March stays until 2 April.

What pointed at an erased statement is put right in the same transaction: an action agreed
from it stays, without the link; the last theming run's quote of it and the examples of its
theme go (as when a person is erased); its theme assignments go; a person's "move" of it
between themes goes, and a "split" forgets it (keeping the new theme's id). The access log
records each organisation's purge with counts only, never words.

One kind is kept: a deleted statement that an idea in the register was raised from. The idea
holds its words anyway, and the statement is the idea's only link to the person: without it,
the person's export would miss the idea and erasing the person (``services/people.py``) would
leave their words in the register. It goes when the person is erased, or once the idea no
longer points at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, exists, func, select, update

from ..extensions import db
from ..models import Action, Idea, Organisation, Review, Statement, ThemeAssignment, ThemeSet

DEFAULT_KEPT_DAYS = 30
MOST_KEPT_DAYS = 3650  # ten years: more is keeping for ever, which is what this is against
SETTING = "REVIEWKIT_DELETED_KEPT_DAYS"
BATCH = 5_000  # ids in one statement: SQLite takes at most 32,766 parameters


class KeptDaysError(ValueError):
    """The setting is not a number of days this can use, in plain words."""


def parse_kept_days(value) -> int:
    """``value`` (the setting as written, or a number) as a number of days, or
    :class:`KeptDaysError` saying what is wrong with it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_KEPT_DAYS
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise KeptDaysError(f"{SETTING} is {value!r}, not a whole number of days: set it to a "
                            f"number such as {DEFAULT_KEPT_DAYS}.")
    try:
        days = int(value)
    except ValueError:
        raise KeptDaysError(
            f"{SETTING} is {value.strip()!r}, not a whole number of days: set it to a number "
            f"such as {DEFAULT_KEPT_DAYS} (how many days a deleted statement or action is kept "
            "for Undo before it is erased for good). Deleted ones are not erased until it is "
            "put right.") from None
    if days < 0 or days > MOST_KEPT_DAYS:
        raise KeptDaysError(
            f"{SETTING} is {days}: it must be a number of days from 0 to {MOST_KEPT_DAYS}, "
            f"such as {DEFAULT_KEPT_DAYS}. Deleted statements and actions are not erased until "
            "it is put right.")
    return days


def kept_days() -> int:
    """The app's setting (``DELETED_KEPT_DAYS``), or :class:`KeptDaysError`."""
    from flask import current_app

    return parse_kept_days(current_app.config.get("DELETED_KEPT_DAYS", DEFAULT_KEPT_DAYS))


def kept_days_or_none() -> int | None:
    """The setting, or None when it is wrong (then nothing is erased, so nothing is promised:
    ``reviewkit check`` says what is wrong)."""
    try:
        return kept_days()
    except KeptDaysError:
        return None


def _midnight(day: date, organisation_id: int | None) -> datetime:
    from .clock import organisation_zone

    return datetime.combine(day, time(0), organisation_zone(organisation_id)).astimezone(UTC)


def cutoff(organisation_id: int | None, days: int) -> datetime:
    """The instant before which a deleted row of the organisation is erased: the start of
    the day ``days`` days before its today, as its clocks show it."""
    from .clock import today_

    return _midnight(today_(organisation_id) - timedelta(days=days), organisation_id)


def erased_on(deleted_at: datetime | None, organisation_id: int | None,
              days: int | None) -> date | None:
    """The day a row deleted at ``deleted_at`` is erased for good (None when it is not
    deleted, or the setting is wrong)."""
    from .clock import local_time

    if deleted_at is None or days is None:
        return None
    return local_time(deleted_at, organisation_id).date() + timedelta(days=days + 1)


@dataclass
class Purged:
    """What a purge erased (or, in a dry run, would erase)."""

    days: int
    statements: int = 0
    actions: int = 0
    kept_for_ideas: int = 0  # deleted long enough ago, kept: an idea was raised from them
    dry_run: bool = False


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start:start + BATCH]


def due(organisation_id: int, days: int) -> tuple[list[int], list[int], int]:
    """The ids of the organisation's statements and actions deleted before the cutoff, and
    how many more statements are kept because an idea in the register was raised from them."""
    before = cutoff(organisation_id, days)
    raised = exists().where(Idea.statement_id == Statement.id)
    old = (Statement.organisation_id == organisation_id, Statement.deleted_at.is_not(None),
           Statement.deleted_at < before)
    statements = db.session.scalars(select(Statement.id).where(*old, ~raised)).all()
    kept = db.session.scalar(select(func.count(Statement.id)).where(*old, raised)) or 0
    actions = db.session.scalars(select(Action.id).join(Review, Action.review_id == Review.id)
                                 .where(Review.organisation_id == organisation_id,
                                        Action.deleted_at.is_not(None),
                                        Action.deleted_at < before)).all()
    return list(statements), list(actions), kept


def purge_deleted(*, dry_run: bool = False, days: int | None = None) -> Purged:
    """Erase for good every statement and action deleted more than ``days`` (default: the
    setting) days ago, in every organisation, with what pointed at them put right; commit,
    and log each organisation's counts. ``dry_run``: count them, change nothing."""
    from .people import log_access

    days = kept_days() if days is None else parse_kept_days(days)
    done = Purged(days=days, dry_run=dry_run)
    for organisation_id in db.session.scalars(select(Organisation.id).order_by(Organisation.id)):
        statements, actions, kept = due(organisation_id, days)
        done.kept_for_ideas += kept
        if not statements and not actions:
            continue
        done.statements += len(statements)
        done.actions += len(actions)
        if dry_run:
            continue
        for batch in _batches(actions):
            db.session.execute(delete(Action).where(Action.id.in_(batch))
                               .execution_options(synchronize_session=False))
        for batch in _batches(statements):
            _erase_statements(organisation_id, batch)
        log_access(None, "erase", "deleted", None,
                   f"statements={len(statements)} actions={len(actions)} "
                   f"organisation={organisation_id} kept_days={days}")
        db.session.commit()
        db.session.expire_all()
    return done


def _erase_statements(organisation_id: int, ids: list[int]) -> None:
    """Erase these statements (none an idea was raised from) and put right what pointed at
    them."""
    from .people import _erase_quotes

    gone = set(ids)
    _erase_quotes(organisation_id, gone)  # before the assignments go: they say which themes
    _forget_in_edits(organisation_id, gone)
    db.session.execute(delete(ThemeAssignment).where(ThemeAssignment.statement_id.in_(ids))
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Action.__table__).where(Action.__table__.c.statement_id.in_(ids))
                       .values(statement_id=None))
    db.session.execute(delete(Statement).where(Statement.id.in_(ids))
                       .execution_options(synchronize_session=False))


def _forget_in_edits(organisation_id: int, gone: set[int]) -> None:
    """People's theme edits name statements by number: a move of an erased one goes; a split
    forgets it (its new theme keeps the id it had), and goes when none of its own are left."""
    from ..nlp.curation import split_theme_id

    names = {str(i) for i in gone}
    for ts in db.session.scalars(select(ThemeSet).filter_by(organisation_id=organisation_id)):
        for edit in list(ts.edits):
            data = edit.edit or {}
            if data.get("op") == "move" and str(data.get("statement")) in names:
                db.session.delete(edit)
            elif data.get("op") == "split" and names & {str(s) for s in
                                                        data.get("statements") or []}:
                kept = [s for s in data["statements"] if str(s) not in names]
                if not kept:
                    db.session.delete(edit)
                else:
                    edit.edit = {**data, "new_theme": split_theme_id(data), "statements": kept}
