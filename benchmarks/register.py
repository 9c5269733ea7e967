"""The register at scale: 20,000 ideas and 50,000 history entries.

    .venv/bin/python benchmarks/register.py [--ideas 20000] [--services 10] [--repeat 3]

Makes a throwaway app (temporary instance folder, SQLite), an organisation with ``--services``
services, a local plan for each, and ``--ideas`` ideas over two years through the ORM (so
SQLAlchemy-Continuum keeps a version of each, as the app does); three in five get an answer and
one in four of those an action, and some actions move on: about 2.7 history entries per idea.
Then, signed in as an admin, it times the register page (first page, a filtered page), its CSV
and XLSX, the charter's promises page, the list of pieces of work, one piece of work's page and
its history, and the ``reviewkit export register`` CSV.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pages import sign_in, timed_get  # noqa: E402  (this folder)

IDEAS = ["A Saturday club", "Cooking lessons", "An earlier bus", "A quiet room",
         "More trips out", "Help with money", "A garden to grow food", "Music nights",
         "Easy-read letters", "Swimming on Tuesdays", "A say in who is hired", "Wi-Fi at home"]
DECISIONS = ["included", "partly", "not_included", "not_yet"]


def make_register(org, manager, n_ideas: int, services: list, rnd: random.Random) -> dict:
    """Local plans for ``services`` and ``n_ideas`` ideas with answers and actions, through the
    ORM in batches (one transaction per batch, as people's changes would be)."""
    from reviewkit.extensions import db
    from reviewkit.models import Idea, IdeaAnswer, PlanAction
    from reviewkit.models.history import acting_as
    from reviewkit.services import register as reg

    works = [reg.save_work(manager, title=f"{s.name} plan", kind="local_plan",
                           service_id=s.id) for s in services]
    start = date.today() - timedelta(days=730)
    made = {"ideas": 0, "answers": 0, "actions": 0, "moves": 0}
    batch = 500
    with acting_as(manager.id):
        for first in range(0, n_ideas, batch):
            ideas = []
            for i in range(first, min(first + batch, n_ideas)):
                day = start + timedelta(days=rnd.randrange(730))
                ideas.append(Idea(
                    organisation_id=org.id, work_id=rnd.choice(works).id,
                    text=f"{rnd.choice(IDEAS)} ({i})", source=rnd.choice(["phone", "staff"]),
                    raised_on=day, moved_on=day, tracking_code=f"B{i:07d}"[-8:],
                    credit="none", language=rnd.choice(["en", "en", "cy", "ur"])))
            db.session.add_all(ideas)
            db.session.commit()
            actions = []
            for idea in ideas:
                if rnd.random() < 0.6:
                    decision = rnd.choice(DECISIONS)
                    day = min(idea.raised_on + timedelta(days=rnd.randrange(60)), date.today())
                    db.session.add(IdeaAnswer(
                        idea_id=idea.id, decision=decision, answered_on=day,
                        reason=None if decision == "included" else "Because",
                        decide_by=day + timedelta(days=60) if decision == "not_yet" else None))
                    idea.decision, idea.answered_on, idea.moved_on = decision, day, day
                    made["answers"] += 1
                    if decision in ("included", "partly") and rnd.random() < 0.6:
                        actions.append(PlanAction(
                            organisation_id=org.id, work_id=idea.work_id, idea_id=idea.id,
                            change=f"Do: {idea.text}", owner="Team lead", moved_on=day,
                            due_on=day + timedelta(days=rnd.randrange(30, 200)),
                            status="planned"))
            db.session.add_all(actions)
            db.session.commit()
            for action in actions:
                if rnd.random() < 0.5:
                    action.status = rnd.choice(["in_progress", "done"])
                    made["moves"] += 1
            db.session.commit()
            made["ideas"] += len(ideas)
            made["actions"] += len(actions)
    return made


def _history_entries() -> int:
    from sqlalchemy import func, select

    from reviewkit.extensions import db
    from reviewkit.models import Idea, IdeaAnswer, PlanAction, Work
    from reviewkit.models.history import version_class

    return sum(db.session.scalar(select(func.count()).select_from(version_class(m)))
               for m in (Idea, IdeaAnswer, PlanAction, Work))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=20000)
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from reviewkit import create_app
    from reviewkit.cli import main as cli
    from reviewkit.extensions import db
    from reviewkit.models import Organisation, Role, Service
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    tmp = Path(tempfile.mkdtemp(prefix="rk-register-"))
    app = create_app({"INSTANCE_PATH": tmp / "instance", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'instance' / 'r.db'}"})
    rnd = random.Random(7)
    with app.app_context():
        init_database()
        org = Organisation(name="Benchmark", slug="benchmark")
        db.session.add(org)
        db.session.flush()
        services = [Service(organisation_id=org.id, name=f"Service {i:02d}", slug=f"s{i}")
                    for i in range(args.services)]
        db.session.add_all(services)
        db.session.commit()
        admin = create_user(org, "admin@example.org", "Admin", "correct horse 1", Role.ADMIN)
        db.session.commit()
        t0 = time.perf_counter()
        made = make_register(org, admin, args.ideas, services, rnd)
        from sqlalchemy import select

        from reviewkit.models import Work

        work_id = db.session.scalar(select(Work.id).where(Work.kind == "local_plan")
                                    .order_by(Work.id))
        entries = _history_entries()
        print(f"made {made['ideas']} ideas, {made['answers']} answers, {made['actions']} "
              f"actions ({made['moves']} moved) with {entries} history entries in "
              f"{time.perf_counter() - t0:.1f} s")

    client = app.test_client()
    sign_in(app, client, "admin@example.org")
    for name, url in [("register page", "/staff/register/ideas"),
                      ("register, overdue only", "/staff/register/ideas?flag=overdue"),
                      ("register, page 50", "/staff/register/ideas?page=50"),
                      ("register CSV", "/staff/register/ideas.csv"),
                      ("register XLSX", "/staff/register/ideas.xlsx"),
                      ("promises page", "/staff/register/promises"),
                      ("pieces of work", "/staff/register/"),
                      ("one piece of work", f"/staff/register/{work_id}"),
                      ("its history", f"/staff/register/{work_id}/history")]:
        times, r = timed_get(app, client, url, args.repeat)
        print(f"{name:24s} best {min(times):.2f} s  worst {max(times):.2f} s  "
              f"{len(r.data) / 1024:.0f} KB")
    out = tmp / "register.csv"
    t0 = time.perf_counter()
    result = app.test_cli_runner().invoke(cli, ["export", "register", str(out)])
    assert result.exit_code == 0, result.output
    print(f"{'export register (CLI)':24s} {time.perf_counter() - t0:.2f} s  "
          f"{out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
