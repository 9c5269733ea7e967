"""Layout as a person sees it on a phone and a tablet, in English, Welsh and Urdu (right to
left): what the keyboard focus looks like, how big the controls are to tap, which way arrows
point. Each test reads the page as drawn by a real browser (boxes, computed styles, pixels).

One app with the shipped banks, the staff of "Test Org" and a person with a review at Oak
House serves the module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from conftest import add_checkins

from .browsing import staff_sign_in, staff_site

pytestmark = pytest.mark.browser

WIDTHS = {"phone": 320, "tablet": 800}
# For each cell (of the selector given) holding a signed number: its text, and whether the sign
# is drawn before the first digit (left of it), as "-0.79" must be on a right-to-left page too.
SIGN_FIRST = r"""(selector) => [...document.querySelectorAll(selector)]
    .filter(td => /^[+-]\d/.test(td.textContent.trim())).map(td => {
        const node = [...td.querySelectorAll('*'), td].flatMap(e => [...e.childNodes])
            .find(n => n.nodeType === 3 && /[+-]\d/.test(n.data));
        const at = node.data.search(/[+-]\d/), r = document.createRange();
        const x = (i) => { r.setStart(node, i); r.setEnd(node, i + 1);
                           return r.getBoundingClientRect().left; };
        return [td.textContent.trim(), x(at) < x(at + 1)];
    })"""
MADE: dict = {}


def _review(_org, services, users) -> None:
    from reviewkit.services import people as people_svc
    from reviewkit.services import reviews as rv
    from reviewkit.services.banks import latest_version

    admin = users["admin"]
    person = people_svc.create_person(admin, display_name="Jo", reference="OAK-7",
                                      service_id=services["oak"].id, language="en",
                                      easy_read=False)
    review = rv.start_review(admin, person, latest_version("person-centred-review"),
                             date.today())
    from reviewkit.services import indicators

    paid = indicators.save_indicator(
        admin, name="People in paid work", easy_read=None, pictogram="tools",
        measures="outcome", source="entered", unit="count", target=10, frequency="quarter")
    from reviewkit.services import register as reg

    work = reg.save_work(admin, title="Visiting policy", kind="policy",
                         review_on=date(2026, 12, 1))
    reg.save_work(admin, work, title="Visiting policy", kind="policy",
                  review_on=date(2027, 3, 31))
    from datetime import UTC, datetime

    from reviewkit.services import events as ev

    event = ev.save_event(admin, name="What next at Tŷ Celyn?", place="Tŷ Celyn lounge",
                          starts_at=datetime(2026, 6, 20, 10, 30, tzinfo=UTC),
                          service_id=services["oak"].id, languages=["en", "cy", "ur"])
    planned = indicators.save_indicator(
        admin, name="Actions done when we said?", easy_read="We do things when we said we would.",
        pictogram="calendar", measures="outcome", source="entered", unit="count", target=10,
        frequency="quarter", chosen_by="People we support, at the planning meeting.")
    reg.save_work(admin, work, title="Visiting policy: who, and when?", kind="policy",
                  review_on=date(2027, 3, 31))
    idea = reg.raise_idea(work, "Visits after 8 pm", source="staff", entered_by=admin)
    reg.answer_idea(admin, idea, decision="included")
    for status in ("in_progress", "planned"):  # ½ and 0: a quarter done
        reg.add_action(admin, work, idea, change="Change the visiting hours", owner="Sam",
                       starts_on=date(2026, 1, 5), due_on=date(2027, 1, 5), status=status)
    last_month = date.today().replace(day=1) - timedelta(days=1)
    add_checkins(services["oak"], _org, 6, last_month)
    add_checkins(services["oak"], _org, 8)
    from reviewkit.services import demo_audit

    audit_round = demo_audit.build(_org, [services["oak"]], date.today())[2]
    MADE.update(review_id=review.id, indicator_id=paid.id, work_id=work.id,
                round_id=audit_round.id,
                event_id=event.id, planned_id=planned.id)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator:
    yield from staff_site(tmp_path_factory.mktemp("layout"), _review)


def _page(contexts, width: int):
    return contexts.page(viewport={"width": width, "height": 800}, is_mobile=width < 700,
                         has_touch=True, locale="en-GB")


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab from the top of the page until ``selector`` has the focus."""
    page.evaluate("() => { window.scrollTo(0, 0); document.activeElement?.blur?.(); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{page.url}: Tab never reached {selector}")


