"""A whole person-centred review on a tablet, by keyboard only, in a real browser (issue 6):
sign in, add a person, record consent, start the review, add three contributors, say 30 things
across the headings (type + Enter, who said it and the kind chosen with the arrow keys), edit
and move one, delete one and undo, delete another, add two actions, open the summary and
download the PDF, whose text (pdftotext) must have every kept statement under its own heading.

Landscape 1024×768 and portrait 768×1024, with JavaScript (statements added without a page
reload); and a short run without JavaScript (each Enter posts the form and the page comes
back with the cursor in the box and the same person chosen). The first statement on each
heading is typed key by key; the others are put in as an on-screen keyboard's word
suggestions are (to keep the run short); every one is sent with Enter.

Then: a statement survives a dropped connection, and Enter pressed twice on a slow
connection must store one statement."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import make_app
from flask import Flask
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Review, Statement

from .browsing import Keys, staff_organisation, staff_sign_in
from .conftest import TABLET

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LANDSCAPE = {**TABLET, "viewport": {"width": 1024, "height": 768}}
PORTRAIT = TABLET  # 768×1024
KIND_LABELS = {"strength": "What people like and admire", "important_to": "Important to",
               "important_for": "Important for", "working": "Working",
               "not_working": "Not working", "idea": "Idea"}
PERSON = "Sam"
CONTRIBUTORS = [(PERSON, "The person"), ("Ann", "Family"), ("Priya", "Staff"),
                ("Tom", "Advocate")]  # the person is added by the app; the others by the test
# Five short things said under each heading (short, so no line of the PDF wraps).
SAID = {
    "like-and-admire": ["Makes everyone laugh", "Kind to the neighbours' dog",
                        "Brilliant at jigsaw puzzles", "Always remembers birthdays",
                        "Sings in the church choir"],
    "important-to-me": ["Seeing mum every Sunday", "Tea with two sugars",
                        "Watching the football on Saturday", "Having my own front door key",
                        "Keeping my room tidy"],
    "my-future": ["Learn to swim this summer", "Try a cooking class",
                  "Get a job at the garden centre", "Go to Blackpool with friends",
                  "Use the bus on my own"],
    "important-for-me": ["Tablets at 8 each morning", "Someone checks the cooker is off",
                         "Speak slowly and face me", "A walk every day for my heart",
                         "Quiet time after a noisy day"],
    "working-not-working": ["Day centre on Tuesdays is good", "New key worker listens well",
                            "Transport is often late", "Too many different night staff",
                            "Swimming stopped in March"],
    "next-steps": ["Ask about a bus pass", "Visit the college open day",
                   "Find a quieter night routine", "Book a dentist appointment",
                   "Ring the leisure centre"],
}
EDITED = ("Tea with two sugars", "Tea with two sugars, never three", "my-future")
UNDONE = "Try a cooking class"  # deleted, then brought back with Undo
DELETED = "Someone checks the cooker is off"  # deleted for good
ACTIONS = [("Ring the leisure centre about swimming", "Priya", "03032027"),
           ("Ask the council about a bus pass", "Ann", None)]


@dataclass
class Heading:
    id: str
    title: str
    easy_read: str
    kinds: list[str]


def bank_headings() -> list[Heading]:
    """The person-centred-review headings that take statements, in order (as the app shows
    them: a section with at least one question that has kinds)."""
    bank = yaml.safe_load((REPO / "question_banks" / "person-centred-review.yaml")
                          .read_text(encoding="utf-8"))
    out = []
    for s in bank["sections"]:
        kinds: list[str] = []
        for q in s["questions"]:
            kinds += [k for k in q.get("kinds", []) if k not in kinds]
        if kinds:
            out.append(Heading(s["id"], s["title"], s["easy_read"], kinds))
    return out


HEADINGS = bank_headings()
assert [h.id for h in HEADINGS] == list(SAID), "the bank's headings changed; update SAID"
assert sum(map(len, SAID.values())) == 30


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The live server serves a staff app like the staff_app fixture (shipped banks, one user
    per role), made faster (one password hash for all)."""
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path, BANKS_PATH=str(REPO / "question_banks"))
    with app.app_context():
        assert not init_database().problems
        staff_organisation()
        yield app
        db.session.remove()
        db.engine.dispose()


