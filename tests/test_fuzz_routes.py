"""A small fuzz over every route (issue 19): long text, huge and negative ids, control
characters and bad uploads, in every field a page's forms have and in the query strings pages
read, as every kind of visitor: no one signed in, a phone with a journey open, each staff role,
and a facilitator of another service. An admin (every staff page) and the phone (the public
pages) get every value; the other visitors a sample of them per route (a fixed seed, so a run
is repeatable). Nothing gives a server error or shows a stack trace, and a visitor who may not
use a page is sent to sign in (no one signed in), or gets 403 or 404 — never the page, and a
facilitator never sees another service's records."""

from __future__ import annotations

import io
import random
import re
from urllib.parse import urlencode

import pytest
from conftest import PASSWORD, Page, post_form, sign_in
from test_permissions import objects  # noqa: F401 - fixture: one of each thing a URL points at
from test_translate_pages import root  # noqa: F401 - fixture: a copy of translations/

from reviewkit.extensions import db
from reviewkit.web.auth import ROLE_PERMISSIONS

PAYLOADS = {
    "long": "Ein langer Satz über den Bus. " * 700,  # 21,000 characters
    "control": "bus\x00\x1b[31m\x07\x08late\u202e\ufeff\r\n\t=1+2",
    "huge id": "9" * 40,
    "negative": "-1",
}
QUERY_NAMES = ("from", "to", "theme", "scope", "service", "area", "bank", "label", "next",
               "lang", "language", "variant", "question", "change", "undo", "who", "kind",
               "easy", "page", "status", "id", "q", "code")
# Each payload in every one of those names, URL-encoded once (as the test client would encode
# a dict of them on every request: ~0.5 MB for the long text).
QUERIES = {label: urlencode([(n, value) for n in QUERY_NAMES], safe="!$'()*,/:;?@")
           for label, value in PAYLOADS.items()}
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
FILE = re.compile(r'<input\b[^>]*type="file"[^>]*name="([^"]+)"|'
                  r'<input\b[^>]*name="([^"]+)"[^>]*type="file"', re.I)
BAD_UPLOADS = {"xlsx": b"PK\x03\x04 not a zip at all", "po": b'msgid ""\nmsgstr "\x00\n'}
DEFAULT_NAMES = {"text", "name", "label", "change", "code", "status", "done", "answer", "theme",
                 "scope", "contributor", "kind", "count", "value", "note"}
# Signing out (or changing one's own sign-in) would end the run's session, not find a fault.
SKIPPED = {"staff.logout", "static"}
TRACEBACK = (b"Traceback (most recent call last)", b'File "/')
STAFF_ROLES = ("admin", "facilitator", "manager", "translator")
ELSEWHERE = "elsewhere"  # a facilitator of the other service ("elm"), not of the records' one
# What a visitor who may not use a page gets: sent to sign in, refused (403) or not found
# (404); a NUL character is refused before anything else (400), a body too big too (413).
REFUSED = {400, 403, 404, 413}
# Ids in the URLs that point at records of the first service ("oak") or that service itself.
OAK_IDS = {"person_id", "review_id", "statement_id", "action_id", "work_id", "idea_id",
           "part_id", "event_id", "item_id", "sheet_id", "plan_action_id", "indicator_id",
           "round_id", "service_id", "area_id", "contributor_id"}
# Words only the first service's records hold (the person's name is set by the test).
OAK_WORDS = (b"Oak plan", b"Oak day", b"A Saturday club", b"Earlier buses", b"Ozymandias")
SEED = 19


def _fields(html: str) -> tuple[set[str], set[str]]:
    """(every field name on the page, the file fields among them)."""
    files = {a or b for a, b in FILE.findall(html)}
    return {n for n in FIELD.findall(html) if n != "csrf_token"}, files


def _may_use(visitor: str, view, args) -> bool:
    """Whether ``visitor`` may use the route of ``view`` (with the records in its ``args``)."""
    permission = view.permission
    if permission == "public":
        return True
    if visitor in ("anonymous", "phone"):
        return False
    if visitor == ELSEWHERE:
        if OAK_IDS & set(args):  # the records belong to a service this facilitator is not in
            return False
        visitor = "facilitator"
    roles = getattr(view, "roles", None)
    return permission == "signed_in" or (permission in ROLE_PERMISSIONS[visitor]
                                         and (roles is None or visitor in roles))


