"""The organisation-wide theming job end to end, through a real Huey worker (issue 17, point 5).

    .venv/bin/python benchmarks/theming_job.py [--statements 1000000] [--services 8]
        [--database-url postgresql://USER@HOST/DB] [--data ../shared/data/patient_feedback_v6.csv]

A temporary instance folder (SQLite in it by default; ``--database-url`` for an empty
PostgreSQL database you can throw away: its tables are made and filled), ``reviewkit init`` and
``reviewkit setup``, then ``--statements`` pooled statements spread over a few services and the
four quarters of 2026, put in with Core bulk inserts. Their texts are the NHS FFT file's answers
repeated with light variation (``vary`` from ``benchmarks/theming.py``). Then, as the analysis
page's button does, ``enqueue_theming`` queues ``theme_organisation`` on Huey (its SQLite storage
in the instance folder), a real ``huey_consumer reviewkit.worker.huey`` runs it, and the script
polls ``job_progress``/``job_result`` as the progress page does.

Prints: the insert time, the job's wall time (queued to done), the consumer's peak resident
set (``VmHWM`` in ``/proc/<pid>/status``), each stage the page would have shown with the
seconds since queueing, the number of themes, the share of statements unassigned, and whether
every pooled statement got exactly one assignment row. Exit status 1 if the job fails or a
check does not hold.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from answers import cli  # noqa: E402  (benchmarks/answers.py: the reviewkit CLI in a child)
from theming import DEFAULT_DATA, load, vary  # noqa: E402

QUARTERS_2026 = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]
BANK = "person-centred-review"
CHUNK = 20_000


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set so far (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def insert_statements(org_id: int, texts: list[str], services: int, seed: int = 3) -> list[int]:
    """Bulk-insert ``texts`` as pooled statements over ``services`` new services of the
    organisation and the four quarters of 2026 (Core inserts, no ORM objects)."""
    from sqlalchemy import insert, select

    from reviewkit.extensions import db
    from reviewkit.models import Service, Statement
    from reviewkit.models.base import utcnow

    db.session.execute(insert(Service.__table__), [
        {"organisation_id": org_id, "name": f"Service {i + 1:02d}", "slug": f"service-{i + 1}",
         "created_at": utcnow()} for i in range(services)])
    service_ids = list(db.session.scalars(select(Service.id).where(
        Service.organisation_id == org_id).order_by(Service.id)))
    rnd = random.Random(seed)
    now = utcnow()
    kinds = ["working", "not_working", "idea", None]
    for start in range(0, len(texts), CHUNK):
        # the table's insert: one statement a chunk (the ORM's bulk insert would send a
        # statement for each run of rows whose None values fall alike)
        db.session.execute(insert(Statement.__table__), [{
            "organisation_id": org_id, "service_id": service_ids[rnd.randrange(len(service_ids))],
            "bank_id": BANK, "section_id": "working-not-working", "kind": kinds[i % 4],
            "text": text, "language": "en", "pooled": True, "position": 0,
            "said_on": QUARTERS_2026[rnd.randrange(4)] + timedelta(days=rnd.randrange(90)),
            "created_at": now,
        } for i, text in enumerate(texts[start:start + CHUNK], start)])
        db.session.commit()
    return service_ids


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=1_000_000)
    ap.add_argument("--services", type=int, default=8)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--database-url", help="an empty PostgreSQL database to use instead of "
                    "SQLite in the temporary folder (its tables are made and filled)")
    ap.add_argument("--private-postgres", action="store_true",
                    help="start a PostgreSQL cluster of this run's own in the temporary folder "
                    "(faults.py's; needs the postgresql package) and use it")
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between looks (0.5)")
    ap.add_argument("--timeout", type=float, default=3600, help="give up after (3600 s)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"The data file {args.data} is not there (see ../shared/data/README.md): "
              "nothing to measure.", file=sys.stderr)
        return 2
    if args.database_url and "reviewkit_test" in args.database_url:
        raise SystemExit("reviewkit_test belongs to the tests and CI: give another database")

    tmp = Path(tempfile.mkdtemp(prefix="rk-themejob-"))
    instance = tmp / "instance"
    instance.mkdir()
    env = {
        "REVIEWKIT_INSTANCE_PATH": str(instance),
        "REVIEWKIT_DATABASE_URL": args.database_url or f"sqlite:///{instance / 'reviewkit.db'}",
        "REVIEWKIT_SECRET_KEY": "benchmark-secret-key-not-for-production",
        "REVIEWKIT_BASE_URL": "http://127.0.0.1",
        "REVIEWKIT_RUN_JOBS_INLINE": "0",  # queue the job: the worker runs it
    }
    consumer = postgres = None
    try:
        if args.private_postgres:
            from faults import Postgres

            postgres = Postgres(tmp)
            env["REVIEWKIT_DATABASE_URL"] = args.database_url = postgres.url
        os.environ.update(env)  # before reviewkit.tasks is imported: its Huey storage is here
        os.environ.pop("REVIEWKIT_REDIS_URL", None)
        child_env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep
                     + os.environ.get("PYTHONPATH", "")}
        cli(child_env, "init")
        cli(child_env, "setup", "--name", "Benchmark", "--admin-email", "admin@example.org")

        from sqlalchemy import func, select

        from reviewkit import create_app
        from reviewkit.extensions import db
        from reviewkit.models import Organisation, Statement, ThemeAssignment, ThemeSet, User
        from reviewkit.tasks import enqueue_theming, huey, job_progress, job_result

        assert not huey.immediate
        texts, _ = load(args.data)
        texts = vary(texts, args.statements)
        app = create_app()
        with app.app_context():
            org_id = db.session.scalar(select(Organisation.id))
            t0 = time.perf_counter()
            insert_statements(org_id, texts, args.services)
            insert_s = time.perf_counter() - t0
            n = db.session.scalar(select(func.count(Statement.id)).where(
                Statement.organisation_id == org_id, Statement.pooled.is_(True)))
            user = db.session.scalar(select(User).where(User.organisation_id == org_id))
            del texts
            print(f"inserted {n:,} pooled statements over {args.services} services in "
                  f"{insert_s:.1f} s ({'PostgreSQL' if args.database_url else 'SQLite'})",
                  flush=True)

            queued = time.perf_counter()
            job = enqueue_theming(user)
            db.session.remove()
        consumer = subprocess.Popen(
            [str(Path(sys.executable).parent / "huey_consumer"), "reviewkit.worker.huey",
             "-w", "1", "-d", "0.1"],
            env=child_env, cwd=tmp, stdout=open(tmp / "consumer.log", "w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        stages: list[tuple[str, float, str]] = []
        peak, last_done, last_shown = 0.0, 0, 0.0
        state, result = "running", None
        while time.perf_counter() - queued < args.timeout:
            peak = max(peak, peak_rss_mb(consumer.pid))
            state, result = job_result(job)
            progress = job_progress(job) or {}
            stage = progress.get("stage") or "waiting"
            if state != "running":
                stage = state
            if not stages or stages[-1][0] != stage:
                stages.append((stage, time.perf_counter() - queued,
                               f"{progress.get('done', 0):,}/{progress.get('total', 0):,}"
                               if progress.get("total") else ""))
                print(f"  {stages[-1][1]:7.1f} s  {stage} {stages[-1][2]}", flush=True)
            elif stage == "reading" and progress.get("done", 0) != last_done \
                    and time.perf_counter() - last_shown >= 5:  # the count, every 5 s at most
                print(f"  {time.perf_counter() - queued:7.1f} s    read "
                      f"{progress['done']:,}/{progress['total']:,}", flush=True)
                last_done, last_shown = progress["done"], time.perf_counter()
            if state != "running" or consumer.poll() is not None:
                break
            time.sleep(args.poll)
        wall = time.perf_counter() - queued
        peak = max(peak, peak_rss_mb(consumer.pid))
        if consumer.poll() is not None and state == "running":
            print("the worker stopped before the job finished; its log:", file=sys.stderr)
            print((tmp / "consumer.log").read_text()[-3000:], file=sys.stderr)
            return 1
        print(f"job {state} after {wall:.1f} s (queued to done); worker peak RSS {peak:.0f} MB")
        if state != "done":
            print(f"  {result}")
            print((tmp / "consumer.log").read_text()[-3000:], file=sys.stderr)
            return 1

        with app.app_context():
            ts = db.session.scalar(select(ThemeSet).where(ThemeSet.organisation_id == org_id,
                                                          ThemeSet.scope == "all"))
            rows, distinct, unassigned = db.session.execute(select(
                func.count(ThemeAssignment.id), func.count(ThemeAssignment.statement_id.distinct()),
                func.count(ThemeAssignment.id).filter(ThemeAssignment.theme_id.is_(None)),
            ).where(ThemeAssignment.theme_set_id == ts.id)).one()
            missing = db.session.scalar(select(func.count(Statement.id)).where(
                Statement.organisation_id == org_id, Statement.pooled.is_(True),
                ~select(ThemeAssignment.id).where(  # NOT EXISTS: NOT IN is quadratic here
                    ThemeAssignment.theme_set_id == ts.id,
                    ThemeAssignment.statement_id == Statement.id).exists()))
            prepared = bool((ts.result or {}).get("suppression"))
        one_each = rows == distinct == n and not missing
        print(f"themes: {result['themes']}; unassigned {unassigned / max(rows, 1):.1%} "
              f"({unassigned:,} of {rows:,})")
        print(f"assignment rows {rows:,} for {distinct:,} statements, {missing:,} statements "
              f"without one: {'every statement exactly once' if one_each else 'CHECK FAILED'}")
        print(f"gap analysis prepared by the job: {'yes' if prepared else 'no'}")
        print("stages seen by polling (s after queueing): "
              + " -> ".join(f"{s} {t:.0f}" for s, t, _ in stages))
        kept = (job_progress(job) or {}).get("stages") or []
        if kept:  # as the job wrote them (polling can miss a short one)
            start = datetime.fromisoformat(kept[0]["at"])
            print("stages the job recorded (s after it started): " + " -> ".join(
                f"{k['stage']} {(datetime.fromisoformat(k['at']) - start).total_seconds():.0f}"
                for k in kept))
        return 0 if one_each else 1
    finally:
        if consumer is not None and consumer.poll() is None:
            os.killpg(consumer.pid, signal.SIGINT)
            try:
                consumer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(consumer.pid, signal.SIGKILL)
                consumer.wait()
        if postgres is not None:
            postgres.stop()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