def _focus_ring(page) -> dict:
    """The focused element's outline and shadow, as drawn."""
    return page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
                width: parseFloat(s.outlineWidth), style: s.outlineStyle,
                shadow: s.boxShadow};
    }""")


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_folded_box_shows_the_same_focus_as_every_other_control(site, contexts, lang):
    """'What to ask' on a review heading (the tablet) and 'Choose services, areas, …' above a
    report open a folded box (<summary>): reached with Tab, it shows the yellow and black
    focus of every link and button, not the browser's thin default ring."""
    page = _page(contexts, WIDTHS["tablet"])
    staff_sign_in(page, site.url, "admin@example.org")
    for path in (f"/staff/reviews/{MADE['review_id']}/h/like-and-admire", "/staff/analysis/"):
        page.goto(f"{site.url}{path}?lang={lang}")
        _tab_to(page, "summary")
        ring = _focus_ring(page)
        assert ring["style"] == "solid" and ring["width"] >= 3 and ring["shadow"] != "none", \
            f"{path} ({lang}): the focused summary shows {ring}"


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_lists_to_choose_from_are_as_big_to_tap_and_read_as_the_text_boxes(site, contexts, lang):
    """The services to compare side by side and the span of an indicator's chart ('Show the
    last 12 quarters') were the browser's own small lists (22 px high, 13 px letters) at
    320 px: each list to choose from is now at least 44 px high, in the page's text size."""
    page = _page(contexts, WIDTHS["phone"])
    staff_sign_in(page, site.url, "admin@example.org")
    for path in ("/staff/analysis/compare", f"/staff/indicators/{MADE['indicator_id']}"):
        page.goto(f"{site.url}{path}?lang={lang}")
        lists = page.evaluate("""() => [...document.querySelectorAll('main select')].map(el => {
            const box = el.getBoundingClientRect();
            return {id: el.id, height: box.height,
                    size: parseFloat(getComputedStyle(el).fontSize),
                    text: parseFloat(getComputedStyle(el.closest('main')).fontSize)};
        })""")
        assert lists, f"{path}: no list to choose from"
        small = [x for x in lists if x["height"] < 44 or x["size"] < x["text"]]
        assert not small, f"{path} ({lang}): small lists {small}"


