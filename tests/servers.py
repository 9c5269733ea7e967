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


def app_env(app: Flask) -> dict[str, str]:
    """Environment variables that make a new process use the same database and banks."""
    return {
        **os.environ,
        "REVIEWKIT_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REVIEWKIT_INSTANCE_PATH": app.instance_path,
        "REVIEWKIT_BANKS_PATH": app.config["BANKS_PATH"],
        "REVIEWKIT_SECRET_KEY": app.config["SECRET_KEY"],
    }


@contextmanager
def gunicorn(app: Flask, workers: int = 2, threads: int = 4):
    """Serve ``app``'s database with gunicorn; yields (base_url, process)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "reviewkit.wsgi:app", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--threads", str(threads), "--log-level", "warning"],
        env=app_env(app), start_new_session=True, cwd=Path(__file__).parent.parent,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
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
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


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
