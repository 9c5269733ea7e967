"""Two app servers on one database and one Redis, as docs/deploy.md sets them up: each gunicorn
server has two workers and an instance folder of its own, the same secret key, and a Huey
consumer beside them. Requests go to the servers in turn, as a load balancer without sticky
sessions sends them. PostgreSQL when REVIEWKIT_TEST_DATABASE_URL is set, else one SQLite file
in WAL mode that both servers use.

The test client stands where nginx would, so each test says who it is with X-Forwarded-For
(REVIEWKIT_PROXIES=1): the limits per person then see different people."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from conftest import PASSWORD, csrf_from, initialised_app, staff_per_role
from servers import answer_everything, gunicorn, huey_consumer, redis_server, redis_server_path
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response, Statement, User

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from analysis import generate, make_organisation  # noqa: E402

pytestmark = pytest.mark.slow
STATEMENTS = 150


@dataclass
class Site:
    a: str  # the first server's address
    b: str  # the second's
    organisation_id: int


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    redis_server_path()  # skipped (or failed, in CI) before anything starts
    folder = tmp_path_factory.mktemp("two-servers")
    with initialised_app(folder) as app:
        org = make_organisation(3, slug="two-servers")
        generate(org, STATEMENTS, special=False)
        staff_per_role(org)
        with redis_server(folder) as redis_url:
            env = {"REVIEWKIT_REDIS_URL": redis_url, "REVIEWKIT_PROXIES": "1"}
            with (gunicorn(app, 2, 2, REVIEWKIT_INSTANCE_PATH=str(folder / "a"), **env)
                  as (a, _a), gunicorn(app, 2, 2, REVIEWKIT_INSTANCE_PATH=str(folder / "b"),
                                       **env) as (b, _b),
                  huey_consumer(app, REVIEWKIT_INSTANCE_PATH=str(folder / "worker"), **env)):
                yield Site(a, b, org.id)


class Alternating(requests.Session):
    """One phone or browser whose requests go to each server in turn; ``served`` counts the
    requests each server answered."""

    def __init__(self, site: Site, client: str):
        super().__init__()
        self.bases = [site.a, site.b]
        self.turn = 0
        self.served: Counter[str] = Counter()
        self.headers["X-Forwarded-For"] = client

    def request(self, method, url, *args, **kwargs):
        for base in self.bases:
            if url.startswith(base):
                target = self.bases[self.turn % 2]
                self.turn += 1
                self.served[target] += 1
                url = target + url[len(base):]
                break
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)


def _sign_in(http: requests.Session, base: str, email: str, password: str, token: str = ""):
    token = token or csrf_from(http.get(f"{base}/staff/login", timeout=30).text)
    return http.post(f"{base}/staff/login", data={"email": email, "password": password,
                                                  "csrf_token": token},
                     allow_redirects=False, timeout=30)


def test_a_phone_journey_whose_requests_alternate_between_servers_is_stored_whole(site):
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version
    from reviewkit.services.organisation import organisations

    org = next(o for o in organisations() if o.id == site.organisation_id)
    invitation = inv.create_invitations(inv.survey_for(latest_version("test-bank"), None, org))[0]
    db.session.commit()
    phone = Alternating(site, "198.51.100.1")
    first = phone.get(f"{site.a}/r/{invitation.token}", allow_redirects=False)
    assert first.status_code == 302
    done = answer_everything(phone, site.a, site.a + first.headers["Location"])
    assert done.endswith("/done")
    assert "Thank you" in phone.get(site.a + done).text
    assert min(phone.served.values()) >= 8, phone.served  # both servers did their share
    key = first.headers["Location"].split("/")[2]
    db.session.expire_all()
    response = db.session.scalar(select(Response).filter_by(resume_key=key))
    assert response.submitted_at is not None
    answers = dict(db.session.execute(select(Answer.question_id, Answer.value)
                                      .where(Answer.response_id == response.id)).all())
    assert set(answers) == {"like", "name", "happy", "anything-wrong", "what-wrong",
                            "activities"}
    assert answers["name"] == "Zoë" and answers["what-wrong"] == "The bus is late <b>again</b>"


def test_a_job_queued_through_one_server_is_run_by_the_worker_and_followed_on_the_other(site):
    http = requests.Session()
    http.headers["X-Forwarded-For"] = "198.51.100.2"
    assert _sign_in(http, site.a, "manager@example.org", PASSWORD).status_code == 302
    # signed in on one server, known on the other (the same key; session checks in the database)
    token = csrf_from(http.get(f"{site.b}/staff/analysis/", timeout=30).text)
    queued = http.post(f"{site.a}/staff/analysis/compute", data={"csrf_token": token},
                       allow_redirects=False, timeout=30)
    assert queued.status_code == 302 and "/staff/analysis/job?id=" in queued.headers["Location"]
    deadline = time.monotonic() + 240
    while True:
        page = http.get(site.b + queued.headers["Location"], timeout=30).text
        assert "There is no job with that number" not in page  # the other server knows it
        assert "could not be worked out" not in page, page
        if "Done:" in page:
            break
        assert time.monotonic() < deadline, "the worker did not finish the job in 4 minutes"
        time.sleep(1)
    pooled = db.session.scalar(select(func.count(Statement.id)).where(
        Statement.organisation_id == site.organisation_id, Statement.pooled.is_(True),
        Statement.deleted_at.is_(None)))
    assert pooled >= STATEMENTS  # the generated ones, and any a phone journey added
    assert f"themes from {pooled} statements" in page, page[page.index("Done:"):][:200]


def test_sign_in_lock_out_holds_on_every_server(site):
    http = Alternating(site, "198.51.100.3")
    token = csrf_from(http.get(f"{site.a}/staff/login").text)
    for _ in range(5):  # five wrong passwords, taken by the servers in turn
        assert _sign_in(http, site.a, "facilitator@example.org", "wrong", token).status_code == 400
    for _ in range(2):  # now the right one is refused by both
        refused = _sign_in(http, site.a, "facilitator@example.org", PASSWORD, token)
        assert refused.status_code == 400 and "locked for 15 minutes" in refused.text
    user = db.session.scalar(select(User).filter_by(email="facilitator@example.org"))
    db.session.refresh(user)
    assert user.locked_until is not None


def test_sign_in_rate_limit_counts_the_tries_on_every_server_and_worker_together(site):
    """10 tries a minute per person in all: with the counts in each worker's memory, four
    workers would allow forty (probe finding 8)."""
    http = Alternating(site, "198.51.100.4")
    token = csrf_from(http.get(f"{site.a}/staff/login").text)
    statuses = [_sign_in(http, site.a, "nobody@example.org", "wrong", token).status_code
                for _ in range(12)]
    assert statuses == [400] * 10 + [429, 429]
    assert http.served[site.a] >= 6 and http.served[site.b] >= 6
    # someone else (another address behind the proxy) is not held back by it
    other = Alternating(site, "198.51.100.5")
    assert _sign_in(other, site.b, "nobody@example.org", "wrong").status_code == 400
