"""The co-production register: pieces of work, ideas and their answers, investigations of
stalled work, yearly reviews, and the flags worked out from dates.

Every function that changes data checks it first and raises :class:`RegisterError` with a
message for a person (``field`` says which form field it belongs to); nothing is half-saved.
Dates that decide a flag ("today") are always a parameter, so tests inject them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Area,
    Credit,
    Decision,
    Idea,
    IdeaAnswer,
    IdeaSource,
    Investigation,
    Organisation,
    Partner,
    PlanAction,
    PlanStatus,
    Service,
    Signature,
    User,
    Work,
    WorkKind,
    WorkPart,
    WorkReview,
)
from ..models.history import acting_as
from .clock import CODE_ALPHABET as CODE_ALPHABET  # the register's codes and dates, shared
from .clock import Refused, a_year_on, checked_text, clean_code, months_before, new_code, today_
from .clock import shown_code as shown_code
from .plans import organisation_plan

STALL_MONTHS = 2  # an open idea or action with no movement for this long is "stalled"
REVIEW_SOON_DAYS = 30  # reviews due within this many days are listed
LONGEST_TEXT = 2000


class RegisterError(Refused):
    """Something the register cannot save, with a message for a person."""


def _text(field: str, value: str | None, *, required: bool = True,
          longest: int = LONGEST_TEXT) -> str | None:
    return checked_text(RegisterError, field, value, longest=longest, required=required)


def _commit(user_id: int | None) -> None:
    with acting_as(user_id):
        db.session.commit()


# ---------------------------------------------------------------------------- pieces of work


def _staff(organisation_id: int, user_id: int | None, field: str, roles: set[str]
           ) -> int | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id or user.role not in roles:
        raise RegisterError(field, _l("Choose someone from the list."))
    return user.id


def _scope(organisation_id: int, service_id: int | None, area_id: int | None
           ) -> tuple[int | None, int | None]:
    if service_id is not None:
        service = db.session.get(Service, service_id)
        if service is None or service.organisation_id != organisation_id:
            raise RegisterError("scope", _l("Choose a service or area from the list."))
    if area_id is not None:
        area = db.session.get(Area, area_id)
        if area is None or area.organisation_id != organisation_id:
            raise RegisterError("scope", _l("Choose a service or area from the list."))
    return service_id, area_id


def save_work(user: User, work: Work | None = None, *, title: str, kind: str,
              summary: str | None = None, easy_read: str | None = None,
              service_id: int | None = None, area_id: int | None = None,
              facilitator_id: int | None = None, manager_id: int | None = None,
              review_on: date | None = None, parent_id: int | None = None) -> Work:
    """Make a piece of work, or change one; its review is a year on unless given."""
    org = user.organisation_id
    if kind not in {k.value for k in WorkKind} or kind == WorkKind.ORGANISATION_PLAN.value and (
            work is None or work.kind != kind):
        raise RegisterError("kind", _l("Choose what kind of work this is."))
    fields = {
        "title": _text("title", title, longest=200), "kind": kind,
        "summary": _text("summary", summary, required=False),
        "easy_read": _text("easy_read", easy_read, required=False),
        "facilitator_id": _staff(org, facilitator_id, "facilitator",
                                 {"facilitator", "manager", "admin"}),
        "manager_id": _staff(org, manager_id, "manager", {"manager", "admin"}),
    }
    fields["service_id"], fields["area_id"] = _scope(org, service_id, area_id)
    if user.role == "facilitator":
        # a facilitator works on the pieces of work of their services, or that they facilitate
        # (a piece for the whole organisation or an area); never one of another service
        mine = {s.id for s in user.services}
        kept = work is not None and fields["service_id"] == work.service_id
        if fields["service_id"] is not None and fields["service_id"] not in mine and not kept:
            raise RegisterError("scope", _l("Choose one of your services."))
        if fields["service_id"] not in mine and fields["facilitator_id"] != user.id:
            raise RegisterError("scope", _l("Choose one of your services, or name yourself as "
                                            "the facilitator."))
    if parent_id is not None:
        parent = db.session.get(Work, parent_id)
        kept = work is not None and parent_id == work.parent_id
        if parent is None or parent.organisation_id != org or (work and parent.id == work.id) \
                or not (kept or may_link_work(user, parent)):
            raise RegisterError("parent", _l("Choose a piece of work from the list."))
    elif kind == WorkKind.LOCAL_PLAN.value:
        parent_id = organisation_plan(org).id
    fields["parent_id"] = parent_id
    if work is None:
        work = Work(organisation_id=org, created_by_id=user.id, public_code=new_code(),
                    review_on=review_on or a_year_on(today_()))
        db.session.add(work)
    elif review_on is not None:
        work.review_on = review_on
    for name, value in fields.items():
        setattr(work, name, value)
    _commit(user.id)
    return work


def _dates(starts_on: date | None, finishes_on: date | None,
           finish_field: str = "finishes_on") -> None:
    if starts_on is None:
        raise RegisterError("starts_on", _l("Enter the start date."))
    if finishes_on is None:
        raise RegisterError(finish_field, _l("Enter the finish date."))
    if finishes_on < starts_on:
        raise RegisterError(finish_field, _l("The finish date must be on or after the start "
                                             "date."))


def add_part(user: User, work: Work, *, title: str, starts_on: date | None,
             finishes_on: date | None) -> WorkPart:
    title = _text("title", title, longest=200)
    _dates(starts_on, finishes_on)
    part = WorkPart(work=work, title=title, starts_on=starts_on, finishes_on=finishes_on,
                    position=len(work.parts))
    db.session.add(part)
    _commit(user.id)
    return part


def set_part_done(user: User, part: WorkPart, done: bool) -> None:
    part.done = done
    _commit(user.id)


def set_work_open(user: User, work: Work, is_open: bool) -> None:
    """Close a piece of work (it takes no new ideas; its flags and history stay), or open it
    again."""
    work.status = "open" if is_open else "closed"
    _commit(user.id)


def add_partner(user: User, work: Work, *, kind: str, name: str, credit: str,
                organisation: str | None = None, role: str | None = None) -> Partner:
    if kind not in ("person", "organisation"):
        raise RegisterError("kind", _l("Choose a person or an organisation."))
    if credit not in {c.value for c in Credit}:
        raise RegisterError("credit", _l("Choose how they want to be credited."))
    organisation = _text("organisation", organisation, required=False, longest=200)
    if credit == Credit.ORGANISATION.value and kind == "person" and not organisation:
        raise RegisterError("organisation", _l("Enter their organisation, to credit it."))
    partner = Partner(work=work, kind=kind, name=_text("name", name, longest=200), credit=credit,
                      organisation=organisation,
                      role=_text("role", role, required=False, longest=200))
    db.session.add(partner)
    _commit(user.id)
    return partner


def add_signature(user: User, work: Work, *, name: str, signed_on: date | None,
                  capacity: str | None = None) -> Signature:
    if signed_on is None:
        raise RegisterError("signed_on", _l("Enter the date they signed."))
    signature = Signature(work=work, name=_text("name", name, longest=200), signed_on=signed_on,
                          capacity=_text("capacity", capacity, required=False, longest=200))
    db.session.add(signature)
    _commit(user.id)
    return signature


def credit_line(partner: Partner) -> str | None:
    """How a partner is named in public, as they chose (None: not at all)."""
    if partner.credit == Credit.NAME.value:
        return f"{partner.name} ({partner.organisation})" if partner.organisation \
            else partner.name
    if partner.credit == Credit.ORGANISATION.value:
        return partner.organisation if partner.kind == "person" else partner.name
    return None


# ---------------------------------------------------------------------------- ideas


def open_for_ideas(work: Work, today: date) -> bool:
    return work.is_open and (work.ideas_until is None or today <= work.ideas_until)


def raise_idea(work: Work, text: str, *, source: str, today: date | None = None,
               language: str | None = None, raised_by: str | None = None,
               name_agreed: bool = False, credit: str = Credit.NONE.value,
               credit_as: str | None = None, entered_by: User | None = None,
               statement_id: int | None = None, theme: tuple[int | None, str] | None = None,
               ballot_item_id: int | None = None, client_key: str | None = None) -> Idea:
    """A new idea for ``work``. The name of who raised it is kept only when they agreed; a
    repeated submit (the same ``client_key``) gives back the idea it made."""
    today = today or today_()
    if client_key:
        again = db.session.scalar(select(Idea).filter_by(work_id=work.id, client_key=client_key))
        if again is not None:
            return again
    if source not in {s.value for s in IdeaSource}:
        raise RegisterError("source", _l("Choose where the idea came from."))
    if not open_for_ideas(work, today):
        raise RegisterError("text", _l("This piece of work is not taking new ideas just now."))
    text = _text("text", text)
    if credit not in {c.value for c in Credit}:
        raise RegisterError("credit", _l("Choose how you want to be credited."))
    raised_by = _text("raised_by", raised_by, required=False, longest=200) if name_agreed \
        else None
    credit_as = _text("credit_as", credit_as, required=False, longest=200)
    if credit != Credit.NONE.value and not credit_as:
        raise RegisterError("credit_as", _l("Write the name to credit, or choose not to be "
                                            "credited."))
    idea = Idea(organisation_id=work.organisation_id, work_id=work.id, text=text,
                language=language, source=source, raised_on=today, raised_by=raised_by,
                credit=credit, credit_as=credit_as if credit != Credit.NONE.value else None,
                entered_by_id=entered_by.id if entered_by else None, statement_id=statement_id,
                theme_set_id=theme[0] if theme else None, theme_id=theme[1] if theme else None,
                ballot_item_id=ballot_item_id,
                client_key=client_key, moved_on=today)
    for _try in range(5):
        idea.tracking_code = new_code()
        db.session.add(idea)
        try:
            _commit(entered_by.id if entered_by else None)
            return idea
        except IntegrityError:  # a clash of codes (or the same submit at the same moment)
            db.session.rollback()
            if client_key:
                again = db.session.scalar(select(Idea).filter_by(work_id=work.id,
                                                                 client_key=client_key))
                if again is not None:
                    return again
    raise RuntimeError("no free tracking code")


def find_idea(code: str | None) -> Idea | None:
    cleaned = clean_code(code)
    return db.session.scalar(select(Idea).filter_by(tracking_code=cleaned)) if cleaned else None


#: Pounds and pence as people write them (commas taken out first): digits, then at most two
#: after a point. Decimal() alone also reads 'NaN', 'Infinity', '1e9' and '1_000'.
POUNDS = re.compile(r"^\d+(\.\d{1,2})?$")


def parse_cost(text: str | None) -> Decimal | None:
    text = (text or "").strip().lstrip("£").replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text) if POUNDS.match(text) else None
    except InvalidOperation:
        value = None
    if value is None or value < 0 or value >= Decimal("1e10"):
        raise RegisterError("cost", _l("Enter the cost in pounds, like 1500 or 1500.50."))
    return value.quantize(Decimal("0.01"))


def answer_idea(user: User, idea: Idea, *, decision: str, reason: str | None = None,
                decide_by: date | None = None, cost: Decimal | None = None,
                cost_note: str | None = None, today: date | None = None) -> IdeaAnswer:
    """A dated, signed answer. Anything but "included" needs a reason; "not yet" also needs
    the date by which it will be decided, after today."""
    today = today or today_()
    if decision not in {d.value for d in Decision}:
        raise RegisterError("decision", _l("Choose an answer."))
    reason = _text("reason", reason, required=decision != Decision.INCLUDED.value)
    if decision == Decision.NOT_YET.value:
        if decide_by is None:
            raise RegisterError("decide_by", _l("Enter the date by which it will be decided."))
        if decide_by <= today:
            raise RegisterError("decide_by", _l("The date to decide by must be after today."))
    else:
        decide_by = None
    if cost is not None and not Decimal(0) <= cost < Decimal("1e10"):
        raise RegisterError("cost", _l("Enter the cost in pounds, like 1500 or 1500.50."))
    answer = IdeaAnswer(idea=idea, decision=decision, reason=reason, decide_by=decide_by,
                        cost=cost, cost_note=_text("cost_note", cost_note, required=False,
                                                   longest=300),
                        answered_on=today, answered_by_id=user.id)
    db.session.add(answer)
    idea.decision, idea.answered_on, idea.decide_by, idea.moved_on = (
        decision, today, decide_by, today)
    _commit(user.id)
    return answer


def _action_fields(change: str, owner: str, starts_on: date | None, due_on: date | None,
                   status: str, public_sentence: str | None, root_cause: str | None = None,
                   success: str | None = None) -> dict:
    fields = {"change": _text("change", change), "owner": _text("owner", owner, longest=120),
              "root_cause": _text("root_cause", root_cause, required=False),
              "success": _text("success", success, required=False),
              "public_sentence": _text("public_sentence", public_sentence, required=False,
                                       longest=300)}
    _dates(starts_on, due_on, "due_on")
    if status not in {s.value for s in PlanStatus}:
        raise RegisterError("status", _l("Choose planned, in progress or done."))
    return {**fields, "starts_on": starts_on, "due_on": due_on, "status": status}


def add_action(user: User, work: Work, idea: Idea, *, change: str, owner: str,
               starts_on: date | None, due_on: date | None, status: str,
               public_sentence: str | None = None, root_cause: str | None = None,
               success: str | None = None) -> PlanAction:
    """An action of ``work`` for an included or partly included idea: what will change (and
    optionally its root cause and what success looks like), a named owner, start and finish
    dates and a status."""
    from .plans import create_action

    if idea.work_id != work.id or idea.decision not in (Decision.INCLUDED.value,
                                                        Decision.PARTLY.value):
        raise RegisterError("change", _l("Only an idea that is included or partly included "
                                         "becomes an action. Answer the idea first."))
    fields = _action_fields(change, owner, starts_on, due_on, status, public_sentence,
                            root_cause, success)
    with acting_as(user.id):
        return create_action(user, None, work=work, idea_id=idea.id, **fields)


def change_action(user: User, action: PlanAction, *, change: str, owner: str,
                  starts_on: date | None, due_on: date | None, status: str,
                  public_sentence: str | None = None, root_cause: str | None = None,
                  success: str | None = None) -> PlanAction:
    """Change an action of a piece of work (its status, dates, owner…); any change is
    movement, so it is no longer stalled."""
    from .plans import update_action

    fields = _action_fields(change, owner, starts_on, due_on, status, public_sentence,
                            root_cause, success)
    with acting_as(user.id):
        return update_action(action, **fields)


# ---------------------------------------------------------------------------- flags


def idea_is_open(idea: Idea) -> bool:
    """Waiting for an answer, or "not yet"."""
    return idea.decision in (None, Decision.NOT_YET.value)


def answer_overdue(idea: Idea, answer_days: int, today: date) -> bool:
    """No answer within the organisation's time, or "not yet" past its date to decide by."""
    if idea.decision is None:
        return idea.raised_on + timedelta(days=answer_days) < today
    return idea.decision == Decision.NOT_YET.value and idea.decide_by is not None \
        and idea.decide_by < today


