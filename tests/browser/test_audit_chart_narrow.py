"""The self-audit's charts on a 320 px phone, the results' and the round-by-round one: each was
an SVG drawn 640 wide and scaled down whole, so its words were 5 px high and long principle
names were cut short with "…". Now their words are the page's own text at the page's size,
wrapping beside their bars, the figures are written beside every bar (and in the table below),
and on an Urdu page they read right to left with their bars growing from the right."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from .browsing import axe, describe_violations, fits, staff_sign_in, staff_site

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True,
          "locale": "en-GB"}
MADE: dict = {}


def _round(_org, _services, users) -> None:
    from test_audit import round_a

    round_a(users["admin"], date.today() - timedelta(days=120))  # a round before: over time
    MADE["round"] = round_a(users["admin"], date.today()).id


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator:
    yield from staff_site(tmp_path_factory.mktemp("audit-chart"), _round)


@pytest.mark.parametrize("lang", ["en", "ur"])
@pytest.mark.parametrize("chart", ["results", "over-time"])
def test_the_chart_is_readable_on_a_320_px_phone(site, contexts, chart, lang):
    page = contexts.page(**NARROW)
    staff_sign_in(page, site.url, "admin@example.org")
    url = f"{site.url}/staff/audit/{MADE['round']}/{chart}?lang={lang}"
    assert page.goto(url).status == 200
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ur" else "ltr")
    fits(page, url)
    # Every word of the chart at least the size of the page's body text (an SVG's words as
    # drawn, after its scaling), and on the screen.
    small = page.locator("main figure").evaluate("""(figure) => {
        const body = parseFloat(getComputedStyle(document.body).fontSize);
        const size = (el) => el instanceof SVGElement
            ? el.getBoundingClientRect().height / 1.15  // a line box is about 1.15 em high
            : parseFloat(getComputedStyle(el).fontSize);
        return [...figure.querySelectorAll('text, caption, th, .bar-n')]
            .filter(el => size(el) < body - 0.01
                          || el.getBoundingClientRect().left < -0.5
                          || el.getBoundingClientRect().right > innerWidth + 0.5
                          || el.scrollWidth > el.clientWidth + 1)
            .map(el => `${el.textContent.trim()}: ${size(el).toFixed(1)} px`);
    }""")
    assert not small, f"words too small, cut or off the screen at 320 px: {small[:6]}"
    chart = page.locator("main figure table.bar-chart")
    assert chart.count() == 1, "no chart of words and bars on the page"
    text = chart.inner_text()
    assert "…" not in text, "a name was cut short"
    # Every principle (and round) is named in full, as in the table of the same figures below.
    names = chart.locator("th.group").all_inner_texts()
    table = page.locator("main section table:not(.bar-chart)").first.inner_text()
    assert len(names) >= 5 and all(n.strip() in table for n in names), names
    rows = chart.locator("th[scope=row]").all_inner_texts()
    assert rows and all(r.strip() in table for r in rows), rows
    values = chart.locator(".bar-n").all_inner_texts()
    assert values and all(v.strip() in table for v in values)
    # Each bar starts at the side the page reads from (the right, in Urdu), and can be seen.
    ends = chart.evaluate("""(chart) => [...chart.querySelectorAll('svg.bar')].map(svg => {
        const track = svg.querySelector('.track').getBoundingClientRect();
        const bar = svg.querySelector('rect:not(.track)').getBoundingClientRect();
        return [track.width, bar.width, bar.left - track.left, track.right - bar.right];
    })""")
    assert ends and all(track >= 40 and bar > 0 for track, bar, _l, _r in ends), ends
    side = 3 if lang == "ur" else 2
    assert all(abs(e[side]) < 1 for e in ends), f"bars do not start at the reading side: {ends}"
    violations = axe(page)
    assert not violations, describe_violations(violations, url)
