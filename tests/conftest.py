"""Fixtures: an app with its own instance folder and a real database (SQLite by default,
PostgreSQL when REVIEWKIT_TEST_DATABASE_URL is set, as in CI)."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from reviewkit import create_app
from reviewkit.extensions import db

TESTS = Path(__file__).parent
TEST_BANKS = TESTS / "data" / "banks"
PG_URL = os.environ.get("REVIEWKIT_TEST_DATABASE_URL")


def _reset_postgres(app: Flask) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()


@cache
def _head_revision(migrations: str) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(migrations).get_current_head()


def _empty_postgres(app: Flask) -> None:
    """Empty every table when the schema is already at the newest migration (much quicker than
    dropping it and migrating again); otherwise start from an empty schema."""
    with app.app_context():
        with db.engine.begin() as conn:
            tables = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
            at_head = "alembic_version" in tables and conn.execute(
                text("SELECT version_num FROM alembic_version")).scalars().all() == [
                    _head_revision(app.extensions["migrate"].directory)]
            if at_head:
                others = ", ".join(f'"{t}"' for t in tables if t != "alembic_version")
                if others:
                    conn.execute(text(f"TRUNCATE {others} RESTART IDENTITY CASCADE"))
        db.engine.dispose()
    if not at_head:
        _reset_postgres(app)


def _run_folder(prefix: str) -> Path:
    """A temporary folder kept for this test run and removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@cache
def _compiled_catalogs() -> Path:
    """The interface translations compiled once for the whole run (each app would otherwise
    compile them into its own new instance folder)."""
    from reviewkit.config import REPO_ROOT
    from reviewkit.i18n import compile_catalogs

    folder = _run_folder("rk-locale-")
    compile_catalogs(REPO_ROOT / "translations", folder)
    return folder


def _seed_instance(instance: Path, overrides: dict) -> None:
    """Copy the compiled catalogs into a new instance folder, with their times, so the app finds
    them up to date (only when the app reads the repository's own translations)."""
    if "BABEL_TRANSLATION_DIRECTORIES" in overrides or (instance / "locale").exists():
        return
    shutil.copytree(_compiled_catalogs(), instance / "locale", copy_function=shutil.copy2)


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (its own ``g`` and database session), as in
    production, even while a test holds an app context open to look at the database."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(tmp_path: Path, *, fresh_schema: bool = True, **overrides) -> Flask:
    """An app with its instance folder in ``tmp_path``; on PostgreSQL its schema starts empty
    (``fresh_schema=False``: tables kept but emptied, when they are at the newest migration)."""
    instance = Path(overrides.get("INSTANCE_PATH", tmp_path / "instance"))
    _seed_instance(instance, overrides)
    config = {
        "INSTANCE_PATH": instance,
        "TESTING": True,
        "BANKS_PATH": str(TEST_BANKS),
        "BASE_URL": "http://rk.test",
        "SQLALCHEMY_DATABASE_URI": (
            "postgresql+psycopg://" + PG_URL.split("://", 1)[1] if PG_URL
            else f"sqlite:///{tmp_path / 'instance' / 'test.db'}"
        ),
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    if PG_URL:
        (_reset_postgres if fresh_schema else _empty_postgres)(app)
    return app


@cache
def _migrated_sqlite(banks: str) -> Path:
    """A SQLite database migrated to the newest revision with ``banks`` loaded, made once per
    run; each test starts from its own copy."""
    from reviewkit.services.setup import init_database

    folder = _run_folder("rk-db-")
    app = make_app(folder, BANKS_PATH=banks)
    with app.app_context():
        report = init_database()
        assert not report.problems, report.problems
        db.session.remove()
        db.engine.dispose()
    return folder / "instance" / "test.db"


@contextmanager
def initialised_app(tmp_path: Path, **overrides) -> Iterator[Flask]:
    """An app whose database is migrated and banks loaded, inside its app context."""
    from reviewkit.services.setup import init_database

    if not PG_URL and not {"SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH"} & overrides.keys():
        (tmp_path / "instance").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_sqlite(overrides.get("BANKS_PATH", str(TEST_BANKS))),
                        tmp_path / "instance" / "test.db")
    app = make_app(tmp_path, fresh_schema=False, **overrides)
    with app.app_context():
        report = init_database()
        assert not report.problems, report.problems
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    with initialised_app(tmp_path) as app:
        yield app


@pytest.fixture
def cli(app):
    """``cli(*args)`` runs a reviewkit command; it must succeed unless ``ok=False``."""
    from reviewkit.cli import main

    runner = app.test_cli_runner()

    def _run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return _run


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


TEST_ORGANISATION = "Test organisation"


def the_organisation():
    """The organisation the tests' invitations belong to: the first there is, or one made as
    ``reviewkit setup`` makes it (invitations need an organisation set up first)."""
    from reviewkit.services import organisation as orgs

    found = orgs.organisations()
    if found:
        return found[0]
    org = orgs.create_organisation(TEST_ORGANISATION)
    db.session.commit()
    return org