def _arrow_points(page, link) -> str:
    """Which way ('left' or 'right') the arrow drawn before ``link``'s words points, read from
    the pixels: the point of an arrow is one short stroke, its open side two strokes far apart
    (the arrow is the part of the link's box beside its text, on the start side; the
    link's underline is left out)."""
    from io import BytesIO

    from PIL import Image

    link.scroll_into_view_if_needed()
    box = link.evaluate("""el => {
        const r = el.getBoundingClientRect(), range = document.createRange();
        range.selectNodeContents(el);
        const t = range.getBoundingClientRect(), rtl = getComputedStyle(el).direction === 'rtl';
        return {x: rtl ? t.right : r.left, y: r.top, height: r.height,
                width: rtl ? r.right - t.right : t.left - r.left};
    }""")
    assert box["width"] >= 4, f"no arrow beside the link's words: {box}"
    shot = Image.open(BytesIO(page.screenshot(clip=box))).convert("L")
    ink = [[shot.getpixel((x, y)) < 160 for y in range(shot.height)] for x in range(shot.width)]
    # leave out the link's underline (a row inked across nearly the whole box)
    underline = {y for y in range(shot.height) if sum(col[y] for col in ink) > 0.8 * len(ink)}
    ink = [[on and y not in underline for y, on in enumerate(col)] for col in ink]
    columns = [rows for rows in ink if any(rows)]
    assert len(columns) >= 3, f"no arrow drawn beside the link's words: {box}"

    def spread(rows):
        marked = [y for y, on in enumerate(rows) if on]
        return marked[-1] - marked[0]

    return "left" if spread(columns[0]) < spread(columns[-1]) else "right"


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_back_link_arrow_points_back_to_where_the_page_starts(site, contexts, lang):
    """'‹ All languages' above a language's translations (the phone's 'Back' has the same
    arrow): on an Urdu page, read from the right, the arrow is at the right of the words and
    points right. Noto Nastaliq Urdu drew the ‹ and › signs as a small hook, so the arrow
    was a mark no bigger than a comma."""
    page = _page(contexts, WIDTHS["phone"])
    staff_sign_in(page, site.url, "translator@example.org")
    page.goto(f"{site.url}/staff/translate/cy/?lang={lang}")
    expected = "right" if lang == "ur" else "left"
    assert _arrow_points(page, page.locator("main a.back")) == expected


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_change_in_the_history_reads_from_what_it_was_to_what_it_is(site, contexts, lang):
    """A piece of work's history shows 'Review date: 2026-12-01 → 2027-03-31'. On an Urdu
    page the dates were turned round and broken ('-12-2026' with '01' on the next line) and
    the arrow pointed back at the old date: each value is now set in its own direction, and
    the arrow points from the old value to the new one."""
    page = _page(contexts, WIDTHS["phone"])
    staff_sign_in(page, site.url, "admin@example.org")
    page.goto(f"{site.url}/staff/register/{MADE['work_id']}/history?lang={lang}")
    change = page.locator("ul.changes li", has=page.locator("del")).filter(
        has_text="2027-03-31").first
    drawn = change.evaluate("""li => {
        const box = (el) => el.getBoundingClientRect();
        const parts = (el, text) => {  // where each letter of ``text`` in ``el`` is drawn
            const node = [...el.querySelectorAll('*'), el].flatMap(e => [...e.childNodes])
                .find(n => n.nodeType === 3 && n.data.includes(text));
            const start = node.data.indexOf(text), range = document.createRange();
            return [...text].map((_, i) => { range.setStart(node, start + i);
                range.setEnd(node, start + i + 1); const r = range.getBoundingClientRect();
                return {x: r.left, y: r.top}; });
        };
        const arrow = [...li.childNodes].find(n => n.nodeType === 3 && /[→←]/.test(n.data));
        return {before: box(li.querySelector('del')), after: box(li.querySelector('ins')),
                rtl: getComputedStyle(li).direction === 'rtl',
                arrow: arrow.data.trim(), old: parts(li.querySelector('del'), '2026-12-01'),
                now: parts(li.querySelector('ins'), '2027-03-31')};
    }""")
    for date_letters in (drawn["old"], drawn["now"]):
        xs = [p["x"] for p in date_letters]
        assert xs == sorted(xs) and len({round(p["y"]) for p in date_letters}) == 1, \
            f"{lang}: a date is not drawn left to right on one line: {date_letters}"
    if round(drawn["after"]["top"]) == round(drawn["before"]["top"]):  # on one line
        towards_new = "right" if drawn["after"]["left"] >= drawn["before"]["right"] else "left"
    else:  # the new value on the next line: it is further on in the page's direction
        towards_new = "left" if drawn["rtl"] else "right"
    points = {"→": "right", "←": "left"}[drawn["arrow"]]
    assert points == towards_new, f"{lang}: the arrow {drawn['arrow']} points at the old value"


def _last_mark_at_the_end(page, element) -> bool:
    """Whether the last sign of ``element``'s text (a ? or .) is drawn after its last letter
    in English reading order (to its right)."""
    return element.evaluate("""el => {
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node, last = null;
        while ((node = walk.nextNode())) if (node.data.trim()) last = node;
        const end = last.data.trimEnd().length, range = document.createRange();
        const x = (i) => { range.setStart(last, i); range.setEnd(last, i + 1);
                           return range.getBoundingClientRect().left; };
        return x(end - 2) < x(end - 1);
    }""")


