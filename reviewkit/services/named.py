"""Someone named in the co-production register without a record of their own: a partner who is
a person, someone who signed up to a piece of work, someone who sent an idea and gave their
name (kept for staff) or a name to credit. What is held under their name is exported and
erased on request, like a person supported's record (:mod:`reviewkit.services.people`).

A name is matched whole, ignoring case and the spaces around it. Erasing takes the partner
and the signature away and the idea's name and credit off (the idea, its dates and answers
stay in the register); the register's history keeps that a change was made, and when, but
not the name. The access log records that it was done, never the name itself (a keyed hash of
it, so that a restore from an older backup erases it again: :mod:`.erasures`).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Credit, Idea, Partner, Signature, User, Work
from ..models.history import acting_as, erase_from_history
from .people import log_access

ERASED = "erased"  # what the history keeps in place of the name


def name_key(name: str) -> str:
    """The keyed hash of a name as erasure matches it (whole, any case, spaces around it
    ignored): it finds the name again in a restored database and cannot be read back."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"erase-name\x00" + name.strip().lower().encode(),
                    hashlib.sha256).hexdigest()


def _is(column, name: str):
    return func.lower(func.trim(column)) == name.strip().lower()


def _held(organisation_id: int | None, name: str) -> tuple[list, list, list]:
    """(partners who are people, signatures, ideas) held under ``name``."""
    def mine(query, model):
        if organisation_id is None:
            return query
        return query.join(Work, Work.id == model.work_id).where(
            Work.organisation_id == organisation_id)

    partners = db.session.scalars(mine(select(Partner).where(
        Partner.kind == "person", _is(Partner.name, name)), Partner).order_by(Partner.id)).all()
    signatures = db.session.scalars(mine(select(Signature).where(
        _is(Signature.name, name)), Signature).order_by(Signature.id)).all()
    ideas = db.session.scalars(mine(select(Idea).where(or_(
        _is(Idea.raised_by, name), _is(Idea.credit_as, name))), Idea).order_by(Idea.id)).all()
    return list(partners), list(signatures), list(ideas)


def export_name(user: User | None, name: str, organisation_id: int | None = None
                ) -> dict[str, Any]:
    """Everything the register holds under ``name`` (logged, without the name)."""
    partners, signatures, ideas = _held(organisation_id, name)
    log_access(user, "export", "name", None,
               f"partners={len(partners)} signatures={len(signatures)} ideas={len(ideas)}")
    db.session.commit()
    return {
        "name": name.strip(),
        "partners": [{"work": p.work.title, "name": p.name, "organisation": p.organisation,
                      "role": p.role, "credit": p.credit} for p in partners],
        "signatures": [{"work": s.work.title, "name": s.name, "capacity": s.capacity,
                        "signed_on": s.signed_on.isoformat()} for s in signatures],
        "ideas": [{"work": i.work.title, "text": i.text, "raised_on": i.raised_on.isoformat(),
                   "raised_by": i.raised_by, "credit": i.credit, "credit_as": i.credit_as,
                   "tracking_code": i.tracking_code, "decision": i.decision}
                  for i in ideas],
    }


def erase_name(user: User | None, name: str, organisation_id: int | None = None
               ) -> tuple[int, int, int]:
    """Erase what the register holds under ``name``: (partners, signatures, ideas) changed."""
    partners, signatures, ideas = _held(organisation_id, name)
    with acting_as(user.id if user else None):  # who made the change, in the history
        for idea in ideas:
            idea.raised_by = idea.credit_as = None
            idea.credit = Credit.NONE.value
        for row in (*partners, *signatures):
            db.session.delete(row)
        db.session.flush()  # Continuum writes the versions of these changes; then all of
        # their versions lose the name
        erase_from_history(Partner, [p.id for p in partners], name=ERASED)
        erase_from_history(Signature, [s.id for s in signatures], name=ERASED)
        erase_from_history(Idea, [i.id for i in ideas], raised_by=None, credit_as=None,
                           credit=Credit.NONE.value)
        # the name's keyed hash, not the name: a restore from an older backup erases it again
        log_access(user, "erase", "name", None,
                   f"partners={len(partners)} signatures={len(signatures)} ideas={len(ideas)} "
                   f"key={name_key(name)}"
                   + (f" organisation={organisation_id}" if organisation_id is not None else ""))
        db.session.commit()
    return len(partners), len(signatures), len(ideas)
