"""The holes found when the app was probed as an attacker would (issue 19), each closed."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import Page, form_token, sign_in
from sqlalchemy import select
from test_staff_review import (
    _another_reviews_contributor,
    _facilitator_review,
    _said,
)
from test_translate_pages import root, tapp  # noqa: F401 - fixtures: a copy of translations/

from reviewkit.extensions import db
from reviewkit.models import Review, Statement

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from uploads import unpacking_to, xlsform_with_rows  # noqa: E402


def test_a_statement_cannot_be_given_another_reviews_contributor(staff_app):
    secret = _another_reviews_contributor(staff_app)
    url = f"/staff/reviews/{secret.review_id}/people"

    client, review_id = _facilitator_review(staff_app)
    statement, edit = _said(client, review_id)
    refused = Page(client.post(edit, data={
        "text": "Kind to everyone", "section": "like-and-admire", "contributor": secret.id,
        "kind": "", "csrf_token": form_token(client, edit)}))
    assert refused.status == 400 and "Choose from the list. The list may have changed" in refused
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
    return key, re.search(r'class="code"[^>]*>([A-Z0-9]{4}(?:-[A-Z0-9]{4})+)<', later.html)[1]


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
            assert r.status_code == 400, (download, query, r.status_code)
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


# --- finding 5: field sizes refused before any work ------------------------------------------

def test_an_overlong_field_is_refused_before_any_other_check_and_what_was_typed_is_kept(
        staff_app):
    from reviewkit.models import User
    from reviewkit.services import plans

    manager = db.session.scalar(select(User).filter_by(email="manager@example.org"))
    action = plans.create_action(manager, plans.ThemeRef(None, "t1", "Buses"),
                                 change="Earlier buses", owner="Transport team",
                                 due_on=date(date.today().year + 1, 3, 31), status="planned")
    client = staff_app.test_client()
    sign_in(client, "manager")
    url = f"/staff/analysis/plan/{action.id}/edit"
    # A sentence with a phone number in it would also fail the public-sentence check (which
    # reads the whole text, slowly for a long one): refused on its length alone, that check
    # never runs.
    sentence = "Call 07700 900123 about the bus. " * 3000  # 99 KB
    page = Page(client.post(url, data={
        "change": "Earlier buses", "owner": "Transport team",
        "due_on": f"{date.today().year + 1}-03-31", "status": "planned", "scope": "",
        "public_sentence": sentence, "csrf_token": form_token(client, url)}))
    assert page.status == 400
    assert "Keep this under 300 characters." in page
    assert "This sentence will be public" not in page
    assert sentence.strip() in page  # kept, to shorten
    db.session.expire_all()
    assert db.session.get(type(action), action.id).public_sentence in (None, "")


def test_every_text_field_of_every_form_has_a_maximum_length(staff_app):
    from types import SimpleNamespace

    import wtforms
    from wtforms.meta import DefaultMeta

    import reviewkit.web  # noqa: F401 - every form class defined
    from reviewkit.forms.questions import LONGEST_LINE, LONGEST_TEXT, BaseForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = {cls for cls in subclasses(BaseForm) if cls.__module__.startswith("reviewkit.")}
    assert len(forms) > 30
    checked = 0
    with staff_app.test_request_context("/"):
        for cls in forms:
            for name, unbound in vars(cls).items():
                if not isinstance(unbound, wtforms.fields.core.UnboundField) or \
                        not issubclass(unbound.field_class, wtforms.StringField):
                    continue
                # bound alone, as the form binds it
                field = BaseForm.Meta().bind_field(SimpleNamespace(meta=DefaultMeta()), unbound,
                                                   {"name": name, "prefix": ""})
                most = (LONGEST_TEXT if issubclass(unbound.field_class, wtforms.TextAreaField)
                        else LONGEST_LINE)
                assert 0 < field.max_length <= most, (cls, name)
                checked += 1
    assert checked > 60


def test_a_request_too_large_to_read_gets_a_friendly_page_in_the_persons_language(app, invite):
    from conftest import pages_of, start_journey

    phone = app.test_client()
    key = start_journey(pages_of(phone), invite()).split("/")[2]
    url = f"/a/{key}/q/like?lang=cy"
    token = Page(phone.get(url)).csrf
    page = Page(phone.post(url, data={"answer": "x" * (3 * 1024 * 1024),
                                      "csrf_token": token}))
    assert page.status == 413
    assert page.lang == "cy" and "Traceback" not in page.html


# --- finding 6: uploads bounded in bytes, rows, time and memory -------------------------------

def _xlsform_upload(client, name: str, data: bytes) -> Page:
    import io

    token = Page(client.get("/staff/translate/import")).csrf
    return Page(client.post("/staff/translate/import", content_type="multipart/form-data",
                            data={"csrf_token": token, "xlsform": (io.BytesIO(data), name)}))


def test_an_xlsform_with_too_many_rows_is_refused_with_a_clear_message(staff_app):
    from reviewkit.uploads import MAX_SHEET_ROWS

    client = staff_app.test_client()
    sign_in(client, "admin")
    data = xlsform_with_rows(MAX_SHEET_ROWS + 10)
    assert len(data) < 1024 * 1024  # small in bytes: 2,000 rows used to take seconds, 20,000
    page = _xlsform_upload(client, "big.xlsx", data)  # minutes
    assert page.status == 400
    assert (f"The sheet “survey” has more than {MAX_SHEET_ROWS:,} rows" in page), page.html
    assert not (Path(staff_app.instance_path) / "xlsform-imports").exists()
    ok = _xlsform_upload(client, "small.xlsx", xlsform_with_rows(20))
    assert ok.status == 200 and "Question 19" in ok


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_read(staff_app):
    client = staff_app.test_client()
    sign_in(client, "admin")
    data = unpacking_to(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    page = _xlsform_upload(client, "bomb.xlsx", data)
    assert page.status == 400
    assert "unpacks to more than 10 MB" in page, page.html


@pytest.mark.parametrize("name,data", [
    ("junk.xlsx", b"\x00\x01 not a spreadsheet at all"),
    ("junk.xls", b"\xd0\xcf\x11\xe0 not really an old Excel file"),
    ("empty.xlsx", b""),
])
def test_an_unreadable_spreadsheet_gets_a_clear_message(staff_app, name, data):
    client = staff_app.test_client()
    sign_in(client, "admin")
    page = _xlsform_upload(client, name, data)
    assert page.status == 400
    assert "could not be read as a spreadsheet" in page or "Choose an XLSForm" in page, \
        page.html


# --- finding 7: unreasonable PO plural counts, user text in redirect URLs ---------------------

PO_HEADER = ('msgid ""\nmsgstr ""\n"Language: cy\\n"\n'
             '"{name}: nplurals={n}; plural=0;\\n"\n\n')
PO_BODY = "".join(f'msgctxt "b:{n}"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] "x"\n\n'
                  for n in range(3))


def test_a_po_file_with_too_many_plural_forms_is_refused_with_its_line(tapp, tmp_path):  # noqa: F811
    import io

    from reviewkit.translate import catalogs

    client = tapp.test_client()
    sign_in(client, "translator")
    for header in ("plural-forms", "Plural-Forms"):
        for before in ("", "# a comment\n\n"):
            text = before + PO_HEADER.format(name=header, n=200) + PO_BODY
            line = text.splitlines().index(f'"{header}: nplurals=200; plural=0;\\n"') + 1
            url = "/staff/translate/cy/"
            page = Page(client.post("/staff/translate/cy/upload",
                                    content_type="multipart/form-data", data={
                                        "domain": "banks", "csrf_token": form_token(client, url),
                                        "po_file": (io.BytesIO(text.encode()), "cy.po")}))
            assert page.status == 400
            assert (f"Line {line}: nplurals=200 is more plural forms than any language has "
                    "(at most 10)") in page, (header, before, page.html)
            path = tmp_path / "cy" / "LC_MESSAGES" / "banks.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            assert catalogs.check_file(path, "cy")[0].line == line


def test_fifty_million_plural_forms_are_refused_without_using_the_memory(tmp_path):
    """Run where memory is capped at 1 GB: Babel alone would want gigabytes for this file."""
    import subprocess
    import sys

    path = tmp_path / "cy" / "LC_MESSAGES" / "banks.po"
    path.parent.mkdir(parents=True)
    path.write_text("# hello\n\n" + PO_HEADER.format(name="plural-forms", n=50_000_000)
                    + PO_BODY * 30)
    script = ("import resource, sys\n"
              "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
              "from pathlib import Path\n"
              "from reviewkit.translate.catalogs import check_file\n"
              f"print(check_file(Path({str(path)!r}), 'cy')[0].reason)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "nplurals=50000000 is more plural forms than any language has" in run.stdout


LONG = "long text " * 1000


def _location(response) -> str:
    """The redirect's target, checked to hold none of the long text that was sent."""
    where = response.headers.get("Location", "")
    assert len(where) < 300 and not any(
        spelt in where for spelt in ("long text", "long%20text", "long+text")), where[:300]
    return where


