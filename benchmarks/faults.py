"""Nothing lost when a server dies: phones answering through two servers while the parts fail.

    .venv/bin/python benchmarks/faults.py                 # 200 phones, private PostgreSQL
    .venv/bin/python benchmarks/faults.py --sqlite        # one SQLite file (no PostgreSQL phase)

What it does (loopback only; everything it starts is its own, on free ports; cleans up):

1. A private PostgreSQL cluster (initdb in a temporary folder; run as root, it runs as the
   ``postgres`` user), or with ``--sqlite`` one SQLite file in WAL mode; a private Redis
   (``redis-server`` with appendonly on, as docs/deploy.md advises). ``reviewkit init``,
   ``reviewkit setup``, ``reviewkit invite test-bank --count N``.
2. Two gunicorn servers (2 workers × 4 threads each, their own instance folders, the same
   secret key, REVIEWKIT_REDIS_URL set), as in docs/deploy.md.
3. N phones (threads) each walk the whole test bank: open the link, say yes to sharing, answer
   six questions (a list of statements, a name, a scale, yes/no, a free text shown by the yes,
   two choices), send. Each request goes to the next server in turn (no sticky sessions). A
   person pauses 1-3 s per question. When a page fails (no answer, an error page, a timeout),
   they wait 1-3 s and press again: the page is fetched again and the same answer sent again.
4. Meanwhile: server A is killed with SIGKILL (master and workers at once) and started again
   on the same port; then PostgreSQL is restarted (``pg_ctl restart -m fast``: every open
   connection is cut); then Redis is restarted.
5. Afterwards the database is checked, phone by phone: each answer the phone meant to give is
   stored once with its value (``stored once``), missing or different (``lost``), and no
   question, response or statement is there twice (``duplicated``); and every phone reached
   "Thank you".

The figures are printed at the end (and with ``--json FILE`` written there too).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from answers import ROOT, Server, cli, free_port, log

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BANK = ROOT / "tests" / "data" / "banks"
QUESTIONS = ["like", "name", "happy", "anything-wrong", "what-wrong", "activities"]
RETRIES = 40  # presses of one button before a person gives up


def planned(i: int) -> dict[str, object]:
    """What phone ``i`` answers (what the database must hold afterwards, once)."""
    return {"like": [f"Phone {i} is kind", f"Phone {i} grows tomatoes"],
            "name": f"Person {i}", "happy": str(1 + i % 3), "anything-wrong": "yes",
            "what-wrong": f"Phone {i}: the bus is late", "activities": ["swim", "music"]}


def _form(qid: str, value) -> dict:
    if qid == "like":
        return {"answer": "\n".join(value)}
    return {"answer": value}


# --------------------------------------------------------------------------- the parts

class Postgres:
    """A PostgreSQL cluster of this run's own, restartable without touching anyone else's."""

    def __init__(self, folder: Path):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                          key=lambda p: int(p.parts[-3]))
        if not versions:
            raise SystemExit("PostgreSQL not installed (apt-get install postgresql), or use "
                             "--sqlite")
        self.bin = versions[-1].parent
        self.data = folder / "pgdata"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        folder.chmod(0o755)
        self.data.mkdir()
        if self.as_user:
            shutil.chown(self.data, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "bench", "--auth=trust", "-E", "UTF8")
        self.log = self.data / "server.log"
        self._ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "bench", "faults")
        self.url = f"postgresql://bench@127.0.0.1:{self.port}/faults"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True,
                       capture_output=True, cwd="/tmp")

    def _ctl(self, action: str, *extra: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}",
                  action, *extra)

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        except subprocess.CalledProcessError:
            pass


class Redis:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--save", "", "--loglevel", "warning"],
            start_new_session=True, stdout=subprocess.DEVNULL)
        for _ in range(200):
            try:
                redis.Redis.from_url(self.url, socket_timeout=1).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # Redis writes its append-only file and stops
            self.proc.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()


# --------------------------------------------------------------------------- the phones

class Phone:
    """One person on their phone; every request to the next server in turn."""

    def __init__(self, i: int, token: str, bases: list[str]):
        self.i, self.token, self.bases = i, token, bases
        self.turn = i  # phones start on different servers
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = f"10.{i // 250}.{i % 250}.1"
        self.key = ""
        self.failures: Counter[str] = Counter()
        self.presses = 0
        self.done = False
        self.rng = random.Random(i)

    def _url(self, path: str) -> str:
        self.turn += 1
        return self.bases[self.turn % len(self.bases)] + path

    def _request(self, method: str, path: str, **kw) -> requests.Response | None:
        try:
            r = self.http.request(method, self._url(path), allow_redirects=False, timeout=20,
                                  **kw)
        except requests.RequestException as exc:
            self.failures[type(exc).__name__] += 1
            return None
        if r.status_code >= 500:
            self.failures[f"HTTP {r.status_code}"] += 1
            return None
        return r

    def press(self, page: str, data: dict, to: str | None = None) -> str:
        """Fetch ``page``, send ``data`` with its form (to ``to``, else back to ``page``); press
        again until the server answers with the next page. Returns where it went on to."""
        for _ in range(RETRIES):
            self.presses += 1
            got = self._request("GET", page)
            token = CSRF.search(got.text) if got is not None and got.status_code == 200 else None
            if token is not None:
                sent = self._request("POST", to or page,
                                     data={**data, "csrf_token": token.group(1)})
                if sent is not None and sent.status_code in (302, 303):
                    return sent.headers["Location"]
                if sent is not None:
                    self.failures[f"HTTP {sent.status_code}"] += 1
            elif got is not None and got.status_code in (302, 303):  # already past it
                return got.headers["Location"]
            time.sleep(self.rng.uniform(1, 3))  # a person waits, then presses again
        raise RuntimeError(f"phone {self.i} gave up on {page}")

    def run(self, start_at: float) -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        plan = planned(self.i)
        for _ in range(RETRIES):  # opening the link
            first = self._request("GET", f"/r/{self.token}")
            if first is not None and first.status_code == 302:
                break
            time.sleep(self.rng.uniform(1, 3))
        else:
            raise RuntimeError(f"phone {self.i} could not open its link")
        start = first.headers["Location"]
        self.key = start.split("/")[2]
        where = self.press(start, {"share": "yes"})
        for qid in QUESTIONS:
            time.sleep(self.rng.uniform(1, 3))  # reading and typing
            assert f"/q/{qid}" in where, (self.i, where, qid)
            where = self.press(f"/a/{self.key}/q/{qid}", {**_form(qid, plan[qid]),
                                                           "action": "next"})
        assert where.endswith("/check"), (self.i, where)
        done = self.press(f"/a/{self.key}/check", {}, to=f"/a/{self.key}/send")
        self.done = done.endswith("/done")


# --------------------------------------------------------------------------- checking

def check(db_url: str, phones: list[Phone]) -> dict:
    from sqlalchemy import create_engine, text

    url = db_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.resume_key, a.question_id, a.value FROM answer a "
            "JOIN response r ON r.id = a.response_id")).all()
        per_invitation = conn.execute(text(
            "SELECT invitation_id, count(*) FROM response GROUP BY invitation_id "
            "HAVING count(*) > 1")).all()
        statements = conn.execute(text(
            "SELECT r.resume_key, s.text, count(*) FROM statement s "
            "JOIN response r ON r.id = s.response_id GROUP BY r.resume_key, s.text")).all()
        sent = dict(conn.execute(text(
            "SELECT resume_key, submitted_at IS NOT NULL FROM response")).all())
    engine.dispose()
    stored: dict[tuple[str, str], list] = {}
    for key, qid, value in rows:
        if isinstance(value, str) and value[:1] in "[\"{":
            value = json.loads(value)
        stored.setdefault((key, qid), []).append(value)
    once = lost = duplicated = 0
    for phone in phones:
        for qid, value in planned(phone.i).items():
            got = stored.get((phone.key, qid), [])
            if len(got) > 1:
                duplicated += 1
            elif got == [value]:
                once += 1
            else:
                lost += 1
    duplicated += len(per_invitation) + sum(1 for *_k, n in statements if n > 1)
    return {"answers expected": len(phones) * len(QUESTIONS), "stored once": once,
            "lost": lost, "duplicated": duplicated,
            "responses sent": sum(1 for p in phones if sent.get(p.key)),
            "statements": sum(n for *_k, n in statements)}


# --------------------------------------------------------------------------- the run

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--phones", type=int, default=200)
    ap.add_argument("--sqlite", action="store_true", help="one SQLite file, no PostgreSQL")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server not found: apt-get install -y redis-server")
    tmp = Path(tempfile.mkdtemp(prefix="rk-faults-"))
    pg = redis = None
    servers: dict[str, Server] = {}
    try:
        pg = None if args.sqlite else Postgres(tmp)
        db_url = f"sqlite:///{tmp / 'faults.db'}" if args.sqlite else pg.url
        redis = Redis(tmp)
        env = {**os.environ, "REVIEWKIT_DATABASE_URL": db_url,
               "REVIEWKIT_INSTANCE_PATH": str(tmp / "setup"),
               "REVIEWKIT_BANKS_PATH": str(BANK), "REVIEWKIT_REDIS_URL": redis.url,
               "REVIEWKIT_SECRET_KEY": "faults-benchmark-" + "k" * 48,
               "REVIEWKIT_BASE_URL": "http://127.0.0.1", "REVIEWKIT_PROXIES": "1"}
        log("reviewkit init, setup, invite")
        cli(env, "init")
        cli(env, "setup", "--name", "Faults", "--admin-email", "admin@example.org")
        links = cli(env, "invite", "test-bank", "--count", str(args.phones)).split()
        tokens = [link.rsplit("/", 1)[1] for link in links if "/r/" in link]
        ports = {"A": free_port(), "B": free_port()}

        def serve(name: str) -> Server:
            return Server("reviewkit.wsgi:app",
                          {**env, "REVIEWKIT_INSTANCE_PATH": str(tmp / f"server-{name}")},
                          workers=args.workers, worker_class="gthread", threads=args.threads,
                          port=ports[name])

        servers = {name: serve(name) for name in ports}
        bases = [servers[n].base for n in ports]
        phones = [Phone(i, token, bases) for i, token in enumerate(tokens)]
        begun = time.monotonic()
        errors: list[str] = []

        def run(phone: Phone) -> None:
            try:
                phone.run(begun + phone.i * 10 / len(phones))  # arriving over 10 s
            except Exception as exc:  # the figures say how many; the first few are shown
                errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=run, args=(p,), daemon=True) for p in phones]
        for t in threads:
            t.start()
        events = []

        def at(seconds: float, what: str, action) -> None:
            time.sleep(max(0.0, begun + seconds - time.monotonic()))
            t0 = time.monotonic()
            action()
            events.append((round(t0 - begun, 1), what, round(time.monotonic() - t0, 1)))
            log(f"{what} at {t0 - begun:.1f} s (took {time.monotonic() - t0:.1f} s)")

        at(6, "server A killed (SIGKILL)", servers["A"].kill)
        at(8, "server A started again", lambda: servers.__setitem__("A", serve("A")))
        if pg is not None:
            at(max(20, events[-1][0] + 4), "PostgreSQL restarted", pg.restart)
        at(max(28, events[-1][0] + 6), "Redis restarted", redis.restart)
        for t in threads:
            t.join(timeout=600)
        took = time.monotonic() - begun
        figures = check(db_url, phones)
        failures = sum((p.failures for p in phones), Counter())
        figures.update({
            "phones": len(phones), "phones finished": sum(p.done for p in phones),
            "presses": sum(p.presses for p in phones),
            "failed requests": dict(failures), "phones that gave up": len(errors),
            "database": "SQLite (WAL)" if args.sqlite else "PostgreSQL",
            "seconds": round(took, 1), "events": events,
            "servers": f"2 × gunicorn {args.workers} workers × {args.threads} threads"})
        print(json.dumps(figures, indent=2))
        for line in errors[:5]:
            print("gave up:", line, file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        ok = (figures["lost"] == 0 and figures["duplicated"] == 0
              and figures["phones finished"] == len(phones))
        return 0 if ok else 1
    finally:
        for server in servers.values():
            server.stop()
        if redis is not None:
            redis.stop()
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
