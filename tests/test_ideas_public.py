"""The public side of the register, over HTTP with no account: send an idea from a piece of
work's short link, a repeated submit stores one, bad input is kept, a closed piece says so,
follow an idea by its code (a code that does not exist says so), the dated answer on the
tracking page; "you said, we did" for the organisation and for one piece of work (the partners
credited exactly as each chose, nothing personal, small counts suppressed), its PDFs, the
poster for staff, right to left, and every page within the weight budget."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from browser.browsing import catalogue
from conftest import Page, pdf_text, sign_in
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import Idea, Organisation, PlanAction, Service, User, Work
from reviewkit.services import plans
from reviewkit.services import register as reg

TODAY = date(2026, 6, 15)
BUDGET = 14_950  # 14.6 KB: one round trip on a slow phone network (tests/browser/browsing.py)
NOBODY = ("Secret Sam", "Bob Smith", "Ann Jones (raised)", "Transport lead", "Manager")


def _user(role: str) -> User:
    return db.session.scalar(select(User).filter_by(role=role))


@pytest.fixture
def world(staff_app):
    """Oak House's "Day opportunities" (open, with partners who chose each credit), a closed
    piece and one whose time for ideas is over; "today" is fixed."""
    staff_app.config["TODAY"] = TODAY
    staff_app.config["RATELIMIT_ENABLED"] = False
    with staff_app.app_context():
        manager = _user("manager")
        oak, elm = (db.session.scalar(select(Service).filter_by(slug=s)) for s in ("oak", "elm"))
        work = reg.save_work(manager, title="Day opportunities", kind="plan", service_id=oak.id,
                             summary="How we change day services.",
                             easy_read="We want to make day services better.\nTell us how.")
        for kind, name, credit, organisation in [
                ("organisation", "Riverside People First", "name", None),
                ("person", "Ann Jones", "name", None),
                ("person", "Bob Smith", "organisation", "Carers Together"),
                ("person", "Secret Sam", "none", "Hidden Group")]:
            reg.add_partner(manager, work, kind=kind, name=name, credit=credit,
                            organisation=organisation)
        closed = reg.save_work(manager, title="Old policy", kind="policy", service_id=elm.id)
        closed.status = "closed"
        late = reg.save_work(manager, title="Menus", kind="process", service_id=elm.id)
        late.ideas_until = TODAY - timedelta(days=1)
        db.session.commit()
        ids = {"work": work.id, "code": reg.shown_code(work.public_code),
               "closed": reg.shown_code(closed.public_code),
               "late": reg.shown_code(late.public_code), "elm_work": closed.id}
    return staff_app, ids


def _send(client, code: str, lang: str = "en", **fields) -> tuple[Page, Page]:
    """Open the short link, then send its form with ``fields``; (form page, answer)."""
    form = Page(client.get(f"/w/{code}?lang={lang}"))
    key = re.search(r'name="client_key" type="hidden" value="([^"]+)"', form.html)
    data = {"csrf_token": form.csrf, "client_key": key.group(1), "credit": "none", **fields}
    return form, Page(client.post(f"/w/{code}", data=data))


def _tracking_code(client, code: str, **fields) -> str:
    """Send an idea; the tracking code it got, as shown (K7PQ-4XR9)."""
    _form, sent = _send(client, code, **fields)
    assert sent.status == 303, sent.html[:300]
    return sent.response.headers["Location"].split("/")[2]


def _ideas() -> list[Idea]:
    db.session.rollback()
    return list(db.session.scalars(select(Idea).order_by(Idea.id)))


def test_an_idea_sent_from_the_short_link_gets_a_tracking_code(world):
    app, ids = world
    client = app.test_client()
    form, sent = _send(client, ids["code"], text="A Saturday club", raised_by="Ann Jones",
                       name_agreed="y", credit="name", credit_as="Ann J")
    assert form.status == 200 and form.title.startswith("Send us your idea: Day opportunities")
    assert "How we change day services." in form and 'name="client_key"' in form.html
    assert "data-listen" in form.html and 'id="q-title"' in form.html
    assert sent.status == 303
    with app.app_context():
        idea = _ideas()[-1]
        assert (idea.text, idea.source, idea.language, idea.raised_by, idea.credit,
                idea.credit_as) == ("A Saturday club", "phone", "en", "Ann Jones", "name",
                                    "Ann J")
        code = reg.shown_code(idea.tracking_code)
    assert sent.response.headers["Location"] == f"/t/{code}/sent"
    thanks = Page(client.get(f"/t/{code}/sent"))
    assert thanks.status == 200 and code in thanks and f"http://rk.test/t/{code}" in thanks
    assert f'href="/t/{code}"' in thanks.html
    assert "13 July 2026" in thanks  # the answer promised within 28 days
    # the short link works typed by hand, in small letters and without the dash
    assert client.get(f"/w/{ids['code'].replace('-', '').lower()}").status_code == 200
    assert client.get("/w/ZZZZ-ZZZZ").status_code == 404


def test_easy_read_shows_pictures_and_is_kept_for_the_browser(world):
    app, ids = world
    client = app.test_client()
    easy = Page(client.get(f"/w/{ids['code']}?easy=1"))
    assert 'class="easy-read"' in easy.html and "pictograms/lightbulb.svg" in easy.html
    assert "<li><bdi>We want to make day services better.</bdi></li>" in easy.html
    again = Page(client.get(f"/w/{ids['code']}?lang=cy"))  # the language link keeps it
    assert again.lang == "cy" and 'class="easy-read"' in again.html
    assert "pictograms/person.svg" in again.html  # a picture beside each credit choice
    standard = Page(client.get(f"/w/{ids['code']}?easy=0"))
    assert 'class="easy-read"' not in standard.html and "How we change day services." in standard


def test_a_repeated_submit_stores_one_idea(world):
    app, ids = world
    client = app.test_client()
    form = Page(client.get(f"/w/{ids['code']}"))
    key = re.search(r'name="client_key" type="hidden" value="([^"]+)"', form.html).group(1)
    data = {"csrf_token": form.csrf, "client_key": key, "text": "Cooking", "credit": "none"}
    first = client.post(f"/w/{ids['code']}", data=data)
    second = client.post(f"/w/{ids['code']}", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert len(_ideas()) == 1
    other = Page(client.get(f"/w/{ids['code']}"))  # a new form: a new key
    assert key not in other.html


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(world, lang):
    app, ids = world
    client = app.test_client()
    t = catalogue(lang) if lang != "en" else str  # as the shipped catalogue has it
    _form, empty = _send(client, ids["code"], lang, text="  ", raised_by="Ann Jones",
                         name_agreed="y")
    assert empty.status == 400 and empty.title.startswith(t("Error:"))
    assert empty.lang == lang and 'href="#text"' in empty.html
    assert t("Write your idea here.") in empty and 'value="Ann Jones"' in empty.html
    _form, no_tick = _send(client, ids["code"], lang, text="A garden", raised_by="Ann Jones")
    assert no_tick.status == 400 and 'href="#name_agreed"' in no_tick.html
    assert t("Tick the box if we can keep your name, or leave your name out.") in no_tick
    assert "A garden</textarea>" in no_tick.html
    _form, no_name = _send(client, ids["code"], lang, text="A garden", credit="name")
    assert no_name.status == 400 and 'href="#credit_as"' in no_name.html
    assert t("Write the name to credit, or choose not to be credited.") in no_name
    assert "A garden</textarea>" in no_name.html
    assert 'id="credit-name" value="name" checked' in no_name.html
    forged = client.post(f"/w/{ids['code']}", data={"text": "A garden", "credit": "none"})
    assert forged.status_code == 400 and "A garden</textarea>" in forged.get_data(as_text=True)
    assert 'class="error-summary"' in forged.get_data(as_text=True)
    with app.app_context():
        assert _ideas() == []
    assert Page(client.get(f"/w/{ids['code']}?lang=ur")).dir == "rtl"


def test_a_closed_piece_of_work_says_so_kindly(world):
    app, ids = world
    client = app.test_client()
    closed = Page(client.get(f"/w/{ids['closed']}"))
    assert closed.status == 200 and "Not taking new ideas just now" in closed
    assert "Thank you for wanting to help." in closed and "<textarea" not in closed.html
    late = Page(client.get(f"/w/{ids['late']}"))
    assert "We took ideas for this until 14 June 2026." in late
    token = Page(client.get(f"/w/{ids['code']}")).csrf
    posted = client.post(f"/w/{ids['late']}", data={"csrf_token": token, "text": "Soup",
                                                   "credit": "none"})
    assert posted.status_code == 409
    with app.app_context():
        assert _ideas() == []


def test_following_an_idea_by_its_code(world):
    app, ids = world
    client = app.test_client()
    code = _tracking_code(client, ids["code"], text="A Saturday club", raised_by="Ann Jones",
                          name_agreed="y")
    ask = Page(client.get("/t"))
    assert ask.status == 200 and 'id="code"' in ask.html
    found = client.post("/t", data={"csrf_token": ask.csrf, "code": code.lower()})
    assert found.status_code == 303 and found.headers["Location"] == f"/t/{code}"
    wrong = Page(client.post("/t", data={"csrf_token": ask.csrf, "code": "ZZZZ-ZZZ2"}))
    assert wrong.status == 400 and "We could not find an idea with that code" in wrong
    assert 'value="ZZZZ-ZZZ2"' in wrong.html
    missing = Page(client.get("/t/ZZZZ-ZZZ2"))
    assert missing.status == 404 and "We could not find an idea with that code" in missing
    assert client.get("/t/ZZZZ-ZZZ2/sent").status_code == 404

    waiting = Page(client.get(f"/t/{code}"))
    assert waiting.status == 200 and "A Saturday club" in waiting and "15 June 2026" in waiting
    assert "We have not answered yet." in waiting and "13 July 2026" in waiting
    assert "Ann Jones" not in waiting and "We will not show your name." in waiting


def test_the_tracking_page_shows_the_dated_answer_and_the_actions(world):
    app, ids = world
    client = app.test_client()
    code = _tracking_code(client, ids["code"], text="A bus at weekends", credit="name",
                          credit_as="Jo")
    with app.app_context():
        manager, idea = _user("manager"), reg.find_idea(code)
        reg.answer_idea(manager, idea, decision="not_yet", reason="We are asking the bus company",
                        decide_by=date(2026, 8, 1), today=date(2026, 6, 20))
    page = Page(client.get(f"/t/{code}"))
    for text in ("Not decided yet", "Answered on 20 June 2026", "We are asking the bus company",
                 "To be decided by 1 August 2026.", "We will thank you as: <bdi>Jo</bdi>"):
        assert text in page, text
    with app.app_context():
        idea = reg.find_idea(code)
        reg.answer_idea(_user("manager"), idea, decision="included", today=date(2026, 7, 1))
        plans.create_action(_user("manager"), None, work=idea.work, idea_id=idea.id,
                            change="Ask for a Saturday bus", owner="Transport lead",
                            starts_on=date(2026, 7, 1), due_on=date(2026, 9, 30),
                            status="in_progress")
    page = Page(client.get(f"/t/{code}?easy=1"))
    for text in ("Yes, we will do it", "Answered on 1 July 2026", "Earlier answers",
                 "Ask for a Saturday bus", "Started", "To finish by 30 September 2026."):
        assert text in page, text
    assert "Transport lead" not in page and "Manager" not in page
    assert "pictograms/yes.svg" in page.html and "pictograms/tools.svg" in page.html


def tell_back(manager, work, ideas, *, included: int, refused: int, change: str) -> None:
    """Answer the first ``included`` ideas "included" and the next ``refused`` "not included"
    (it costs too much); an action from the first is done (on 20 May 2026, "We opened on
    Saturdays."), one from the second, ``change``, is started. For the browser tests too."""
    for idea in ideas[:included]:
        reg.answer_idea(manager, idea, decision="included", today=TODAY - timedelta(days=20))
    for idea in ideas[included:included + refused]:
        reg.answer_idea(manager, idea, decision="not_included", reason="It costs too much",
                        today=TODAY - timedelta(days=10))
    done = plans.create_action(manager, None, work=work, idea_id=ideas[0].id,
                               change="Open on Saturdays", owner="Transport lead",
                               due_on=TODAY, status="done",
                               public_sentence="We opened on Saturdays.")
    done.done_at = datetime(2026, 5, 20, 12, tzinfo=UTC)
    plans.create_action(manager, None, work=work, idea_id=ideas[1].id, change=change,
                        owner="Transport lead", starts_on=TODAY,
                        due_on=TODAY + timedelta(days=60), status="in_progress")
    db.session.commit()


def _public_world(app, ids) -> str:
    """Ideas in every state on the open piece (credits chosen by some), actions done, in
    progress and refused; returns the organisation's slug."""
    with app.app_context():
        manager, work = _user("manager"), db.session.get(Work, ids["work"])
        made = []
        for i in range(12):
            credit = ("name", "Lee Park") if i == 0 else ("organisation", "Oak Friends") \
                if i == 1 else ("none", "Hidden Name")
            made.append(reg.raise_idea(work, f"Idea number {i} from Ann Jones (raised)",
                                       source="phone", today=TODAY - timedelta(days=30),
                                       raised_by="Ann Jones (raised)", name_agreed=True,
                                       credit=credit[0], credit_as=credit[1]))
        tell_back(manager, work, made, included=6, refused=2, change="A new minibus")
        db.session.commit()
        return db.session.scalar(select(Organisation.slug))


def test_you_said_we_did_credits_exactly_the_partners_who_agreed(world):
    app, ids = world
    slug = _public_world(app, ids)
    with app.app_context():  # an idea from a person's review: never its words in public
        review = reg.raise_idea(db.session.get(Work, ids["work"]), "Priya said the van is late",
                                source="statement", today=TODAY)
        reg.answer_idea(_user("manager"), review, decision="not_included", reason="No van",
                        today=TODAY)
    client = app.test_client()
    for url in (f"/o/{slug}/you-said-we-did", f"/o/{slug}/you-said-we-did/{ids['code']}"):
        page = Page(client.get(url))
        assert "An idea from a person's review" in page and "van is late" not in page
        assert page.status == 200 and page.title.startswith("You said, we did"), url
        credits = re.findall(r"<li><bdi>([^<]+)</bdi></li>", page.html.split('link-text credits"',
                                                                  1)[1].split("</ul>")[0])
        assert credits == ["Riverside People First", "Ann Jones", "Carers Together"], url
        assert "Lee Park" in page and "Oak Friends" in page  # sent ideas, asked to be thanked
        for secret in (*NOBODY, "Hidden Group", "Hidden Name"):
            assert secret not in page, (url, secret)
        assert "We opened on Saturdays." in page and "<h2>May 2026</h2>" in page.html
        assert "A new minibus" in page and "It costs too much" in page
        assert "Idea number 6 from [name]" in page  # what people said, names masked


def test_small_counts_are_suppressed(world):
    app, ids = world
    slug = _public_world(app, ids)  # 12 ideas: 6 included, 2 not included, 4 waiting

    def said(url: str) -> str:
        html = Page(app.test_client().get(url)).html
        return html.split("What you told us", 1)[1].split("</ul>", 1)[0]

    for url in (f"/o/{slug}/you-said-we-did", f"/o/{slug}/you-said-we-did/{ids['code']}"):
        counts = said(url)
        assert "No, we will not do it: fewer than 5" in counts, url
        assert "Waiting for an answer: fewer than 5" in counts
        assert "Yes, we will do it: 6" in counts and not re.search(r"\b[1-4]\b", counts)
        # the total cannot give the hidden counts away: at least 6 + 1 + 1
        assert "People sent us at least 8 ideas." in counts and "12" not in counts
    with app.app_context():  # one more waiting (5): only the 2 is hidden
        reg.raise_idea(db.session.get(Work, ids["work"]), "One more", source="phone",
                       today=TODAY)
    counts = said(f"/o/{slug}/you-said-we-did/{ids['code']}")
    assert "Waiting for an answer: 5" in counts and "No, we will not do it: fewer than 5" in counts
    assert "People sent us at least 12 ideas." in counts
    with app.app_context():
        for idea in db.session.scalars(select(Idea).where(Idea.decision.is_(None))):
            reg.answer_idea(_user("manager"), idea, decision="included", today=TODAY)
        for idea in db.session.scalars(select(Idea).filter_by(decision="not_included")):
            reg.answer_idea(_user("manager"), idea, decision="included", today=TODAY)
    counts = said(f"/o/{slug}/you-said-we-did/{ids['code']}")
    assert "People sent us 13 ideas." in counts and "fewer than 5" not in counts



def test_the_pdfs_credit_the_partners_and_nothing_personal(world):
    app, ids = world
    slug = _public_world(app, ids)
    client = app.test_client()
    for url in (f"/o/{slug}/you-said-we-did.pdf", f"/o/{slug}/you-said-we-did/{ids['code']}.pdf",
                f"/o/{slug}/you-said-we-did.pdf?easy=1&lang=cy"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url
        text = pdf_text(response.data)
        for name in ("Riverside People First", "Ann Jones", "Carers Together", "Lee Park"):
            assert name in text, (url, name)
        for secret in (*NOBODY, "Hidden Group", "Hidden Name"):
            assert secret not in text, (url, secret)
        with app.test_request_context(), force_locale("cy" if "lang=cy" in url else "en"):
            fewer = gettext("fewer than 5")  # in the page's language (Welsh: "llai na 5")
        assert "We opened on Saturdays." in text and fewer in text, url
    assert client.get(f"/o/{slug}/you-said-we-did/ZZZZ-ZZZZ.pdf").status_code == 404


def test_the_period_and_one_piece_of_work_of_another_organisation(world):
    app, ids = world
    slug = _public_world(app, ids)
    client = app.test_client()
    before = Page(client.get(f"/o/{slug}/you-said-we-did?from=2025-Q1&to=2025-Q4"))
    assert before.status == 200 and "We opened on Saturdays." not in before
    assert "People sent us 0 ideas." in before and 'value="2025-Q1"' in before.html
    bad = Page(client.get(f"/o/{slug}/you-said-we-did?from=soon"))
    assert bad.status == 400 and "Write a date like 2026-03-31" in bad
    assert 'value="soon"' in bad.html
    with app.app_context():
        other = Organisation(name="Other", slug="other-org")
        db.session.add(other)
        db.session.commit()
    assert client.get(f"/o/other-org/you-said-we-did/{ids['code']}").status_code == 404
    rtl = Page(client.get(f"/o/{slug}/you-said-we-did/{ids['code']}?lang=ar&easy=1"))
    assert rtl.lang == "ar" and rtl.dir == "rtl" and "pictograms/heart.svg" in rtl.html


def _weight(client, url: str) -> int:
    """Gzip bytes of the page and the CSS and JS it links (each file on its own)."""
    response = client.get(url)
    assert response.status_code in (200, 400, 404), url
    html = response.data
    total = len(gzip.compress(html, compresslevel=6, mtime=0))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        total += len(gzip.compress(client.get(asset.decode()).data, compresslevel=6, mtime=0))
    return total


def test_every_public_page_fits_the_weight_budget(world):
    app, ids = world
    slug = _public_world(app, ids)
    with app.app_context():  # a busy year: many long sentences
        work = db.session.get(Work, ids["work"])
        for i in range(80):
            action = PlanAction(organisation_id=work.organisation_id, work_id=work.id,
                                change=f"Change {i}: " + "a longer sentence about it " * 4,
                                owner="Team", due_on=TODAY + timedelta(days=i),
                                status="done" if i % 2 else "in_progress",
                                public_sentence=f"We did thing {i}, " + "and it helped " * 6,
                                theme_label=f"Theme {i % 20}", moved_on=TODAY,
                                done_at=datetime(2026, 1 + i % 5, 3, tzinfo=UTC) if i % 2
                                else None)
            db.session.add(action)
        db.session.commit()
        code = reg.shown_code(db.session.scalar(select(Idea.tracking_code).limit(1)))
        assert db.session.scalar(select(func.count()).select_from(PlanAction)) > 80
    client = app.test_client()
    sizes = {}
    for easy in ("0", "1"):
        for path in (f"/w/{ids['code']}", f"/w/{ids['closed']}", f"/t/{code}", "/t",
                     f"/t/{code}/sent", "/t/ZZZZ-ZZZZ", f"/o/{slug}/you-said-we-did",
                     f"/o/{slug}/you-said-we-did/{ids['code']}"):
            sizes[f"{path}?easy={easy}"] = _weight(client, f"{path}?easy={easy}&lang=ur")
    heavy = {url: n for url, n in sizes.items() if n > BUDGET}
    assert not heavy, heavy


def test_the_poster_is_for_staff_of_the_work(world):
    app, ids = world
    for role, status in (("manager", 200), ("facilitator", 200), ("translator", 403)):
        client = app.test_client()
        sign_in(client, role)
        response = client.get(f"/staff/register/{ids['work']}/poster.pdf?lang=cy")
        assert response.status_code == status, role
        if status == 200:
            text = pdf_text(response.data)
            assert "Day opportunities" in text and f"http://rk.test/w/{ids['code']}" in text
            info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True,
                                  check=True).stdout.decode()
            assert re.search(r"^Pages:\s+1$", info, re.M), "the poster is one A4 page"
    manager = app.test_client()
    sign_in(manager, "manager")
    for lang in ("ur", "ar", "pa"):
        response = manager.get(f"/staff/register/{ids['work']}/poster.pdf?lang={lang}")
        info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True,
                              check=True).stdout.decode()
        assert re.search(r"^Pages:\s+1$", info, re.M), lang
    facilitator = app.test_client()
    sign_in(facilitator, "facilitator")  # works at Oak House only
    assert facilitator.get(f"/staff/register/{ids['elm_work']}/poster.pdf").status_code == 404
    assert app.test_client().get(f"/staff/register/{ids['work']}/poster.pdf").status_code == 302


