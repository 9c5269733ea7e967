"""The cost of saving one answer inside the app, with no server: ``app.wsgi_app`` called
directly, as benchmarks/answers.py's phones call it through gunicorn (issue 19, point 7).

    .venv/bin/python benchmarks/save_inprocess.py                 # CPU ms per save, best of 3
    .venv/bin/python benchmarks/save_inprocess.py --profile       # cProfile, by cumulative time
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/save_inprocess.py --saves 300 --once   # and --saves 600

100 phones each open their invitation to the person-centred review, agree to share, and then
send an answer to the free-text question "admire" in turn (a different text every time), each
with its own session cookie and CSRF token, with the limiter on, as in benchmarks/answers.py.
A shared virtual machine's processor time moves by ±15 % from run to run; for small changes
count instructions instead: run under callgrind with ``--saves 300 --once`` and ``--saves 600
--once`` and divide the difference in "I refs" by 300 (everything else in the two runs is the
same work, so what is left is the cost of 300 saves and of building their requests).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def phones(app, count: int) -> list[tuple[str, str, str]]:
    """(question URL, CSRF token, session cookie) of ``count`` phones ready to answer."""
    from reviewkit.extensions import db
    from reviewkit.services import invitations as inv
    from reviewkit.services import organisation as orgs
    from reviewkit.services.banks import latest_version
    from reviewkit.services.setup import init_database

    with app.app_context():
        init_database()
        org = orgs.create_organisation("Benchmark")
        db.session.commit()
        survey = inv.survey_for(latest_version("person-centred-review"), None, org)
        tokens = [i.token for i in inv.create_invitations(survey, count=count)]
    ready = []
    for token in tokens:
        client = app.test_client()
        start = client.get(f"/r/{token}").headers["Location"]
        csrf = CSRF.search(client.get(start).get_data(as_text=True))[1]
        client.post(start, data={"share": "yes", "csrf_token": csrf})
        url = f"/a/{start.split('/')[2]}/q/admire"
        csrf = CSRF.search(client.get(url).get_data(as_text=True))[1]
        ready.append((url, csrf, client.get_cookie("session").value))
    return ready


def requests_for(ready: list[tuple[str, str, str]], saves: int) -> list[tuple[dict, bytes]]:
    from werkzeug.test import EnvironBuilder

    out = []
    for i in range(saves):
        url, csrf, cookie = ready[i % len(ready)]
        body = urlencode({"answer": f"They listen to me {i}", "action": "next",
                          "csrf_token": csrf}).encode()
        environ = EnvironBuilder(path=url, method="POST", data=body,
                                 content_type="application/x-www-form-urlencoded",
                                 headers={"Cookie": f"session={cookie}",
                                          "Host": "127.0.0.1"}).get_environ()
        out.append((environ, body))
    return out


def run(app, requests: list[tuple[dict, bytes]]) -> float:
    """Send every request; return processor ms per request. Every one must be saved (302)."""
    environs = [{**environ, "wsgi.input": BytesIO(body)} for environ, body in requests]
    statuses = []

    def start_response(status, _headers, _exc=None):
        statuses.append(status)

    gc.collect()
    gc.freeze()  # as reviewkit/wsgi.py does after start-up
    began = time.process_time()
    for environ in environs:
        body = app.wsgi_app(environ, start_response)
        b"".join(body)
        body.close()
    spent = time.process_time() - began
    assert all(s.startswith("302") for s in statuses), {s for s in statuses}
    return spent / len(environs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--saves", type=int, default=3000, help="saves per run (3000)")
    ap.add_argument("--phones", type=int, default=100, help="phones taking turns (100)")
    ap.add_argument("--once", action="store_true", help="one run, nothing printed (callgrind)")
    ap.add_argument("--profile", action="store_true", help="cProfile one run")
    args = ap.parse_args()
    if args.saves < 1 or args.phones < 1:
        raise SystemExit("--saves and --phones must be at least 1")

    tmp = Path(tempfile.mkdtemp(prefix="rk-save-"))
    (tmp / "instance").mkdir()
    os.environ.update({
        "REVIEWKIT_INSTANCE_PATH": str(tmp / "instance"),
        "REVIEWKIT_DATABASE_URL": f"sqlite:///{tmp / 'reviewkit.db'}",
        "REVIEWKIT_BANKS_PATH": str(ROOT / "question_banks"),
        "REVIEWKIT_SECRET_KEY": "benchmark-secret-key-not-for-production",
        "REVIEWKIT_BASE_URL": "http://127.0.0.1",
    })
    from reviewkit import create_app

    app = create_app()
    requests = requests_for(phones(app, args.phones), args.saves)
    if args.once:
        run(app, requests)
        return
    run(app, requests)  # warm: every phone's first save, caches filled
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        run(app, requests)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
        return
    best = min(run(app, requests) for _ in range(3))
    print(f"{best:.3f} ms of processor time per saved answer (best of 3 runs of {args.saves}; "
          f"{args.phones} phones)", file=sys.stdout)


if __name__ == "__main__":
    main()
