"""People supported: least data, consent records, every access logged, export and erase."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import (
    AccessLog,
    Action,
    Consent,
    Credit,
    Idea,
    Invitation,
    Person,
    Response,
    Review,
    Statement,
    Survey,
    ThemeAssignment,
    ThemeSet,
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


def _their_invitations(person: Person):
    """The ids of the invitations with the person's reference (a query, for ``in_``)."""
    return (select(Invitation.id).join(Survey, Invitation.survey_id == Survey.id)
            .where(Survey.organisation_id == person.organisation_id,
                   Invitation.person_ref == person.reference))


def _their_responses(person: Person):
    """The ids of the person's own phone responses (a query, for ``in_``)."""
    return select(Response.id).where(Response.invitation_id.in_(_their_invitations(person)))


def _their_statements(person: Person):
    """The ids of every statement of theirs (from their reviews and their own phone answers),
    deleted ones too (a query, for ``in_``)."""
    mine = Statement.review_id.in_(select(Review.id).where(Review.person_id == person.id))
    if person.reference:
        mine = mine | Statement.response_id.in_(_their_responses(person))
    return select(Statement.id).where(mine)


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(user: User, person: Person) -> dict[str, Any]:
    """Everything held about a person, for a subject access request: their record, consent,
    reviews with every action, every statement (from reviews and from their own phone), their
    phone answers, and the ideas in the register made from their statements.

    A statement or action deleted on the tablet is kept for Undo until it is erased for good
    (``services/deleted.py``) or the person is, so it is still held: it is in the export,
    with ``deleted_at`` saying when it was deleted and ``erased_for_good_on`` when it goes, and
    ``about_deleted`` says so in words (UK GDPR's right of access covers everything held,
    however it is marked)."""
    from flask_babel import ngettext

    from .retention import erased_on, kept_days_or_none

    days = kept_days_or_none()

    def gone_on(row, kept: set[int] = frozenset()) -> str | None:
        if row.id in kept:  # an idea in the register was raised from it: kept with the idea
            return None
        return _when(erased_on(row.deleted_at, person.organisation_id, days))

    reviews = db.session.scalars(select(Review).filter_by(person_id=person.id)).all()
    statements = db.session.scalars(select(Statement).where(
        Statement.id.in_(_their_statements(person))).order_by(Statement.id)).all()
    actions = db.session.scalars(select(Action).where(
        Action.review_id.in_([r.id for r in reviews])).order_by(Action.id)).all()
    responses = db.session.scalars(select(Response).where(
        Response.id.in_(_their_responses(person))).order_by(Response.id)).all() \
        if person.reference else []
    ideas = db.session.scalars(select(Idea).where(
        Idea.statement_id.in_([s.id for s in statements])).order_by(Idea.id)).all()
    raised = {i.statement_id for i in ideas}
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
                     "actions": [{"what": a.what, "who": a.who, "due_on": _when(a.due_on),
                                  "done": a.done_at is not None,
                                  "deleted_at": _when(a.deleted_at),
                                  "erased_for_good_on": gone_on(a)}
                                 for a in actions if a.review_id == r.id]}
                    for r in reviews],
        "statements": [{"review_id": s.review_id, "response_id": s.response_id,
                        "heading": s.section_id, "kind": s.kind, "text": s.text,
                        "said_by": s.contributor.role if s.contributor else None,
                        "deleted_at": _when(s.deleted_at),
                        "erased_for_good_on": gone_on(s, raised)}
                       for s in statements],
        "phone_answers": [{"response_id": r.id, "bank": r.bank_version.label,
                           "language": r.language, "submitted_at": _when(r.submitted_at),
                           "answers": [{"question": a.question_id, "value": a.value,
                                        "skipped": a.skipped} for a in r.answers]}
                          for r in responses],
        "about_deleted": ngettext(
            "Statements and actions deleted on the tablet are kept for Undo, then erased for "
            "good after %(num)d day: erased_for_good_on gives the day (none for a statement "
            "an idea in the register was raised from: it is kept with the idea).",
            "Statements and actions deleted on the tablet are kept for Undo, then erased for "
            "good after %(num)d days: erased_for_good_on gives the day (none for a statement "
            "an idea in the register was raised from: it is kept with the idea).", days)
        if days is not None else None,
        "ideas": [{"text": i.text, "work": i.work.title, "raised_on": i.raised_on.isoformat(),
                   "raised_by": i.raised_by, "credit_as": i.credit_as,
                   "decision": i.decision, "answered_on": _when(i.answered_on)}
                  for i in ideas],
    }


