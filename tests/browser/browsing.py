"""Helpers for the browser tests: a live server, axe-core, the page-weight budget, and a
journey driver that walks the respondent pages by keyboard like a person would."""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from flask import Flask
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).parent.parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# One TCP round trip on a slow phone network: 10 segments of 1460 bytes, less headers.
PAGE_BUDGET = 14_950


# --- the app on a real port -------------------------------------------------------------------

class LiveServer:
    """A threaded werkzeug server for ``app`` on a free loopback port (a context manager that
    gives the base URL and shuts the server down cleanly)."""

    def __init__(self, app: Flask):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server",
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


# --- axe-core ----------------------------------------------------------------------------------

_AXE_SOURCE: str | None = None


def _scripts_run(page) -> bool:
    """Whether the page runs its own scripts (False with JavaScript turned off, or when a
    Content-Security-Policy forbids inline handlers)."""
    return page.evaluate("""() => {
        const probe = document.createElement("div");
        probe.setAttribute("onclick", "window.__rkScripts = true");
        probe.click();
        return window.__rkScripts === true;
    }""")


def _run_axe(page, tags: list[str]) -> list[dict]:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE_SOURCE + "\n;undefined")
    return page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html,
                                          summary: n.failureSummary}))}));
        }""",
        tags,
    )


_SNAPSHOTS: dict = {}  # (browser id, origin, viewport) -> a page with axe loaded


def _snapshot_page(page):
    """A scripting page at ``page``'s origin and viewport, with axe-core loaded once, in which
    any page's DOM can be written and checked."""
    origin = "{}://{}".format(*urlsplit(page.url)[:2])
    viewport = page.viewport_size or {"width": 1280, "height": 720}
    browser = page.context.browser
    key = (id(browser), origin, viewport["width"], viewport["height"])
    snap = _SNAPSHOTS.get(key)
    if snap is None or snap.is_closed():
        context = browser.new_context(viewport=viewport)
        snap = context.new_page()
        blank = origin + "/__axe-snapshot__"
        snap.route(blank, lambda route: route.fulfill(
            body="<!doctype html><title>axe</title>", content_type="text/html"))
        snap.goto(blank)
        _run_axe(snap, ["wcag2a"])  # loads axe
        _SNAPSHOTS[key] = snap
    return snap


SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)
NOSCRIPT = re.compile(r"</?noscript\b[^>]*>", re.I)


def axe(page, tags: list[str] | None = None) -> list[dict]:
    """Run the vendored axe-core over ``page`` as it is now; return its violations (``[]``
    when clean).

    The page's current DOM is written into a page at the same origin and viewport that has
    axe loaded once per test session: loading 650 KB of axe into every page would cost more
    than the journey itself; axe needs timers, which never run in a page with JavaScript
    turned off; and a strict Content-Security-Policy on the page cannot get in the way.
    The page's own scripts are left out of the copy (they have already run, or not); with
    JavaScript off, ``<noscript>`` content is kept as the person sees it."""
    html = page.content()
    if not _scripts_run(page):
        html = NOSCRIPT.sub("", html)
    html = SCRIPT.sub("", html)
    snap = _snapshot_page(page)
    snap.evaluate("""async (html) => {
        document.open(); document.write(html); document.close();
        await Promise.all([...document.querySelectorAll("link[rel~=stylesheet]")].map(l =>
            l.sheet ? null : new Promise(r => { l.onload = r; l.onerror = r; })));
        await Promise.all([...document.images].map(i =>
            i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
    }""", html)
    return _run_axe(snap, tags or AXE_TAGS)


def describe_violations(violations: list[dict], where: str = "") -> str:
    """A readable failure message: rule id, what it means, and the elements at fault."""
    lines = [f"axe-core found {len(violations)} violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", "\n      ")[:400])
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# --- page weight ---------------------------------------------------------------------------

