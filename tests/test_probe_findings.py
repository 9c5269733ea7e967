"""The holes found when the app was probed as an attacker would (issue 19), each closed."""

from __future__ import annotations

from datetime import date

from conftest import Page, form_token, sign_in
from sqlalchemy import select
from test_staff_review import _add_person, _facilitator_review, _start

from reviewkit.extensions import db
from reviewkit.models import Contributor, Review, Statement


def test_a_statement_cannot_be_given_another_reviews_contributor(staff_app):
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    other_review = _start(admin, _add_person(admin, "Kim", service="Elm Court"))
    url = f"/staff/reviews/{other_review}/people"
    admin.post(url, data={"name": "Secret Sam", "role": "family",
                          "csrf_token": form_token(admin, url)})
    secret = db.session.scalar(select(Contributor).filter_by(name="Secret Sam"))
    assert secret.review_id == other_review

    client, review_id = _facilitator_review(staff_app)
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    client.post(url, data={"contributor": "", "text": "Kind to everyone",
                           "csrf_token": form_token(client, url)})
    statement = db.session.scalar(select(Statement).filter_by(text="Kind to everyone"))
    edit = f"/staff/reviews/{review_id}/s/{statement.id}"
    refused = Page(client.post(edit, data={
        "text": "Kind to everyone", "section": "like-and-admire", "contributor": secret.id,
        "kind": "", "csrf_token": form_token(client, edit)}))
    assert refused.status == 400 and "Choose who said it" in refused
    db.session.expire_all()
    assert db.session.get(Statement, statement.id).contributor_id is None
    page = Page(client.get(url))
    assert "Secret Sam" not in page
    # one of the review's own contributors is still accepted
    own = db.session.get(Review, review_id).contributors[0]
    ok = client.post(edit, data={"text": "Kind to everyone", "section": "like-and-admire",
                                 "contributor": own.id, "kind": "",
                                 "csrf_token": form_token(client, edit)})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(Statement, statement.id).contributor_id == own.id


def _copied_session(app, client):
    """A second client holding a copy of ``client``'s session cookie (as a thief would)."""
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_session_stops_working_after_sign_out(staff_app):
    client = staff_app.test_client()
    sign_in(client, "admin")
    thief = _copied_session(staff_app, client)
    assert thief.get("/staff/").status_code == 200
    client.post("/staff/logout", data={"csrf_token": form_token(client, "/staff/")})
    assert thief.get("/staff/").status_code == 302  # back to sign-in
    sign_in(client, "admin")  # signing in again works
    assert client.get("/staff/").status_code == 200


def test_an_old_session_stops_working_after_a_password_reset_or_role_change(staff_app):
    from reviewkit.models import User
    from reviewkit.services.users import issue_reset_link_token

    client = staff_app.test_client()
    sign_in(client, "manager")
    thief = _copied_session(staff_app, client)
    assert thief.get("/staff/").status_code == 200
    user = db.session.scalar(select(User).filter_by(email="manager@example.org"))
    token = issue_reset_link_token(user)
    fresh = staff_app.test_client()
    url = f"/staff/reset/{token}"
    r = fresh.post(url, data={"password": "a new long password", "confirm": "a new long password",
                              "csrf_token": form_token(fresh, url)})
    assert r.status_code == 302
    assert thief.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 302

    other = staff_app.test_client()
    sign_in(other, "translator")
    assert other.get("/staff/").status_code == 200
    user = db.session.scalar(select(User).filter_by(email="translator@example.org"))
    user.role = "admin"
    db.session.commit()
    assert other.get("/staff/").status_code == 302


def _finish_later_code(page, invite) -> tuple[str, str]:
    import re

    from conftest import start_journey

    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/like", {"answer": "I am kind", "action": "later"})
    later = page(f"/a/{key}/later")
    return key, re.search(r'class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', later.html)[1]


def _try_code(app, code: str, addr: str) -> Page:
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = addr
    token = Page(phone.get("/resume")).csrf
    return phone.post("/resume", data={"code": code, "csrf_token": token})


