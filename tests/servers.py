"""Real servers for tests: gunicorn in a subprocess, on a free loopback port."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from flask import Flask

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(app: Flask, **extra: str) -> dict[str, str]:
    """Environment variables that make a new process use the same database and banks (and
    ``extra`` ones, e.g. ``REVIEWKIT_REDIS_URL``)."""
    return {
        **os.environ,
        "REVIEWKIT_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REVIEWKIT_INSTANCE_PATH": app.instance_path,
        "REVIEWKIT_BANKS_PATH": app.config["BANKS_PATH"],
        "REVIEWKIT_SECRET_KEY": app.config["SECRET_KEY"],
        **extra,
    }


@contextmanager
def gunicorn(app: Flask, workers: int = 2, threads: int = 4, **env: str):
    """Serve ``app``'s database with gunicorn; yields (base_url, process). ``env`` adds or
    replaces environment variables (a server of its own: ``REVIEWKIT_INSTANCE_PATH``)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "reviewkit.wsgi:app", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--threads", str(threads), "--log-level", "warning"],
        env=app_env(app, **env), start_new_session=True, cwd=Path(__file__).parent.parent,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # slow to start on a busy machine (two CI runs at once)
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=5).raise_for_status()
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.1)
    try:
        yield base, proc
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def redis_server_path() -> str:
    """Debian's redis-server; the test is skipped without it, except in CI
    (REVIEWKIT_REQUIRE_BROWSER set), where a missing server fails it."""
    import shutil

    import pytest

    path = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)
    if path is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("REVIEWKIT_REQUIRE_BROWSER"):
            pytest.fail(message + ", and REVIEWKIT_REQUIRE_BROWSER (CI) requires it")
        pytest.skip(message)
    return path


@contextmanager
def redis_server(folder: Path):
    """A Redis server of the test's own on a free loopback port, keeping nothing on disk;
    yields its URL."""
    import redis

    port = free_port()
    proc = subprocess.Popen(
        [redis_server_path(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--loglevel", "warning"],
        start_new_session=True, stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
            break
        except redis.RedisError:
            if proc.poll() is not None or time.monotonic() > deadline:
                _stop(proc)
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    try:
        yield url
    finally:
        _stop(proc)


@contextmanager
def huey_consumer(app: Flask, workers: int = 1, **env: str):
    """The background job worker (``huey_consumer reviewkit.worker.huey``) on ``app``'s
    database; yields the process."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "reviewkit.worker.huey",
         "-w", str(workers), "--quiet"],
        env=app_env(app, **env), start_new_session=True, cwd=Path(__file__).parent.parent,
    )
    try:
        yield proc
    finally:
        _stop(proc)


class Phone:
    """One person answering on their own phone through real HTTP."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.http = requests.Session()
        first = self.http.get(f"{base}/r/{token}", allow_redirects=False, timeout=30)
        assert first.status_code == 302, first.status_code
        self.key = first.headers["Location"].split("/")[2]
        start = f"{base}/a/{self.key}/start"
        token = CSRF.search(self.http.get(start, timeout=30).text).group(1)
        chosen = self.http.post(start, data={"share": "yes", "csrf_token": token},
                                allow_redirects=False, timeout=30)
        assert chosen.status_code == 302, chosen.status_code

    def answer(self, qid: str, value: str) -> bool:
        """Send one answer; True once the server has confirmed it (redirected onwards)."""
        url = f"{self.base}/a/{self.key}/q/{qid}"
        page = self.http.get(url, timeout=30)
        token = CSRF.search(page.text).group(1)
        r = self.http.post(url, data={"answer": value, "action": "next", "csrf_token": token},
                           allow_redirects=False, timeout=30)
        return r.status_code == 302


TYPED = {
    "like": "I am kind\nI grow tomatoes",
    "name": "Zoë",
    "what-wrong": "The bus is late <b>again</b>",
}


def answer_everything(http: requests.Session, base: str, url: str) -> str:
    """Follow the journey from ``url`` answering whatever each page asks; return the last URL."""
    for _ in range(30):
        page = http.get(url, timeout=30)
        html = page.text
        token = CSRF.search(html).group(1)
        if "Send my answers" in html:
            sent = http.post(base + re.search(r'action="(/a/[^"]+/send)"', html).group(1),
                             data={"csrf_token": token}, allow_redirects=False, timeout=30)
            return sent.headers["Location"]
        if 'name="share"' in html:
            data = {"share": "yes"}
        else:
            qid = url.split("/q/")[1].split("?")[0]
            if qid in TYPED:
                data = {"answer": TYPED[qid]}
            elif 'type="checkbox"' in html:
                data = {"answer": re.findall(r'type="checkbox" name="answer"[^>]*value="([^"]+)"',
                                             html)[:2]}
            else:
                data = {"answer": "yes" if qid == "anything-wrong" else
                        re.search(r'type="radio" name="answer"[^>]*value="([^"]+)"', html)[1]}
            data["action"] = "next"
        r = http.post(url, data={**data, "csrf_token": token}, allow_redirects=False, timeout=30)
        assert r.status_code == 302, (url, r.status_code, r.text[:500])
        url = base + r.headers["Location"]
    raise AssertionError("the journey did not end")