# --- steps of the review, each by keyboard ------------------------------------------------------

def norm(text: str) -> str:
    return " ".join(text.split())


def selected_label(select) -> str:
    return norm(select.evaluate("el => el.options[el.selectedIndex].text"))


def listed(page) -> list[str]:
    return [norm(t) for t in page.locator("[data-list] li .text").all_inner_texts()]


def add_person_and_start_review(page, keys: Keys) -> int:
    """Add a person, record their consent, start a person-centred review, add three
    contributors; returns the review id (on the contributors page)."""
    # From the dashboard (where signing in lands) to the people list.
    assert page.url.rstrip("/").endswith("/staff"), page.url
    keys.press(keys.link("People supported and reviews"))
    keys.type(page.locator("#display_name"), PERSON)
    keys.type(page.locator("#reference"), "OAK-0042")
    keys.choose(page.locator("#service_id"), "Oak House")
    keys.choose(page.locator("#language"), "English")
    keys.press(keys.button("Add person"))
    assert page.locator("h1").inner_text() == PERSON, page.url

    keys.radio(page.locator("input[name=scope]"), 0)  # for their own review
    keys.radio(page.locator("input[name=given]"), 0)  # yes
    keys.type(page.locator("#note"), "Agreed with Tom, their advocate")
    keys.press(keys.button("Record consent"))
    assert "Consent recorded." in page.locator("main").inner_text()

    keys.choose(page.locator("#bank"), "My person-centred review")
    assert page.locator("#held_on").input_value() == date.today().isoformat()
    keys.press(keys.button("Start a review conversation"))
    m = re.search(r"/staff/reviews/(\d+)/people", page.url)
    assert m, f"starting the review went to {page.url}"

    for name, role in CONTRIBUTORS[1:]:
        keys.type(page.locator("#name"), name)
        keys.choose(page.locator("#role"), role)
        keys.press(keys.button("Add"))
    # each with its name, who they are, and "Change: <name>" to correct it
    people = [re.sub(r" Change ?: .*$", "", norm(t))
              for t in page.locator("ul.people li").all_inner_texts()]
    assert people == [f"{n} {r}" for n, r in CONTRIBUTORS], people
    return int(m.group(1))


def say(page, keys: Keys, text: str, who: str, kind: str | None, *, javascript: bool,
        key_by_key: bool = True) -> None:
    """Choose who said it (and the kind) if they are not chosen already, type, press Enter.

    ``key_by_key=False`` puts the words in as a tablet's on-screen keyboard does when a
    suggested word is tapped (one input event, no key presses): the form only reacts to
    Enter, and typing 30 statements key by key would take most of the time budget."""
    contributor = page.locator("#contributor")
    label = next(f"{n} ({r})" for n, r in CONTRIBUTORS if n == who)
    if selected_label(contributor) != label:
        keys.choose(contributor, label)
    kinds = page.locator("select#kind")
    if kind and kinds.count() and selected_label(kinds) != KIND_LABELS[kind]:
        keys.choose(kinds, KIND_LABELS[kind])
    box = page.locator("#text")
    keys.focus(box)
    if key_by_key:
        page.keyboard.type(text)
    else:
        page.keyboard.insert_text(text)
    if javascript:
        page.keyboard.press("Enter")
        wait_listed(page, text)
    else:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    # Ready for the next one: the box is empty and has the cursor, the same person is chosen.
    assert cursor_in_box(page), f"after adding {text!r} the cursor is not in the box"
    assert box.input_value() == ""
    assert selected_label(page.locator("#contributor")) == label


