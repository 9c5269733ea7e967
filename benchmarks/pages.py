"""What the page benchmarks share: signing a test client in, and timing a page's GETs.

    from pages import sign_in, timed_get   (the benchmarks put this folder on sys.path)
"""

from __future__ import annotations

import re
import time

PASSWORD = "correct horse 1"


def sign_in(app, client, email: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in through the real sign-in form (with its CSRF token)."""
    with app.app_context():
        html = client.get("/staff/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        r = client.post("/staff/login", data={"email": email, "password": password,
                                              "csrf_token": token})
    assert r.status_code == 302, f"could not sign in as {email}"


def timed_get(app, client, url: str, repeat: int):
    """GET ``url`` ``repeat`` times; (the seconds each took, the last response), each one
    checked to be 200."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with app.app_context():
            r = client.get(url)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
    return times, r
