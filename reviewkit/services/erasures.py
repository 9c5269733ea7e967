"""Erasures that outlive a restore.

A person erased on request must stay erased even if the database is later put back from a
backup made before the erasure (UK GDPR: erased data is not brought back into use). Every
erasure is in the access log: a person's by their record's id, a name's (someone in the
register with no record of their own) by a keyed hash of the name, never the name itself.
``reviewkit restore`` reads those entries from the database it is about to replace and, once
the backup is in, erases again whoever the backup still holds (:func:`reapply`). A database
that is lost cannot say what was erased after its last backup: the restore then says so, with
the backup's date, so that those requests can be made again from the organisation's records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import AccessLog, Idea, Partner, Person, Signature
from .named import erase_name, name_key
from .people import erase_person

_KEY = re.compile(r"\bkey=([0-9a-f]{64})\b")
_ORGANISATION = re.compile(r"\borganisation=(\d+)\b")


@dataclass
class Held:
    """The erasures a database records: person ids, and (name key, organisation or None)."""

    people: set[int] = field(default_factory=set)
    names: set[tuple[str, int | None]] = field(default_factory=set)


def held() -> Held:
    """The erasures recorded in the database as it is now (nothing if it has no tables yet)."""
    found = Held()
    try:
        rows = db.session.execute(select(AccessLog.object_type, AccessLog.object_id,
                                         AccessLog.detail).where(
            AccessLog.action == "erase")).all()
    except SQLAlchemyError:
        db.session.rollback()
        return found
    for object_type, object_id, detail in rows:
        if object_type == "person" and object_id is not None:
            found.people.add(object_id)
        elif object_type == "name" and (key := _KEY.search(detail or "")):
            organisation = _ORGANISATION.search(detail or "")
            found.names.add((key[1], int(organisation[1]) if organisation else None))
    return found


@dataclass
class Reapplied:
    people: int = 0
    names: int = 0


def reapply(erasures: Held) -> Reapplied:
    """Erase again, in the database as it is now (just restored), every person and name in
    ``erasures`` that it still holds. Each is logged as an erasure (by no member of staff)."""
    done = Reapplied()
    for person in db.session.scalars(select(Person).where(
            Person.id.in_(sorted(erasures.people)), Person.erased_at.is_(None))).all():
        erase_person(None, person)
        done.people += 1
    if erasures.names:
        keys = {key: organisation for key, organisation in erasures.names}
        for name in sorted(_names_held()):
            if (key := name_key(name)) in keys:
                erase_name(None, name, keys.pop(key))  # every way of writing it goes at once
                done.names += 1
    return done


def _names_held() -> set[str]:
    """Every name the register holds for someone with no record of their own."""
    names: set[str] = set()
    for column, where in ((Partner.name, Partner.kind == "person"), (Signature.name, None),
                          (Idea.raised_by, None), (Idea.credit_as, None)):
        query = select(column).distinct().where(column.is_not(None))
        if where is not None:
            query = query.where(where)
        names.update(name.strip() for name in db.session.scalars(query) if name.strip())
    return names
