"""A live event under load: phones voting against ``gunicorn -w 4`` on SQLite.

    .venv/bin/python benchmarks/event.py [--phones 300] [--dots 3] [--workers 4]
                                         [--threads 32] [--probes 20]

Makes a throwaway instance (temporary folder, SQLite in WAL mode) with an organisation and an
event of six items open for voting (dot voting, 3 dots), starts gunicorn with ``--workers`` on
a free port, and then, from ``--threads`` client threads, each of ``--phones`` phones opens the
voting page (which gives it its cookie and the form's token) and sends its dots; a third of
them change their vote (open the page again, send other dots). It prints votes per second, the
latency of a vote (median, p95, max), and, with the room quiet again, the time from a vote's
answer to the projector's JSON showing it (``--probes`` votes, the JSON polled every 20 ms; the
projector page polls every second, so add up to a second for what people see). Last, it
recounts from the database: every phone's last ballot against what it sent, so a lost vote or
one counted twice shows.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITEMS = ["Transport", "Cooking lessons", "Holidays", "Work and volunteering", "Weekends",
         "Money"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_event(env: dict, dots: int) -> str:
    """The organisation and its open event; returns the event's public code as shown."""
    os.environ.update(env)
    from reviewkit import create_app
    from reviewkit.extensions import db
    from reviewkit.models import Organisation, Role, Service
    from reviewkit.services import events as ev
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    app = create_app()
    with app.app_context():
        init_database()
        org = Organisation(name="Benchmark", slug="benchmark")
        service = Service(organisation=org, name="Oak House", slug="oak")
        db.session.add_all([org, service])
        db.session.commit()
        admin = create_user(org, "admin@example.org", "Admin", "correct horse 1", Role.ADMIN)
        db.session.commit()
        event = ev.save_event(admin, name="Big day", starts_at=datetime.now(UTC),
                              place="Hall", service_id=service.id, dots=dots)
        for label in ITEMS:
            ev.add_item(admin, event, label=label)
        ev.set_voting(admin, event, "open")
        return ev.public_code(event)


class Phone:
    """One phone: its own cookies, what it sent last, how long each vote took."""

    FIELD = re.compile(r'name="(csrf_token|submit_key)"[^>]*value="([^"]*)"')
    ITEM = re.compile(r'name="dots-(\d+)"')

    def __init__(self, base: str, code: str):
        import requests

        self.http = requests.Session()
        self.url = f"{base}/v/{code}"
        self.sent: dict[int, int] = {}
        self.took: list[float] = []

    def vote(self, rnd: random.Random, dots: int) -> None:
        page = self.http.get(self.url, timeout=60)
        page.raise_for_status()
        fields = dict(self.FIELD.findall(page.text))
        items = sorted({int(i) for i in self.ITEM.findall(page.text)})
        choice: dict[int, int] = {}
        for _ in range(dots):
            item = rnd.choice(items)
            choice[item] = choice.get(item, 0) + 1
        data = {**fields, **{f"dots-{i}": str(n) for i, n in choice.items()}}
        t0 = time.perf_counter()
        answer = self.http.post(self.url, data=data, allow_redirects=False, timeout=60)
        self.took.append(time.perf_counter() - t0)
        if answer.status_code != 303:
            said = " ".join(re.findall(r"<li>(.*?)</li>", answer.text))[:300]
            raise RuntimeError(f"vote refused: {answer.status_code} {said}")
        self.sent = choice


def _dots_shown(base: str, code: str) -> int:
    """Every dot the projector's numbers count."""
    import requests

    items = requests.get(f"{base}/v/{code}/live.json", timeout=10).json()["items"]
    return sum(i["total"] for i in items)


def recount(env: dict, code: str, phones: list[Phone]) -> tuple[int, int, int]:
    """(ballots in the database, phones whose stored dots differ from what they sent last,
    dots in the database minus dots sent)."""
    os.environ.update(env)
    from sqlalchemy import select

    from reviewkit import create_app
    from reviewkit.extensions import db
    from reviewkit.models import Ballot
    from reviewkit.services import events as ev

    app = create_app()
    with app.app_context():
        event = ev.event_by_code(code)
        stored = {b.voter_key: {v.item_id: v.dots for v in b.votes}
                  for b in db.session.scalars(select(Ballot).filter_by(event_id=event.id))}
    cookie = f"rkv-{event.public_code}"
    differ = sum(stored.get(p.http.cookies.get(cookie)) != p.sent for p in phones)
    extra = sum(sum(v.values()) for v in stored.values()) - sum(sum(p.sent.values())
                                                                 for p in phones)
    return len(stored), differ, extra


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--dots", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--probes", type=int, default=20)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="rk-event-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"REVIEWKIT_INSTANCE_PATH": str(tmp), "REVIEWKIT_SECRET_KEY": "benchmark " * 4,
           "REVIEWKIT_DATABASE_URL": f"sqlite:///{tmp / 'event.db'}",
           "REVIEWKIT_BASE_URL": base}
    code = make_event(env, args.dots)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(args.workers), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning", "reviewkit.wsgi:app"],
        env={**os.environ, **env}, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                _dots_shown(base, code)
                break
            except Exception:
                time.sleep(0.2)
        rnd = random.Random(15)
        phones = [Phone(base, code) for _ in range(args.phones)]
        changers = phones[: args.phones // 3]
        seeds = [random.Random(rnd.random()) for _ in phones]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(lambda ps: ps[0].vote(ps[1], args.dots), zip(phones, seeds,
                                                                          strict=True)))
            list(pool.map(lambda ps: ps[0].vote(ps[1], args.dots), zip(changers, seeds,
                                                                          strict=False)))
        wall = time.perf_counter() - t0
        took = sorted(t for p in phones for t in p.took)
        votes = len(took)
        print(f"{args.phones} phones, {len(changers)} changed their vote: {votes} votes in "
              f"{wall:.1f} s with gunicorn -w {args.workers} on SQLite "
              f"({votes / wall:.1f} votes/s, pages included)")
        print(f"a vote's answer: median {statistics.median(took) * 1000:.0f} ms, "
              f"p95 {took[int(0.95 * (votes - 1))] * 1000:.0f} ms, max {took[-1] * 1000:.0f} ms")

        seen = []
        for _ in range(args.probes):
            phone = Phone(base, code)
            before = _dots_shown(base, code)
            phone.vote(rnd, args.dots)
            start = time.perf_counter()
            while _dots_shown(base, code) == before:
                time.sleep(0.02)
            seen.append(time.perf_counter() - start)
            phones.append(phone)
        seen.sort()
        print(f"from a vote's answer to the projector's numbers: median "
              f"{statistics.median(seen) * 1000:.0f} ms, max {seen[-1] * 1000:.0f} ms "
              f"(the page polls each second: at most {seen[-1] + 1:.1f} s on the screen)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored, differ, extra = recount(env, code, phones)
    ok = stored == len(phones) and not differ and not extra
    print(f"recount: {stored} ballots stored for {len(phones)} phones; {differ} differ from "
          f"what the phone sent last; {extra:+d} dots against what was sent "
          f"({'0 lost, 0 counted twice' if ok else 'MISMATCH'})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
