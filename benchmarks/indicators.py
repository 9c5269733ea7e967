"""Indicators at scale: 50 indicators over 5 years of data for 40 services.

    .venv/bin/python benchmarks/indicators.py [--services 40] [--years 5] [--repeat 3]

Makes a throwaway app (temporary instance folder, SQLite) with an organisation of ``--services``
services in 8 areas and ``--years`` years of data, added in bulk: monthly check-ins (about 12 a
month for each service, with their answers), person-centred reviews (3 a month for each
service, with 3 people at each, a third with the person's own part on their phone), ideas with
answers and plan actions (5 a month for each service), and an event with 40 voters each
quarter. Then 50 indicators: 20 from the check-in questions (half split by service, some by
area), 25 from the six figures, 5 entered by hand (a value each month for each service).
Signed in as an admin, it times the indicators list, each kind of indicator's page over 60
months, the one-page report as PDF, XLSX and CSV, and the easy-read version.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pages import sign_in, timed_get  # noqa: E402  (this folder)

FIGURES = ["ideas_answered_in_time", "actions_done_by_date", "stalled_work",
           "people_taking_part", "reviews_on_phone", "other_languages"]


def _month_starts(years: int) -> list[date]:
    today = date.today().replace(day=1)
    out = []
    for m in range(years * 12):
        y, mo = divmod(today.year * 12 + today.month - 1 - m, 12)
        out.append(date(y, mo + 1, 1))
    return out[::-1]


def make_data(org, admin, services, years: int, rnd: random.Random) -> dict:
    from sqlalchemy import insert, select

    from reviewkit.extensions import db
    from reviewkit.models import (
        Answer,
        Ballot,
        Contributor,
        Event,
        Idea,
        IdeaAnswer,
        PlanAction,
        Response,
        Review,
    )
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    made = {}
    checkin = latest_version("monthly-check-in")
    review_bank = latest_version("person-centred-review")
    months = _month_starts(years)
    responses, answers = [], []
    surveys = {}
    for s in services:
        survey = inv.survey_for(checkin, s, org)
        surveys[s.id] = (survey, inv.create_invitations(survey, single_use=False)[0])
    for s in services:
        survey, invitation = surveys[s.id]
        for start in months:
            for _ in range(rnd.randint(8, 16)):
                sent = datetime(start.year, start.month, rnd.randint(1, 28),
                                rnd.randint(0, 23), tzinfo=UTC)
                key = secrets.token_urlsafe(18)
                responses.append({"resume_key": key, "invitation_id": invitation.id,
                                  "survey_id": survey.id, "bank_version_id": checkin.id,
                                  "language": rnd.choice(["en", "en", "en", "cy", "ur"]),
                                  "easy_read": False, "consent_pooled": True,
                                  "submitted_at": sent, "created_at": sent,
                                  "updated_at": sent})
                answers.append((key, sent, {q: str(rnd.choice([1, 2, 3, 3])) for q in (
                    "listened-to", "happy-with-support", "feel-safe")}))
    for chunk in range(0, len(responses), 5000):
        db.session.execute(insert(Response), responses[chunk:chunk + 5000])
    ids = dict(db.session.execute(select(Response.resume_key, Response.id)).all())
    rows = [{"response_id": ids[key], "question_id": q, "value": v, "skipped": False,
             "language": "en", "easy_read": False, "created_at": sent, "updated_at": sent}
            for key, sent, values in answers for q, v in values.items()]
    for chunk in range(0, len(rows), 10000):
        db.session.execute(insert(Answer), rows[chunk:chunk + 10000])
    made["check-ins"] = len(responses)
    phone_ids = list(ids.values())
    reviews = []
    for s in services:
        for start in months:
            for _ in range(3):
                day = start + timedelta(days=rnd.randrange(28))
                reviews.append({"organisation_id": org.id, "service_id": s.id,
                                "bank_version_id": review_bank.id, "language": "en",
                                "held_on": day, "created_at": datetime.now(UTC),
                                "response_id": rnd.choice(phone_ids)
                                if rnd.random() < 0.33 else None})
    db.session.execute(insert(Review), reviews)
    review_ids = db.session.scalars(select(Review.id)).all()
    db.session.execute(insert(Contributor), [
        {"review_id": rid, "name": name, "role": role} for rid in review_ids
        for name, role in (("Person", "person"), ("Family", "family"), ("Staff", "staff"))])
    made["reviews"] = len(reviews)
    from reviewkit.services import register as reg

    works = {s.id: reg.save_work(admin, title=f"{s.name} plan", kind="local_plan",
                                 service_id=s.id) for s in services}
    ideas = []
    for s in services:
        for start in months:
            for _ in range(5):
                day = start + timedelta(days=rnd.randrange(28))
                ideas.append({"organisation_id": org.id, "work_id": works[s.id].id,
                              "text": "An idea", "source": "staff", "raised_on": day,
                              "moved_on": day, "credit": "none",
                              "tracking_code": secrets.token_hex(6),
                              "created_at": datetime.now(UTC)})
    db.session.execute(insert(Idea), ideas)
    idea_rows = db.session.execute(select(Idea.id, Idea.raised_on, Idea.work_id)).all()
    idea_answers, actions = [], []
    for idea_id, raised, work_id in idea_rows:
        if rnd.random() < 0.7:
            on = min(raised + timedelta(days=rnd.randrange(60)), date.today())
            idea_answers.append({"idea_id": idea_id, "decision": "included",
                                 "answered_on": on, "created_at": datetime.now(UTC)})
            if rnd.random() < 0.4:
                due = on + timedelta(days=rnd.randrange(20, 120))
                done = on + timedelta(days=rnd.randrange(10, 150))
                actions.append({"organisation_id": org.id, "work_id": work_id,
                                "idea_id": idea_id, "change": "Do it", "owner": "Team",
                                "due_on": due, "moved_on": min(done, date.today()),
                                "status": "done" if done <= date.today() else "planned",
                                "done_at": datetime(done.year, done.month, done.day,
                                                    tzinfo=UTC)
                                if done <= date.today() else None,
                                "created_at": datetime.now(UTC),
                                "updated_at": datetime.now(UTC)})
    db.session.execute(insert(IdeaAnswer), idea_answers)
    db.session.execute(insert(PlanAction), actions)
    made.update(ideas=len(ideas), answers=len(idea_answers), actions=len(actions))
    events = []
    for i, start in enumerate(months[::3]):
        events.append(Event(organisation_id=org.id, name=f"Event {i}", place="Hall",
                            starts_at=datetime(start.year, start.month, 15, 10, tzinfo=UTC),
                            public_code=secrets.token_hex(6),
                            service_id=rnd.choice(services).id))
    db.session.add_all(events)
    db.session.flush()
    db.session.execute(insert(Ballot), [
        {"event_id": e.id, "voter_key": secrets.token_hex(8), "channel": "phone",
         "cast_at": e.starts_at, "changed_at": e.starts_at}
        for e in events for _ in range(40)])
    made["events"] = len(events)
    db.session.commit()
    return made


def make_indicators(admin, services, areas, years: int, rnd: random.Random) -> dict:
    from reviewkit.extensions import db
    from reviewkit.models import IndicatorValue
    from reviewkit.services.indicators import save_indicator

    made: dict[str, int] = {}
    base = {"easy_read": None, "pictogram": None, "measures": "outcome", "target": 60}
    questions = ["listened-to", "happy-with-support", "feel-safe"]
    for i in range(20):
        ind = save_indicator(admin, name=f"Answers {i}", source="answers",
                             question=f"monthly-check-in/{questions[i % 3]}", options=["3"],
                             breakdown=("service", "area", "none", "none")[i % 4],
                             frequency="month" if i % 2 else "quarter", **base)
        made.setdefault("answers", ind.id)
    for i in range(25):
        figure = FIGURES[i % len(FIGURES)]
        ind = save_indicator(admin, name=f"Figure {i}", source="figure", figure=figure,
                             breakdown=("service", "none")[i % 2], frequency="month",
                             **{**base, "target": 5 if figure in ("stalled_work",
                                                                  "people_taking_part") else 60})
        made.setdefault(figure, ind.id)
    months = [p.strftime("%Y-%m") for p in _month_starts(years)]
    for i in range(5):
        ind = save_indicator(admin, name=f"Entered {i}", source="entered", unit="count",
                             breakdown="service", frequency="month", **base)
        db.session.add_all(IndicatorValue(indicator_id=ind.id, period=m, value=rnd.randint(3, 30),
                                          service_id=s.id, entered_by_id=admin.id)
                           for m in months for s in services)
        made.setdefault("entered", ind.id)
    db.session.commit()
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=40)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from reviewkit import create_app
    from reviewkit.extensions import db
    from reviewkit.models import Area, Organisation, Role, Service
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    tmp = Path(tempfile.mkdtemp(prefix="rk-indicators-"))
    app = create_app({"INSTANCE_PATH": tmp / "instance", "TESTING": True,
                      "BANKS_PATH": str(ROOT / "question_banks"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'instance' / 'i.db'}"})
    rnd = random.Random(11)
    with app.test_request_context():
        init_database()
        org = Organisation(name="Benchmark", slug="benchmark")
        db.session.add(org)
        db.session.flush()
        areas = [Area(organisation_id=org.id, name=f"Area {i}") for i in range(8)]
        db.session.add_all(areas)
        db.session.flush()
        services = [Service(organisation_id=org.id, name=f"Service {i:02d}", slug=f"s{i}",
                            area_id=areas[i % 8].id) for i in range(args.services)]
        db.session.add_all(services)
        db.session.commit()
        admin = create_user(org, "admin@example.org", "Admin", "correct horse 1", Role.ADMIN)
        db.session.commit()
        t0 = time.perf_counter()
        made = make_data(org, admin, services, args.years, rnd)
        kinds = make_indicators(admin, services, areas, args.years, rnd)
        print(f"made {made} and 50 indicators in {time.perf_counter() - t0:.1f} s")

    client = app.test_client()
    sign_in(app, client, "admin@example.org")
    pages = [("indicators list (50)", "/staff/indicators/")]
    pages += [(f"{kind} page, 60 periods", f"/staff/indicators/{i}?periods=60")
              for kind, i in kinds.items()]
    pages += [("report PDF", "/staff/indicators/report.pdf"),
              ("report XLSX", "/staff/indicators/report.xlsx"),
              ("report CSV", "/staff/indicators/report.csv"),
              ("easy-read version", "/staff/indicators/easy-read")]
    for name, url in pages:
        times, r = timed_get(app, client, url, args.repeat)
        print(f"{name:36s} best {min(times):.2f} s  worst {max(times):.2f} s  "
              f"{len(r.data) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