class _Assets(HTMLParser):
    """Stylesheets and scripts that an HTML page makes the browser fetch (not images)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href") and (
            "stylesheet" in rel or "modulepreload" in rel
            or ("preload" in rel and a.get("as", "").lower() in ("style", "script"))
        ):
            self.urls.append(a["href"])


CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""")


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def page_weights(url: str, cookies=None) -> dict[str, int]:
    """Gzip size (level 6, each file on its own) of the HTML at ``url`` and of every
    same-origin stylesheet and script it links (and CSS ``@import``s), keyed by URL.
    ``cookies``: Playwright's ``context.cookies()`` or a ``{name: value}`` dict."""
    origin = urlsplit(url)[:2]
    http = requests.Session()
    if isinstance(cookies, dict):
        http.cookies.update(cookies)
    for c in cookies if isinstance(cookies, list) else []:
        http.cookies.set(c["name"], c["value"], domain=c.get("domain", ""), path=c.get("path", "/"))
    r = http.get(url, timeout=30)
    r.raise_for_status()
    sizes = {url: gzip_size(r.content)}
    parser = _Assets()
    parser.feed(r.text)
    todo = [urljoin(r.url, u) for u in parser.urls]
    while todo:
        asset = todo.pop(0)
        if urlsplit(asset)[:2] != origin or asset in sizes:
            continue
        a = http.get(asset, timeout=30)
        a.raise_for_status()
        sizes[asset] = gzip_size(a.content)
        if urlsplit(asset).path.endswith(".css"):
            todo.extend(urljoin(asset, m.group(1)) for m in CSS_IMPORT.finditer(a.text))
    return sizes


def page_weight(url: str, cookies=None) -> int:
    """Total gzip bytes of the page at ``url`` with its same-origin CSS and JS."""
    return sum(page_weights(url, cookies).values())


# --- the journey driver ------------------------------------------------------------------------

def catalogue(lang: str) -> Callable[..., str]:
    """``text(msgid)``: the msgstr of the shipped ``translations/<lang>/LC_MESSAGES/messages.po``
    (the msgid where there is none or it is fuzzy, as gettext does); ``text(singular, plural,
    n)``: the plural form the catalogue's Plural-Forms gives for ``n``, not yet formatted."""
    import gettext

    from babel.messages.pofile import read_po

    po = REPO / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        messages = read_po(fh, locale=lang)
    form_for = gettext.c2py(messages.plural_expr)

    def text(msgid: str, plural: str | None = None, n: int | None = None) -> str:
        m = messages.get(msgid)
        if plural is not None:
            if m is not None and all(m.string) and not m.fuzzy:
                return m.string[form_for(n)]
            return msgid if n == 1 else plural
        return m.string if m is not None and m.string and not m.fuzzy else msgid

    return text


@dataclass(frozen=True)
class Labels:
    """What the driver looks for, by accessible name; a translated journey passes its own."""

    continue_: str = "Continue"
    skip: str = "Skip this question"
    send: str = "Send my answers"
    language: str = "Language"
    thank_you: str = "Thank you"
    progress: re.Pattern = re.compile(r"Question \d+ of \d+")
    easy_read: str = "Easy read"
    standard_words: str = "Standard words"

    @classmethod
    def from_catalogue(cls, lang: str) -> Labels:
        """The labels as the app shows them in ``lang``: each msgstr read from the shipped
        ``translations/<lang>/LC_MESSAGES/messages.po`` (English where one is missing or fuzzy,
        as gettext does), so a test follows the real catalogue rather than a copy of it."""
        if lang == "en":
            return cls()
        text = catalogue(lang)
        parts = re.split(r"%\(\w+\)d", text("Question %(n)d of %(total)d"))
        return cls(continue_=text("Continue"), skip=text("Skip this question"),
                   send=text("Send my answers"), language=text("Language"),
                   thank_you=text("Thank you"),
                   progress=re.compile(r"\d+".join(re.escape(p) for p in parts)),
                   easy_read=text("Easy read"), standard_words=text("Standard words"))


