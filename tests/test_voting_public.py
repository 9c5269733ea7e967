"""Voting at a local event, over HTTP with no account, on a real database: a phone's cookie
keeps one ballot per phone, which it can change while voting is open; a repeated submit counts
once; voting closed (or not open yet) says so and changes nothing; an unknown item, too many
dots, a forged form or a used card get a clear message in the page's language with the choices
kept; ranking; the projector page and its JSON (304 while nothing changed); the staff poster and
code cards (read with pdftotext); right to left, and every voting page within the budget."""

from __future__ import annotations

import gzip
import re
import subprocess
from datetime import UTC, datetime

import pytest
from browser.browsing import catalogue
from conftest import Page, pdf_text, sign_in
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import Ballot, Event, Service, User, Vote
from reviewkit.services import events as ev

WHEN = datetime(2026, 6, 20, 10, 30, tzinfo=UTC)
BUDGET = 14_950  # 14.6 KB: one round trip on a slow phone network (tests/browser/browsing.py)
ITEMS = [("Transport", "Buses and lifts to where we want to go.", "place"),
         ("Cooking", "Learn to cook our own food.", "tea"),
         ("Holidays", None, None), ("Work", "Help to find a job.", "tools")]


def _user(role: str) -> User:
    return db.session.scalar(select(User).filter_by(role=role))


def _make_event(service: str = "oak", *, open_: bool = True, **fields) -> dict:
    """An event at ``service`` with four items (Cooking translated into Welsh), open unless
    asked; returns its id, shown code and item ids by label."""
    admin = _user("admin")
    oak = db.session.scalar(select(Service).filter_by(slug=service))
    event = ev.save_event(admin, name=f"{oak.name} big day", starts_at=WHEN,
                          place="The hall", service_id=oak.id, languages=["en", "cy", "ur"],
                          **fields)
    for label, easy, picture in ITEMS:
        item = ev.add_item(admin, event, label=label, easy_read=easy, picture=picture)
        if label == "Cooking":
            ev.change_item(admin, item, label=label, easy_read=easy, picture=picture,
                           translations={"cy": {"label": "Coginio",
                                                "easy_read": "Dysgu coginio."}})
    if open_:
        ev.set_voting(admin, event, "open")
    return {"id": event.id, "code": ev.public_code(event),
            "items": {i.label: i.id for i in event.items}}


@pytest.fixture
def world(staff_app):
    staff_app.config["RATELIMIT_ENABLED"] = False
    with staff_app.app_context():
        dots = _make_event(dots=3, several_on_one=True)
        single = _make_event(dots=2, several_on_one=False)
        rank = _make_event(method="rank")
        draft = _make_event(open_=False)
        elm = _make_event("elm")
        coded = _make_event(codes_required=True)
    return staff_app, {"dots": dots, "single": single, "rank": rank, "draft": draft,
                       "elm": elm, "coded": coded}


def _form(client, code: str, lang: str = "en", query: str = "") -> tuple[Page, dict]:
    page = Page(client.get(f"/v/{code}?lang={lang}{query}"))
    key = re.search(r'name="submit_key" type="hidden" value="([^"]+)"', page.html).group(1)
    return page, {"csrf_token": page.csrf, "submit_key": key}


def _vote(client, event: dict, lang: str = "en", **choices) -> Page:
    """Open the voting page, then send it with ``choices`` (posted field: value)."""
    _page, data = _form(client, event["code"], lang)
    return Page(client.post(f"/v/{event['code']}", data={**data, **choices}))


def _votes(event_id: int) -> list[dict[int, int]]:
    """Each ballot of the event as {item id: dots or rank}."""
    db.session.rollback()
    out = []
    for ballot in db.session.scalars(select(Ballot).filter_by(event_id=event_id)
                                     .order_by(Ballot.id)):
        out.append({v.item_id: v.dots or v.rank for v in ballot.votes})
    return out