def test_english_titles_typed_by_staff_keep_their_own_direction_on_urdu_pages(site, contexts):
    """On an Urdu page (right to left) a title typed in English ("What next at Tŷ Celyn?")
    was set right to left: its question mark jumped to its start ("?What next at Tŷ Celyn"),
    in the headings of an event, a piece of work and an indicator, and the
    links back to them, and in the lists of events, pieces of work and indicators; an
    indicator's English sentences lost their full stop to the
    start too. Each is now set in its own direction."""
    page = _page(contexts, WIDTHS["phone"])
    staff_sign_in(page, site.url, "admin@example.org")
    checks = [
        (f"/staff/events/{MADE['event_id']}", ["h1", "nav.breadcrumbs li:last-child a"]),
        (f"/staff/events/{MADE['event_id']}/ballot", ["nav.breadcrumbs li:last-child a"]),
        ("/staff/events/", [f"a[href$='/events/{MADE['event_id']}']"]),
        ("/staff/register/", [f"tbody a[href$='/register/{MADE['work_id']}']"]),
        ("/staff/indicators/", [f"tbody a[href$='/indicators/{MADE['planned_id']}']"]),
        (f"/staff/register/{MADE['work_id']}", ["h1", "nav.breadcrumbs li:last-child a"]),
        (f"/staff/indicators/{MADE['planned_id']}",
         ["h1", "p.lead", "dl.summary div:last-child dd"]),
    ]
    turned = []
    for path, selectors in checks:
        page.goto(f"{site.url}{path}?lang=ur")
        assert page.locator("html").get_attribute("dir") == "rtl"
        for selector in selectors:
            if not _last_mark_at_the_end(page, page.locator(selector).first):
                turned.append(f"{path} {selector}: {page.locator(selector).first.inner_text()!r}")
    assert not turned, "English titles turned round: " + "; ".join(turned)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_progress_bar_is_filled_as_far_as_the_work_has_come(site, contexts, lang):
    """'25% done' beside a piece of work showed a bar filled to the end: its width was set in
    a style attribute, which the pages' Content-Security-Policy does not allow. The bar is
    now filled a quarter of the way, from the start side (the right on an Urdu page)."""
    page = _page(contexts, WIDTHS["tablet"])
    staff_sign_in(page, site.url, "admin@example.org")
    for path in ("/staff/register/", f"/staff/register/{MADE['work_id']}"):
        page.goto(f"{site.url}{path}?lang={lang}")
        meter = page.locator(".meter").first
        bar, fill = meter.evaluate("""el => {
            const box = (e) => { const r = e.getBoundingClientRect();
                                 return {left: r.left, right: r.right, width: r.width}; };
            return [box(el), box(el.querySelector('rect, span'))];
        }""")
        assert fill["width"] == pytest.approx(bar["width"] * 0.25, abs=3), (path, lang, bar, fill)
        if lang == "ur":
            assert fill["right"] == pytest.approx(bar["right"], abs=2), (path, bar, fill)
        else:
            assert fill["left"] == pytest.approx(bar["left"], abs=2), (path, bar, fill)


def _name_kept_whole(element, name: str) -> bool:
    """Whether ``name``'s last sign (a ? or :) is drawn after its last letter (to its right)
    where ``name`` stands inside ``element``'s sentence."""
    return element.evaluate("""(el, name) => {
        const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walk.nextNode()) && !node.data.includes(name)) {}
        if (!node) return false;
        const end = node.data.indexOf(name) + name.length, range = document.createRange();
        const x = (i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                           return range.getBoundingClientRect().left; };
        return x(end - 2) < x(end - 1);
    }""", name)