def erase_person(user: User, person: Person) -> None:
    """Erase on request: their reviews, statements (deleted ones kept for Undo too), actions,
    phone answers and consent go; an idea in the register made from one of their statements
    keeps its place and answers but loses their words and name, in its history too; a theme's
    "in people's words" quote of theirs goes. An anonymous stub and the access log (who
    erased, when) stay, so the erasure itself is on record."""
    statement_ids = set(db.session.scalars(_their_statements(person)))
    _erase_from_register(statement_ids)
    erase_quotes(person.organisation_id, statement_ids)
    review_ids = select(Review.id).where(Review.person_id == person.id)
    db.session.execute(delete(Action).where(Action.review_id.in_(review_ids)))
    db.session.execute(delete(Statement).where(Statement.review_id.in_(review_ids)))
    if person.reference:  # their own phone answers, found by the reference on their invitations
        responses = _their_responses(person)
        db.session.execute(delete(Statement).where(Statement.response_id.in_(responses)))
        db.session.execute(update(Review).where(Review.response_id.in_(responses))
                           .values(response_id=None))
        for response in db.session.scalars(select(Response).where(Response.id.in_(responses))):
            db.session.delete(response)
        db.session.execute(update(Invitation).where(Invitation.id.in_(_their_invitations(person)))
                           .values(person_ref=None))
    for review in db.session.scalars(select(Review).filter_by(person_id=person.id)):
        db.session.delete(review)
    db.session.execute(delete(Consent).where(Consent.person_id == person.id))
    person.display_name = "erased"
    person.reference = None
    person.erased_at = utcnow()
    log_access(user, "erase", "person", person.id)
    db.session.commit()


def _erase_from_register(statement_ids: set[int]) -> None:
    """Ideas made from these statements keep their dates, answers and actions (the register's
    record), but their words become "erased on request" (in the idea's language) and the name
    of who raised it and the credit go, in every version of their history as well."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from ..models.history import erase_from_history

    ideas = db.session.scalars(select(Idea).where(Idea.statement_id.in_(statement_ids))).all()
    for idea in ideas:
        with force_locale(idea.language or "en"):
            idea.text = _("Erased at the request of the person who said it.")
        idea.raised_by = idea.credit_as = None
        idea.credit = Credit.NONE.value
    db.session.flush()  # Continuum writes the new version; then every older one is cleared
    by_text: dict[str, list[int]] = {}  # one statement per language the ideas are in
    for idea in ideas:
        by_text.setdefault(idea.text, []).append(idea.id)
    for text, ids in by_text.items():
        erase_from_history(Idea, ids, text=text, raised_by=None, credit_as=None,
                           credit=Credit.NONE.value)


def erase_quotes(organisation_id: int, statement_ids: set[int]) -> None:
    """The words of these statements kept with the themes' last run go: a theme's "in people's
    words" quote taken from one of them, and the examples of every theme that held one (the
    next theming run picks others)."""
    held: dict[int, set[str]] = {}
    for ts_id, theme_id in db.session.execute(
            select(ThemeAssignment.theme_set_id, ThemeAssignment.theme_id).where(
                ThemeAssignment.statement_id.in_(statement_ids))):
        held.setdefault(ts_id, set()).add(str(theme_id))
    for ts in db.session.scalars(select(ThemeSet).filter_by(organisation_id=organisation_id)):
        themes = (ts.result or {}).get("themes") if isinstance(ts.result, dict) else None
        if not themes:
            continue
        theirs = held.get(ts.id, set())
        kept = [{k: v for k, v in t.items()
                 if not (k in ("typical", "typical_id", "typical_language")
                         and _quoted(t, statement_ids))
                 and not (k == "examples" and str(t.get("id")) in theirs)} for t in themes]
        if kept != themes:
            ts.result = {**ts.result, "themes": kept}


def _quoted(theme: dict, statement_ids: set[int]) -> bool:
    try:
        return int(str(theme.get("typical_id"))) in statement_ids
    except ValueError:
        return False
