"""Review conversations on a tablet: contributors, statements under headings, actions.
Every change is committed at once, so nothing is lost if the tablet sleeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import false, func, select
from sqlalchemy.exc import IntegrityError

from ..banks import Section
from ..extensions import db
from ..models import (
    Action,
    BankVersion,
    Contributor,
    Invitation,
    Person,
    Response,
    Review,
    Statement,
    User,
)
from ..models.base import utcnow
from .clock import now_, today_

CONTRIBUTOR_ROLES = ("person", "family", "staff", "advocate", "other")


class ReviewError(ValueError):
    """A change that cannot be made, with a message for a person."""


def latest_phone_response(person: Person, bank_id: str) -> Response | None:
    """The person's most recent sent phone answers to this bank (matched by their reference on
    the invitation), so that they appear under the same headings in the meeting."""
    if not person.reference:
        return None
    return db.session.scalar(
        select(Response).join(Invitation, Response.invitation_id == Invitation.id)
        .join(BankVersion, Response.bank_version_id == BankVersion.id)
        .where(Invitation.person_ref == person.reference, BankVersion.bank_id == bank_id,
               Response.submitted_at.isnot(None))
        .order_by(Response.submitted_at.desc()).limit(1))


def start_review(user: User, person: Person, version: BankVersion, held_on: date) -> Review:
    phone = latest_phone_response(person, version.bank_id)
    review = Review(organisation_id=user.organisation_id, service_id=person.service_id,
                    person=person, bank_version=version, facilitator_id=user.id,
                    language=person.preferred_language, held_on=held_on,
                    response_id=phone.id if phone else None)
    db.session.add(review)
    db.session.flush()
    db.session.add(Contributor(review=review, name=person.display_name, role="person"))
    db.session.commit()
    return review


def get_review(user: User, review_id: int) -> Review | None:
    review = db.session.get(Review, review_id)
    if review is None or review.organisation_id != user.organisation_id:
        return None
    allowed = user.service_ids()
    if allowed is not None and review.service_id not in allowed:
        return None
    return review


def add_contributor(review: Review, name: str, role: str) -> Contributor:
    if role not in CONTRIBUTOR_ROLES:
        raise ReviewError("choose who this person is")
    contributor = Contributor(review=review, name=name.strip(), role=role)
    db.session.add(contributor)
    db.session.commit()
    return contributor


def update_contributor(contributor: Contributor, name: str, role: str) -> None:
    """Correct a name typed wrong or who someone is: what they said stays theirs."""
    if role not in CONTRIBUTOR_ROLES:
        raise ReviewError("choose who this person is")
    contributor.name = name.strip()
    contributor.role = role
    db.session.commit()


def section_kinds(section: Section) -> list[str]:
    kinds: list[str] = []
    for q in section.questions:
        kinds.extend(k.value for k in q.kinds if k.value not in kinds)
    return kinds


def _question_for(section: Section, kind: str | None) -> str | None:
    return next((q.id for q in section.questions if kind in [k.value for k in q.kinds]), None)


def _check_contributor(review: Review, contributor_id: int | None) -> None:
    """Contributor ids are global: only one of this review's own may be named as who said it."""
    if contributor_id is not None and contributor_id not in {c.id for c in review.contributors}:
        raise ReviewError("choose who said it")


def add_statement(review: Review, section_id: str, contributor_id: int | None, kind: str | None,
                  text: str, client_key: str | None = None) -> Statement:
    """Add one statement and commit. The same ``client_key`` twice (a double tap, a retry after
    the Wi-Fi dropped) gives back the statement already stored."""
    if client_key:
        existing = db.session.scalar(select(Statement).filter_by(client_key=client_key))
        if existing is not None:
            if existing.review_id != review.id:
                raise ReviewError("that statement belongs to another review")
            return existing
    section = next((s for s in review.bank_version.bank.sections if s.id == section_id), None)
    if section is None:
        raise ReviewError("that heading is not part of this review")
    _check_contributor(review, contributor_id)
    kinds = section_kinds(section)
    if kind not in kinds:
        kind = kinds[0] if len(kinds) == 1 else None
    position = db.session.scalar(select(func.count(Statement.id)).where(
        Statement.review_id == review.id, Statement.section_id == section_id)) or 0
    statement = Statement(
        organisation_id=review.organisation_id, service_id=review.service_id, review=review,
        contributor_id=contributor_id, bank_id=review.bank_version.bank_id, section_id=section_id,
        question_id=_question_for(section, kind), kind=kind, kind_confidence=1.0 if kind else None,
        text=text.strip(), language=review.language, position=position, said_on=review.held_on,
        pooled=bool(review.person and review.person.consent("pooled")), client_key=client_key)
    db.session.add(statement)
    try:
        db.session.commit()
    except IntegrityError:  # the same key at the same moment from two requests: keep the first
        db.session.rollback()
        return db.session.scalar(select(Statement).filter_by(client_key=client_key))
    return statement


