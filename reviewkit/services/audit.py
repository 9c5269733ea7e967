"""The co-production self-audit as a repeated round: a survey of the ``co-production-audit`` bank
for one service or the whole organisation (``service_id`` None), open from the day it is opened
until its closing date, with one open link (not single-use) for phones, a poster and the tablet.

A round is a :class:`~reviewkit.models.Survey` of that bank with a closing date
(``period_end``); its link is an :class:`~reviewkit.models.Invitation` that stops working at the
end of the closing day (in the organisation's time zone) or when the round is closed early.
Admins and facilitators open and close rounds (facilitators for their own services only);
everyone with the measures permission sees the rounds they may see (managers: all of the
organisation's)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import BankVersion, Invitation, Organisation, Response, Service, Survey, User
from ..models.base import utcnow
from . import responses as rsp
from .banks import latest_version
from .clock import Refused, checked_text, today_
from .invitations import create_invitations
from .periods import zone

BANK = "co-production-audit"
RUNNERS = ("admin", "facilitator")  # managers see rounds and results, and change nothing
LONGEST_TITLE = 300


class AuditError(Refused):
    """A round that cannot be opened or closed, with the field and a message for a person."""


# ---------------------------------------------------------------------------- seeing rounds


def _rounds_query(user: User):
    query = (select(Survey).join(BankVersion, Survey.bank_version_id == BankVersion.id)
             .where(Survey.organisation_id == user.organisation_id, BankVersion.bank_id == BANK,
                    Survey.period_end.is_not(None)))
    allowed = user.service_ids()
    if allowed is not None:  # a facilitator: their services' rounds only
        query = query.where(Survey.service_id.in_(allowed or {-1}))
    return query


def rounds_for(user: User) -> list[Survey]:
    """The rounds ``user`` may see, the newest first."""
    return list(db.session.scalars(_rounds_query(user).order_by(
        Survey.period_start.desc(), Survey.id.desc())))


def round_for(user: User, round_id: int) -> Survey | None:
    """The round ``round_id`` if ``user`` may see it, else None."""
    return db.session.scalar(_rounds_query(user).where(Survey.id == round_id))


def same_scope(survey: Survey) -> list[Survey]:
    """Every round of the same organisation and service (or the whole organisation) as
    ``survey``, the oldest first: what its results are compared with."""
    return list(db.session.scalars(
        select(Survey).join(BankVersion, Survey.bank_version_id == BankVersion.id)
        .where(Survey.organisation_id == survey.organisation_id, BankVersion.bank_id == BANK,
               Survey.period_end.is_not(None),
               Survey.service_id.is_(None) if survey.service_id is None
               else Survey.service_id == survey.service_id)
        .order_by(Survey.period_start, Survey.id)))


def link_of(survey: Survey) -> Invitation | None:
    """The round's open link (made with it)."""
    return db.session.scalar(select(Invitation).where(
        Invitation.survey_id == survey.id, Invitation.single_use.is_(False))
        .order_by(Invitation.id).limit(1))


def is_open(survey: Survey, today: date | None = None) -> bool:
    link = link_of(survey)
    return (link is not None and link.revoked_at is None
            and survey.period_end is not None and survey.period_end >= (today or today_()))


def answered(surveys: list[Survey]) -> dict[int, int]:
    """How many sent responses each round has (its id -> count)."""
    if not surveys:
        return {}
    rows = db.session.execute(
        select(Response.survey_id, func.count(Response.id))
        .where(Response.survey_id.in_([s.id for s in surveys]),
               Response.submitted_at.is_not(None))
        .group_by(Response.survey_id)).all()
    return {s.id: 0 for s in surveys} | dict(rows)


# ---------------------------------------------------------------------------- changing rounds


def _runs(user: User) -> None:
    if user.role not in RUNNERS:
        raise AuditError("service", _l("Only an administrator or a facilitator can change "
                                       "rounds."))


def _scope(user: User, service_id: int | None) -> Service | None:
    """The service a round is for (None: the whole organisation), checked against what
    ``user`` may see."""
    allowed = user.service_ids()
    if service_id is None:
        if allowed is not None:
            raise AuditError("service", _l("Choose one of your services: only an "
                                           "administrator can open a round for the whole "
                                           "organisation."))
        return None
    service = db.session.get(Service, service_id)
    if service is None or service.organisation_id != user.organisation_id or (
            allowed is not None and service.id not in allowed):
        raise AuditError("service", _l("Choose a service from the list."))
    return service


def _closes_at(day: date, organisation_id: int) -> datetime:
    """The end of ``day`` in the organisation's time zone, as the UTC time the link stops
    working."""
    local = zone(db.session.get(Organisation, organisation_id).timezone)
    return datetime.combine(day + timedelta(days=1), time(0), local).astimezone(UTC)


def open_round(user: User, *, service_id: int | None, closes_on: date | None,
               title: str | None = None, today: date | None = None) -> Survey:
    """Open a round today for a service (or the whole organisation) until ``closes_on``, with
    its open link; refused with a message for a person when the dates, the service or an
    overlapping open round say no."""
    _runs(user)
    today = today or today_()
    service = _scope(user, service_id)
    if closes_on is None:
        raise AuditError("closes_on", _l("Enter the closing date, for example 2027-03-31."))
    if closes_on < today:
        raise AuditError("closes_on", _l(
            "The closing date must be on or after the day the round opens (%(day)s).",
            day=format_date(today, "d MMMM y")))
    version = latest_version(BANK)
    if version is None:
        raise AuditError("service", _l("The self-audit questions are not loaded: ask an "
                                       "administrator to run reviewkit init."))
    scope = Survey(organisation_id=user.organisation_id, service_id=service_id,
                   bank_version_id=version.id, period_start=today, period_end=closes_on,
                   title="")
    for other in same_scope(scope):
        if is_open(other, today):
            raise AuditError("service", _l(
                "There is already an open round for this service or organisation, closing on "
                "%(day)s. Close it first, or choose a different service.",
                day=format_date(other.period_end, "d MMMM y")))
    where = service.name if service else user.organisation.name
    scope.title = checked_text(AuditError, "title", title, longest=LONGEST_TITLE,
                               required=False) or f"{version.title} – {where}"
    db.session.add(scope)
    db.session.flush()
    link = create_invitations(scope, single_use=False)[0]  # commits
    link.expires_at = _closes_at(closes_on, user.organisation_id)
    db.session.commit()
    return scope


def close_round(user: User, survey: Survey, today: date | None = None) -> Survey:
    """Close a round now: its link stops working and its closing date becomes today."""
    _runs(user)
    today = today or today_()
    if not is_open(survey, today):
        raise AuditError("service", _l("This round is already closed."))
    survey.period_end = min(survey.period_end, today)
    now = utcnow()
    for link in db.session.scalars(select(Invitation).filter_by(survey_id=survey.id)):
        link.revoked_at = link.revoked_at or now
    db.session.commit()
    return survey


def start_group_answer(user: User, survey: Survey, language: str) -> Response:
    """A new response to the round's link, for a group answering together on this tablet (in
    the page's language)."""
    _runs(user)
    link = link_of(survey)
    if link is None or not is_open(survey):
        raise AuditError("service", _l("This round is closed: nobody can answer it now."))
    return rsp.start_response(link, language=language)