@pytest.fixture
def organisation(app: Flask):
    """An organisation set up (for ``reviewkit invite`` and the like)."""
    return the_organisation()


@pytest.fixture
def invite(app: Flask):
    """Make an invitation to a bank (default: the test bank) and return it."""
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    def _invite(bank: str = "test-bank", **kwargs):
        org = the_organisation()
        survey = inv.survey_for(latest_version(bank), None, org)
        return inv.create_invitations(survey, **kwargs)[0]

    return _invite


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'type="hidden" name="csrf_token" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


def untranslate(po: Path, msgid: str, context: str | None = None) -> None:
    """Blank one translation in a test's copy of a PO file, so there is something missing."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    catalog.get(msgid, context).string = ""
    with po.open("wb") as fh:
        write_po(fh, catalog, width=100)


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return next(g for g in match.groups() if g)


class Page:
    """A fetched page: status, title, text; its HTML is checked to parse without errors."""

    def __init__(self, response):
        import html5lib

        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(self.html)
        serious = [e for e in parser.errors if e[1] not in ("unexpected-end-tag",)]
        assert not serious, f"HTML errors: {serious[:5]}"
        m = re.search(r"<title>(.*?)</title>", self.html, re.S)
        self.title = re.sub(r"\s+", " ", m.group(1)).strip() if m else ""
        self.lang = (re.search(r'<html lang="([^"]+)"', self.html) or [None, None])[1]
        self.dir = (re.search(r'<html[^>]* dir="([^"]+)"', self.html) or [None, None])[1]

    @property
    def csrf(self) -> str:
        return csrf_from(self.html)

    @property
    def languages(self) -> list[str]:
        """The codes of the languages the page's language list offers, in its order."""
        return re.findall(r'<li><a href="\?lang=(\w+)"', self.html.split('class="langs"')[1])

    def __contains__(self, text: str) -> bool:
        import html

        return text in html.unescape(self.html)


@pytest.fixture
def page(client: FlaskClient):
    """``page(url)`` → Page; ``page(url, data={...})`` posts (with the CSRF token of ``url``
    unless ``csrf=False``); redirects are not followed so a test can check them."""
    return pages_of(client)


def pages_of(client: FlaskClient):
    """The :func:`page` fixture's ``page(url, data=...)`` for any client."""

    def _page(url: str, data: dict | None = None, *, csrf: bool = True, follow=False, **kw):
        if data is None:
            return Page(client.get(url, follow_redirects=follow, **kw))
        data = dict(data)
        if csrf:
            data["csrf_token"] = Page(client.get(url)).csrf
        return Page(client.post(url, data=data, follow_redirects=follow, **kw))

    return _page


def start_journey(page, invitation, share: str = "yes") -> str:
    """Open an invitation link and answer the privacy question; return the URL it goes on to
    (the first question). The resume key is its third part: ``url.split("/")[2]``."""
    first = page(f"/r/{invitation.token}")
    assert first.status == 302
    start = first.response.headers["Location"]
    assert start.endswith("/start")
    chosen = page(start, {"share": share})
    assert chosen.status == 302
    return chosen.response.headers["Location"]


PASSWORD = "correct horse 1"  # every test member of staff's password


def staff_per_role(org) -> dict:
    """One member of staff per role in ``org``, signed in as ``<role>@example.org`` with
    :data:`PASSWORD` (committed). Returns role -> user."""
    from reviewkit.models import Role
    from reviewkit.services.users import create_user

    users = {role: create_user(org, f"{role.value}@example.org", role.value.title(), PASSWORD,
                               role) for role in Role}
    db.session.commit()
    return users


@pytest.fixture
def staff_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with the shipped banks, an organisation with two services and one user per role
    (the facilitator works in the first service only). Password for all: 'correct horse 1'."""
    from reviewkit.config import REPO_ROOT
    from reviewkit.models import Area, Organisation, Role, Service

    with initialised_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks")) as app:
        org = Organisation(name="Test Org", slug="test-org")
        area = Area(organisation=org, name="North")
        one = Service(organisation=org, area=area, name="Oak House", slug="oak")
        two = Service(organisation=org, area=area, name="Elm Court", slug="elm")
        db.session.add_all([org, area, one, two])
        db.session.commit()
        facilitator = staff_per_role(org)[Role.FACILITATOR]
        facilitator.services.append(one)
        db.session.commit()
        yield app


@pytest.fixture
def staff_org(staff_app: Flask):
    """:func:`staff_app`'s organisation, inside a request context (for the services that read
    the page's language or the signed-in user)."""
    from sqlalchemy import select

    from reviewkit.models import Organisation

    with staff_app.test_request_context("/"):
        yield db.session.scalar(select(Organisation))