ENGLISH = Labels()
SKIPPED = object()
QID = re.compile(r"/q/([^/?#]+)")
TEXTS = ["I like my garden", "I make people laugh"]


class JourneyError(AssertionError):
    pass


@dataclass
class Visit:
    kind: str  # consent | question | check | done
    url: str
    heading: str
    qid: str | None = None


@dataclass
class Journey:
    """Walks the respondent pages of one browser page, by keyboard only (Tab, Shift+Tab,
    arrow keys in a radio group, Space, Enter and typing; never a click).

    A page is recognised by what is on it, not by its URL: a "Send my answers" button is the
    check-your-answers page; a progress line ("Question n of m") with a "Continue" button is a
    question; any other page with a radio group and a submit button is a consent/choice page
    (the first option is chosen); a page whose <h1> says "Thank you" is the end.

    ``plan`` maps a question id to what to answer: a string (typed), a list of choice
    values (ticked), a choice value (chosen), or ``SKIPPED``. Other questions get a generic
    answer by control type, and every ``skip_every``-th optional question is skipped.
    ``on_page(journey, visit)`` runs on every page before the driver acts on it."""

    page: Any
    labels: Labels = ENGLISH
    plan: dict[str, Any] = field(default_factory=dict)
    skip_every: int = 0
    on_page: Callable[[Journey, Visit], None] | None = None
    given: dict[str, Any] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    chosen: set[str] = field(default_factory=set)
    max_tabs: int = 80

    # -- reading the page --
    def heading(self) -> str:
        h1 = self.page.locator("h1")
        if h1.count() != 1:
            raise JourneyError(f"{self.page.url}: expected one <h1>, found {h1.count()}")
        return " ".join(h1.inner_text().split())

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def kind(self) -> str:
        if self.button(self.labels.send).count():
            return "check"
        if self.button(self.labels.continue_).count() and self.page.locator(
                "main").get_by_text(self.labels.progress).count():
            return "question"
        if self.page.locator("main form input[type=radio]").count():
            return "consent"
        if self.heading() == self.labels.thank_you:
            return "done"
        raise JourneyError(f"unknown page {self.page.url}: <h1> {self.heading()!r}")

    def visit(self) -> Visit:
        m = QID.search(self.page.url)
        v = Visit(self.kind(), self.page.url, self.heading(), m.group(1) if m else None)
        self.visits.append(v)
        if self.on_page:
            self.on_page(self, v)
        return v

    # -- keyboard --
    def focus(self, target, accept: str = "el => false") -> None:
        """Move the focus to ``target`` with Tab or Shift+Tab, as a person would (``accept``,
        a JS function, may accept another element, e.g. any radio of a group)."""
        handle = target.element_handle()
        for _ in range(self.max_tabs):
            where = handle.evaluate(f"""el => {{
                const a = document.activeElement;
                if (a === el || ({accept})(a)) return 0;
                if (!a || a === document.body) return 1;
                return (a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) ? 1 : -1;
            }}""")
            if where == 0:
                return
            self.page.keyboard.press("Tab" if where > 0 else "Shift+Tab")
        raise JourneyError(f"{self.page.url}: could not reach {target} by keyboard "
                           f"in {self.max_tabs} key presses")

    def press_button(self, button) -> None:
        self.focus(button)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def type_into(self, field, text: str) -> None:
        self.focus(field)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        for i, line in enumerate(text.split("\n")):
            if i:
                self.page.keyboard.press("Enter")
            self.page.keyboard.type(line)

    def choose_radio(self, radios, index: int) -> None:
        """Choose radio ``index`` of a group: Tab into the group, then arrow keys (which move
        and choose), or Space on the focused one."""
        name = radios.first.get_attribute("name")
        self.focus(radios.nth(index),
                   f"el => el.type === 'radio' && el.name === {json.dumps(name)}")
        values = attribute_of_each(radios, "value")
        for _ in range(len(values) * 2):
            current = values.index(self.page.evaluate("() => document.activeElement.value"))
            if current == index:
                break
            self.page.keyboard.press("ArrowDown" if index > current else "ArrowUp")
        if not radios.nth(index).is_checked():
            self.page.keyboard.press("Space")
        assert radios.nth(index).is_checked()

    # -- acting on each kind of page --
    def answer_consent(self) -> None:
        radios = self.page.locator("main form input[type=radio]")
        self.choose_radio(radios, 0)
        form = radios.first.locator("xpath=ancestor::form")
        self.press_button(form.locator("button[type=submit], button:not([type]), "
                                       "input[type=submit]").first)

    def answer_question(self, visit: Visit, number: int) -> None:
        qid = visit.qid or visit.heading
        main = self.page.locator("main form")
        radios = main.locator("input[type=radio]")
        boxes = main.locator("input[type=checkbox]")
        text = main.locator("textarea, input[type=text], input:not([type])")
        plan = self.plan.get(qid)
        optional = self.button(self.labels.skip).count() > 0
        if plan is SKIPPED or (plan is None and optional and self.skip_every
                               and number % self.skip_every == 0):
            self.given[qid] = SKIPPED
            self.press_button(self.button(self.labels.skip))
            return
        if radios.count():
            values = attribute_of_each(radios, "value")
            index = values.index(plan) if plan is not None else number % len(values)
            self.choose_radio(radios, index)
            self.given[qid] = values[index]
            self.chosen.add(qid)
        elif boxes.count():
            values = attribute_of_each(boxes, "value")
            wanted = plan if plan is not None else sorted({values[0], values[-1]},
                                                          key=values.index)
            for i, value in enumerate(values):
                if boxes.nth(i).is_checked() != (value in wanted):
                    self.focus(boxes.nth(i))
                    self.page.keyboard.press("Space")
            self.given[qid] = list(wanted)
            self.chosen.add(qid)
        elif text.count():
            field = text.first
            multiline = field.evaluate("el => el.tagName") == "TEXTAREA"
            typed = plan if plan is not None else ("\n".join(TEXTS) if multiline else "Sam")
            limit = field.get_attribute("maxlength")
            typed = typed[: int(limit)] if limit else typed
            self.type_into(field, typed)
            self.given[qid] = typed
        else:
            raise JourneyError(f"{visit.url}: no answer control on question {visit.heading!r}")
        self.press_button(self.button(self.labels.continue_))
        if self.page.url == visit.url and self.page.locator(".error-summary, [role=alert]").count():
            raise JourneyError(f"{visit.url}: answer refused: "
                               f"{self.page.locator('main').inner_text()[:500]}")

    def open(self, url: str) -> Visit:
        self.page.goto(url)
        return self.visit()

    def walk(self, *, questions: int | None = None, max_pages: int = 120) -> Visit:
        """Act on the current page and go on until the thank-you page, or (``questions=n``)
        until n more questions are answered; returns the page where it stopped."""
        v = self.visits[-1] if self.visits else self.visit()
        done_here = 0
        for _ in range(max_pages):
            if v.kind == "done" or (questions is not None and done_here >= questions):
                return v
            if v.kind == "consent":
                self.answer_consent()
            elif v.kind == "question":
                self.answer_question(v, len([x for x in self.visits if x.kind == "question"]))
                done_here += 1
                after = self.visit()
                if after.kind == "question" and after.qid == v.qid:
                    raise JourneyError(
                        f"pressing {self.labels.continue_!r} on {v.heading!r} ({v.url}) did not "
                        f"move on: the browser is back at {after.url}")
                v = after
                continue
            elif v.kind == "check":
                self.check_answers_shown()
                self.press_button(self.button(self.labels.send))
            v = self.visit()
        raise JourneyError(f"no end after {max_pages} pages: {[x.heading for x in self.visits]}")

    def check_answers_shown(self) -> None:
        """Every line typed so far is on the check-your-answers page."""
        shown = " ".join(self.page.locator("main").inner_text().split())
        for qid, value in self.given.items():
            if isinstance(value, str) and qid not in self.chosen:
                for line in filter(None, (x.strip() for x in value.split("\n"))):
                    if " ".join(line.split()) not in shown:
                        raise JourneyError(f"check page does not show {line!r} for {qid}")


