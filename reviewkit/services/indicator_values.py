"""An indicator's values, worked out from stored data each time they are asked for.

Every source gives *observations*: (period, service, counts) where counts says whether the
observation is a "hit" (an answer in the chosen options, an idea answered in time…). A
percentage indicator's value is the share of hits among its observations; a count
indicator's value is how many observations there are. Only hand-entered values are stored.

Small numbers: a percentage worked out from fewer than 5 observations is not shown, and a
count from 1 to 4 is not shown. Where a period is split by service or area and the whole is
shown too, a lone hidden count could be worked out by subtraction, so the smallest other
count of that period is hidden with it (and so on) — the same rule as the other reports.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Action,
    Answer,
    Ballot,
    BankVersion,
    Contributor,
    Event,
    Idea,
    IdeaAnswer,
    Indicator,
    IndicatorValue,
    Organisation,
    PlanAction,
    PlanStatus,
    Response,
    Review,
    Service,
    Survey,
    Work,
)
from ..models.indicators import Breakdown, Source, Unit
from ..models.register import Decision
from ..reports.suppression import SMALL, is_small
from . import periods as P
from .clock import months_before, today_
from .register import STALL_MONTHS

ALL = "all"

#: The figures reviewkit already holds: name -> (unit, what it means).
FIGURES: dict[str, tuple[str, object]] = {
    "ideas_answered_in_time": (Unit.PERCENT, _l(
        "Ideas answered within the promised time: of the ideas whose answer was due in the "
        "period, the share answered by that day.")),
    "actions_done_by_date": (Unit.PERCENT, _l(
        "Actions finished by their date: of the plan and review actions due in the period, "
        "the share finished by their date.")),
    "stalled_work": (Unit.COUNT, _l(
        "Stalled work: open ideas and plan actions with no movement for 2 months, at the end "
        "of the period.")),
    "people_taking_part": (Unit.COUNT, _l(
        "People taking part: people who voted at events and people at reviews in the "
        "period.")),
    "reviews_on_phone": (Unit.PERCENT, _l(
        "Reviews with the person's own part: of the reviews held in the period, the share "
        "where the person answered their own part on their phone.")),
    "other_languages": (Unit.PERCENT, _l(
        "Languages people answered in: the share of answers sent in a language other than "
        "English.")),
}


@dataclass
class Point:
    period: str
    value: float | None  # None: hidden, no data, or still to come
    n: int | None  # observations (percent) or the count; None when hidden
    state: str  # "shown", "hidden", "none" (no data), "future"
    met: bool | None = None  # the target met (shown values of an indicator with a target)


@dataclass
class Line:
    key: str  # "all", "service:3", "area:2", "service:none"
    name: str  # (a lazy text for the whole and for no service or area)
    points: list[Point]


@dataclass
class Result:
    indicator: Indicator
    periods: list[str]
    lines: list[Line]  # the whole first, then services or areas by name
    warnings: list[str] = field(default_factory=list)

    @property
    def whole(self) -> Line:
        return self.lines[0]

    def latest(self) -> Point | None:
        shown = [p for p in self.whole.points if p.state == "shown"]
        return shown[-1] if shown else None


Observation = tuple[str, int | None, bool]  # (period, service id, hit)


# ------------------------------------------------------------------------------ the sources
class _Window:
    """The periods asked for, in the organisation's time zone, with their first and last
    days and the UTC times that surely hold them (a day wider each side)."""

    def __init__(self, periods: list[str], frequency: str, tz, today: date):
        self.periods, self.frequency, self.tz, self.today = periods, frequency, tz, today
        self.first, self.last = P.bounds(periods[0])[0], P.bounds(periods[-1])[1]
        self.since = datetime.combine(self.first - timedelta(days=1), time(), UTC)
        self.until = datetime.combine(self.last + timedelta(days=2), time(), UTC)
        self.wanted = set(periods)

    def period(self, value: date | datetime) -> str | None:
        label = P.period_of(value, self.frequency, self.tz)
        return label if label in self.wanted else None


def _answers(ind: Indicator, w: _Window, services: set[int] | None) -> Iterator[Observation]:
    chosen = {str(o) for o in ind.options or []}
    rows = db.session.execute(
        select(Answer.value, Response.submitted_at, Survey.service_id)
        .join(Response, Answer.response_id == Response.id)
        .join(Survey, Response.survey_id == Survey.id)
        .join(BankVersion, Response.bank_version_id == BankVersion.id)
        .where(Survey.organisation_id == ind.organisation_id,
               BankVersion.bank_id == ind.bank_id, Answer.question_id == ind.question_id,
               Answer.skipped.is_(False), Response.submitted_at.isnot(None),
               Response.submitted_at >= w.since, Response.submitted_at < w.until,
               *_in_services(Survey.service_id, services)))
    for value, submitted, service_id in rows:
        if value is None or value == "" or value == []:
            continue
        period = w.period(submitted)
        if period:
            given = {str(v) for v in value} if isinstance(value, list) else {str(value)}
            yield period, service_id, bool(given & chosen)


def _ideas_in_time(ind: Indicator, w: _Window, services: set[int] | None,
                   answer_days: int) -> Iterator[Observation]:
    first_answer = (select(IdeaAnswer.idea_id, func.min(IdeaAnswer.answered_on).label("on"))
                    .group_by(IdeaAnswer.idea_id).subquery())
    due_from = w.first - timedelta(days=answer_days)
    rows = db.session.execute(
        select(Idea.raised_on, Idea.answered_on, first_answer.c.on, Work.service_id)
        .join(Work, Idea.work_id == Work.id)
        .outerjoin(first_answer, first_answer.c.idea_id == Idea.id)
        .where(Idea.organisation_id == ind.organisation_id, Idea.raised_on >= due_from,
               *_in_services(Work.service_id, services)))
    for raised, answered, first, service_id in rows:
        due = raised + timedelta(days=answer_days)
        period = w.period(due)
        if period and due <= w.today:
            on = first or answered
            yield period, service_id, on is not None and on <= due


def _actions_by_date(ind: Indicator, w: _Window,
                     services: set[int] | None) -> Iterator[Observation]:
    plan = select(PlanAction.due_on, PlanAction.done_at, PlanAction.service_id).where(
        PlanAction.organisation_id == ind.organisation_id,
        PlanAction.due_on >= w.first, PlanAction.due_on <= w.last,
        *_in_services(PlanAction.service_id, services))
    review = select(Action.due_on, Action.done_at, Review.service_id).join(Review).where(
        Review.organisation_id == ind.organisation_id, Action.due_on.isnot(None),
        Action.deleted_at.is_(None), Action.due_on >= w.first, Action.due_on <= w.last,
        *_in_services(Review.service_id, services))
    for query in (plan, review):
        for due, done_at, service_id in db.session.execute(query):
            period = w.period(due)
            if period and due <= w.today:
                yield period, service_id, (done_at is not None
                                           and P.local_day(done_at, w.tz) <= due)


def _stalled(ind: Indicator, w: _Window, services: set[int] | None) -> Iterator[Observation]:
    """At the end of each period (today, for the current one): open items whose last
    movement on or before that day was more than 2 months earlier. The last movement
    before a day is the item's last movement when that is earlier; otherwise the latest of
    the dates that moved it (raised, answered, started) that are earlier."""
    answers: dict[int, list[date]] = defaultdict(list)
    for idea_id, on in db.session.execute(
            select(IdeaAnswer.idea_id, IdeaAnswer.answered_on).join(Idea).where(
                Idea.organisation_id == ind.organisation_id)):
        answers[idea_id].append(on)
    # (service, the days it moved, sorted; the day it closed or None; the day it began)
    items: list[tuple[int | None, list[date], date | None, date]] = []
    for idea_id, raised, moved, decision, answered, service_id in db.session.execute(
            select(Idea.id, Idea.raised_on, Idea.moved_on, Idea.decision, Idea.answered_on,
                   Work.service_id).join(Work, Idea.work_id == Work.id).where(
                Idea.organisation_id == ind.organisation_id,
                *_in_services(Work.service_id, services))):
        closed = answered if decision not in (None, Decision.NOT_YET.value) else None
        items.append((service_id, sorted({raised, moved, *answers[idea_id]}), closed, raised))
    for created, starts, moved, status, done_at, service_id in db.session.execute(
            select(PlanAction.created_at, PlanAction.starts_on, PlanAction.moved_on,
                   PlanAction.status, PlanAction.done_at, PlanAction.service_id).where(
                PlanAction.organisation_id == ind.organisation_id,
                *_in_services(PlanAction.service_id, services))):
        began = P.local_day(created, w.tz)
        closed = P.local_day(done_at, w.tz) if done_at else (
            moved or began) if status == PlanStatus.DONE.value else None
        items.append((service_id, sorted({d for d in (began, starts, moved) if d}), closed,
                      began))
    for period in w.periods:
        first, last = P.bounds(period)
        if first > w.today:
            continue
        end = min(last, w.today)
        edge = months_before(end, STALL_MONTHS)
        for service_id, moves, closed, began in items:
            if began > end or (closed is not None and closed <= end):
                continue
            at = bisect_right(moves, end)  # the moves on or before the end of the period
            if (moves[at - 1] if at else began) <= edge:
                yield period, service_id, True


def _people(ind: Indicator, w: _Window, services: set[int] | None) -> Iterator[Observation]:
    for starts_at, service_id in db.session.execute(
            select(Event.starts_at, Event.service_id).join(Ballot, Ballot.event_id == Event.id)
            .where(Event.organisation_id == ind.organisation_id,
                   Event.starts_at >= w.since, Event.starts_at < w.until,
                   *_in_services(Event.service_id, services))):
        if period := w.period(starts_at):
            yield period, service_id, True
    for held_on, service_id in db.session.execute(
            select(Review.held_on, Review.service_id).join(Contributor)
            .where(Review.organisation_id == ind.organisation_id,
                   Review.held_on >= w.first, Review.held_on <= w.last,
                   *_in_services(Review.service_id, services))):
        if period := w.period(held_on):
            yield period, service_id, True


def _reviews_on_phone(ind: Indicator, w: _Window,
                      services: set[int] | None) -> Iterator[Observation]:
    for held_on, response_id, service_id in db.session.execute(
            select(Review.held_on, Review.response_id, Review.service_id).where(
                Review.organisation_id == ind.organisation_id,
                Review.held_on >= w.first, Review.held_on <= w.last,
                *_in_services(Review.service_id, services))):
        if period := w.period(held_on):
            yield period, service_id, response_id is not None


def _languages(ind: Indicator, w: _Window, services: set[int] | None) -> Iterator[Observation]:
    for language, submitted, service_id in db.session.execute(
            select(Response.language, Response.submitted_at, Survey.service_id)
            .join(Survey, Response.survey_id == Survey.id)
            .where(Survey.organisation_id == ind.organisation_id,
                   Response.submitted_at >= w.since, Response.submitted_at < w.until,
                   *_in_services(Survey.service_id, services))):
        if period := w.period(submitted):
            yield period, service_id, (language or "en") != "en"


def _in_services(column, services: set[int] | None) -> list:
    return [] if services is None else [column.in_(services)]


def observations(ind: Indicator, w: _Window, services: set[int] | None,
                 org: Organisation) -> Iterable[Observation]:
    if ind.source == Source.ANSWERS.value:
        return _answers(ind, w, services)
    figure = ind.figure
    if figure == "ideas_answered_in_time":
        return _ideas_in_time(ind, w, services, org.answer_days)
    if figure == "actions_done_by_date":
        return _actions_by_date(ind, w, services)
    if figure == "stalled_work":
        return _stalled(ind, w, services)
    if figure == "people_taking_part":
        return _people(ind, w, services)
    if figure == "reviews_on_phone":
        return _reviews_on_phone(ind, w, services)
    if figure == "other_languages":
        return _languages(ind, w, services)
    raise ValueError(f"unknown figure {figure!r}")


# ------------------------------------------------------------------------------ the values
def compute(ind: Indicator, periods: list[str], *, today: date | None = None,
            whole_only: bool = False) -> Result:
    """The indicator's values for ``periods`` (labels of its frequency, oldest first);
    ``whole_only``: only the line of the whole (the same values, without the work of the
    lines for each service or area)."""
    org = db.session.get(Organisation, ind.organisation_id)
    tz = P.zone(org.timezone)
    today = today or today_()
    w = _Window(periods, ind.frequency, tz, today)
    names, area_of, services = _groups(ind)
    result = Result(ind, periods, [], warnings=_warnings(ind))

    group: dict[int | None, str] = {}  # a service's line, when split
    if ind.breakdown == Breakdown.SERVICE.value and not whole_only:
        group = {sid: f"service:{sid or 'none'}" for sid in (*area_of, None)}
    elif ind.breakdown == Breakdown.AREA.value and not whole_only:
        group = {sid: f"area:{area_of.get(sid) or 'none'}" for sid in (*area_of, None)}

    # (group, period) -> [hits, n] for worked-out values; -> value for entered ones
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    entered: dict[tuple[str, str], float] = {}
    if ind.source == Source.ENTERED.value:
        entered = _entered(ind, w.wanted)
    else:
        for period, service_id, hit in observations(ind, w, services, org):
            whole = tally[(ALL, period)]
            whole[0] += hit
            whole[1] += 1
            if group:
                part = tally[(group[service_id], period)]
                part[0] += hit
                part[1] += 1
    keys = [ALL] if whole_only else [ALL, *sorted(
        {k for k, _p in (*tally, *entered) if k != ALL},
        key=lambda k: (k.endswith(":none"), names.get(k, k)))]
    for key in keys:
        points = []
        for period in periods:
            if P.bounds(period)[0] > today:
                points.append(Point(period, None, None, "future"))
            elif ind.source == Source.ENTERED.value:
                points.append(_entered_point(ind, period, entered.get((key, period))))
            else:
                hits, n = tally.get((key, period), (0, 0))
                points.append(_point(ind, period, hits, n))
        result.lines.append(Line(key, _scope_name(ind) if key == ALL else names[key], points))
    _hide_by_subtraction(ind, result)
    for line in result.lines:
        for p in line.points:
            if p.state == "shown" and ind.target is not None:
                p.met = p.value >= ind.target if ind.good == "up" else p.value <= ind.target
    return result


def _point(ind: Indicator, period: str, hits: int, n: int) -> Point:
    if ind.unit == Unit.PERCENT.value:
        if n == 0:
            return Point(period, None, 0, "none")
        if n < SMALL:
            return Point(period, None, None, "hidden")
        return Point(period, round(100 * hits / n, 1), n, "shown")
    if is_small(n):
        return Point(period, None, None, "hidden")
    return Point(period, float(n), n, "shown")


def _entered_point(ind: Indicator, period: str, value: float | None) -> Point:
    if value is None:
        return Point(period, None, None, "none")
    if ind.unit == Unit.COUNT.value and is_small(value):
        return Point(period, None, None, "hidden")
    return Point(period, value, None, "shown")


def _hide_by_subtraction(ind: Indicator, result: Result) -> None:
    """Counts split by service or area, with the whole shown: one hidden part could be
    worked out as the whole less the others, so hide the smallest other part with it."""
    if ind.unit == Unit.PERCENT.value or len(result.lines) < 2:
        return
    for i in range(len(result.periods)):
        if result.whole.points[i].state != "shown":
            continue
        parts = [line.points[i] for line in result.lines[1:]]
        while sum(p.state == "hidden" for p in parts) == 1:
            shown = [p for p in parts if p.state == "shown" and p.value]
            if not shown:  # the one hidden part is the whole less zeros: hide the whole
                result.whole.points[i] = Point(result.periods[i], None, None, "hidden")
                break
            smallest = min(shown, key=lambda p: p.value)
            smallest.value, smallest.n, smallest.state = None, None, "hidden"


def _entered(ind: Indicator, wanted: set[str]) -> dict[tuple[str, str], float]:
    """The newest value entered for each (line, period). Split by service or area, the
    whole of a count or number is the sum of its parts where no whole was entered."""
    latest: dict[tuple[str, str], float] = {}
    for row in db.session.scalars(select(IndicatorValue).where(
            IndicatorValue.indicator_id == ind.id, IndicatorValue.period.in_(wanted))
            .order_by(IndicatorValue.id)):
        if ind.breakdown == Breakdown.SERVICE.value and row.service_id is not None:
            key = f"service:{row.service_id}"
        elif ind.breakdown == Breakdown.AREA.value and row.area_id is not None:
            key = f"area:{row.area_id}"
        else:
            key = ALL
        latest[(key, row.period)] = row.value
    if ind.breakdown != Breakdown.NONE.value and ind.unit != Unit.PERCENT.value:
        sums: dict[str, float] = defaultdict(float)
        for (key, period), value in latest.items():
            if key != ALL:
                sums[period] += value
        for period, total in sums.items():
            latest.setdefault((ALL, period), total)
    return latest


def _groups(ind: Indicator) -> tuple[dict[str, str], dict[int | None, int | None],
                                     set[int] | None]:
    """Names of the lines, each service's area, and the services in the indicator's scope
    (None: all of the organisation's, and the statements of no service too)."""
    rows = db.session.execute(select(Service.id, Service.name, Service.area_id).where(
        Service.organisation_id == ind.organisation_id)).all()
    from ..models import Area

    areas = dict(db.session.execute(select(Area.id, Area.name).where(
        Area.organisation_id == ind.organisation_id)).all())
    names = {f"service:{sid}": name for sid, name, _a in rows}
    names.update({f"area:{aid}": name for aid, name in areas.items()})
    names["service:none"] = _l("No service")
    names["area:none"] = _l("No area")
    area_of = {sid: aid for sid, _n, aid in rows}
    if ind.service_id is not None:
        scope: set[int] | None = {ind.service_id}
    elif ind.area_id is not None:
        scope = {sid for sid, _n, aid in rows if aid == ind.area_id}
    else:
        scope = None
    return names, area_of, scope


def _scope_name(ind: Indicator) -> str:
    if ind.service is not None:
        return ind.service.name
    if ind.area is not None:
        return ind.area.name
    return _l("Whole organisation")


def _warnings(ind: Indicator) -> list[str]:
    if ind.source != Source.ANSWERS.value:
        return []
    from .banks import latest_version

    version = latest_version(ind.bank_id) if ind.bank_id else None
    bank = version.bank if version else None
    if bank is None:
        return [_l("The question bank %(bank)s is no longer shipped: the values come from "
                  "answers given before it was removed.", bank=ind.bank_id)]
    if bank.question(ind.question_id or "") is None:
        return [_l("The question %(question)s is no longer in the bank %(bank)s: the values "
                  "come from answers given before it was removed.",
                  question=ind.question_id, bank=bank.title)]
    return []


def recent_periods(ind: Indicator, count: int, today: date | None = None) -> list[str]:
    org = db.session.get(Organisation, ind.organisation_id)
    now = datetime.combine(today or today_(), time(12), UTC)
    return P.last_n(count, ind.frequency, P.zone(org.timezone), now)