def is_stalled(item: Idea | PlanAction, today: date) -> bool:
    """Open and not moved for :data:`STALL_MONTHS` months."""
    if isinstance(item, Idea):
        still_open = idea_is_open(item)
    else:
        still_open = item.status != PlanStatus.DONE.value
    moved = item.moved_on or today
    return still_open and moved <= months_before(today, STALL_MONTHS)


def review_due(work: Work, today: date) -> bool:
    return work.is_open and work.review_on <= today + timedelta(days=REVIEW_SOON_DAYS)


@dataclass(frozen=True)
class Progress:
    done: float  # 0 to 1
    items: int  # actions and child pieces counted


ACTION_WEIGHT = {PlanStatus.PLANNED.value: 0.0, PlanStatus.IN_PROGRESS.value: 0.5,
                 PlanStatus.DONE.value: 1.0}


def progress(work: Work, actions_of: dict[int, list[PlanAction]],
             children_of: dict[int, list[Work]], _seen: frozenset = frozenset()
             ) -> Progress | None:
    """How far a piece of work has come: the mean of its actions (planned 0, in progress ½,
    done 1) and of its child pieces' own progress (Decidim's roll-up); None with nothing to
    count. ``actions_of`` and ``children_of`` are by work id, loaded once by the caller."""
    if work.id in _seen:  # a loop of parents cannot be saved, but be safe
        return None
    parts = [ACTION_WEIGHT.get(a.status, 0.0) for a in actions_of.get(work.id, [])]
    for child in children_of.get(work.id, []):
        p = progress(child, actions_of, children_of, _seen | {work.id})
        if p is not None:
            parts.append(p.done)
    if not parts:
        return None
    return Progress(done=round(sum(parts) / len(parts), 3), items=len(parts))