@pytest.mark.parametrize("lang", ["cy", "ur"])
def test_the_works_own_words_are_marked_english_inside_a_welsh_or_urdu_page(world, lang):
    """The title and summary staff typed (in English: a piece of work has no translation)
    showed inside Welsh and Urdu pages with no ``lang``: a screen reader read them as Welsh
    or Urdu. Each is marked ``lang="en"``, its direction left to the text (dir="auto" or
    <bdi>); an English page leaves them unmarked."""
    app, ids = world
    client = app.test_client()
    for easy in ("0", "1"):
        page = Page(client.get(f"/w/{ids['code']}?lang={lang}&easy={easy}"))
        assert page.lang == lang
        assert re.search(r'<h1 lang="en" dir="auto">Day opportunities</h1>', page.html)
        if easy == "0":
            assert '<p lang="en" dir="auto">How we change day services.</p>' in page.html
        else:
            assert '<li><bdi lang="en">Tell us how.</bdi></li>' in page.html
    closed = Page(client.get(f"/w/{ids['closed']}?lang={lang}"))
    assert '<h1 lang="en" dir="auto">Old policy</h1>' in closed.html
    english = Page(client.get(f"/w/{ids['code']}?lang=en&easy=0"))
    assert '<p dir="auto">How we change day services.</p>' in english.html
    assert 'lang="en" dir="auto"' not in english.html


