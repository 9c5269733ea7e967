"""A small fuzz over every route (issue 19): long text, huge and negative ids, control
characters and bad uploads, in every field a page's forms have and in the query strings pages
read, as an admin (every staff page) and as a phone (the public pages, with a real link).
Nothing gives a server error."""

from __future__ import annotations

import io
import re

from conftest import Page, sign_in
from test_permissions import objects  # noqa: F401 - fixture: one of each thing a URL points at
from test_translate_pages import root  # noqa: F401 - fixture: a copy of translations/

from reviewkit.extensions import db

PAYLOADS = {
    "long": "Ein langer Satz über den Bus. " * 700,  # 21,000 characters
    "control": "bus\x00\x1b[31m\x07\x08late\u202e\ufeff\r\n\t=1+2",
    "huge id": "9" * 40,
    "negative": "-1",
}
QUERY_NAMES = ("from", "to", "theme", "scope", "service", "area", "bank", "label", "next",
               "lang", "language", "variant", "question", "change", "undo", "who", "kind",
               "easy", "page", "status", "id", "q", "code")
FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
FILE = re.compile(r'<input\b[^>]*type="file"[^>]*name="([^"]+)"|'
                  r'<input\b[^>]*name="([^"]+)"[^>]*type="file"', re.I)
BAD_UPLOADS = {"xlsx": b"PK\x03\x04 not a zip at all", "po": b'msgid ""\nmsgstr "\x00\n'}
# Signing out (or changing one's own sign-in) would end the run's session, not find a fault.
SKIPPED = {"staff.logout", "static"}


def _fields(html: str) -> tuple[set[str], set[str]]:
    """(every field name on the page, the file fields among them)."""
    files = {a or b for a, b in FILE.findall(html)}
    return {n for n in FIELD.findall(html) if n != "csrf_token"}, files


def _fuzz(client, url: str, methods: set[str], token: str, failures: list) -> int:
    sent = 0
    names: set[str] = set()
    files: set[str] = set()
    if "GET" in methods:
        for label, value in PAYLOADS.items():
            r = client.get(url, query_string={n: value for n in QUERY_NAMES})
            sent += 1
            if r.status_code >= 500:
                failures.append(("GET", url, label, r.status_code))
        page = client.get(url)
        if page.status_code == 200 and page.mimetype == "text/html":
            names, files = _fields(page.get_data(as_text=True))
    if "POST" not in methods:
        return sent
    names = names or {"text", "name", "label", "change", "code", "status", "done", "answer",
                      "theme", "scope", "contributor", "kind", "count", "value", "note"}
    for label, value in PAYLOADS.items():
        data: dict = {n: value for n in names - files}
        for name in files:
            kind = "po" if "po" in name else "xlsx"
            data[name] = (io.BytesIO(BAD_UPLOADS[kind]), f"bad.{kind}")
        data["csrf_token"] = token
        r = client.post(url, data=data, content_type="multipart/form-data" if files else None)
        sent += 1
        if r.status_code >= 500:
            failures.append(("POST", url, label, r.status_code))
    return sent


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


def test_no_route_gives_a_server_error_for_hostile_input(staff_app, objects, root):  # noqa: F811
    staff_app.config["TRANSLATIONS_SOURCE"] = str(root / "translations")
    staff_app.config["RATELIMIT_ENABLED"] = False
    from reviewkit.models import Event, Idea, Organisation, Service, Work

    token, key = _phone_link(staff_app)
    values = {**objects, "token": token, "key": key, "qid": "feel-safe",
              "slug": db.session.get(Organisation, db.session.get(
                  Service, objects["service_id"]).organisation_id).slug,
              "filename": "css/site.css"}
    codes = {"voting": db.session.get(Event, objects["event_id"]).public_code,
             "ideas.send": db.session.get(Work, objects["work_id"]).public_code,
             "pages": db.session.get(Work, objects["work_id"]).public_code,
             "ideas": db.session.get(Idea, objects["idea_id"]).tracking_code}
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    phone = staff_app.test_client()
    phone.get(f"/r/{token}")
    tokens = {"admin": Page(admin.get("/staff/")).csrf,
              "phone": Page(phone.get(f"/a/{key}/q/feel-safe")).csrf}
    failures: list = []
    sent = 0
    for rule in staff_app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        permission = staff_app.view_functions[rule.endpoint].permission
        who = "phone" if permission == "public" else "admin"
        client = phone if who == "phone" else admin
        code = codes.get(rule.endpoint) or codes.get(rule.endpoint.split(".")[0])
        values["code"] = code or "nope"
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        sent += _fuzz(client, url, rule.methods or set(), tokens[who], failures)
        # the same route with every id out of range or negative, and long text in its path
        wild = {k: ("9" * 40 if isinstance(values[k], int) else PAYLOADS["long"][:2000])
                for k in rule.arguments if k not in ("fmt", "what", "domain")}
        if wild:
            try:
                odd = rule.build({**{k: values[k] for k in rule.arguments}, **wild},
                                 append_unknown=False)[1]
            except Exception:  # noqa: BLE001 - a converter that takes no such value
                continue
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                status = client.open(odd, method=method).status_code
                sent += 1
                if status >= 500:
                    failures.append((method, odd[:120], "path", status))
        assert admin.get("/staff/").status_code == 200, f"signed out after {url}"
    assert failures == []
    assert sent > 500
