"""Deleted statements and actions are erased for good after a set time.

Delete on the tablet hides a statement or an action and keeps it, so that Undo can bring it
back (``SoftDeleted``). What is kept is still held, and it is special-category data nobody
needs once the moment for Undo has passed: a row deleted more than ``DELETED_KEPT_DAYS`` days
ago (``REVIEWKIT_DELETED_KEPT_DAYS``, 30 by default) is erased for good by
:func:`purge_deleted`. ``reviewkit purge-deleted`` runs it, and so does the job worker once a
day (``reviewkit.tasks.purge_deleted_daily``); docs/backups.md says how to run it without one.

How days are counted, and the setting itself: ``services/retention.py``.

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

from sqlalchemy import delete, exists, func, select, update

from ..extensions import db
from ..models import Action, Idea, Organisation, Review, Statement, ThemeAssignment, ThemeSet
from .retention import cutoff, kept_days, parse_kept_days

BATCH = 5_000  # ids in one statement: SQLite takes at most 32,766 parameters


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
    from .people import erase_quotes

    gone = set(ids)
    erase_quotes(organisation_id, gone)  # before the assignments go: they say which themes
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