def wait_listed(page, text: str) -> None:
    """Wait until ``text`` is in the list of statements (added without a page load)."""
    page.wait_for_function("t => [...document.querySelectorAll('[data-list] li .text')]"
                           ".some(e => e.textContent.trim() === t)", arg=text)


def cursor_in_box(page) -> bool:
    """Whether the statement box has the focus, allowing for autofocus, which Chromium applies
    in the first frame after the page has loaded, not at once."""
    try:
        page.wait_for_function("() => document.activeElement && document.activeElement.id "
                               "=== 'text'", timeout=2_000)
    except PlaywrightTimeout:
        return False
    return True


def tags(page) -> list[str]:
    return [norm(t) for t in page.locator("[data-list] li .tag").all_inner_texts()]


def check_heading_page(page, heading: Heading, expected: list[tuple[str, str, str | None]],
                       width: int) -> None:
    """After a reload (so from the database): the statements, who said each and its kind."""
    page.reload()
    assert heading.title in page.locator("h1").inner_text()
    assert page.locator("nav.steps [aria-current=step]").inner_text() == heading.title
    assert sorted(listed(page)) == sorted(t for t, _w, _k in expected), (
        f"{heading.title}: shown {listed(page)}, expected {[t for t, _w, _k in expected]}")
    by_text = dict(zip(listed(page), tags(page), strict=True))
    for text, who, kind in expected:
        want = who + (f" · {KIND_LABELS[kind]}" if kind and len(heading.kinds) > 1 else "")
        assert by_text[text] == want, f"{text!r} is tagged {by_text[text]!r}, not {want!r}"
    assert page.locator("h2 .count").inner_text() == f"({len(expected)})"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, \
        f"{heading.title}: the page scrolls sideways at {width} px"


def statement_control(page, name: str, text: str, role: str):
    """The "Edit or move" link or "Delete" button of one statement, by its accessible name
    (Chromium puts a space before the visually hidden ": text" part)."""
    name_re = re.compile(rf"^{re.escape(name)}\s?: {re.escape(text)}$")
    return page.locator("[data-list]").get_by_role(role, name=name_re)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return norm(out)


# --- the whole review -------------------------------------------------------------------------

@pytest.mark.parametrize("device", [pytest.param(LANDSCAPE, id="1024x768"),
                                    pytest.param(PORTRAIT, id="768x1024")])