class Run:
    """One visitor's requests to one route, checked as they come back."""

    def __init__(self, visitor: str, client, token: str, allowed: bool, staff_route: bool,
                 failures: list) -> None:
        self.visitor, self.client, self.token = visitor, client, token
        self.allowed, self.staff_route, self.failures = allowed, staff_route, failures
        self.sent = 0

    def check(self, method: str, url: str, label: str, r) -> None:
        self.sent += 1
        body = r.get_data()
        where = (self.visitor, method, url[:120], label, r.status_code)
        if r.status_code >= 500:
            self.failures.append((*where, "server error"))
        if any(t in body for t in TRACEBACK):
            self.failures.append((*where, "stack trace in the page"))
        if not self.allowed:
            to_sign_in = (r.status_code == 302 and r.headers["Location"].startswith("/staff/login")
                          and self.visitor in ("anonymous", "phone"))
            if not to_sign_in and r.status_code not in REFUSED:
                self.failures.append((*where, "not refused"))
        if self.visitor == ELSEWHERE and self.staff_route and any(w in body for w in OAK_WORDS):
            self.failures.append((*where, "another service's records"))

    def fuzz(self, url: str, methods: set[str], labels: list[str]) -> None:
        names: set[str] = set()
        files: set[str] = set()
        if "GET" in methods:
            for label in labels:
                self.check("GET", url, label, self.client.get(url, query_string=QUERIES[label]))
            if self.allowed:
                page = self.client.get(url)
                self.check("GET", url, "plain", page)
                if page.status_code == 200 and page.mimetype == "text/html":
                    names, files = _fields(page.get_data(as_text=True))
        if "POST" not in methods:
            return
        names = names or DEFAULT_NAMES
        for label in labels:
            value = PAYLOADS[label]
            data: dict = {n: value for n in names - files}
            for name in files:
                kind = "po" if "po" in name else "xlsx"
                data[name] = (io.BytesIO(BAD_UPLOADS[kind]), f"bad.{kind}")
            data["csrf_token"] = self.token
            r = self.client.post(url, data=data,
                                 content_type="multipart/form-data" if files else None)
            self.check("POST", url, label, r)

    def wild_path(self, rule, values: dict, methods: list[str]) -> None:
        """The same route with every id out of range and long text in its path."""
        wild = {k: ("9" * 40 if isinstance(values[k], int) else PAYLOADS["long"][:2000])
                for k in rule.arguments if k not in ("fmt", "what", "domain")}
        if not wild:
            return
        try:
            odd = rule.build({**{k: values[k] for k in rule.arguments}, **wild},
                             append_unknown=False)[1]
        except Exception:  # noqa: BLE001 - a converter that takes no such value
            return
        for method in methods:
            self.check(method, odd, "path", self.client.open(odd, method=method))


def _phone_link(app) -> tuple[str, str]:
    """(an invitation token, the resume key of a response started from it)."""
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version
    from reviewkit.services.organisation import organisations

    survey = inv.survey_for(latest_version("monthly-check-in"), None, organisations()[0])
    token = inv.create_invitations(survey)[0].token
    db.session.commit()
    phone = app.test_client()
    start = phone.get(f"/r/{token}").headers["Location"]
    key = start.split("/")[2]
    phone.post(start, data={"share": "yes", "csrf_token": Page(phone.get(start)).csrf})
    return token, key


def _elsewhere():
    """A facilitator of the second service ("elm"), signed in as ``elsewhere@example.org``."""
    from sqlalchemy import select

    from reviewkit.models import Role, Service
    from reviewkit.services.users import create_user

    elm = db.session.scalar(select(Service).filter_by(slug="elm"))
    other = create_user(elm.organisation, f"{ELSEWHERE}@example.org", "Elsewhere", PASSWORD,
                        Role.FACILITATOR)
    other.services.append(elm)
    db.session.commit()
    return other, elm


def _visitors(app, token: str, key: str) -> dict:
    """visitor -> (client, CSRF token of its session)."""
    _elsewhere()
    visitors = {}
    anonymous = app.test_client()
    visitors["anonymous"] = (anonymous, Page(anonymous.get("/staff/login")).csrf)
    phone = app.test_client()
    phone.get(f"/r/{token}")
    visitors["phone"] = (phone, Page(phone.get(f"/a/{key}/q/feel-safe")).csrf)
    for role in (*STAFF_ROLES, ELSEWHERE):
        client = app.test_client()
        sign_in(client, role)
        visitors[role] = (client, Page(client.get("/staff/")).csrf)
    return visitors