def test_a_phone_keeps_one_ballot_and_changes_it_until_voting_closes(world):
    app, ids = world
    event, items = ids["dots"], ids["dots"]["items"]
    phone = app.test_client()
    page, data = _form(phone, event["code"])
    assert page.status == 200 and page.title == "Vote: Oak House big day – reviewkit"
    cookie = page.response.headers.getlist("Set-Cookie")
    mine = [c for c in cookie if c.startswith("rkv-")]
    assert len(mine) == 1 and "HttpOnly" in mine[0] and "SameSite=Lax" in mine[0]
    assert "Max-Age=" in mine[0] and "Secure" not in mine[0]
    assert "You have 3 dots left." in page and "You can change your vote until voting " \
        "closes." in page and "data-listen" in page.html and 'id="q-title"' in page.html
    sent = phone.post(f"/v/{event['code']}", data={**data, f"dots-{items['Transport']}": "2",
                                                     f"dots-{items['Work']}": "1"})
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/v/{event['code']}/thanks"
    thanks = Page(phone.get(sent.headers["Location"]))
    assert thanks.status == 200 and "Thank you for voting" in thanks
    assert re.search(r"Transport</strong></span> <span [^>]*>2 dots", thanks.html)
    assert "Work</strong>" in thanks.html and "Cooking" not in thanks.html
    assert "You can change your vote until voting closes." in thanks
    with app.app_context():
        assert _votes(event["id"]) == [{items["Transport"]: 2, items["Work"]: 1}]
        ballot = db.session.scalar(select(Ballot))
        assert (ballot.language, ballot.easy_read, ballot.channel) == ("en", False, "phone")

    again = Page(phone.get(f"/v/{event['code']}"))  # the choices shown, to change
    assert "You have voted. Your choices are below." in again and "Change my vote" in again
    assert "You have 0 dots left." in again
    assert not [c for c in again.response.headers.getlist("Set-Cookie") if c.startswith("rkv")]
    select_ = re.search(rf'<select id="dots-{items["Transport"]}".*?</select>', again.html, re.S)
    assert '<option value="2" selected>' in select_.group(0)
    changed = _vote(phone, event, **{f"dots-{items['Cooking']}": "3"})
    assert changed.status == 303
    other = _vote(app.test_client(), event, "cy", **{f"dots-{items['Cooking']}": "1"})
    assert other.status == 303
    with app.app_context():
        assert _votes(event["id"]) == [{items["Cooking"]: 3}, {items["Cooking"]: 1}]
        assert db.session.scalar(select(func.count(Ballot.id))) == 2
        assert db.session.scalars(select(Ballot.language).order_by(Ballot.id)).all() == [
            "en", "cy"]
        ev.set_voting(_user("admin"), db.session.get(Event, event["id"]), "closed")

    closed = Page(phone.get(f"/v/{event['code']}"))
    assert closed.status == 200 and "Voting has closed" in closed and "<select" not in closed.html
    refused = phone.post(f"/v/{event['code']}", data={
        **data, f"dots-{items['Work']}": "1", "submit_key": "late"})
    assert refused.status_code == 409 and "Your vote was not counted." in Page(refused)
    with app.app_context():
        assert _votes(event["id"]) == [{items["Cooking"]: 3}, {items["Cooking"]: 1}]
    assert phone.get(f"/v/{event['code']}/thanks").status_code == 200  # still shows it
    assert app.test_client().get(f"/v/{event['code']}/thanks").status_code == 302
    assert phone.get("/v/ZZZZ-ZZZZ").status_code == 404
    assert phone.get(f"/v/{event['code'].replace('-', '').lower()}").status_code == 200