def test_whole_review_by_keyboard(device, app, live_server, contexts, tmp_path):
    width = device["viewport"]["width"]
    page = contexts.page(**device)
    keys = staff_sign_in(page, live_server, "facilitator@example.org")
    review_id = add_person_and_start_review(page, keys)

    keys.press(keys.link("Start the conversation"))
    expected: dict[str, list[tuple[str, str, str | None]]] = {h.id: [] for h in HEADINGS}
    n = 0
    for i, heading in enumerate(HEADINGS):
        assert heading.title in page.locator("h1").inner_text(), (page.url, heading.title)
        # Enhanced path: no page load while statements are added (this mark would be lost).
        page.evaluate("() => { window.__samePage = true; }")
        assert cursor_in_box(page), "the statement box should have the cursor when a heading opens"
        for j, text in enumerate(SAID[heading.id]):
            who = CONTRIBUTORS[n % len(CONTRIBUTORS)][0]
            kind = heading.kinds[n % len(heading.kinds)]
            say(page, keys, text, who, kind, javascript=True, key_by_key=j == 0)
            expected[heading.id].append((text, who, kind))
            n += 1
        assert page.evaluate("() => window.__samePage === true"), \
            "adding a statement with JavaScript reloaded the page"
        assert page.locator("[data-status]").inner_text() == f"Added: {SAID[heading.id][-1]}"
        check_heading_page(page, heading, expected[heading.id], width)

        if heading.id == "important-to-me":  # edit one and move it to the next heading
            old, new, target = EDITED
            keys.press(statement_control(page, "Edit or move", old, "link"))
            keys.type(page.locator("#text"), new)
            keys.choose(page.locator("#section"), next(h.title for h in HEADINGS
                                                        if h.id == target))
            keys.press(keys.button("Save"))
            moved = next(e for e in expected[heading.id] if e[0] == old)
            expected[heading.id].remove(moved)
            expected[target].append((new, moved[1], moved[2]))
            assert HEADINGS[i + 1].id == target and HEADINGS[i + 1].title in page.locator(
                "h1").inner_text(), f"saving the edit went to {page.url}"
            assert new in listed(page)
            continue  # already on the next heading

        if heading.id == "my-future":  # delete one, then undo
            keys.press(statement_control(page, "Delete", UNDONE, "button"))
            assert UNDONE not in listed(page)
            assert f"Deleted: “{UNDONE}”." in page.locator("main").inner_text()
            keys.press(keys.button("Undo"))
            assert UNDONE in listed(page)
        if heading.id == "important-for-me":  # delete one for good
            keys.press(statement_control(page, "Delete", DELETED, "button"))
            expected[heading.id] = [e for e in expected[heading.id] if e[0] != DELETED]
            assert DELETED not in listed(page)
        check_heading_page(page, heading, expected[heading.id], width)

        following = HEADINGS[i + 1].title if i + 1 < len(HEADINGS) else None
        keys.press(keys.link(f"Next heading: {following}") if following
                   else keys.link("Next: actions"))

    # Every statement was saved as it was added (30, one of them deleted).
    stored = db.session.scalars(select(Statement).filter_by(review_id=review_id)).all()
    assert len(stored) == 30 and sum(s.deleted_at is not None for s in stored) == 1
    assert len({s.text for s in stored}) == 30

    # Two actions.
    assert page.locator("h1").inner_text() == "What happens next"
    for what, who, due in ACTIONS:
        keys.type(page.locator("#what"), what)
        keys.type(page.locator("#who"), who)
        if due:
            keys.focus(page.locator("#due_on"))
            page.keyboard.type(due)  # dd mm yyyy or mm dd yyyy: 03 03 2027 either way
            assert page.locator("#due_on").input_value() == "2027-03-03"
        keys.press(keys.button("Add action"))
        assert page.locator("table tbody th", has_text=what).count() == 1, \
            f"action {what!r} not in the table"
    rows = [norm(t) for t in page.locator("table tbody tr").all_inner_texts()]
    assert len(rows) == 2 and "2027-03-03" in rows[0] and who in rows[1], rows

    # The summary page, then the PDF.
    keys.press(keys.link("See the summary"))
    summary = norm(page.locator("main").inner_text())
    kept = [t for h in HEADINGS for t, _w, _k in expected[h.id]]
    assert len(kept) == 29
    assert [t for t in kept if t not in summary] == []
    assert DELETED not in summary

    keys.focus(keys.link("Download the summary (PDF)"))
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == f"review-{review_id}-summary.pdf"
    path = tmp_path / "summary.pdf"
    download.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    check_pdf(pdf_text(path), expected)