def test_no_route_gives_a_server_error_for_hostile_input(staff_app, objects, root):  # noqa: F811
    staff_app.config["TRANSLATIONS_SOURCE"] = str(root / "translations")
    staff_app.config["RATELIMIT_ENABLED"] = False
    from reviewkit.models import Event, Idea, Organisation, Person, Service, Work

    db.session.get(Person, objects["person_id"]).display_name = "Ozymandias Oak"
    db.session.commit()
    token, key = _phone_link(staff_app)
    values = {**objects, "token": token, "key": key, "qid": "feel-safe",
              "slug": db.session.get(Organisation, db.session.get(
                  Service, objects["service_id"]).organisation_id).slug,
              "filename": "css/site.css"}
    codes = {"voting": db.session.get(Event, objects["event_id"]).public_code,
             "ideas.send": db.session.get(Work, objects["work_id"]).public_code,
             "pages": db.session.get(Work, objects["work_id"]).public_code,
             "ideas": db.session.get(Idea, objects["idea_id"]).tracking_code}
    visitors = _visitors(staff_app, token, key)
    admin = visitors["admin"][0]
    failures: list = []
    sent = {v: 0 for v in visitors}
    for rule in staff_app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        view = staff_app.view_functions[rule.endpoint]
        code = codes.get(rule.endpoint) or codes.get(rule.endpoint.split(".")[0])
        values["code"] = code or "nope"
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        methods = set(rule.methods or ()) & {"GET", "POST"}
        everything = "phone" if view.permission == "public" else "admin"
        for visitor, (client, csrf) in visitors.items():
            run = Run(visitor, client, csrf, _may_use(visitor, view, rule.arguments),
                      view.permission != "public", failures)
            pick = random.Random(f"{SEED} {rule.endpoint} {rule.rule} {visitor}")
            if visitor == everything:
                run.fuzz(url, methods, list(PAYLOADS))
                run.wild_path(rule, values, sorted(methods))
            else:  # one value per route, and its path made wild on one route in three
                run.fuzz(url, methods, [pick.choice(list(PAYLOADS))])
                if pick.random() < 1 / 3:
                    run.wild_path(rule, values, sorted(methods))
            sent[visitor] += run.sent
        assert admin.get("/staff/").status_code == 200, f"signed out after {url}"
    for role in (*STAFF_ROLES, ELSEWHERE):
        assert visitors[role][0].get("/staff/").status_code == 200, f"{role} signed out"
    assert failures == []
    assert sent["admin"] > 500 and min(sent.values()) > 200, sent


# ---------------------------------------------------------------------------- its findings


def test_a_facilitator_is_offered_no_other_services_work_or_event(staff_app, objects):  # noqa: F811
    """The fuzz as a facilitator of another service found the forms for a new piece of work
    and a new indicator listing the first service's local plan and event by name, and the
    services taking them."""
    from reviewkit.models import Work
    from reviewkit.services import indicators, register
    from reviewkit.services.indicators import IndicatorError
    from reviewkit.services.register import RegisterError

    user, elm = _elsewhere()
    client = staff_app.test_client()
    sign_in(client, ELSEWHERE)
    work_page = Page(client.get("/staff/register/new"))
    assert "Organisation plan" in work_page and "Oak plan" not in work_page
    indicator_page = Page(client.get("/staff/indicators/new"))
    assert "Oak plan" not in indicator_page and "Oak day" not in indicator_page
    assert "Organisation plan" in indicator_page

    works = db.session.query(Work).count()
    refused = post_form(client, "/staff/register/new", {
        "title": "Elm garden", "kind": "local_plan", "scope": f"service:{elm.id}",
        "facilitator": str(user.id), "review_on": "2027-12-01",
        "parent": str(objects["work_id"])})
    assert refused.status == 400 and "Choose one from the list." in refused
    assert "Elm garden" in refused  # what was typed is kept
    assert db.session.query(Work).count() == works
    with pytest.raises(RegisterError) as error:  # the service checks it too
        register.save_work(user, title="Elm garden", kind="local_plan", service_id=elm.id,
                           facilitator_id=user.id, parent_id=objects["work_id"])
    assert error.value.field == "parent"
    for field, ids in (("event", {"event_id": objects["event_id"]}),
                       ("work", {"work_id": objects["work_id"]})):
        with pytest.raises(IndicatorError) as error:
            indicators.save_indicator(user, name="Elm walks", easy_read=None, pictogram=None,
                                      measures="outcome", source="entered", unit="count",
                                      service_id=elm.id, **ids)
        assert error.value.field == field
