"""People supported: least data, consent records, every access logged, export and erase."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import (
    AccessLog,
    Consent,
    Invitation,
    Person,
    Response,
    Review,
    Statement,
    Survey,
    User,
)
from ..models.base import utcnow


def log_access(user: User | None, action: str, object_type: str, object_id: int | None,
               detail: str | None = None) -> None:
    db.session.add(AccessLog(user_id=user.id if user else None, action=action,
                             object_type=object_type, object_id=object_id, detail=detail))


def visible_people(user: User):
    query = select(Person).where(Person.organisation_id == user.organisation_id,
                                 Person.erased_at.is_(None))
    allowed = user.service_ids()
    if allowed is not None:
        query = query.where(Person.service_id.in_(allowed))
    return db.session.scalars(query.order_by(Person.display_name)).all()


class NotAllowed(Exception):
    """The person exists, but not in this user's services (the attempt is logged)."""


def get_person(user: User, person_id: int, *, action: str = "view") -> Person | None:
    """The person if this user may see them (logged); None if there is no such person here;
    raises NotAllowed, after logging the attempt, if they are in another service."""
    person = db.session.get(Person, person_id)
    if person is None or person.organisation_id != user.organisation_id or person.erased_at:
        return None
    allowed = user.service_ids()
    if allowed is not None and person.service_id not in allowed:
        log_access(user, "denied", "person", person.id, action)
        db.session.commit()
        raise NotAllowed()
    log_access(user, action, "person", person.id)
    db.session.commit()
    return person


def create_person(user: User, *, display_name: str, reference: str | None, service_id: int | None,
                  language: str, easy_read: bool) -> Person:
    person = Person(organisation_id=user.organisation_id, display_name=display_name.strip(),
                    reference=(reference or "").strip() or None, service_id=service_id,
                    preferred_language=language, easy_read=easy_read)
    db.session.add(person)
    db.session.flush()
    log_access(user, "create", "person", person.id)
    db.session.commit()
    return person


def record_consent(user: User, person: Person, *, scope: str, given: bool,
                   note: str | None = None) -> Consent:
    consent = Consent(person=person, scope=scope, given=given, recorded_by_id=user.id,
                      note=note or None)
    db.session.add(consent)
    if scope == "pooled":  # statements follow the person's latest choice
        db.session.execute(update(Statement).where(
            Statement.review_id.in_(select(Review.id).where(Review.person_id == person.id))
        ).values(pooled=given))
    log_access(user, "consent", "person", person.id, f"{scope}={'yes' if given else 'no'}")
    db.session.commit()
    return consent


def export_person(user: User, person: Person) -> dict[str, Any]:
    """Everything held about a person, for a subject access request."""
    reviews = db.session.scalars(select(Review).filter_by(person_id=person.id)).all()
    statements = db.session.scalars(select(Statement).where(
        Statement.review_id.in_([r.id for r in reviews]))).all()
    log_access(user, "export", "person", person.id)
    db.session.commit()
    return {
        "person": {"display_name": person.display_name, "reference": person.reference,
                   "service": person.service.name if person.service else None,
                   "preferred_language": person.preferred_language,
                   "easy_read": person.easy_read, "created_at": person.created_at.isoformat()},
        "consents": [{"scope": c.scope, "given": c.given, "recorded_at": c.recorded_at.isoformat(),
                      "note": c.note} for c in person.consents],
        "reviews": [{"id": r.id, "held_on": r.held_on.isoformat(), "bank": r.bank_version.label,
                     "actions": [{"what": a.what, "who": a.who,
                                  "due_on": a.due_on.isoformat() if a.due_on else None,
                                  "done": a.done_at is not None} for a in r.actions]}
                    for r in reviews],
        "statements": [{"review_id": s.review_id, "heading": s.section_id, "kind": s.kind,
                        "text": s.text, "said_by": s.contributor.role if s.contributor else None}
                       for s in statements if s.deleted_at is None],
    }


def erase_person(user: User, person: Person) -> None:
    """Erase on request: their reviews, statements and consent go; an anonymous stub and the
    access log (who erased, when) stay, so the erasure itself is on record."""
    review_ids = select(Review.id).where(Review.person_id == person.id)
    db.session.execute(delete(Statement).where(Statement.review_id.in_(review_ids)))
    if person.reference:  # their own phone answers, found by the reference on their invitations
        invitations = (select(Invitation.id).join(Survey, Invitation.survey_id == Survey.id)
                       .where(Survey.organisation_id == person.organisation_id,
                              Invitation.person_ref == person.reference))
        responses = select(Response.id).where(Response.invitation_id.in_(invitations))
        db.session.execute(delete(Statement).where(Statement.response_id.in_(responses)))
        db.session.execute(update(Review).where(Review.response_id.in_(responses))
                           .values(response_id=None))
        for response in db.session.scalars(select(Response).where(Response.id.in_(responses))):
            db.session.delete(response)
        db.session.execute(update(Invitation).where(Invitation.id.in_(invitations))
                           .values(person_ref=None))
    for review in db.session.scalars(select(Review).filter_by(person_id=person.id)):
        db.session.delete(review)
    db.session.execute(delete(Consent).where(Consent.person_id == person.id))
    person.display_name = "erased"
    person.reference = None
    person.erased_at = utcnow()
    log_access(user, "erase", "person", person.id)
    db.session.commit()