def check_pdf(text: str, expected: dict[str, list[tuple[str, str, str | None]]]) -> None:
    """Each heading once, in the bank's order; every kept statement after its own heading and
    before the next; the deleted one nowhere; the actions under "What will happen next"."""
    problems = []
    marks = []  # (position, heading id) in the PDF text
    for h in HEADINGS:
        count = text.count(h.easy_read)
        if count != 1:
            problems.append(f"heading {h.easy_read!r} is in the PDF {count} times")
        marks.append((text.find(h.easy_read), h.id))
    actions_at = text.find("What will happen next")
    if actions_at < 0:
        problems.append("no 'What will happen next' section in the PDF")
    marks.append((actions_at, "actions"))
    if [m[1] for m in sorted(marks)] != [m[1] for m in marks]:
        problems.append(f"headings out of order: {[m[1] for m in sorted(marks)]}")
    bounds = {hid: (at, min([a for a, _ in marks if a > at] + [len(text)])) for at, hid in marks}
    for h in HEADINGS:
        start, end = bounds[h.id]
        for said, who, _kind in expected[h.id]:
            at = text.find(said)
            if at < 0:
                problems.append(f"{said!r} is not in the PDF")
            elif not start < at < end:
                problems.append(f"{said!r} is not under {h.easy_read!r}")
            elif who != PERSON and not text[at + len(said):].lstrip().startswith(f"– {who}"):
                problems.append(f"{said!r} does not say who said it ({who})")
    if DELETED in text:
        problems.append(f"the deleted statement {DELETED!r} is in the PDF")
    for what, who, due in ACTIONS:
        line = f"{what} – {who}" + (", by 2027-03-03" if due else "")
        if not actions_at < text.find(line):
            problems.append(f"action {line!r} is not under 'What will happen next'")
    assert not problems, "PDF text:\n" + text + "\n\nproblems:\n" + "\n".join(problems)


# --- without JavaScript -------------------------------------------------------------------------

def test_adding_statements_without_javascript(app, live_server, contexts):
    """A few statements with JavaScript off: each Enter posts the form; the page comes back
    with the new statement listed, the cursor in the box, the same person and kind chosen."""
    page = contexts.page(**LANDSCAPE, java_script_enabled=False)
    keys = staff_sign_in(page, live_server, "facilitator@example.org")
    review_id = add_person_and_start_review(page, keys)
    keys.press(keys.link("Start the conversation"))
    heading = next(h for h in HEADINGS if h.id == "working-not-working")
    keys.press(page.get_by_role("navigation", name="Headings").get_by_role(
        "link", name=heading.title, exact=True))
    plan = [("Day centre on Tuesdays is good", "Ann", "working"),
            ("Transport is often late", "Ann", "not_working"),
            ("New key worker listens well", "Tom", "working")]
    for text, who, kind in plan:
        say(page, keys, text, who, kind, javascript=False)
        assert text in listed(page)
        assert page.locator("[data-status]").inner_text() == f"Added: {text}"
        assert selected_label(page.locator("select#kind")) == KIND_LABELS[kind]
    check_heading_page(page, heading, plan, 1024)
    review = db.session.get(Review, review_id)
    stored = db.session.scalars(select(Statement).filter_by(review_id=review.id)
                                .order_by(Statement.id)).all()
    assert [(s.text, s.contributor.name, s.kind) for s in stored] == plan



# --- a slow or dropped connection (JavaScript on) ------------------------------------------------

def open_review_heading(app: Flask | None, base: str, contexts, section_id: str, *,
                        javascript: bool = True):
    """A review made through the services; the facilitator signed in by keyboard and on the
    heading ``section_id`` (landscape; JavaScript on unless ``javascript`` is False).
    Returns (page, keys, review id)."""
    from reviewkit.models import User
    from reviewkit.services import people, reviews
    from reviewkit.services.banks import latest_version

    user = db.session.scalar(select(User).filter_by(email="facilitator@example.org"))
    person = people.create_person(user, display_name=PERSON, reference=None,
                                  service_id=user.services[0].id, language="en",
                                  easy_read=False)
    review = reviews.start_review(user, person, latest_version("person-centred-review"),
                                  date.today())
    page = contexts.page(**LANDSCAPE, java_script_enabled=javascript)
    keys = staff_sign_in(page, base, "facilitator@example.org")
    page.goto(f"{base}/staff/reviews/{review.id}/h/{section_id}")
    return page, keys, review.id


def stored_texts(review_id: int) -> list[str]:
    db.session.expire_all()
    return [s.text for s in db.session.scalars(select(Statement).filter_by(
        review_id=review_id, deleted_at=None).order_by(Statement.id))]