def test_a_repeated_submit_counts_once(world):
    app, ids = world
    event, items = ids["dots"], ids["dots"]["items"]
    phone = app.test_client()
    _page, data = _form(phone, event["code"])
    first = phone.post(f"/v/{event['code']}", data={**data, f"dots-{items['Work']}": "1"})
    second = phone.post(f"/v/{event['code']}", data={**data, f"dots-{items['Work']}": "1"})
    late = phone.post(f"/v/{event['code']}", data={**data, f"dots-{items['Holidays']}": "3"})
    assert first.status_code == second.status_code == late.status_code == 303
    with app.app_context():
        assert _votes(event["id"]) == [{items["Work"]: 1}]  # the same submit: once
    other = Page(phone.get(f"/v/{event['code']}"))  # a new form: a new key
    assert data["submit_key"] not in other.html


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_bad_votes_get_a_clear_message_keep_the_choices_and_change_nothing(world, lang):
    app, ids = world
    event, items = ids["dots"], ids["dots"]["items"]
    t = catalogue(lang) if lang != "en" else (  # as the shipped catalogue has it
        lambda msgid, plural=None, n=None: plural if plural and n != 1 else msgid)
    phone = app.test_client()
    assert _vote(phone, event, lang, **{f"dots-{items['Work']}": "1"}).status == 303
    cases = [  # (posted choices, message)
        ({f"dots-{items['Transport']}": "2", f"dots-{items['Cooking']}": "2"},
         t("You have only %(num)d dot: take some off.",
           "You have only %(num)d dots: take some off.", 3) % {"num": 3}),
        ({f"dots-{items['Transport']}": "1", "dots-999999": "1"}, t("Choose from the list.")),
        ({f"dots-{items['Transport']}": "1", "dots-abc": "1"}, t("Choose from the list.")),
        ({f"dots-{items['Transport']}": "one"}, t("Choose from the list.")),
        ({f"dots-{items['Transport']}": "0"}, t("Put at least one dot on something."))]
    for choices, message in cases:
        refused = _vote(phone, event, lang, **choices)
        assert refused.status == 400, choices
        assert refused.lang == lang and refused.title.startswith(t("Error:"))
        assert 'class="error-summary"' in refused.html and message in refused, (choices, message)
        assert f'href="#dots-{items["Transport"]}"' in refused.html
        chose = choices.get(f"dots-{items['Transport']}")
        if chose in ("1", "2"):  # what they chose, kept
            kept = re.search(rf'<select id="dots-{items["Transport"]}".*?</select>',
                             refused.html, re.S).group(0)
            assert f'<option value="{chose}" selected>' in kept
    forged = Page(phone.post(f"/v/{event['code']}?lang={lang}",
                             data={f"dots-{items['Transport']}": "1"}))  # no CSRF token
    assert forged.status == 400 and 'class="error-summary"' in forged.html
    assert '<option value="1" selected>' in forged.html
    with app.app_context():
        assert _votes(event["id"]) == [{items["Work"]: 1}]  # unchanged
    if lang == "ur":
        assert forged.dir == "rtl"


def test_one_dot_on_each_thing_and_ranking(world):
    app, ids = world
    single, rank = ids["single"], ids["rank"]
    phone = app.test_client()
    page, _data = _form(phone, single["code"])
    assert f'type="checkbox" name="dots-{single["items"]["Work"]}"' in page.html
    assert "You can put one dot on each thing." in page and "You have 2 dots left." in page
    two = _vote(phone, single, **{f"dots-{single['items']['Work']}": "2"})
    assert two.status == 400 and "Put one dot on each thing you choose." in two
    assert _vote(phone, single, **{f"dots-{single['items']['Work']}": "1",
                                   f"dots-{single['items']['Cooking']}": "1"}).status == 303
    again = Page(phone.get(f"/v/{single['code']}"))
    assert f'id="dots-{single["items"]["Work"]}" value="1" checked' in again.html

    r = rank["items"]
    page, _data = _form(phone, rank["code"])
    assert "First choice" in page and 'name="rank-3"' in page.html
    twice = _vote(phone, rank, **{"rank-1": str(r["Work"]), "rank-2": str(r["Work"])})
    assert twice.status == 400 and "Choose something different for each place." in twice
    first_kept = re.search(r'<select id="rank-1".*?</select>', twice.html, re.S).group(0)
    assert f'<option value="{r["Work"]}" selected>' in first_kept
    no_first = _vote(phone, rank, **{"rank-2": str(r["Work"])})
    assert no_first.status == 400 and "Choose your first choice at least." in no_first
    ok = _vote(phone, rank, **{"rank-1": str(r["Cooking"]), "rank-2": str(r["Work"])})
    assert ok.status == 303
    thanks = Page(phone.get(f"/v/{rank['code']}/thanks"))
    assert re.search(r"First choice:</span> <span[^>]*><strong>Cooking", thanks.html)
    assert re.search(r"Second choice:</span> <span[^>]*><strong>Work", thanks.html)
    with app.app_context():
        assert _votes(rank["id"]) == [{r["Cooking"]: 1, r["Work"]: 2}]