# ---------------------------------------------------------------------------- stalled, reviews


def investigate(user: User, item: Idea | PlanAction, *, why: str, next_steps: str,
                new_date: date | None = None, today: date | None = None) -> Investigation:
    """A manager's record of why work stalled and what will be done; it goes into the
    history. It does not clear the flag: the work moving again does."""
    today = today or today_()
    if not is_stalled(item, today):
        raise RegisterError("why", _l("This has moved in the last two months, so it has not "
                                      "stalled: there is nothing to look into."))
    if new_date is not None and new_date <= today:
        raise RegisterError("new_date", _l("The new date must be after today."))
    record = Investigation(
        organisation_id=item.organisation_id, why=_text("why", why),
        next_steps=_text("next_steps", next_steps), new_date=new_date, recorded_on=today,
        recorded_by_id=user.id, **({"idea_id": item.id} if isinstance(item, Idea)
                                   else {"action_id": item.id}))
    db.session.add(record)
    _commit(user.id)
    return record


def review_work(user: User, work: Work, *, what_changed: str, reviewed_on: date | None = None,
                ideas_until: date | None = None, next_review_on: date | None = None
                ) -> WorkReview:
    """The yearly review: what changed, open for new ideas until a date, the next review a
    year on unless given."""
    reviewed_on = reviewed_on or today_()
    if reviewed_on > today_():
        raise RegisterError("reviewed_on", _l("The review date cannot be after today."))
    if ideas_until is not None and ideas_until < reviewed_on:
        raise RegisterError("ideas_until", _l("Ideas can be sent until a date on or after "
                                              "the review."))
    next_review_on = next_review_on or a_year_on(reviewed_on)
    if next_review_on <= reviewed_on:
        raise RegisterError("next_review_on", _l("The next review must be after this one."))
    review = WorkReview(work_id=work.id, reviewed_on=reviewed_on,
                        what_changed=_text("what_changed", what_changed),
                        ideas_until=ideas_until, next_review_on=next_review_on,
                        reviewed_by_id=user.id)
    db.session.add(review)
    work.review_on, work.ideas_until = next_review_on, ideas_until
    _commit(user.id)
    return review


