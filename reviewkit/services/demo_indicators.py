"""The demo's indicators: one of every kind, chosen at the demo's first local event and
linked to the organisation plan, so each page shows a year's story. Apart from the one entered
by hand (people in paid work, a number a manager enters each quarter), every value is worked
out from the demo's answers, register and events when the page is opened."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Contributor,
    Event,
    Indicator,
    IndicatorValue,
    Organisation,
    Response,
    Review,
    Service,
    User,
    Work,
)
from ..models.register import WorkKind
from . import periods as P
from .banks import latest_version
from .indicators import save_indicator

CHOSEN_BY = ("People we support, families and staff, voting at the first local event and "
             "talking it over at the next planning meeting.")
#: name, easy read, picture, measures, source fields, target, which way is good, how often
INDICATORS = [
    ("People feel listened to", "People listen to me.", "ear", "outcome",
     {"source": "answers", "question": "monthly-check-in/listened-to", "options": ["3"],
      "breakdown": "service"}, 70, "up", "month"),
    ("Every idea gets an answer in time", "We answer your ideas on time.", "lightbulb",
     "process", {"source": "figure", "figure": "ideas_answered_in_time"}, 90, "up", "quarter"),
    ("Actions are done when we said", "We do things when we said we would.", "calendar",
     "process", {"source": "figure", "figure": "actions_done_by_date"}, 80, "up", "quarter"),
    ("Work does not get stuck", "Plans keep moving.", "clock", "process",
     {"source": "figure", "figure": "stalled_work"}, 5, "down", "month"),
    ("More people take part", "More people join in.", "people", "outcome",
     {"source": "figure", "figure": "people_taking_part"}, None, "up", "quarter"),
    ("People do their own part of their review", "I do my part of my review on my phone.",
     "phone", "process", {"source": "figure", "figure": "reviews_on_phone"}, 50, "up",
     "quarter"),
    ("People can answer in their own language", "I can use my own language.", "language",
     "process", {"source": "figure", "figure": "other_languages"}, None, "up", "month"),
    ("People in paid work", "People have a paid job.", "tools", "outcome",
     {"source": "entered", "unit": "count"}, 15, "up", "quarter"),
]
PAID_WORK = [8, 9, 9, 11, 12]  # the last five quarters, entered by the manager
#: reviews held in each of the last four quarters, and how many with the person's own part
#: on their phone: more each quarter
REVIEWS = [(10, 1), (12, 3), (12, 6), (14, 8)]
AT_A_REVIEW = [("The person", "person"), ("Family", "family"), ("Key worker", "staff"),
               ("Advocate", "advocate")]


def _reviews(org: Organisation, today: date, rnd: random.Random) -> None:
    """A year of person-centred reviews (who was there, and which had the person's own part
    on their phone: linked to the demo's answered phone reviews)."""
    version = latest_version("person-centred-review")
    if version is None:
        return
    services = db.session.scalars(select(Service).where(Service.organisation_id == org.id)
                                  .order_by(Service.id)).all()
    phones = list(db.session.scalars(select(Response.id).where(
        Response.bank_version_id == version.id, Response.submitted_at.isnot(None))))
    quarters = P.last_n(len(REVIEWS), "quarter", P.zone(org.timezone),
                        datetime.combine(today, time(12), UTC))
    for quarter, (held, on_phone) in zip(quarters, REVIEWS, strict=True):
        first, last = P.bounds(quarter)
        days = max(1, (min(last, today) - first).days + 1)
        for i in range(held):
            day = first + timedelta(days=rnd.randrange(days))
            review = Review(organisation_id=org.id, service_id=rnd.choice(services).id,
                            bank_version_id=version.id, language="en", held_on=day,
                            response_id=phones.pop() if i < on_phone and phones else None,
                            finished_at=datetime.combine(day, time(15), UTC))
            review.contributors = [Contributor(name=name, role=role) for name, role in
                                   AT_A_REVIEW[:rnd.randint(2, len(AT_A_REVIEW))]]
            db.session.add(review)
    db.session.commit()


def build_indicators(org: Organisation, today: date, rnd: random.Random) -> list[Indicator]:
    _reviews(org, today, rnd)
    manager = db.session.scalar(select(User).where(User.organisation_id == org.id,
                                                   User.role == "manager"))
    admin = db.session.scalar(select(User).where(User.organisation_id == org.id,
                                                 User.role == "admin"))
    event = db.session.scalar(select(Event).where(Event.organisation_id == org.id)
                              .order_by(Event.starts_at))
    plan = db.session.scalar(select(Work).where(
        Work.organisation_id == org.id, Work.kind == WorkKind.ORGANISATION_PLAN.value))
    made = []
    for name, easy, picture, measures, source, target, good, frequency in INDICATORS:
        made.append(save_indicator(
            admin, name=name, easy_read=easy, pictogram=picture, measures=measures,
            target=target, good=good, frequency=frequency, chosen_by=CHOSEN_BY,
            event_id=event.id if event else None, work_id=plan.id if plan else None,
            owner_id=manager.id if manager and source["source"] == "entered" else None,
            **source))
    paid = made[-1]
    quarters = P.last_n(len(PAID_WORK), "quarter", P.zone(org.timezone),
                        datetime.combine(today, time(12), UTC))
    for quarter, value in zip(quarters, PAID_WORK, strict=True):
        entered = datetime.combine(P.bounds(quarter)[1] + timedelta(days=1), time(9), UTC)
        db.session.add(IndicatorValue(indicator_id=paid.id, period=quarter, value=value,
                                      entered_by_id=manager.id if manager else None,
                                      entered_at=min(entered, datetime.now(UTC)),
                                      note="From the employment team's list"))
    db.session.commit()
    return made