def test_single_use_codes_from_the_card(world):
    app, ids = world
    event, items = ids["coded"], ids["coded"]["items"]
    with app.app_context():
        one, two = (c.code for c in ev.make_codes(_user("admin"),
                                                  db.session.get(Event, event["id"]), 2))
    phone = app.test_client()
    page, data = _form(phone, event["code"], query=f"&code={one.lower()}")  # from the QR
    shown = f"{one[:4]}-{one[4:]}"
    assert f'value="{shown}"' in page.html and 'id="code-hint"' in page.html
    page, data = _form(phone, event["code"], "cy")  # the language link keeps the code
    assert f'value="{shown}"' in page.html
    missing = Page(phone.post(f"/v/{event['code']}", data={
        **data, "code": "", f"dots-{items['Work']}": "1"}))
    assert missing.status == 400 and 'href="#code"' in missing.html
    assert 'aria-describedby="code-hint code-error"' in missing.html
    assert phone.post(f"/v/{event['code']}", data={
        **data, "code": shown, f"dots-{items['Work']}": "1"}).status_code == 303
    other = app.test_client()  # another phone with the same card
    reused = _vote(other, event, code=one, **{f"dots-{items['Cooking']}": "1"})
    assert reused.status == 400
    assert "This code has been used already. Ask for a new card." in reused
    assert f'value="{one}"' in reused.html and '<option value="1" selected>' in reused.html
    assert _vote(other, event, code=two, **{f"dots-{items['Cooking']}": "1"}).status == 303
    again = Page(phone.get(f"/v/{event['code']}"))  # its own card, to change its vote
    assert f'value="{shown}"' in again.html
    with app.app_context():
        assert _votes(event["id"]) == [{items["Work"]: 1}, {items["Cooking"]: 1}]


def test_words_in_the_page_language_easy_read_and_right_to_left(world):
    app, ids = world
    event = ids["dots"]
    phone = app.test_client()
    cy = Page(phone.get(f"/v/{event['code']}?lang=cy&easy=1"))
    assert cy.lang == "cy" and 'class="easy-read"' in cy.html
    assert "<strong>Coginio</strong><span class=\"item-easy\">Dysgu coginio.</span>" in cy.html
    assert re.search(r'<span class="item-words" data-say lang="en" dir="ltr"><strong>Transport'
                     r'</strong><span class="item-easy">Buses and lifts', cy.html)
    for picture in ("place", "tea", "tools", "star"):  # an item with no picture: a star
        assert f"pictograms/{picture}.svg" in cy.html
    ur = Page(phone.get(f"/v/{event['code']}?lang=ur"))  # easy read kept for the browser
    assert ur.dir == "rtl" and 'class="easy-read"' in ur.html
    assert 'lang="en" dir="ltr"><strong>Cooking' in ur.html  # not in Urdu yet
    assert 'lang="en"' not in Page(phone.get(f"/v/{event['code']}?lang=en")).html.split(
        "<main")[1].split("</main>")[0]  # nothing to mark on an English page
    standard = Page(phone.get(f"/v/{event['code']}?easy=0&lang=en"))
    assert "item-easy" not in standard.html and "pictograms/tea.svg" not in standard.html
    draft = Page(phone.get(f"/v/{ids['draft']['code']}"))
    assert draft.status == 200 and "Voting has not started yet" in draft
    assert "Transport" not in draft and "<form" not in draft.html
    token = _form(phone, event["code"])[1]["csrf_token"]
    posted = phone.post(f"/v/{ids['draft']['code']}", data={
        "csrf_token": token, f"dots-{ids['draft']['items']['Work']}": "1"})
    assert posted.status_code == 409
    with app.app_context():
        assert _votes(ids["draft"]["id"]) == []
    secure = app.test_client()
    page = secure.get(f"https://rk.test/v/{event['code']}")
    assert "Secure" in next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("rkv"))