def test_resume_codes_lock_out_a_client_after_repeated_misses(app, page, invite):
    key, code = _finish_later_code(page, invite)
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    token = Page(phone.get("/resume")).csrf
    for n in range(10):
        wrong = phone.post("/resume", data={"code": f"ZZZZ-ZZZ{'ABCDEFGHJK'[n]}",
                                            "csrf_token": token})
        assert wrong.status_code == 400
    locked = Page(phone.post("/resume", data={"code": code, "csrf_token": token}))
    assert locked.status == 429 and "Too many codes" in locked
    assert "Location" not in locked.response.headers
    # another phone is not locked out by this one
    assert _try_code(app, code, "198.51.100.2").headers["Location"] == f"/k/{key}"


def test_resume_codes_are_limited_overall_too(app, page, invite):
    key, code = _finish_later_code(page, invite)
    app.config["RESUME_MISSES_OVERALL"] = "3 per hour"
    for n in range(3):
        assert _try_code(app, "ZZZZ-ZZZZ", f"192.0.2.{n + 1}").status_code == 400
    locked = Page(_try_code(app, code, "192.0.2.50"))
    assert locked.status == 429 and "Too many codes" in locked


def test_ids_too_large_for_the_database_give_404_on_every_route(staff_app):
    from werkzeug.routing import IntegerConverter

    admin = staff_app.test_client()
    sign_in(admin, "admin")
    huge = 10 ** 30
    assert admin.get(f"/staff/people/{huge}").status_code == 404
    assert admin.get(f"/staff/people/{2**31}").status_code == 404  # past PostgreSQL's integer
    checked = []
    for rule in staff_app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if isinstance(conv, IntegerConverter)]
        if not ints:
            continue
        values = {name: huge if name in ints else
                  sorted(getattr(rule._converters.get(name), "items", None) or ["x"])[0]
                  for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            status = admin.open(url, method=method).status_code
            checked.append((method, url, status))
            assert status == 404, (method, url, status)
    assert len(checked) > 30


def test_a_period_longer_than_twenty_years_is_refused_with_a_clear_message(staff_app):
    import time

    import pytest

    from reviewkit.reports.filters import FilterError, Filters

    with pytest.raises(FilterError):
        Filters(1, since=date(1026, 1, 1), until=date(2026, 12, 31))
    Filters(1, since=date(2007, 1, 1), until=date(2026, 12, 31))  # 20 years is fine
    client = staff_app.test_client()
    sign_in(client, "manager")
    for query in ("from=1950-01-01&to=2026-12-31", "from=1026-01-01&to=2026-12-31",
                  "from=0005-01-01&to=0010-01-01", "from=0001-01-01&to=2026-Q4"):
        for path in ("/staff/analysis/", "/staff/analysis/gaps"):
            page = Page(client.get(f"{path}?{query}"))
            assert page.status == 400, (path, query, page.status)
            assert "20 years" in page or "Enter a date like" in page, (path, query)
        started = time.monotonic()
        for download in ("download.csv", "download.xlsx", "download.pdf"):
            r = client.get(f"/staff/analysis/{download}?{query}")
            assert r.status_code == 302, (download, query, r.status_code)
        assert time.monotonic() - started < 10
    assert "at most 20 years" in Page(client.get(
        "/staff/analysis/?from=1950-01-01&to=2026-12-31"))


def test_control_characters_are_cleaned_before_an_xlsx_cell_is_written():
    import io

    from openpyxl import load_workbook

    from reviewkit.reports.formats import csv_bytes, xlsx_bytes
    from reviewkit.reports.table import Column, Document, Table

    said = "The bus\x1b[31m is late\x00\x07 again\tand\nagain"
    table = Table(title="Statements\x1b", columns=[Column("Text"), Column("Count", numeric=True)],
                  rows=[[said, 3], [["a\x1b", "b"], 4]], heading="Head\x0bing",
                  intro=["Intro\x1f line"])
    raw = xlsx_bytes(Document(title="Gaps", tables=[table]))
    wb = load_workbook(io.BytesIO(raw))
    values = [c.value for ws in wb for r in ws.iter_rows() for c in r if c.value is not None]
    assert "The bus[31m is late again\tand\nagain" in values
    assert "a; b" in values and 3 in values and "Heading" in values and "Intro line" in values
    assert not any(isinstance(v, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in v)
                   for v in values)
    # CSV is unchanged: the text as it was said
    assert said.encode() in csv_bytes(table)
