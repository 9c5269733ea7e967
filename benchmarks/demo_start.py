"""How long `reviewkit demo` takes, on an empty folder, to serve (/healthz answers) and to open
its printed phone link. A script that prints figures; README promises a demo in well under 30 s.

    .venv/bin/python benchmarks/demo_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run() -> tuple[float, float]:
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWKIT_")}
        env["REVIEWKIT_INSTANCE_PATH"] = str(Path(folder) / "instance")
        log = Path(folder) / "demo.txt"
        started = time.monotonic()
        command = [sys.executable, "-m", "reviewkit.cli", "demo", "--port", str(port)]
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("w"),
                                stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
                if proc.poll() is not None:
                    raise SystemExit(f"the demo stopped:\n{log.read_text()}")
            serving = time.monotonic() - started
            link = next(line.strip() for line in log.read_text().splitlines() if "/r/" in line)
            t = time.monotonic()
            requests.get(link.replace("localhost", "127.0.0.1"), allow_redirects=False, timeout=60)
            return serving, time.monotonic() - t
        finally:
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    for i, (serving, link) in enumerate(runs, 1):
        print(f"run {i}: serving after {serving:.1f} s, phone link opened in {link:.2f} s")
    print(f"median: serving after {statistics.median(r[0] for r in runs):.1f} s")


if __name__ == "__main__":
    main()