def test_no_user_text_is_copied_into_a_staff_redirect_url(staff_app):
    manager = staff_app.test_client()
    sign_in(manager, "manager")
    # the curation page's form
    r = manager.post("/staff/analysis/curate", data={
        "op": "rename", "scope": LONG, "theme": LONG, "label": LONG,
        "csrf_token": form_token(manager, "/staff/analysis/")})
    assert r.status_code == 302 and _location(r).startswith("/staff/analysis/curate")
    # a download whose filter cannot be read: the page again, with its message
    bad = manager.get(f"/staff/analysis/download.csv?from={LONG}")
    _location(bad)
    assert bad.status_code == 400 and "Enter a date like" in Page(bad)
    # signed out: the sign-in page, without the long query
    anonymous = staff_app.test_client()
    r = anonymous.get(f"/staff/analysis/?from={LONG}")
    assert r.status_code == 302 and _location(r).startswith("/staff/login")
    short = anonymous.get("/staff/analysis/?from=2026-Q1")
    assert "next=" in short.headers["Location"]  # a short one is still kept


def test_the_phones_easy_read_switch_puts_no_user_text_in_its_redirect(client, page, invite):
    from conftest import start_journey

    key = start_journey(page, invite()).split("/")[2]
    token = page(f"/a/{key}/q/like").csrf
    for nxt in (f"/a/{key}/q/{LONG}", f"/a/{key}/q/like?x={LONG}", f"/a/{key}/{LONG}"):
        r = client.post(f"/a/{key}/easy-read", data={"easy_read": "1", "next": nxt,
                                                      "csrf_token": token})
        assert r.status_code == 302
        _location(r)
    for own in (f"/a/{key}/q/like", f"/a/{key}/q/like?change=1", f"/a/{key}/check",
                f"/a/{key}/q/like?lang=cy&change=1"):
        r = client.post(f"/a/{key}/easy-read", data={"easy_read": "0", "next": own,
                                                      "csrf_token": token})
        assert r.headers["Location"] == own