def test_statement_kept_when_the_connection_drops(app, live_server, contexts):
    """Wi-Fi gone: Enter keeps the words in the box and says so; back online, Enter again
    stores it once."""
    page, keys, review_id = open_review_heading(app, live_server, contexts, "like-and-admire")
    said = "Always remembers birthdays"
    keys.focus(page.locator("#text"))
    page.keyboard.type(said)
    page.context.set_offline(True)
    page.keyboard.press("Enter")
    status = page.locator("[data-status]")
    status.filter(has_text="No connection").wait_for()
    assert page.locator("#text").input_value() == said
    assert stored_texts(review_id) == []
    page.context.set_offline(False)
    page.keyboard.press("Enter")
    wait_listed(page, said)
    assert stored_texts(review_id) == [said]


def test_enter_twice_on_a_slow_connection_stores_one_statement(app, live_server, contexts):
    """Issue 6: "duplicate submit of a statement (one stored)". The second Enter comes before
    the first save is answered (the saves are held back, then let through)."""
    page, keys, review_id = open_review_heading(app, live_server, contexts, "like-and-admire")
    held = []  # the saves, held back as on slow Wi-Fi until both key presses are done

    def hold(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route("**/h/like-and-admire*", hold)
    said = "Sings in the church choir"
    keys.focus(page.locator("#text"))
    page.keyboard.type(said)
    page.keyboard.press("Enter")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "pressing Enter sent nothing"
    page.keyboard.press("Enter")  # no answer yet: the person presses again
    page.wait_for_timeout(300)
    for route in held:
        route.continue_()
    wait_listed(page, said)
    page.wait_for_timeout(300)
    assert stored_texts(review_id) == [said]
    assert listed(page) == [said]


def test_a_good_statement_after_a_problem_clears_the_problem(app, live_server, contexts):
    """Add pressed with an empty box shows the problem (the form is posted); then a statement
    added without a page load leaves the page as a reload would: no problem shown, the counts
    gone up, and the status line saying what was added. A word longer than the line (500
    letters, no spaces) wraps inside the page."""
    page, keys, review_id = open_review_heading(app, live_server, contexts, "like-and-admire")
    keys.focus(page.locator("#text"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#text-error").is_visible() and page.title().startswith("Error:")
    assert cursor_in_box(page)
    page.evaluate("() => { window.__samePage = true; }")
    said = "I love the garden"
    page.keyboard.type(said)
    page.keyboard.press("Enter")
    wait_listed(page, said)
    assert page.evaluate("() => window.__samePage === true"), "the page was reloaded"
    assert page.locator(".error-summary, .error-message, .has-error").count() == 0
    assert page.locator("#text").get_attribute("aria-describedby") is None
    assert not page.title().startswith("Error:")
    assert listed(page) == [said]
    assert page.locator("h2 .count").inner_text() == "(1)"
    current = page.locator("nav.steps li", has=page.locator("[aria-current=step]"))
    assert norm(current.locator(".count").inner_text()) == "1 statements"
    status = page.locator("[data-status]")
    assert status.inner_text() == f"Added: {said}"
    assert stored_texts(review_id) == [said]

    long_word = "a" * 500
    page.keyboard.insert_text(long_word)
    page.keyboard.press("Enter")
    status.filter(has_text="aaaa").wait_for()
    # The statement's box (drawn round it like the box it was typed in) holds all its lines:
    # one box, inside the list item, not one broken box per line drawn over the next.
    boxes = page.locator("[data-list] li", has_text="aaaa").evaluate(
        "li => { const b = li.getBoundingClientRect(); return [...li.querySelector('.text')"
        ".getClientRects()].map(r => r.left >= b.left - 0.5 && r.right <= b.right + 0.5); }")
    assert boxes == [True], f"the long statement is in {len(boxes)} boxes (one a line)"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1024
    assert page.locator("h2 .count").inner_text() == "(2)"