def staff_user(role: str):
    """:func:`staff_app`'s user of ``role``."""
    from sqlalchemy import select

    from reviewkit.models import User

    return db.session.scalar(select(User).filter_by(role=role))


def service_by_slug(slug: str):
    from sqlalchemy import select

    from reviewkit.models import Service

    return db.session.scalar(select(Service).filter_by(slug=slug))


STAFF_TODAY = date(2026, 6, 15)


@pytest.fixture
def staff_app_today(staff_app: Flask) -> Iterator[Flask]:
    """:func:`staff_app` on a fixed day, :data:`STAFF_TODAY` (the organisation's today), inside
    an app context: for the pages and services whose checks depend on the date."""
    staff_app.config["TODAY"] = STAFF_TODAY
    with staff_app.app_context():
        yield staff_app


def sign_in(client: FlaskClient, role: str) -> None:
    token = Page(client.get("/staff/login")).csrf
    r = client.post("/staff/login", data={"email": f"{role}@example.org",
                                          "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]


def themed_organisation(services: int, slug: str, statements: int, *, seed: int,
                        manager: tuple[str, str] | None = None):
    """An organisation with ``services`` services and ``statements`` made-up statements
    (benchmarks/analysis.py, none of its special cases), its themes worked out, and a manager
    (email, name) when given: for the report and curation tests. Call it in an app context
    whose database is ready."""
    from reviewkit.config import REPO_ROOT
    from reviewkit.models import Role
    from reviewkit.services.themes import Scope, run_themes
    from reviewkit.services.users import create_user

    if str(REPO_ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from analysis import generate, make_organisation

    org = make_organisation(services, slug=slug)
    generate(org, statements, seed=seed, special=False)
    run_themes(org, Scope(org.id))
    if manager:
        create_user(org, *manager, PASSWORD, Role.MANAGER)
        db.session.commit()
    return org


def signed_in(app: Flask, role: str) -> FlaskClient:
    """A new client of ``app``, signed in as the member of staff with ``role``."""
    client = app.test_client()
    sign_in(client, role)
    return client


def post_form(client: FlaskClient, url: str, data: dict) -> Page:
    """Open the form at ``url`` (it must be there: 200) and send ``data`` with its CSRF
    token; redirects are not followed."""
    form = Page(client.get(url))
    assert form.status == 200, (url, form.status)
    return Page(client.post(url, data={**data, "csrf_token": form.csrf}))


def pdf_text(data: bytes) -> str:
    """The words of a PDF (pdftotext), one space between them."""
    import subprocess

    assert data.startswith(b"%PDF")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    return " ".join(out.split())


def pooled_themes(user, service, said: list[tuple[str, str]], labels: dict[str, str],
                  day: date) -> None:
    """Statements a person at ``service`` agreed to share (theme id, text), said on ``day``,
    in a stored organisation-wide theme set with ``labels`` (theme id: label)."""
    from reviewkit.models import Person, ThemeAssignment, ThemeSet
    from reviewkit.services import people as people_svc
    from reviewkit.services import reviews as rv
    from reviewkit.services.banks import latest_version

    person = Person(organisation_id=service.organisation_id, service=service,
                    display_name="Al")
    db.session.add(person)
    db.session.commit()
    people_svc.record_consent(user, person, scope="pooled", given=True, note="Yes")
    review = rv.start_review(user, person, latest_version("person-centred-review"), day)
    ts = ThemeSet(organisation_id=service.organisation_id, scope="all", model={"themes": []},
                  result={"themes": [{"id": t, "label": label} for t, label in labels.items()]})
    db.session.add(ts)
    db.session.flush()
    for theme_id, words in said:
        statement = rv.add_statement(review, "working-not-working", None, "not_working", words)
        db.session.add(ThemeAssignment(theme_set_id=ts.id, statement_id=statement.id,
                                       theme_id=theme_id))
    db.session.commit()


def form_token(client: FlaskClient, url: str) -> str:
    return Page(client.get(url)).csrf


def add_checkins(service, org, count: int, month: date | None = None) -> None:
    """``count`` submitted monthly check-ins at ``service``, their face answers spread over the
    scale, submitted this month or in ``month``."""
    from reviewkit.models import Response
    from reviewkit.services import invitations as inv
    from reviewkit.services import responses as rsp
    from reviewkit.services.banks import latest_version

    version = latest_version("monthly-check-in")
    scales = [q.id for q in version.bank.questions if q.type.value == "scale"]
    survey = inv.survey_for(version, service, org)
    for i, invitation in enumerate(inv.create_invitations(survey, count=count)):
        response = rsp.start_response(invitation)
        rsp.set_consent(response, True)
        for q in scales:
            rsp.save_answer(response, q, str(1 + (i + len(q)) % 3))
        rsp.submit(response)
        if month is not None:
            db.session.get(Response, response.id).submitted_at = response.submitted_at.replace(
                year=month.year, month=month.month, day=min(month.day, 28))
    db.session.commit()
