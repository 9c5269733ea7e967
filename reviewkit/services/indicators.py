"""Indicators people chose: making and changing them, who may see and change which, the
questions and figures a value can come from, and numbers entered by hand each period.

The rules a person can break are :class:`IndicatorError` (a field and a message); the values
themselves are worked out in :mod:`reviewkit.services.indicator_values`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..banks import QuestionType
from ..extensions import db
from ..models import Area, Event, Indicator, IndicatorValue, Organisation, Service, User, Work
from ..models.indicators import Breakdown, Frequency, Measures, Source, Unit
from . import events, register
from . import periods as P
from .banks import all_latest, latest_version
from .clock import Refused, checked_text, today_
from .indicator_values import FIGURES

CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE, QuestionType.SCALE,
                QuestionType.YES_NO}
FACES = {3: [_l("sad"), _l("OK"), _l("happy")],
         5: [_l("very sad"), _l("sad"), _l("OK"), _l("happy"), _l("very happy")]}
LARGEST = 1e12


class IndicatorError(Refused):
    pass


@dataclass(frozen=True)
class QuestionChoice:
    bank_id: str
    bank_title: str
    question_id: str
    text: str
    options: list[tuple[str, str]]  # (value, label)

    @property
    def key(self) -> str:
        return f"{self.bank_id}/{self.question_id}"


def option_values(question) -> list[str]:
    """The answers a question can have, as stored."""
    if question.type == QuestionType.SCALE:
        return [str(i + 1) for i in range(len(FACES.get(question.scale_points, [])))]
    if question.type == QuestionType.YES_NO:
        return ["yes", "no"]
    return [c.value for c in question.choices]


def options_of(question) -> list[tuple[str, str]]:
    """The answers a question can have, as stored, with their words in the page's language:
    its choices, its faces or yes and no."""
    if question.type == QuestionType.SCALE:
        faces = FACES.get(question.scale_points, [])
        return [(str(i + 1), f"{i + 1} ({face})") for i, face in enumerate(faces)]
    if question.type == QuestionType.YES_NO:
        return [("yes", str(_l("Yes"))), ("no", str(_l("No")))]
    return [(c.value, c.label) for c in question.choices]


def questions() -> list[QuestionChoice]:
    """Every question of a shipped or imported bank that has answers to choose from."""
    out = []
    for version in all_latest():
        bank = version.bank
        for q in bank.questions:
            if q.type in CHOICE_TYPES:
                out.append(QuestionChoice(bank.id, bank.title, q.id, q.text, options_of(q)))
    return out


# ----------------------------------------------------------------------------- who may do what
def asked(ind: Indicator) -> QuestionChoice | None:
    """For an indicator counted from answers: its question (bank title, words) with only the
    answers that count and their words, as the form offered them; None where the question is
    not in a bank any more."""
    key = f"{ind.bank_id}/{ind.question_id}"
    question = next((q for q in questions() if q.key == key), None)
    if question is None:
        return None
    return replace(question, options=[o for o in question.options if o[0] in (ind.options or [])])


def may_see(user: User, ind: Indicator) -> bool:
    if ind.organisation_id != user.organisation_id:
        return False
    if user.role == "admin" or ind.service_id is None or not user.services:
        return True
    return ind.service_id in {s.id for s in user.services}


def may_change(user: User, ind: Indicator | None = None) -> bool:
    """Admins and managers change any; facilitators the indicators of their services."""
    if user.role in ("admin", "manager"):
        return ind is None or ind.organisation_id == user.organisation_id
    if user.role != "facilitator":
        return False
    return ind is None or (ind.organisation_id == user.organisation_id
                           and ind.service_id in {s.id for s in user.services})


def visible(user: User, *, archived: bool = False) -> list[Indicator]:
    rows = db.session.scalars(select(Indicator).where(
        Indicator.organisation_id == user.organisation_id,
        Indicator.archived_at.isnot(None) if archived else Indicator.archived_at.is_(None))
        .order_by(Indicator.name)).all()
    return [i for i in rows if may_see(user, i)]


def indicator_for(user: User, indicator_id: int) -> Indicator | None:
    ind = db.session.get(Indicator, indicator_id)
    return ind if ind is not None and may_see(user, ind) else None


# ----------------------------------------------------------------------------- making one
def save_indicator(user: User, ind: Indicator | None = None, *, name: str,
                   easy_read: str | None, pictogram: str | None, measures: str, source: str,
                   question: str | None = None, options: list[str] | None = None,
                   figure: str | None = None, unit: str | None = None,
                   target: float | None = None, good: str = "up",
                   frequency: str = Frequency.MONTH.value,
                   breakdown: str = Breakdown.NONE.value, service_id: int | None = None,
                   area_id: int | None = None, chosen_by: str | None = None,
                   event_id: int | None = None, work_id: int | None = None,
                   owner_id: int | None = None) -> Indicator:
    """Make an indicator or change one, checking everything a form sends."""
    org = user.organisation_id
    if not may_change(user, ind):
        raise IndicatorError("name", _l("You cannot change this indicator."))
    fields: dict = {
        "name": checked_text(IndicatorError, "name", name, longest=200),
        "easy_read": checked_text(IndicatorError, "easy_read", easy_read, longest=300,
                                  required=False),
        "pictogram": pictogram or None,
        "chosen_by": checked_text(IndicatorError, "chosen_by", chosen_by, longest=2000,
                                  required=False),
    }
    _one_of("measures", measures, Measures)
    _one_of("source", source, Source)
    _one_of("frequency", frequency, Frequency)
    _one_of("breakdown", breakdown, Breakdown)
    if good not in ("up", "down"):
        raise IndicatorError("good", _l("Choose one from the list."))
    fields.update(measures=measures, source=source, frequency=frequency, breakdown=breakdown,
                  good=good, bank_id=None, question_id=None, options=[], figure=None)
    if source == Source.ANSWERS.value:
        fields.update(_question(question, options))
    elif source == Source.FIGURE.value:
        check_figure(figure)
        fields["figure"] = figure
    else:
        _one_of("unit", unit, Unit)
    fields["unit"] = unit_of(source, figure, unit)
    check_target(target, fields["unit"])
    fields["target"] = target
    fields["service_id"], fields["area_id"] = _scope(user, service_id, area_id)
    check_breakdown(fields["service_id"], breakdown)
    fields["event_id"] = _own(Event, event_id, org, "event", ind and ind.event_id,
                              lambda event: event in linkable_events(user))
    fields["work_id"] = _own(Work, work_id, org, "work", ind and ind.work_id,
                             lambda work: register.may_link_work(user, work))
    if owner_id is not None:
        owner = db.session.get(User, owner_id)
        if owner is None or owner.organisation_id != org:
            raise IndicatorError("owner", _l("Choose someone from the list."))
    fields["owner_id"] = owner_id
    if ind is None:
        ind = Indicator(organisation_id=org, created_by_id=user.id)
        db.session.add(ind)
    for key, value in fields.items():
        setattr(ind, key, value)
    db.session.commit()
    return ind


def unit_of(source: str | None, figure: str | None, unit: str | None) -> str | None:
    """The kind of number of an indicator: a percentage of answers, a figure's own, or the one
    chosen for numbers entered by hand."""
    if source == Source.ANSWERS.value:
        return Unit.PERCENT.value
    if source == Source.FIGURE.value:
        return FIGURES[figure][0].value if figure in FIGURES else None
    return unit


def check_figure(figure: str | None) -> None:
    if figure not in FIGURES:
        raise IndicatorError("figure", _l("Choose a figure from the list."))


def check_target(target: float | None, unit: str | None) -> None:
    """A target a number of this kind can reach (the form checks it with the other problems;
    saving checks it again)."""
    if target is not None and not -LARGEST < target < LARGEST:
        raise IndicatorError("target", _l("Enter a target between -1,000,000,000,000 and "
                                          "1,000,000,000,000."))
    if target is not None and unit == Unit.PERCENT.value and not 0 <= target <= 100:
        raise IndicatorError("target", _l("A percentage target is from 0 to 100."))
    if target is not None and unit == Unit.COUNT.value and target < 0:
        raise IndicatorError("target", _l("A count target is 0 or more."))


def check_breakdown(service_id: int | None, breakdown: str | None) -> None:
    if service_id is not None and breakdown == Breakdown.AREA.value:
        raise IndicatorError("breakdown", _l("An indicator of one service cannot be split by "
                                             "area."))


def set_archived(user: User, ind: Indicator, archived: bool) -> None:
    if not may_change(user, ind):
        raise IndicatorError("name", _l("You cannot change this indicator."))
    ind.archived_at = datetime.now(UTC) if archived else None
    db.session.commit()


def _one_of(field: str, value: str | None, allowed) -> None:
    if value not in {v.value for v in allowed}:
        raise IndicatorError(field, _l("Choose one from the list."))


def _question(key: str | None, options: list[str] | None) -> dict:
    bank_id, _sep, question_id = (key or "").partition("/")
    version = latest_version(bank_id) if bank_id else None
    question = version.bank.question(question_id) if version else None
    if question is None or question.type not in CHOICE_TYPES:
        raise IndicatorError("question", _l("Choose a question from the list."))
    allowed = set(option_values(question))
    chosen = [o for o in options or [] if o]
    if not chosen:
        raise IndicatorError("options", _l("Choose the answers that count, for example "
                                           "“Yes” or the happy face."))
    if not set(chosen) <= allowed:
        raise IndicatorError("options", _l("Choose answers from the list."))
    return {"bank_id": bank_id, "question_id": question_id, "options": chosen}


def _scope(user: User, service_id: int | None, area_id: int | None
           ) -> tuple[int | None, int | None]:
    if service_id is not None:
        service = db.session.get(Service, service_id)
        if service is None or service.organisation_id != user.organisation_id:
            raise IndicatorError("scope", _l("Choose a service or area from the list."))
    if area_id is not None:
        area = db.session.get(Area, area_id)
        if area is None or area.organisation_id != user.organisation_id:
            raise IndicatorError("scope", _l("Choose a service or area from the list."))
    if user.role == "facilitator" and service_id not in {s.id for s in user.services}:
        raise IndicatorError("scope", _l("Choose one of your services."))
    return service_id, area_id


def _own(model, row_id: int | None, organisation_id: int, field: str, kept: int | None,
         may_link) -> int | None:
    """``row_id`` when it is one of the organisation's that the person may choose (or the one
    the indicator has already)."""
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None or row.organisation_id != organisation_id or (
            row_id != kept and not may_link(row)):
        raise IndicatorError(field, _l("Choose one from the list."))
    return row_id


def linkable_events(user: User) -> list[Event]:
    """The events an indicator's form offers ``user``: a facilitator's own (never another
    service's), everyone else's organisation's, the latest first."""
    allowed = events.visible_event_ids(user)
    query = select(Event).where(Event.organisation_id == user.organisation_id)
    if allowed is not None:
        query = query.where(Event.id.in_(allowed or {-1}))
    return list(db.session.scalars(query.order_by(Event.starts_at.desc())))


# ----------------------------------------------------------------------------- hand-entered
def may_enter(user: User, ind: Indicator) -> bool:
    return ind.source == Source.ENTERED.value and (
        ind.owner_id == user.id or may_change(user, ind))


def enter_value(user: User, ind: Indicator, *, period: str, value: float | None,
                service_id: int | None = None, area_id: int | None = None,
                note: str | None = None) -> IndicatorValue:
    """Keep a number entered for a period; an earlier one for the same period stays as its
    history."""
    if not may_enter(user, ind):
        raise IndicatorError("value", _l("Only the indicator's owner or its managers can "
                                         "enter its numbers."))
    period = checked_period(ind, period)
    check_value(ind, value)
    if ind.breakdown == Breakdown.SERVICE.value and service_id is not None:
        _scope_of_value(ind, Service, service_id)
    elif ind.breakdown == Breakdown.AREA.value and area_id is not None:
        _scope_of_value(ind, Area, area_id)
    else:
        service_id = area_id = None
    row = IndicatorValue(indicator_id=ind.id, period=period, value=value,
                         service_id=service_id, area_id=area_id, entered_by_id=user.id,
                         note=checked_text(IndicatorError, "note", note, longest=300,
                                           required=False))
    db.session.add(row)
    db.session.commit()
    return row


def checked_period(ind: Indicator, period: str | None) -> str:
    """A month or quarter (as ``ind`` counts) that has started, as stored (2026-Q1)."""
    period = (period or "").strip().upper()
    if not P.is_period(period, ind.frequency):
        raise IndicatorError("period", _l("Enter the month like 2026-03.")
                             if ind.frequency == Frequency.MONTH.value
                             else _l("Enter the quarter like 2026-Q1."))
    org = db.session.get(Organisation, ind.organisation_id)
    now = datetime.combine(today_(ind.organisation_id), time(12), UTC)
    if P.bounds(period)[0] > P.bounds(P.current(ind.frequency, P.zone(org.timezone), now))[0]:
        raise IndicatorError("period", _l("This period has not started yet: enter numbers "
                                          "for this period or earlier ones."))
    return period


def check_value(ind: Indicator, value: float | None) -> None:
    """A number of the kind ``ind`` counts."""
    if value is None:
        raise IndicatorError("value", _l("Enter a number, for example 12 or 3.5."))
    if not -LARGEST < value < LARGEST:
        raise IndicatorError("value", _l("This number is too large."))
    if ind.unit == Unit.PERCENT.value and not 0 <= value <= 100:
        raise IndicatorError("value", _l("A percentage is from 0 to 100."))
    if ind.unit == Unit.COUNT.value and (value < 0 or value != int(value)):
        raise IndicatorError("value", _l("Enter a whole number, for example 3."))


def _scope_of_value(ind: Indicator, model, row_id: int) -> None:
    row = db.session.get(model, row_id)
    ok = row is not None and row.organisation_id == ind.organisation_id
    if ok and model is Service and ind.service_id is not None:
        ok = row_id == ind.service_id
    if ok and model is Service and ind.area_id is not None:
        ok = row.area_id == ind.area_id
    if not ok:
        raise IndicatorError("where", _l("Choose a service or area from the list."))


def history(ind: Indicator) -> list[IndicatorValue]:
    """Every number entered, newest first, with who entered it and when."""
    return db.session.scalars(select(IndicatorValue).where(
        IndicatorValue.indicator_id == ind.id).order_by(IndicatorValue.id.desc())).all()