def test_the_projector_page_and_its_numbers(world):
    app, ids = world
    event, items = ids["dots"], ids["dots"]["items"]
    room = app.test_client()
    live = Page(room.get(f"/v/{event['code']}/live?lang=cy"))
    assert live.status == 200 and live.lang == "cy"
    assert live.response.headers["Refresh"] == "5"  # refreshes itself without JavaScript
    assert re.search(r'<noscript><p><a href="[^"]*still=1', live.html)  # to turn it off
    assert "http-equiv" not in live.html
    assert 'class="qr-code"' in live.html and f"rk.test/v/{event['code']}" in live.html
    assert "Coginio" in live and "Cooking" not in live
    english = Page(room.get(f"/v/{event['code']}/live?lang=en"))
    assert "0 people have voted." in english and "0 dots" in english and "Cooking" in english
    assert f'data-live="/v/{event["code"]}/live.json?l=cy"' in live.html
    still = Page(room.get(f"/v/{event['code']}/live?still=1"))
    assert "Refresh" not in still.response.headers and "<noscript>" not in still.html

    url = f"/v/{event['code']}/live.json?l=en"
    first = room.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    tag = first.headers["ETag"]
    assert first.json["voted"] == "0 people have voted."
    assert [i["id"] for i in first.json["items"]] == list(items.values())
    same = room.get(url, headers={"If-None-Match": tag})
    assert same.status_code == 304 and same.data == b""
    for n in range(2):
        assert _vote(app.test_client(), event, **{f"dots-{items['Work']}": "2",
                                                  f"dots-{items['Holidays']}": str(n)}
                     ).status == 303
    changed = room.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    by_id = {i["id"]: i for i in changed.json["items"]}
    assert changed.json["voted"] == "2 people have voted."
    assert (by_id[items["Work"]]["total"], by_id[items["Work"]]["words"],
            by_id[items["Work"]]["width"]) == (4, "4 dots", 100)
    assert (by_id[items["Holidays"]]["words"], by_id[items["Holidays"]]["width"]) == (
        "1 dot", 25)
    with app.app_context():  # paper votes show too
        admin, row = _user("admin"), db.session.get(Event, event["id"])
        ev.add_tally(admin, row, {(items["Cooking"], None): 7})
    paper = room.get(url, headers={"If-None-Match": changed.headers["ETag"]})
    assert paper.status_code == 200 and "And 1 paper voting sheet." in paper.json["voted"]
    assert {i["id"]: i["total"] for i in paper.json["items"]}[items["Cooking"]] == 7
    assert room.get(f"/v/{event['code']}/live.json?l=cy").headers["ETag"] != \
        paper.headers["ETag"]  # the words differ by language
    assert room.get(f"/v/{ids['draft']['code']}/live").status_code == 404
    assert room.get(f"/v/{ids['draft']['code']}/live.json").status_code == 404
    assert room.get("/v/ZZZZ-ZZZZ/live.json").status_code == 404
    with app.app_context():
        ev.set_voting(_user("admin"), db.session.get(Event, event["id"]), "closed")
    closed = Page(room.get(f"/v/{event['code']}/live?lang=en"))
    assert closed.status == 200 and "Voting has closed." in closed
    assert "Refresh" not in closed.response.headers and "qr-code" not in closed.html
    assert room.get(url, headers={"If-None-Match": paper.headers["ETag"]}).json["state"] == \
        "closed"



def _pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))


def test_the_poster_and_the_code_cards_are_for_staff_of_the_event(world):
    app, ids = world
    event, elm = ids["coded"], ids["elm"]
    with app.app_context():
        codes = [c.code for c in ev.make_codes(_user("admin"),
                                               db.session.get(Event, event["id"]), 10)]
    used = _vote(app.test_client(), event, code=codes[0],
                 **{f"dots-{event['items']['Work']}": "1"})
    assert used.status == 303
    for role, status in (("manager", 200), ("facilitator", 200), ("admin", 200),
                         ("translator", 403)):
        client = app.test_client()
        sign_in(client, role)
        poster = client.get(f"/staff/events/{event['id']}/poster.pdf")
        cards = client.get(f"/staff/events/{event['id']}/cards.pdf")
        assert poster.status_code == cards.status_code == status, role
        if status != 200:
            continue
        text = pdf_text(poster.data)
        assert "Oak House big day" in text and f"http://rk.test/v/{event['code']}" in text
        assert "You can change your vote until voting closes." in text and _pages(
            poster.data) == 1
        text = pdf_text(cards.data)
        shown = [f"{c[:4]}-{c[4:]}" for c in codes]
        assert shown[0] not in text  # used already: no card
        assert all(code in text for code in shown[1:]) and _pages(cards.data) == 2
        assert "This code is for one person. It works once." in text
    manager = app.test_client()
    sign_in(manager, "manager")
    for lang in ("cy", "ur", "ar"):
        response = manager.get(f"/staff/events/{event['id']}/poster.pdf?lang={lang}")
        assert response.status_code == 200 and _pages(response.data) == 1, lang
    none = manager.get(f"/staff/events/{elm['id']}/cards.pdf?lang=en")  # no codes: says so
    assert none.status_code == 200 and "There are no codes to print" in pdf_text(none.data)
    facilitator = app.test_client()
    sign_in(facilitator, "facilitator")  # works at Oak House only
    assert facilitator.get(f"/staff/events/{elm['id']}/poster.pdf").status_code == 404
    assert manager.get(f"/staff/events/{elm['id']}/poster.pdf").status_code == 200
    assert manager.get("/staff/events/999999/poster.pdf").status_code == 404
    assert app.test_client().get(f"/staff/events/{event['id']}/poster.pdf").status_code == 302


def _weight(client, url: str) -> int:
    """Gzip bytes of the page and the CSS and JS it links (each file on its own)."""
    response = client.get(url)
    assert response.status_code in (200, 302), url
    html = response.data
    total = len(gzip.compress(html, compresslevel=6, mtime=0))
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        total += len(gzip.compress(client.get(asset.decode()).data, compresslevel=6, mtime=0))
    return total


