"""The translator pages in a real browser (issue 7): axe-core finds nothing on the overview, the
language pages (Welsh, Urdu), a language+bank page, the upload form (also with the error
summary after a broken PO file), and the preview of a person-centred-review choice question and
text question in English standard, English easy read, Welsh and Urdu easy read (right to left),
both the staff page that frames the phone and the phone page itself at phone size; the main
links, fields and buttons can be reached with the Tab key and show where the focus is; and the
overview and a language page also pass with the translator's own interface in Welsh and Urdu.

One app (with its own copy of translations/, so nothing here can change the shipped files and
the other engineers' edits cannot change what these pages show mid-test) and one signed-in
translator context serve the whole module."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_app

from reviewkit.extensions import db

from .browsing import (
    Keys,
    LiveServer,
    axe,
    describe_violations,
    staff_organisation,
    staff_sign_in,
    tab_through,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DESKTOP = {"viewport": {"width": 1024, "height": 768}, "locale": "en-GB"}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
BANK = "person-centred-review"
CHOICE, TEXT = "answering-with", "helper"  # a single_choice and a short_text question
BASE = "/staff/translate"


@dataclass
class Site:
    url: str
    root: Path  # the app's copy of the repository's translations/
    page: object  # desktop, signed in as the translator
    phone: object  # 360×740, the same session
    contexts: list


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Iterator[Site]:
    import reviewkit.translations as bank_text
    from reviewkit.extensions import babel
    from reviewkit.services.setup import init_database

    tmp = tmp_path_factory.mktemp("translate-pages")
    root = tmp / "root"
    shutil.copytree(REPO / "translations", root / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    app = make_app(tmp, BANKS_PATH=str(REPO / "question_banks"),
                   TRANSLATIONS_SOURCE=str(root / "translations"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bank_text, "REPO_ROOT", root)  # bank text read from the copy too
        bank_text._catalog.cache_clear()
        with app.app_context():
            assert not init_database().problems
            staff_organisation()  # translator@example.org among one user per role
            with LiveServer(app) as url:
                desktop = browser.new_context(**DESKTOP)
                page = desktop.new_page()
                staff_sign_in(page, url, "translator@example.org")
                small = browser.new_context(**PHONE, locale="en-GB")
                small.add_cookies(desktop.cookies())
                opened = [desktop, small]
                for c in opened:
                    c.set_default_timeout(10_000)
                try:
                    yield Site(url, root, page, small.new_page(), opened)
                finally:
                    for c in opened:
                        c.close()
            db.session.remove()
            db.engine.dispose()
    bank_text._catalog.cache_clear()
    babel.domain_instance.cache.clear()  # other tests read the shipped catalogues again


# --- helpers ------------------------------------------------------------------------------------

def open_page(page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, \
        f"{url}: HTTP {response.status if response else None}, expected {status}"
    assert page.locator("h1").count() == 1, f"{url}: {page.locator('h1').count()} <h1>"


def no_violations(page, where: str) -> None:
    violations = axe(page)
    assert not violations, describe_violations(violations, where)


def controls(page, wanted) -> list:
    """Locators for (ARIA role, accessible name) pairs, each required to be on the page."""
    found = []
    for role, name in wanted:
        loc = page.get_by_role(role, name=name, exact=True) if isinstance(name, str) \
            else page.get_by_role(role, name=name)
        assert loc.count() >= 1, (f"{page.url}: no {role} named {name!r}; the page says:\n"
                                  + page.locator("main").inner_text()[:800])
        found.append(loc.first)
    return found


def reached_by_tab(page, wanted, limit: int = 250) -> None:
    """Press Tab from the top of the page; every control in ``wanted`` must get the focus
    and show a visible focus style (outline or box-shadow)."""
    targets = controls(page, wanted)
    reached, unstyled = tab_through(page, targets, limit)
    missing = [wanted[i] for i in range(len(targets)) if i not in reached]
    assert not missing, f"{page.url}: the Tab key never reaches {missing}"
    assert not unstyled, f"{page.url}: no visible focus on {[wanted[i] for i in sorted(unstyled)]}"


NAV = (("link", "Skip to main content"), ("link", "Translations"), ("button", "Sign out"))


# --- the translator's pages ---------------------------------------------------------------------

def test_overview(site: Site):
    page = site.page
    open_page(page, f"{site.url}{BASE}/")
    no_violations(page, "translations overview")
    reached_by_tab(page, [
        ("link", "Cymraeg (cy)"), ("link", "اردو (ur)"),
        ("link", re.compile(rf"– Cymraeg, {BANK}$")), ("link", re.compile(rf"– اردو, {BANK}$")),
        ("link", f"Preview {BANK}"), *NAV])


@pytest.mark.parametrize("lang", ["cy", "ur"])
def test_language_page(site: Site, lang: str):
    page = site.page
    open_page(page, f"{site.url}{BASE}/{lang}/")
    assert page.locator(f"h1 [lang={lang}]").count() == 1  # the language name in its own language
    no_violations(page, f"language page {lang}")
    reached_by_tab(page, [
        ("link", re.compile(r"All languages$")), ("link", BANK),
        ("link", "Question banks (banks.po)"),
        ("radio", "Question banks (banks.po)"), ("button", re.compile(r"^PO file")),
        ("button", "Upload and use it"), *NAV])


def test_language_and_bank_page(site: Site):
    page = site.page
    open_page(page, f"{site.url}{BASE}/ur/banks/{BANK}")
    no_violations(page, f"{BANK} in Urdu")
    reached_by_tab(page, [
        ("link", re.compile(r"Back to اردو$")),
        ("link", f"Standard – {CHOICE}"), ("link", f"Easy read – {CHOICE}"),
        ("link", f"Easy read – {TEXT}"), *NAV])
    # the preview link goes to the Urdu preview of that question, by keyboard
    Keys(page).press(page.get_by_role("link", name=f"Easy read – {CHOICE}", exact=True))
    assert f"/preview/{BANK}?" in page.url
    assert "language=ur" in page.url and f"question={CHOICE}" in page.url
    assert "variant=easy" in page.url


def test_upload_form_with_a_broken_po_file(site: Site, tmp_path: Path):
    """The upload form, then the same page after a Welsh messages.po that lost a placeholder:
    an error summary whose link names the line, no violations, and the link takes the focus
    to the file field."""
    page = site.page
    keys = Keys(page)
    po = site.root / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
    original = po.read_bytes()
    text = original.decode()
    good = 'msgstr "Cwestiwn %(n)d o %(total)d"'
    assert good in text, "the Welsh messages.po no longer has the string this test breaks"
    broken = tmp_path / "messages-cy.po"
    broken.write_text(text.replace(good, 'msgstr "Cwestiwn %(n)d"'), "utf-8")

    open_page(page, f"{site.url}{BASE}/cy/")
    no_violations(page, "upload form (Welsh)")
    keys.radio(page.locator("input[name=domain]"), 0)  # Interface text (messages.po)
    assert page.get_by_role("radio", name="Interface text (messages.po)").is_checked()
    page.locator("#po_file").set_input_files(str(broken))  # a file chooser is the OS's own
    keys.press(keys.button("Upload and use it"))

    summary = page.locator(".error-summary")
    assert summary.count() == 1, f"no error summary: {page.locator('main').inner_text()[:500]}"
    assert page.title().startswith("Error:")
    error = summary.get_by_role("link", name=re.compile(r"^Line \d+: .*placeholders"))
    assert error.count() == 1, summary.inner_text()
    no_violations(page, "upload form with an error summary")
    keys.press(error)
    assert page.evaluate("() => document.activeElement.id") == "po_file"
    assert po.read_bytes() == original  # nothing changed


# --- previews -----------------------------------------------------------------------------------

PREVIEWS = [  # (language, easy read, its name in the language list, direction)
    ("en", False, "English (en)", "ltr"),
    ("en", True, "English (en)", "ltr"),
    ("cy", False, "Cymraeg (cy)", "ltr"),
    ("ur", True, "اردو (ur)", "rtl"),
]
PREVIEW_IDS = ["en-standard", "en-easy", "cy-standard", "ur-easy"]


@pytest.mark.parametrize("qid", [CHOICE, TEXT])
@pytest.mark.parametrize("lang, easy, label, direction", PREVIEWS, ids=PREVIEW_IDS)
def test_preview(site: Site, qid: str, lang: str, easy: bool, label: str, direction: str):
    """The staff preview page, and the phone page it frames at phone size: no violations on
    either, the phone page in the previewed language and direction, usable by keyboard."""
    page = site.page
    variant = "easy" if easy else "standard"
    open_page(page, f"{site.url}{BASE}/preview/{BANK}?language={lang}&question={qid}"
                    f"&variant={variant}")
    frame = page.locator("iframe.phone-preview")
    src = frame.get_attribute("src")
    assert src == f"{BASE}/phone/{BANK}/{qid}?language={lang}&variant={variant}", src
    title = frame.get_attribute("title") or ""
    assert qid in title, f"iframe title {title!r} does not name the question"
    assert page.evaluate("() => document.documentElement.lang") == "en"  # the translator's
    assert page.get_by_role("combobox", name="Language").evaluate(
        "el => el.selectedOptions[0].text") == label
    no_violations(page, f"preview page {lang} {variant} {qid}")

    phone = site.phone
    open_page(phone, site.url + src)
    html = phone.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == direction, f"{src}: dir={html.get_attribute('dir')!r}"
    assert (phone.locator("body.easy-read").count() == 1) == easy
    no_violations(phone, f"phone preview {lang} {variant} {qid}")
    answer = phone.locator("main form [name=answer]")
    assert answer.count() >= 1, f"{src}: no answer control"
    # The answer control and every button of the phone's form, by Tab (names as shown, in
    # the previewed language).
    buttons = phone.locator("main form button:visible")
    names = [" ".join(t.split()) for t in buttons.all_inner_texts()]
    assert names, f"{src}: no buttons in the phone page"
    first = answer.first
    if first.get_attribute("type") == "radio":
        wanted = [("radio", first.evaluate("el => el.labels[0].innerText.trim()"))]
    else:
        wanted = [("textbox", re.compile("."))]
    reached_by_tab(phone, wanted + [("button", n) for n in names])


def test_preview_chosen_by_keyboard(site: Site):
    """From the English standard preview of the choice question, the Tab key reaches every
    control; the language, question and wording are chosen with the keyboard (Urdu, the text
    question, easy read), and the preview opened on its own is right to left."""
    page = site.page
    keys = Keys(page)
    open_page(page, f"{site.url}{BASE}/preview/{BANK}?language=en&question={CHOICE}")
    reached_by_tab(page, [
        ("combobox", "Language"), ("combobox", "Question"),
        ("radio", "Standard"),  # a radio group is one Tab stop: the chosen one
        ("button", "Show"), ("link", "Open the preview on its own"), *NAV])
    keys.choose(page.get_by_role("combobox", name="Language"), "اردو (ur)")
    keys.choose(page.get_by_role("combobox", name="Question"), TEXT)
    keys.radio(page.locator("input[name=variant]"), 1)
    keys.press(keys.button("Show"))
    for part in ("language=ur", f"question={TEXT}", "variant=easy"):
        assert part in page.url, f"{part} not in {page.url}"
    assert page.locator("iframe.phone-preview").get_attribute("src") == \
        f"{BASE}/phone/{BANK}/{TEXT}?language=ur&variant=easy"
    keys.press(keys.link("Open the preview on its own"))
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") \
        == ["ur", "rtl"]


# --- the translator's own interface in Welsh and Urdu --------------------------------------------

@pytest.mark.parametrize("ui, direction", [("cy", "ltr"), ("ur", "rtl")])
def test_translator_pages_in_welsh_and_urdu(site: Site, browser, ui: str, direction: str):
    """A translator whose browser asks for Welsh or Urdu: the overview and the Urdu language
    page (with its upload form) are in that language and direction, with no violations."""
    context = browser.new_context(**{**DESKTOP, "locale": ui})
    try:
        context.add_cookies(site.contexts[0].cookies())
        page = context.new_page()
        for path in (f"{BASE}/", f"{BASE}/ur/"):
            open_page(page, site.url + path)
            lang_dir = page.evaluate(
                "() => [document.documentElement.lang, document.documentElement.dir]")
            assert lang_dir == [ui, direction], f"{path}: lang, dir = {lang_dir}"
            no_violations(page, f"{path} with the interface in {ui}")
    finally:
        context.close()