@pytest.mark.parametrize("lang", ["cy", "ur"])
def test_the_works_title_is_marked_english_on_every_public_page(world, lang):
    """The work's title (and summary) staff typed showed with no ``lang`` in the tracking
    page's "For" row, the thank-you page, "you said, we did" and the poster: a screen reader
    read them as Welsh or Urdu. They are marked as the idea page's heading is (the same
    ``staff_lang`` macro), isolated (dir="auto" or <bdi>); an English page leaves them bare."""
    app, ids = world
    slug = _public_world(app, ids)
    client = app.test_client()
    code = _tracking_code(client, ids["code"], text="A Saturday club")
    title = "Day opportunities"
    tracking = Page(client.get(f"/t/{code}?lang={lang}"))
    assert f'<bdi lang="en">{title}</bdi></a></dd>' in tracking.html
    sent = Page(client.get(f"/t/{code}/sent?lang={lang}"))
    assert f'<bdi lang="en">{title}</bdi>' in sent.html
    one = Page(client.get(f"/o/{slug}/you-said-we-did/{ids['code']}?lang={lang}"))
    assert f'<p lang="en" dir="auto"><strong>{title}</strong></p>' in one.html
    assert '<p lang="en" dir="auto">How we change day services.</p>' in one.html
    many = Page(client.get(f"/o/{slug}/you-said-we-did?lang={lang}"))
    assert f'<bdi lang="en">{title}</bdi></a></li>' in many.html
    if shutil.which("pdftotext"):  # the real poster: the title and summary as typed
        manager = app.test_client()
        sign_in(manager, "manager")
        pdf = manager.get(f"/staff/register/{ids['work']}/poster.pdf?lang={lang}").data
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        # pdftotext wraps right-to-left runs in direction marks of its own
        text = " ".join(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).split())
        assert title in text and "We want to make day services better." in text
    english = client.get(f"/t/{code}/sent?lang=en").data.decode()
    assert f"<bdi>{title}</bdi>" in english
    english = client.get(f"/o/{slug}/you-said-we-did/{ids['code']}?lang=en").data.decode()
    assert f'<p dir="auto"><strong>{title}</strong></p>' in english


def test_public_pages_of_the_organisation_offer_only_the_languages_it_offers(world):
    """Its settings say which languages people can choose "on their phones and at events":
    sending and following an idea and "you said, we did" offered all seven; a language it
    does not offer, asked for, gives the page in one it does, saying so."""
    app, ids = world
    with app.app_context():
        db.session.scalar(select(Organisation)).languages = ["en", "cy"]
        db.session.commit()
        slug = db.session.scalar(select(Organisation.slug))
    client = app.test_client()
    tracked = _tracking_code(client, ids["code"], text="A garden club")
    for url in (f"/w/{ids['code']}", f"/t/{tracked}", f"/t/{tracked}/sent",
                f"/o/{slug}/you-said-we-did", f"/o/{slug}/you-said-we-did/{ids['code']}"):
        assert Page(client.get(url)).languages == ["en", "cy"], url
        polish = Page(app.test_client().get(f"{url}?lang=pl"))
        assert polish.lang == "en" and "we do not have that language yet" in polish, url
    assert Page(client.get("/t")).languages == ["en", "cy", "pl", "ur", "pa", "ar", "ro"]