def test_an_english_name_inside_an_urdu_heading_keeps_its_own_direction(site, contexts):
    """'Paper votes for “What next at Tŷ Celyn?”' in Urdu: the English name inside the
    translated sentence was set right to left with it, so its question mark jumped to its
    start and its words split around the quotes. The name is now isolated in the headings
    of an event's pages, a piece of work's pages and an indicator's form."""
    page = _page(contexts, WIDTHS["phone"])
    staff_sign_in(page, site.url, "admin@example.org")
    event, work = "What next at Tŷ Celyn?", "Visiting policy: who, and when?"
    checks = [(f"/staff/events/{MADE['event_id']}/{end}", event)
              for end in ("ballot", "tally", "codes")]
    checks += [(f"/staff/register/{MADE['work_id']}/{end}", work)
               for end in ("history", "review", "edit")]
    checks += [(f"/staff/indicators/{MADE['planned_id']}/edit", "Actions done when we said?")]
    turned = []
    for path, name in checks:
        page.goto(f"{site.url}{path}?lang=ur")
        h1 = page.locator("h1")
        assert name in h1.inner_text(), (path, h1.inner_text())
        if not _name_kept_whole(h1, name):
            turned.append(f"{path}: {h1.inner_text()!r}")
    assert not turned, "English names turned round in Urdu headings: " + "; ".join(turned)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_monthly_check_ins_keep_months_whole_and_signs_before_numbers(site, contexts, lang):
    """Monthly check-ins by team at 320 px: a month ('2026-07') broke after its hyphen onto
    two lines, and on an Urdu page a change since last month ('-0.3') showed its sign after
    the number ('0.3-'). A month stays on one line and a signed number reads left to right."""
    page = _page(contexts, WIDTHS["phone"])
    staff_sign_in(page, site.url, "admin@example.org")
    page.goto(f"{site.url}/staff/reports/check-ins?lang={lang}")
    drawn = page.evaluate(r"""() => {
        const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el);
            return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; };
        const months = [...document.querySelectorAll('.checkin-service tbody th[scope=row]')]
            .map(th => [th.textContent.trim(), lines(th)]);
        return months;
    }""")
    signs = page.evaluate(SIGN_FIRST, ".checkin-service tbody td")
    assert drawn and signs, (drawn, signs)
    broken = [m for m, n in drawn if n != 1]
    assert not broken, f"{lang}: months broken over two lines: {broken}"
    turned = [v for v, before in signs if not before]
    assert not turned, f"{lang}: the sign is drawn after the number: {turned}"


@pytest.mark.parametrize("path", ["results", "over-time"])
def test_negative_scores_in_the_self_audit_tables_read_with_their_sign_first(site, contexts,
                                                                            path):
    """The self-audit's results: how far staff and people supported see things differently
    ('-0.79') showed as '0.79-' on an Urdu page, in every table built from a report. A number
    in a report table is now set left to right."""
    page = _page(contexts, WIDTHS["tablet"])
    staff_sign_in(page, site.url, "admin@example.org")
    page.goto(f"{site.url}/staff/audit/{MADE['round_id']}/{path}?lang=ur")
    signs = page.evaluate(SIGN_FIRST, ".table-scroll td")
    assert signs, "no signed number in the tables"
    turned = [v for v, before in signs if not before]
    assert not turned, f"the sign is drawn after the number: {turned}"


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_the_language_names_stand_on_one_line(site, contexts, lang):
    """The list of languages at the foot of every page: 'اردو' (set in Nastaliq, with its
    taller lines) sat about half a line below English, Cymraeg and the others. The names
    in one row now share one baseline."""
    page = _page(contexts, WIDTHS["tablet"])
    page.goto(f"{site.url}/about?lang={lang}")
    baselines = page.evaluate("""() => [...document.querySelectorAll('.langs a')].map(a => {
        const mark = document.createElement('span');  // an empty inline-block sits on the baseline
        mark.style.cssText = 'display:inline-block;width:0;height:0';
        a.append(mark);
        const at = mark.getBoundingClientRect().top;
        mark.remove();
        return [a.textContent.trim(), Math.round(at)];
    })""")
    # one row at 800 px: every name on the first one's baseline
    assert len({y for _, y in baselines}) == 1, f"{lang}: baselines differ: {baselines}"