# --- finding 3: finish-later codes long enough that guessing is hopeless ----------------------

def test_finish_later_codes_are_twelve_characters_typed_as_people_do(app, page, invite):
    from reviewkit.services.responses import SHORT_CODE_ALPHABET

    key, code = _finish_later_code(page, invite)
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(SHORT_CODE_ALPHABET)
    assert not set("01IO") & set(SHORT_CODE_ALPHABET)  # nothing to mix up when copying
    # 32 ** 12 = 2 ** 60 codes: at the overall limit (100 misses an hour) with 10,000 codes
    # out, finding one takes about 65 million years (with 8 characters: about 60 years)
    assert len(SHORT_CODE_ALPHABET) ** 12 / 2 / 10_000 / 100 / (24 * 365) > 5 * 10 ** 7
    typed = [code.lower(), code.replace("-", " "), " ".join(code.replace("-", "")),
             f" {code.replace('-', '')} ", code.replace("-", "–")]
    for n, attempt in enumerate(typed):
        r = _try_code(app, attempt, f"198.51.100.{n + 10}")
        assert r.headers.get("Location") == f"/k/{key}", attempt
    # the first eight characters alone are not the code
    assert _try_code(app, code[:9], "198.51.100.40").status_code == 400


def test_old_eight_character_codes_still_work(app, page, invite):
    from reviewkit.models import Response

    key, _code = _finish_later_code(page, invite)
    response = db.session.scalar(select(Response).filter_by(resume_key=key))
    response.short_code = "K7PQ4XR9"  # as codes were made before they had 12 characters
    db.session.commit()
    assert _try_code(app, "k7pq-4xr9", "198.51.100.50").headers["Location"] == f"/k/{key}"
    later = Page(page(f"/a/{key}/later").response)
    assert "K7PQ-4XR9" in later  # the code it was given is shown again, not a new one


def test_a_nul_character_is_refused_and_other_control_characters_are_cleaned(staff_app):
    # Found by the route fuzz on PostgreSQL, which refuses a NUL in any text: the users page,
    # the curation page and others gave 500. No person types a NUL: 400 before any work.
    from reviewkit.models import User

    admin = staff_app.test_client()
    sign_in(admin, "admin")
    assert admin.get("/staff/analysis/curate?scope=all%00x").status_code == 400
    assert admin.get("/staff/people/%00").status_code in (400, 404)
    refused = admin.post("/staff/users/", data={
        "csrf_token": form_token(admin, "/staff/users/"), "name": "Ann\x00Jones",
        "email": "ann@example.org", "role": "manager"})
    assert refused.status_code == 400
    # Other control characters nobody types are taken out of every text field, email too.
    admin.post("/staff/users/", data={
        "csrf_token": form_token(admin, "/staff/users/"), "name": "Ann\x1b[31m Jones\x07",
        "email": "\x08ann@example.org", "role": "manager"})
    with staff_app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ann@example.org"))
        assert user is not None and user.name == "Ann[31m Jones"
