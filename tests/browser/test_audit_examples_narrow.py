"""The examples people gave in the self-audit, on its results page at 320 px: each reads in its
own direction (an Urdu example right to left on an English page, an English one left to right
on an Urdu page), a long word does not push the page sideways, and the page stays axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from .browsing import axe, describe_violations, fits, staff_sign_in, staff_site

pytestmark = pytest.mark.browser

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True,
          "locale": "en-GB"}
MADE: dict = {}
ENGLISH = "We asked people before we changed the menu."
URDU = "ہم نے مینو بدلنے سے پہلے لوگوں سے پوچھا۔"
LONG = "Seehttps://example.org/a-very-long-address-without-any-space-in-it-at-all-for-a-phone"


def _round(_org, services, users) -> None:
    from test_audit_examples import give

    from reviewkit.services import audit as svc

    survey = svc.open_round(users["admin"], service_id=None,
                            closes_on=date.today() + timedelta(days=9))
    give(survey, ENGLISH)
    give(survey, URDU, language="ur")
    give(survey, LONG)
    give(survey, None)
    give(survey, None)
    MADE["round"] = survey.id


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator:
    yield from staff_site(tmp_path_factory.mktemp("audit-examples"), _round)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_examples_read_in_their_own_direction_on_a_320_px_phone(site, contexts, lang):
    page = contexts.page(**NARROW)
    staff_sign_in(page, site.url, "admin@example.org")
    url = f"{site.url}/staff/audit/{MADE['round']}/results?lang={lang}"
    assert page.goto(url).status == 200
    fits(page, url)
    examples = page.locator("section[aria-labelledby=examples-h] li")
    directions = examples.evaluate_all(
        "(items) => items.map(li => [li.textContent.trim(), getComputedStyle(li).direction])")
    assert [ENGLISH, "ltr"] in directions and [URDU, "rtl"] in directions, directions
    marked = examples.evaluate_all("(items) => items.map(li => li.lang)")
    assert ("ur" not in marked) if lang == "ur" else ("ur" in marked), marked
    violations = axe(page)
    assert not violations, describe_violations(violations, url)