def test_every_voting_page_fits_the_weight_budget(world):
    app, ids = world
    with app.app_context():  # a long ballot: twenty items with long words
        admin = _user("admin")
        event = db.session.get(Event, ids["rank"]["id"])
        for i in range(16):
            ev.add_item(admin, event, label=f"Item {i}: " + "a longer name " * 6,
                        easy_read="Some easy words about it, " * 4, picture="heart")
        big = db.session.get(Event, ids["dots"]["id"])
        for i in range(16):
            ev.add_item(admin, big, label=f"Item {i}: " + "a longer name " * 6,
                        easy_read="Some easy words about it, " * 4, picture="heart")
    sizes = {}
    for name in ("dots", "single", "rank", "draft", "coded"):
        phone = app.test_client()
        code = ids[name]["code"]
        first = next(iter(ids[name]["items"].values()))
        if name != "draft":
            field = {"rank-1": str(first)} if name == "rank" else {f"dots-{first}": "1"}
            _vote(phone, ids[name], **field)
        for easy in ("0", "1"):
            for lang in ("en", "ur"):
                for path in (f"/v/{code}", f"/v/{code}/thanks", f"/v/{code}/live"):
                    url = f"{path}?easy={easy}&lang={lang}"
                    if name == "draft" and path.endswith("live"):
                        continue
                    sizes[f"{name} {url}"] = _weight(phone, url)
    heavy = {url: n for url, n in sizes.items() if n > BUDGET}
    assert not heavy, heavy
    assert max(sizes.values()) > 5000  # the pages were really weighed


def test_nothing_public_links_a_vote_to_a_person(world):
    app, ids = world
    event, items = ids["dots"], ids["dots"]["items"]
    phone = app.test_client()
    assert _vote(phone, event, **{f"dots-{items['Work']}": "1"}).status == 303
    with app.app_context():
        ballot = db.session.scalar(select(Ballot))
        cookie = phone.get_cookie(f"rkv-{ev.clean_code(event['code'])}")
        assert cookie is not None and ballot.voter_key == cookie.value
        assert ballot.entered_by_id is None and ballot.code_id is None
        assert db.session.scalar(select(func.count(Vote.id))) == 1


def test_the_rate_limit_is_per_phone_so_a_room_on_one_network_can_vote(world):
    app, ids = world
    app.config["RATELIMIT_ENABLED"] = True
    from reviewkit.extensions import limiter

    limiter.reset()
    event, items = ids["dots"], ids["dots"]["items"]
    phone = app.test_client()
    _page, data = _form(phone, event["code"])
    statuses = [phone.post(f"/v/{event['code']}", data={
        **data, "submit_key": f"k{i}", f"dots-{items['Work']}": str(1 + i % 3)}).status_code
        for i in range(31)]
    assert statuses[:30] == [303] * 30 and statuses[30] == 429
    for _ in range(3):  # other phones in the room, from the same address
        assert _vote(app.test_client(), event, **{f"dots-{items['Cooking']}": "1"}).status == 303
    limiter.reset()


def test_the_voting_pages_offer_the_languages_of_the_event(world):
    """The event's languages ("People vote in these languages"), not all seven: Polish, asked
    for, gives the page in English, saying so."""
    app, events = world
    code = events["dots"]["code"]
    for url in (f"/v/{code}", f"/v/{code}/live"):
        assert Page(app.test_client().get(url)).languages == ["en", "cy", "ur"], url
        polish = Page(app.test_client().get(f"{url}?lang=pl"))
        assert polish.lang == "en" and "we do not have that language yet" in polish, url


def test_the_example_code_in_a_hint_stays_whole_and_left_to_right(world):
    """On an Arabic or Urdu page "K7PQ-4XR9" broke at its hyphen with its halves swapped: the
    example in the hint of the voting page's code box (and of "Follow your idea") is isolated
    left to right, as the phone's "Finish your answers" page does."""
    app, ids = world
    page, _data = _form(app.test_client(), ids["coded"]["code"])
    isolated = '<bdi dir="ltr" class="nowrap">K7PQ-4XR9</bdi>'
    assert isolated in page.html.split('id="code-hint"', 1)[1].split("</p>", 1)[0]
    track = Page(app.test_client().get("/t"))
    assert isolated in track.html.split('id="code-hint"', 1)[1].split("</p>", 1)[0]