def answer_days(organisation_id: int) -> int:
    return db.session.get(Organisation, organisation_id).answer_days


def set_answer_days(user: User, days: int | None) -> None:
    """The organisation's promised time to answer an idea (the charter's "specified
    timeframe"): from 1 to 365 days."""
    if days is None or not 1 <= days <= 365:
        raise RegisterError("days", _l("Enter a number of days from 1 to 365."))
    db.session.get(Organisation, user.organisation_id).answer_days = days
    _commit(user.id)


def visible_work_ids(user: User) -> set[int] | None:
    """The pieces of work ``user`` may see and work on: facilitators those of their services
    and those they facilitate; everyone else with the register's permission all of the
    organisation's (None)."""
    if user.role != "facilitator":
        return None
    services = {s.id for s in user.services}
    return set(db.session.scalars(select(Work.id).where(
        Work.organisation_id == user.organisation_id,
        Work.service_id.in_(services or {-1}) | (Work.facilitator_id == user.id))))


def may_link_work(user: User, work: Work) -> bool:
    """Whether ``user`` may choose ``work`` in a form (a parent, an indicator's piece of work):
    one they may see, or one of the whole organisation or an area; never another service's."""
    return work in linkable_works(user)


def linkable_works(user: User) -> list[Work]:
    """The pieces of work a form offers ``user`` (see :func:`may_link_work`), by title."""
    query = select(Work).where(Work.organisation_id == user.organisation_id)
    allowed = visible_work_ids(user)
    if allowed is not None:
        query = query.where(Work.service_id.is_(None) | Work.id.in_(allowed or {-1}))
    return list(db.session.scalars(query.order_by(Work.title)))