def attribute_of_each(locator, name: str) -> list[str | None]:
    """``name`` of every element ``locator`` matches, in one call to the browser (as
    ``[locator.nth(i).get_attribute(name) ...]`` gives, at one round trip per element)."""
    return locator.evaluate_all("(els, name) => els.map(el => el.getAttribute(name))", name)


def matches(stored: Any, given: Any) -> bool:
    """Whether a stored answer value is what the driver entered."""
    if isinstance(given, str) and isinstance(stored, list):
        return stored == [line.strip() for line in given.split("\n") if line.strip()]
    if isinstance(given, str) and isinstance(stored, str):
        return " ".join(stored.split()) == " ".join(given.split())
    return stored == given


# --- the staff side by keyboard ---------------------------------------------------------------

STAFF_PASSWORD = "correct horse 1"  # tests/conftest.py staff_app: every role's password


class Keys:
    """Keyboard-only actions on any page (Tab/Shift+Tab to reach a control, then typing,
    arrow keys, Space or Enter; never a click), for the staff pages."""

    def __init__(self, page, max_tabs: int = 150):
        self.page = page
        self._driver = Journey(page, max_tabs=max_tabs)

    def focus(self, target) -> None:
        self._driver.focus(target)

    def type(self, field, text: str) -> None:
        """Replace what is in ``field`` with ``text`` (a newline presses Enter)."""
        self._driver.type_into(field, text)

    def press(self, control) -> None:
        """Reach ``control`` (a link or button) and press Enter; waits for the next page."""
        self._driver.press_button(control)

    def radio(self, radios, index: int) -> None:
        self._driver.choose_radio(radios, index)

    def choose(self, select, label: str) -> None:
        """Choose the option of ``select`` whose text is ``label``, with the arrow keys on the
        closed list (as a person does after Tab), and check it is chosen."""
        labels = [" ".join(t.split()) for t in select.locator("option").all_inner_texts()]
        if label not in labels:
            raise JourneyError(f"no option {label!r} in {labels}")
        want = labels.index(label)
        self.focus(select)
        for _ in range(len(labels) + 1):
            now = select.evaluate("el => el.selectedIndex")
            if now == want:
                return
            self.page.keyboard.press("ArrowDown" if want > now else "ArrowUp")
        raise JourneyError(f"could not choose {label!r} with the arrow keys")

    def button(self, name: str, exact: bool = True):
        return self.page.get_by_role("button", name=name, exact=exact)

    def link(self, name: str, exact: bool = True):
        return self.page.get_by_role("link", name=name, exact=exact)


