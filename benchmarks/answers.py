"""Answers saved per second through gunicorn on SQLite, beside a bare Flask+SQLite endpoint.

    .venv/bin/python benchmarks/answers.py            # needs wrk (apt-get install -y wrk)

What it does, in one run (about 2 minutes with the defaults; loopback only; cleans up):

1. A temporary instance folder with SQLite; ``reviewkit init``; ``reviewkit setup``;
   ``reviewkit invite BANK --count 100``.
2. gunicorn (4 workers) serving reviewkit. 100 phones each open their invitation
   (GET /r/<token> with their own cookie jar), then the question page, and keep their resume key,
   session cookie and CSRF token (valid for the session).
3. wrk with a generated Lua script: every request is one phone's POST /a/<key>/q/<qid>
   (answer=<varying text>, action=next, csrf_token, Cookie) and saves one answer.
   Only 302 responses count as saved answers; every other status and every socket error is an
   error. The phones are split between wrk threads, each thread going round its own phones.
4. Afterwards the database is checked: exactly one row per phone for the question, each holding
   an answer that phone sent; then every phone sends a final answer through real HTTP and the
   stored rows must be exactly those final answers.
5. The same load against benchmarks/bare_app.py (one INSERT per POST, 4 gunicorn workers).
   Both servers run side by side and take turns, ``--rounds`` times (3), so that a slow spell
   of the machine (a shared virtual machine has them) falls on both; the goals are checked
   against the medians of the rounds.
6. Steps 2-5 for each worker class: sync, then gthread with one thread per worker, which is
   a sync worker that keeps connections open between requests, as a phone's browser does.

The load generator shares the machine's CPUs with the servers: the table shows the CPU seconds
used by wrk and by the gunicorn workers during each measured run.

Figures before and after the work on issue 19 point 7 (gunicorn CPU per answer 3.9 -> 2.2-2.5
ms with gthread, 4.7 -> 2.2-3.1 ms with sync; ratio to bare 0.13 -> 0.18-0.38 and 0.51 -> 0.45,
moving with the machine's load; the goal of 0.5 not met) and the top of the profile:
benchmarks/README.md, "Where the time went".
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')
CLK_TCK = os.sysconf("SC_CLK_TCK")
GOAL_RATE, GOAL_RATIO, GOAL_P95_MS = 500, 0.5, 200
LOAD_AT_START = os.getloadavg()


# --------------------------------------------------------------------------- helpers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cli(env: dict, *args: str) -> str:
    """Run the reviewkit CLI (the ``reviewkit`` console script's entry point)."""
    out = subprocess.run(
        [sys.executable, "-c", "from reviewkit.cli import main; main()", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    if out.returncode != 0:
        raise SystemExit(f"reviewkit {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


class Server:
    """gunicorn in its own process group on a free loopback port; stopped on exit."""

    def __init__(self, app: str, env: dict, *, workers: int, worker_class: str, threads: int,
                 chdir: Path = ROOT, port: int | None = None):
        self.port = port or free_port()  # a port of its own: a server started again keeps it
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "gunicorn", app, "--chdir", str(chdir),
               "-b", f"127.0.0.1:{self.port}", "-w", str(workers), "-k", worker_class,
               "--log-level", "warning", "--timeout", "60"]
        if worker_class == "gthread":
            cmd += ["--threads", str(threads)]
        self.proc = subprocess.Popen(cmd, env=env, start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + 90  # a busy machine starts workers slowly
        while True:
            try:
                requests.get(f"{self.base}/healthz", timeout=5).raise_for_status()
                if len(children(self.proc.pid)) >= workers:
                    break
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn {app} did not start")
            time.sleep(0.1)

    def cpu(self) -> float:
        """CPU seconds used so far by the master and its workers."""
        return process_cpu(self.proc.pid) + sum(process_cpu(p) for p in children(self.proc.pid))

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: a machine dying, no clean shutdown."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------- phones

class Phone:
    """One phone: its cookie jar, resume key and CSRF token, got by walking the journey from the
    invitation link to the question page (answering a consent page on the way if there is one)."""

    def __init__(self, index: int, base: str, token: str, qid: str):
        self.index = index
        self.qid = qid
        self.http = http = requests.Session()
        first = http.get(f"{base}/r/{token}", allow_redirects=False, timeout=30)
        if first.status_code != 302:
            raise SystemExit(f"phone {index}: GET /r/<token> gave {first.status_code}")
        location = first.headers["Location"]
        self.key = location.split("/")[2]
        if location.rstrip("/").endswith("/start"):  # "before you start": say how answers are used
            page = http.get(base + location, timeout=30)
            r = http.post(base + location, allow_redirects=False, timeout=30,
                          data={"share": "yes", "csrf_token": csrf_from(page.text, index)})
            if r.status_code != 302:
                raise SystemExit(f"phone {index}: consent page gave {r.status_code}")
        self.path = f"/a/{self.key}/q/{qid}"
        page = http.get(base + self.path, allow_redirects=False, timeout=30)
        if page.status_code != 200:
            raise SystemExit(f"phone {index}: GET {self.path} gave {page.status_code} "
                             f"{page.headers.get('Location', '')}")
        self.csrf = csrf_from(page.text, index)
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)

    def post(self, base: str, text: str) -> tuple[int, str]:
        r = self.http.post(base + self.path, allow_redirects=False, timeout=30,
                           data={"answer": text, "action": "next", "csrf_token": self.csrf})
        return r.status_code, r.headers.get("Location", "")


def csrf_from(html: str, index: int) -> str:
    match = CSRF.search(html)
    if not match:
        raise SystemExit(f"phone {index}: no CSRF token on the page")
    return next(g for g in match.groups() if g)


def lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string of ASCII is a valid Lua string literal


def write_lua(path: Path, phones: list[Phone], nthreads: int) -> None:
    """A wrk script: each thread takes every n-th phone and goes round them; answer text is
    'Phone <i> answer <n>' with n counting that phone's requests."""
    rows = ",\n".join(
        f"  {{i={p.index}, path={lua_str(p.path)}, cookie={lua_str(p.cookie)}, "
        f"csrf={lua_str(urllib.parse.quote(p.csrf, safe=''))}}}"
        for p in phones
    )
    path.write_text(f"""-- generated by benchmarks/answers.py
local phones = {{
{rows}
}}
local threads = {{}}
local counter = 0
setup = function(thread)  -- runs in the main state, before that thread's init
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local mine = {{}}
local idx = 0
statuses = {{}}
sent = {{}}
init = function(args)
  for k, p in ipairs(phones) do
    if (k - 1) % {nthreads} == tid then
      table.insert(mine, {{i=p.i, path=p.path, n=0,
        headers={{["Cookie"]=p.cookie, ["Content-Type"]="application/x-www-form-urlencoded"}},
        tail="&action=next&csrf_token=" .. p.csrf}})
    end
  end
end

request = function()
  idx = idx % #mine + 1
  local p = mine[idx]
  p.n = p.n + 1
  sent[p.i] = p.n
  return wrk.format("POST", p.path, p.headers,
                    "answer=Phone+" .. p.i .. "+answer+" .. p.n .. p.tail)
end

response = function(status, headers, body)
  -- a 302 onwards means saved; a 302 back to the consent page or the done page does not
  local code = status
  if status == 302 then
    local loc = headers["Location"] or ""
    if loc:find("/start", 1, true) or loc:find("/done", 1, true) then code = "302-not-saved" end
  end
  statuses[code] = (statuses[code] or 0) + 1
end

done = function(summary, latency, requests)
  local st, sn = {{}}, {{}}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do st[code] = (st[code] or 0) + n end
    for i, n in pairs(t:get("sent")) do sn[i] = n end
  end
  local parts = {{}}
  for code, n in pairs(st) do table.insert(parts, '"' .. code .. '":' .. n) end
  local sparts = {{}}
  for i, n in pairs(sn) do table.insert(sparts, '"' .. i .. '":' .. n) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {{"duration_us":%d,"requests":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f,' ..
    '"statuses":{{%s}},"sent":{{%s}}}}\\n',
    summary.duration, summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ","), table.concat(sparts, ",")))
end
""")


def run_wrk(url: str, script: Path, *, threads: int, connections: int, duration: int,
            timeout: int) -> tuple[dict, float, str]:
    """Run wrk; returns (figures, wrk CPU seconds, raw output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s",
         "--latency", "-s", str(script), url],
        capture_output=True, text=True, timeout=duration + 60,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return json.loads(line[len("RESULT "):]), wrk_cpu, out.stdout


def measure(name: str, server: Server, script: Path, args) -> dict:
    warm_saved = 0
    if args.warmup:  # not measured: workers import lazily and fill caches on first requests
        warm, _, _ = run_wrk(server.base, script, threads=args.wrk_threads,
                             connections=args.connections, duration=args.warmup,
                             timeout=args.timeout)
        warm_saved = warm["statuses"].get("302", 0)
    cpu0 = server.cpu()
    res, wrk_cpu, raw = run_wrk(server.base, script, threads=args.wrk_threads,
                                connections=args.connections, duration=args.duration,
                                timeout=args.timeout)
    server_cpu = server.cpu() - cpu0
    seconds = res["duration_us"] / 1e6
    saved = res["statuses"].get("302", 0)
    bad_status = sum(n for code, n in res["statuses"].items() if code != "302")
    sock = res["connect"] + res["read"] + res["write"] + res["timeout"]
    row = {
        "name": name, "seconds": seconds, "saved": saved, "rate": saved / seconds,
        "p50": res["p50"] / 1000, "p95": res["p95"] / 1000, "p99": res["p99"] / 1000,
        "max": res["max"] / 1000, "errors": bad_status + sock, "bad_status": bad_status,
        "socket_errors": sock, "statuses": res["statuses"], "sent": res["sent"],
        "server_cpu": server_cpu, "wrk_cpu": wrk_cpu, "raw": raw,
        "saved_with_warmup": saved + warm_saved,
    }
    log(f"{name}: {row['rate']:.0f} answers/s, p50 {row['p50']:.1f} ms, "
        f"p95 {row['p95']:.1f} ms, statuses {res['statuses']}, socket errors {sock}")
    return row


# --------------------------------------------------------------------------- checks

def stored_answers(db_path: Path, qid: str) -> list[tuple[str, object]]:
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        rows = conn.execute(
            "SELECT r.resume_key, a.value FROM answer a JOIN response r ON r.id = a.response_id"
            " WHERE a.question_id = ?", (qid,)).fetchall()
    finally:
        conn.close()
    return [(key, json.loads(value) if value is not None else None) for key, value in rows]


def as_text(value) -> str | None:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def wait_until_quiet(db_path: Path, qid: str, limit: float = 30) -> float:
    """When wrk stops, requests it sent may still wait in gunicorn's accept queue and be saved
    afterwards: wait until the stored answers stop changing (1 s unchanged). Returns seconds."""
    t0 = time.monotonic()
    last, since = None, time.monotonic()
    while time.monotonic() - t0 < limit:
        now = sorted(map(repr, stored_answers(db_path, qid)))
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 1.0:
            break
        time.sleep(0.2)
    return time.monotonic() - t0


def check_reviewkit(db_path: Path, phones: list[Phone], base: str, sent: dict, tag: str) -> str:
    """Rows after the load, then after one final answer per phone. Returns a one-line verdict."""
    problems: list[str] = []
    drained = wait_until_quiet(db_path, phones[0].qid)
    by_key = {p.key: p for p in phones}
    rows = stored_answers(db_path, phones[0].qid)
    keys = [k for k, _ in rows]
    if len(rows) != len(phones) or set(keys) != set(by_key):
        problems.append(f"{len(rows)} rows for {len(set(keys))} phones (expected one per phone)")
    exact = behind = 0
    pattern = re.compile(r"Phone (\d+) answer (\d+)$")
    for key, value in rows:
        phone = by_key.get(key)
        m = pattern.match(as_text(value) or "")
        if phone is None or not m or int(m.group(1)) != phone.index:
            problems.append(f"row for {key} holds {value!r}, not one of its phone's answers")
            continue
        last = int(sent.get(str(phone.index), 0))
        n = int(m.group(2))
        if n > last:
            problems.append(f"phone {phone.index}: stored answer {n} was never sent (last {last})")
        elif n == last:
            exact += 1
        else:
            behind += 1  # the phone's last request was still in flight when wrk stopped
    # Every phone now sends one final answer, as a person would; it must be what is stored.
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda p: p.post(base, f"Final answer {tag} {p.index}")[0], phones))
    if any(c != 302 for c in codes):
        problems.append(f"final answers: statuses {sorted(set(codes))}")
    final = dict(stored_answers(db_path, phones[0].qid))
    wrong = [p.index for p in phones
             if as_text(final.get(p.key)) != f"Final answer {tag} {p.index}"]
    if wrong or len(final) != len(phones):
        problems.append(f"after final answers: {len(wrong)} phones do not show their last answer")
    if problems:
        return "FAILED: " + "; ".join(problems[:5])
    return (f"ok: {len(rows)} rows, one per phone; {exact} hold the phone's last sent answer, "
            f"{behind} an earlier one (requests overtaken in the queue); settled in "
            f"{drained:.1f} s after wrk stopped; "
            f"final answers of all {len(phones)} phones stored exactly")


def smoke_check(db_path: Path, phones: list[Phone], base: str) -> None:
    """Before any load: one answer per phone must come back 302 and be in the database, so that
    a 302 in the load really means a saved answer."""
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda p: p.post(base, f"Phone {p.index} answer 0"), phones))
    bad = [(p.index, r) for p, r in zip(phones, results, strict=True)
           if r[0] != 302 or "/start" in r[1] or "/done" in r[1]]
    stored = dict(stored_answers(db_path, phones[0].qid))
    missing = [p.index for p in phones if as_text(stored.get(p.key)) != f"Phone {p.index} answer 0"]
    if bad or missing:
        raise SystemExit(f"smoke check failed: responses {bad[:3]}, not stored for phones "
                         f"{missing[:10]}")
    log(f"smoke check: {len(phones)} answers posted, 302, stored")


def bare_rows(db_path: Path) -> int:
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM answer").fetchone()[0]
    finally:
        conn.close()


# --------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=int, default=20, help="seconds per measured run (20)")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first (2)")
    ap.add_argument("--connections", type=int, default=100, help="phones = wrk connections (100)")
    ap.add_argument("--wrk-threads", type=int, default=2, help="wrk -t (2)")
    ap.add_argument("--timeout", type=int, default=5, help="wrk --timeout seconds (5)")
    ap.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    ap.add_argument("--worker-classes", default="sync,gthread", help="comma-separated")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads per gthread worker (1: a sync worker that keeps connections "
                         "open, as phones do)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="measured runs of each server, taking turns; medians compared (3)")
    ap.add_argument("--bank", default="person-centred-review")
    ap.add_argument("--banks-path", default=str(ROOT / "question_banks"))
    ap.add_argument("--question", default="admire",
                    help="a free-text/statements question every phone can answer (admire)")
    ap.add_argument("--app", default="reviewkit.wsgi:app",
                    help="the WSGI app gunicorn serves as 'reviewkit' (e.g. a module that patches "
                         "reviewkit.wsgi:app to try an idea; put its folder on PYTHONPATH)")
    ap.add_argument("--only", choices=["reviewkit", "bare"], help="run one side only")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="rk-bench-"))
    servers: list[Server] = []
    try:
        rk_db = tmp / "reviewkit.db"
        env = {
            **os.environ,
            "REVIEWKIT_INSTANCE_PATH": str(tmp / "instance"),
            "REVIEWKIT_DATABASE_URL": f"sqlite:///{rk_db}",
            "REVIEWKIT_BANKS_PATH": args.banks_path,
            "REVIEWKIT_SECRET_KEY": "benchmark-secret-key-not-for-production",
            "REVIEWKIT_BASE_URL": "http://127.0.0.1",
            "BARE_DB": str(tmp / "bare.db"),
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        (tmp / "instance").mkdir()
        rows: list[dict] = []
        checks: list[str] = []
        phones: list[Phone] = []
        script = tmp / "answers.lua"
        if args.only != "bare":
            log("reviewkit init, setup")
            cli(env, "init")
            cli(env, "setup", "--name", "Benchmark", "--admin-email", "admin@example.org")
            links = cli(env, "invite", args.bank, "--count", str(args.connections)).split()
            tokens = [link.rsplit("/", 1)[1] for link in links if "/r/" in link]
            assert len(tokens) == args.connections, links
        if args.only == "bare":  # phones with made-up keys and tokens
            phones = [_fake_phone(i, args.question) for i in range(1, args.connections + 1)]
            write_lua(script, phones, args.wrk_threads)
        for wc in args.worker_classes.split(","):
            label = f"{args.workers}×{wc}" + (f"({args.threads})" if wc == "gthread" else "")
            rk = bare = None
            if args.only != "bare":
                rk = Server(args.app, env, workers=args.workers, worker_class=wc,
                            threads=args.threads)
                servers.append(rk)
                if not phones:
                    log(f"opening {len(tokens)} phones")
                    with ThreadPoolExecutor(8) as pool:
                        phones = list(pool.map(
                            lambda it, rk=rk: Phone(it[0], rk.base, it[1], args.question),
                            enumerate(tokens, 1)))
                    write_lua(script, phones, args.wrk_threads)
                    smoke_check(rk_db, phones, rk.base)
            if args.only != "reviewkit":
                bare = Server("bare_app:app", env, workers=args.workers, worker_class=wc,
                              threads=args.threads, chdir=BENCH)
                servers.append(bare)
                bare_before, bare_saved = bare_rows(tmp / "bare.db"), 0
            # The two servers take turns, round after round, so that a slow spell of the machine
            # falls on both; the medians of the rounds are compared.
            for n in range(1, args.rounds + 1):
                tag = f" round {n}" if args.rounds > 1 else ""
                if rk is not None:
                    rows.append(measure(f"reviewkit {label}{tag}", rk, script, args))
                if bare is not None:
                    rows.append(measure(f"bare {label}{tag}", bare, script, args))
                    bare_saved += rows[-1]["saved_with_warmup"]
            for side in ("reviewkit", "bare"):
                mine = [r for r in rows if r["name"].startswith(f"{side} {label}")]
                if len(mine) > 1:
                    rows.append(median_row(f"{side} {label}", mine))
            if rk is not None:
                checks.append(f"reviewkit {label}: " + check_reviewkit(
                    rk_db, phones, rk.base, rows_sent(rows, f"reviewkit {label}"), wc))
                rk.stop()
            if bare is not None:
                bare.stop()
                inserted = bare_rows(tmp / "bare.db") - bare_before
                slack = 2 * args.connections * args.rounds
                verdict = "ok" if bare_saved <= inserted <= bare_saved + slack else "FAILED"
                checks.append(f"bare {label}: {verdict}: {inserted} rows inserted for "
                              f"{bare_saved} 302s incl. warm-up (more rows: requests cut off "
                              f"when wrk stopped)")
        print_report(rows, checks, args, time.monotonic() - started)
        if args.json:
            args.json.write_text(json.dumps(
                {"rows": [{k: v for k, v in r.items() if k not in ("raw", "sent")} for r in rows],
                 "checks": checks}, indent=2))
        return 1 if any("FAILED" in c for c in checks) else 0
    finally:
        for srv in servers:
            srv.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def median_row(name: str, rounds: list[dict]) -> dict:
    """The median of each figure over the rounds (the row the goals are checked against)."""
    import statistics

    row = {"name": f"{name} median", "median": True, "raw": "", "sent": {}, "statuses": {}}
    for key in ("seconds", "saved", "rate", "p50", "p95", "p99", "max", "errors", "bad_status",
                "socket_errors", "server_cpu", "wrk_cpu", "saved_with_warmup"):
        row[key] = statistics.median(r[key] for r in rounds)
    row["errors"] = sum(r["errors"] for r in rounds)  # any error in any round counts
    row["cpu_per_answer"] = statistics.median(1000 * r["server_cpu"] / max(r["saved"], 1)
                                              for r in rounds)
    return row


def rows_sent(rows: list[dict], prefix: str) -> dict:
    """What each phone sent last: the 'sent' counters of the last round (wrk counts per run, so
    the last round's numbers are what the database must hold or be just behind)."""
    mine = [r for r in rows if r["name"].startswith(prefix) and not r.get("median")]
    return mine[-1]["sent"] if mine else {}


class _FakePhone:
    pass


def _fake_phone(i: int, qid: str) -> _FakePhone:
    p = _FakePhone()
    p.index, p.qid, p.key = i, qid, f"key{i:04d}"
    p.path, p.cookie, p.csrf = f"/a/{p.key}/q/{qid}", "session=none", "none"
    return p


def print_report(rows: list[dict], checks: list[str], args, elapsed: float) -> None:
    print()
    print(f"Answers saved per second: {args.connections} phones (wrk -t{args.wrk_threads} "
          f"-c{args.connections} -d{args.duration}s --latency), gunicorn {args.workers} workers, "
          f"SQLite WAL, {os.cpu_count()} CPUs, bank {args.bank} question {args.question}")
    print("load average before the run: " + " ".join(f"{x:.2f}" for x in LOAD_AT_START)
          + " (other processes on the machine skew the figures)")
    head = (f"{'server':<28} {'answers/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'srv CPU':>8} {'ms CPU/ans':>10} {'wrk CPU':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['name']:<28} {r['rate']:>9.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
              f"{r['p99']:>7.1f} {r['errors']:>6} {r['server_cpu'] / r['seconds']:>7.2f}c "
              f"{r.get('cpu_per_answer', 1000 * r['server_cpu'] / max(r['saved'], 1)):>10.2f} "
              f"{r['wrk_cpu'] / r['seconds']:>7.2f}c")
    print("(errors = non-302 responses + socket errors/timeouts; srv/wrk CPU = cores used on "
          "average by gunicorn (master + workers) and by wrk; ms CPU/ans = gunicorn CPU time per "
          "saved answer, the figure least disturbed by other load on the machine)")
    by_name = {r["name"].removesuffix(" median"): r for r in rows
               if r.get("median") or args.rounds == 1}
    for name, r in by_name.items():
        if not name.startswith("reviewkit "):
            continue
        label = name.removeprefix("reviewkit ")
        bare = by_name.get(f"bare {label}")
        ratio = r["rate"] / bare["rate"] if bare else float("nan")
        verdicts = [
            f"{r['rate']:.0f}/s {'>=' if r['rate'] >= GOAL_RATE else '<'} {GOAL_RATE}",
            f"ratio to bare {ratio:.2f} {'>=' if ratio >= GOAL_RATIO else '<'} {GOAL_RATIO}",
            f"p95 {r['p95']:.0f} ms {'<' if r['p95'] < GOAL_P95_MS else '>='} {GOAL_P95_MS}",
        ]
        ok = r["rate"] >= GOAL_RATE and ratio >= GOAL_RATIO and r["p95"] < GOAL_P95_MS \
            and r["errors"] == 0
        print(f"{label:<16} reviewkit/bare = {ratio:.2f}   goal: {'MET' if ok else 'NOT MET'} "
              f"({'; '.join(verdicts)})")
    print("Checks:")
    for c in checks:
        print(f"  {c}")
    print(f"Total time {elapsed:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