def review_statement(review: Review, statement_id: int) -> Statement:
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.review_id != review.id:
        raise ReviewError("that statement is not part of this review")
    return statement


def update_statement(statement: Statement, *, text: str, section_id: str,
                     contributor_id: int | None, kind: str | None) -> None:
    """Save an edit. A statement deleted since the edit began (from another tab) comes back
    with the edit, rather than the words just typed going nowhere."""
    review = statement.review
    section = next((s for s in review.bank_version.bank.sections if s.id == section_id), None)
    if section is None:
        raise ReviewError("that heading is not part of this review")
    _check_contributor(review, contributor_id)
    kinds = section_kinds(section)
    statement.text = text.strip()
    statement.section_id = section_id
    statement.contributor_id = contributor_id
    statement.kind = kind if kind in kinds else (kinds[0] if len(kinds) == 1 else None)
    statement.question_id = _question_for(section, statement.kind)
    statement.deleted_at = None  # deleted in another tab while being edited: the edit keeps it
    db.session.commit()


def delete(row: Statement | Action) -> None:
    """Delete a statement or an action agreed by mistake: it goes from the review and the
    person's summary at once, and is kept as it was for Undo until it is erased for good
    (``services/deleted.py``: after ``DELETED_KEPT_DAYS`` days, by the app's clock)."""
    row.deleted_at = now_()
    db.session.commit()


def undo_delete(row: Statement | Action) -> None:
    """Bring a deleted statement or action back as it was: the same words, who, date and place."""
    row.deleted_at = None
    db.session.commit()


@dataclass
class Heading:
    section: Section
    kinds: list[str]
    statements: list[Statement] = field(default_factory=list)
    phone: list[Statement] = field(default_factory=list)  # the person's own phone answers


def headings(review: Review) -> list[Heading]:
    """The bank's headings in order, each with its statements (and the person's phone answers)."""
    rows = db.session.scalars(select(Statement).where(
        Statement.deleted_at.is_(None),
        (Statement.review_id == review.id) | (
            (Statement.response_id == review.response_id) if review.response_id else false()),
    ).order_by(Statement.section_id, Statement.position, Statement.id)).all()
    out = []
    for section in review.bank_version.bank.sections:
        kinds = section_kinds(section)
        if not kinds:
            continue
        mine = [s for s in rows if s.section_id == section.id]
        out.append(Heading(section, kinds, [s for s in mine if s.review_id == review.id],
                           [s for s in mine if s.response_id is not None]))
    return out


def add_action(review: Review, *, what: str, who: str, due_on: date | None,
               statement_id: int | None = None) -> Action:
    action = Action(review=review, what=what.strip(), who=who.strip(), due_on=due_on,
                    statement_id=statement_id)
    db.session.add(action)
    db.session.commit()
    return action


def review_action(review: Review, action_id: int) -> Action:
    """One of this review's own actions: action ids are global, so one from another review
    (perhaps of a service the user may not see) is refused."""
    action = db.session.get(Action, action_id)
    if action is None or action.review_id != review.id:
        raise ReviewError("that action is not part of this review")
    return action


def update_action(action: Action, *, what: str, who: str, due_on: date | None) -> None:
    """Put right what was agreed: a typo in who, a wrong date."""
    action.what, action.who, action.due_on = what.strip(), who.strip(), due_on
    action.deleted_at = None  # deleted in another tab while being changed: the change keeps it
    db.session.commit()


def set_action_done(action: Action, done: bool) -> None:
    action.done_at = utcnow() if done else None
    db.session.commit()


def overdue_actions(user: User, today: date | None = None) -> list[Action]:
    today = today or today_(user.organisation_id)
    query = (select(Action).join(Action.review)
             .where(Review.organisation_id == user.organisation_id, Action.done_at.is_(None),
                    Action.deleted_at.is_(None),
                    Action.due_on < today).order_by(Action.due_on))
    allowed = user.service_ids()
    if allowed is not None:
        query = query.where(Review.service_id.in_(allowed))
    return list(db.session.scalars(query))


def finish_review(review: Review) -> None:
    review.finished_at = review.finished_at or utcnow()
    db.session.commit()