_STAFF_HASH: list[str] = []


def staff_users(org) -> dict:
    """One user per role in ``org`` (``<role>@example.org``, password STAFF_PASSWORD, as the
    staff_app fixture makes them), with one argon2 hash computed once per test session
    (each hash takes most of a second). Commits; returns them by role name."""
    from reviewkit.extensions import db
    from reviewkit.models import Role, User
    from reviewkit.services.users import hash_password

    if not _STAFF_HASH:
        _STAFF_HASH.append(hash_password(STAFF_PASSWORD))
    users = {role.value: User(organisation=org, email=f"{role.value}@example.org",
                              name=role.value.title(), role=role.value,
                              password_hash=_STAFF_HASH[0]) for role in Role}
    db.session.add_all(users.values())
    db.session.commit()
    return users


def staff_organisation() -> tuple[Any, dict, dict]:
    """What the staff_app fixture makes, faster: "Test Org" with the services Oak House and
    Elm Court, and one user per role (the facilitator works at Oak House only). Call inside
    an app context after init_database(); returns (organisation, services, users)."""
    from reviewkit.extensions import db
    from reviewkit.models import Area, Organisation, Service

    org = Organisation(name="Test Org", slug="test-org")
    area = Area(organisation=org, name="North")
    services = {"oak": Service(organisation=org, area=area, name="Oak House", slug="oak"),
                "elm": Service(organisation=org, area=area, name="Elm Court", slug="elm")}
    db.session.add_all([org, area, *services.values()])
    db.session.commit()
    users = staff_users(org)
    users["facilitator"].services.append(services["oak"])
    db.session.commit()
    return org, services, users


