"""Replacing an imported bank with its form's next version, in a real browser: the page that
says what changes passes axe-core, its buttons are reached and pressed with the keyboard, it
fits 320 px in Urdu (right to left), and the replace is saved only from its own button."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_app
from sqlalchemy import select

from reviewkit.extensions import db

from .browsing import (
    Keys,
    LiveServer,
    axe,
    describe_violations,
    fits,
    staff_organisation,
    staff_sign_in,
    tab_through,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_xlsform import write_form  # noqa: E402
from test_xlsform_replace import CHOICES, FIRST, SECOND  # noqa: E402

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(browser, tmp_path: Path) -> Iterator[tuple[object, str, Path]]:
    """(a signed-in translator's page, the server's address, the second form) with home-form
    imported from the first form as version 1."""
    import reviewkit.translations as bank_text
    from reviewkit.banks.xlsform import import_xlsform
    from reviewkit.extensions import babel
    from reviewkit.services.banks import sync_banks
    from reviewkit.services.setup import init_database
    from reviewkit.translate.xlsform_import import save_import

    root = tmp_path / "root"
    shutil.copytree(REPO / "translations", root / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    banks = tmp_path / "banks"
    shutil.copytree(REPO / "question_banks", banks)
    app = make_app(tmp_path, BANKS_PATH=str(banks), TRANSLATIONS_SOURCE=str(root / "translations"))
    first = write_form(tmp_path / "home.xlsx", FIRST, CHOICES)
    second = write_form(tmp_path / "home-2.xlsx", SECOND, CHOICES)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bank_text, "REPO_ROOT", root)
        bank_text._catalog.cache_clear()
        with app.app_context():
            assert not init_database().problems
            staff_organisation()
            with app.test_request_context():
                target, _saved = save_import(import_xlsform(first, "home-form"), banks,
                                             root / "translations", first.name)
            assert sync_banks([target]).added == ["home-form@1"]
            with LiveServer(app) as url:
                context = browser.new_context(viewport={"width": 1024, "height": 768},
                                              locale="en-GB")
                context.set_default_timeout(10_000)
                page = context.new_page()
                staff_sign_in(page, url, "translator@example.org")
                try:
                    yield page, url, second
                finally:
                    context.close()
            db.session.remove()
            db.engine.dispose()
    bank_text._catalog.cache_clear()
    babel.domain_instance.cache.clear()


def _versions() -> list[int]:
    from reviewkit.models import BankVersion

    db.session.remove()
    return list(db.session.scalars(select(BankVersion.version).filter_by(bank_id="home-form")
                                   .order_by(BankVersion.version)))


def _to_the_changes(page, url: str, form: Path, lang: str) -> None:
    keys = Keys(page)
    page.goto(f"{url}/staff/translate/import?lang={lang}")
    page.locator("#xlsform").set_input_files(str(form))  # a file chooser is the OS's own
    keys.press(page.locator("form[enctype] button[type=submit]"))
    keys.type(page.locator("#bank_id"), "home-form")
    keys.press(page.locator("form:has(#bank_id) button[type=submit]"))
    assert page.locator("input[name=replace]").count() == 1, \
        page.locator("main").inner_text()[:800]


def test_the_changes_page_by_keyboard_and_in_urdu_at_320px(site):
    page, url, second = site
    _to_the_changes(page, url, second, "ur")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").count() == 1
    page.set_viewport_size({"width": 320, "height": 640})
    fits(page, page.url)
    violations = axe(page)
    assert not violations, describe_violations(violations, "replace page in Urdu at 320 px")

    page.set_viewport_size({"width": 1024, "height": 768})
    _to_the_changes(page, url, second, "en")
    violations = axe(page)
    assert not violations, describe_violations(violations, "replace page")
    main = page.locator("main").inner_text()
    assert "How many pets do you have?" in main and "Which colour do you like?" in main
    assert _versions() == [1]  # nothing saved before the button
    replace = page.get_by_role("button", name="Replace home-form as version 2", exact=True)
    other = page.get_by_role("button", name="Save the bank", exact=True)
    reached, unstyled = tab_through(page, [replace, page.locator("#bank_id"), other])
    assert reached == {0, 1, 2} and not unstyled
    Keys(page).press(replace)
    assert page.url.split("#")[0].endswith("/staff/translate/")
    assert "home-form is replaced: version 2 is in use for new answers" in \
        page.locator("main").inner_text()
    assert _versions() == [1, 2]