def work_for(user: User, work_id: int) -> Work | None:
    """The piece of work ``work_id`` if ``user`` may see it, else None."""
    work = db.session.get(Work, work_id)
    allowed = visible_work_ids(user)
    if work is None or work.organisation_id != user.organisation_id or (
            allowed is not None and work.id not in allowed):
        return None
    return work


def ideas_from(*, theme: tuple[int, str] | None = None, statement_id: int | None = None
               ) -> list[Idea]:
    """The ideas made from a theme or from a statement (the link back)."""
    query = select(Idea).order_by(Idea.id)
    if theme is not None:
        query = query.where(Idea.theme_set_id == theme[0], Idea.theme_id == theme[1])
    if statement_id is not None:
        query = query.where(Idea.statement_id == statement_id)
    return list(db.session.scalars(query))


def add_plan_action(user: User, *, theme_id: str | None, label: str, **fields) -> PlanAction:
    """An organisation-wide action agreed for a theme of the local events (its id, or None and
    its words for an item added on the day): an action of the organisation plan, with a named owner
    and dates, linked to the local priorities of that theme."""
    from .plans import ThemeRef, create_action

    label = _text("label", label, longest=200)
    checked = _action_fields(**fields)
    with acting_as(user.id):
        return create_action(user, ThemeRef(None, theme_id, label), **checked)