@dataclass
class StaffSite:
    app: Flask
    url: str


def staff_site(folder: Path, seed: Callable[[Any, dict, dict], None] | None = None,
               **config):
    """A generator for a module fixture: an app with the shipped banks and
    :func:`staff_organisation` (then ``seed(org, services, users)``), served on a real port
    while the module's tests run; yields a :class:`StaffSite`."""
    from conftest import make_app

    from reviewkit.extensions import db
    from reviewkit.services.setup import init_database

    app = make_app(folder, RATELIMIT_ENABLED=False, BANKS_PATH=str(REPO / "question_banks"),
                   **config)
    with app.app_context():
        assert not init_database().problems
        made = staff_organisation()
        if seed is not None:
            seed(*made)
        with LiveServer(app) as url:
            yield StaffSite(app, url)
        db.session.remove()
        db.engine.dispose()


def staff_sign_in(page, base: str, email: str, password: str = STAFF_PASSWORD) -> Keys:
    """Sign in through the login page by keyboard; returns the page's Keys driver."""
    keys = Keys(page)
    page.goto(f"{base}/staff/login")
    keys.type(page.locator("#email"), email)
    keys.type(page.locator("#password"), password)
    keys.press(keys.button("Sign in"))
    if "/staff/login" in page.url:
        raise JourneyError(f"sign-in as {email} refused: {page.locator('main').inner_text()[:300]}")
    return keys


def tab_through(page, targets: list, limit: int = 200) -> tuple[set[int], set[int]]:
    """Press Tab from the top of the page until the focus leaves it; returns which of
    ``targets`` (locators) got the focus, and which of those showed no focus style."""
    for i, target in enumerate(targets):
        target.evaluate("(el, i) => el.setAttribute('data-kb', i)", i)
    # Start from the top, as after loading the page (an autofocus field would start later).
    page.evaluate("""() => {
        const start = document.createElement("span");
        start.tabIndex = -1; start.id = "kb-start";
        document.body.prepend(start); start.focus(); window.scrollTo(0, 0);
    }""")
    reached: set[int] = set()
    unstyled: set[int] = set()
    seen_any = False
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate("""() => {
            const a = document.activeElement;
            if (!a || a === document.body) return null;
            const s = getComputedStyle(a);
            const shown = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
                || s.boxShadow !== "none";
            return {kb: a.getAttribute("data-kb"), shown: shown};
        }""")
        if now is None:
            if seen_any:
                break
            continue
        seen_any = True
        if now["kb"] is not None:
            index = int(now["kb"])
            reached.add(index)
            if not now["shown"]:
                unstyled.add(index)
        if len(reached) == len(targets) and seen_any:
            break
    return reached, unstyled


def fits(page, url: str) -> None:
    """The page does not scroll sideways at its viewport's width."""
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, \
        f"{url} scrolls sideways at {width} px"


def check_public_page(page, url: str, lang: str) -> None:
    """A public page in ``lang``: its language and direction, one <h1>, axe-core clean, and no
    sideways scroll."""
    assert page.locator("html").get_attribute("lang") == lang, url
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang in ("ur", "ar")
                                                         else "ltr"), url
    assert page.locator("h1").count() == 1, url
    violations = axe(page)
    assert not violations, describe_violations(violations, url)
    fits(page, url)
