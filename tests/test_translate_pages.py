"""Translator pages: coverage, easy-read warnings, the phone preview (Welsh, Urdu right to left,
easy read; nothing saved), PO download, and upload with every check (a bad file changes
nothing; a good one is in use at once)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import Page, make_app, sign_in, untranslate
from sqlalchemy import func, select

from reviewkit.config import REPO_ROOT
from reviewkit.extensions import db
from reviewkit.models import Response
from reviewkit.translate import catalogs


@pytest.fixture
def root(tmp_path: Path, monkeypatch) -> Path:
    """A copy of translations/ the pages read and write (bank text is read from it too)."""
    import reviewkit.translations as bank_text

    shutil.copytree(REPO_ROOT / "translations", tmp_path / "root" / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(bank_text, "REPO_ROOT", tmp_path / "root")
    bank_text._catalog.cache_clear()
    yield tmp_path / "root"
    bank_text._catalog.cache_clear()


@pytest.fixture
def tapp(tmp_path: Path, root: Path):
    from reviewkit.models import Organisation, Role
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    app = make_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks"),
                   TRANSLATIONS_SOURCE=str(root / "translations"))
    with app.app_context():
        assert not init_database().problems
        org = Organisation(name="Test Org", slug="test-org")
        db.session.add(org)
        db.session.commit()
        for role in (Role.TRANSLATOR, Role.MANAGER, Role.ADMIN):
            create_user(org, f"{role.value}@example.org", role.value.title(), "correct horse 1",
                        role)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()
    from reviewkit.extensions import babel

    babel.domain_instance.cache.clear()  # other tests read the shipped catalogues again


@pytest.fixture
def tc(tapp):
    client = tapp.test_client()
    sign_in(client, "translator")
    return client


def get(client, url: str) -> Page:
    return Page(client.get(url))


# --- access and coverage ----------------------------------------------------------------------

def test_translators_and_admins_only(tapp, tc):
    assert tc.get("/staff/translate/").status_code == 200
    manager = tapp.test_client()
    sign_in(manager, "manager")
    assert manager.get("/staff/translate/").status_code == 403
    assert tapp.test_client().get("/staff/translate/").status_code == 302
    assert "Translations" in get(tc, "/staff/").html  # in the staff navigation


def test_overview_and_language_pages_show_the_coverage_numbers(tc, root):
    untranslate(root / "translations" / "pl" / "LC_MESSAGES" / "messages.po", "Continue")
    rows = {(r.lang, r.file): r for r in catalogs.coverage(root / "translations")}
    page = get(tc, "/staff/translate/")
    assert page.status == 200
    ai = rows[("cy", "banks:appreciative-inquiry")]
    assert f"{ai.translated} / {ai.total}" in page
    lang = get(tc, "/staff/translate/pl/")
    msgs = rows[("pl", "messages")]
    assert re.search(rf"Interface text</th>\s*<td>{msgs.translated}</td><td>{msgs.missing}</td>"
                     rf"<td>{msgs.outdated}</td><td>{msgs.total}</td>", lang.html)
    assert msgs.missing >= 1 and f"Missing interface text ({msgs.missing})" in lang
    assert '<span lang="en">Continue</span>' in lang.html
    assert tc.get("/staff/translate/xx/").status_code == 404


def test_bank_page_lists_missing_strings_and_easy_read_warnings(tc, root):
    untranslate(root / "translations" / "pl" / "LC_MESSAGES" / "banks.po",
                "Co-production self-audit", "co-production-audit:title")
    row = next(r for r in catalogs.coverage(root / "translations", ["pl"])
               if r.file == "banks:co-production-audit")
    page = get(tc, "/staff/translate/pl/banks/co-production-audit")
    assert page.status == 200
    assert f"Missing ({row.missing})" in page
    line, context, msgid = row.missing_items[0]
    assert msgid in page and context.split(":", 1)[1] in page
    # the English easy read of this bank has one passive sentence, shown with its file and line
    bank_lines = (REPO_ROOT / "question_banks" / "co-production-audit.yaml").read_text(
        encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(bank_lines, 1) if "They are involved" in text)
    assert f"question_banks/co-production-audit.yaml:{line}" in page
    assert "passive voice &#39;are involved&#39;" in page.html or "passive voice 'are involved'" \
        in page
    assert "/staff/translate/preview/co-production-audit?language=pl&amp;question=who-took-part" \
        in page.html
    assert tc.get("/staff/translate/pl/banks/no-such-bank").status_code == 404


def test_the_counts_follow_a_catalogue_as_soon_as_it_changes(tc, root):
    """The translation pages' counts are worked out once per version of the PO files (they
    read every catalogue), and again as soon as one of them changes."""
    po = root / "translations" / "cy" / "LC_MESSAGES" / "banks.po"

    def missing() -> int:
        return sum(r.missing for r in catalogs.coverage(root / "translations", ["cy"]))

    before = missing()
    assert missing() == before  # the same files: the same counts
    untranslate(po, "Co-production self-audit", "co-production-audit:title")
    assert missing() == before + 1
    page = get(tc, "/staff/translate/cy/banks/co-production-audit")
    assert "Missing (1)" in page


def test_bank_page_lists_outdated_texts_with_the_english_they_were_translated_from(tc, root):
    """'Outdated 1' alone does not say which text: the page lists it, with its line, where it is,
    the English now and the English the translation was made from."""
    po = root / "translations" / "cy" / "LC_MESSAGES" / "banks.po"
    text = po.read_text("utf-8")
    entry = 'msgctxt "monthly-check-in:feel-safe.text"\n'
    assert text.count(entry) == 1
    po.write_text(text.replace(entry, '#, fuzzy\n#| msgid "Do you feel safe at home?"\n' + entry),
                  "utf-8")
    line = po.read_text("utf-8").splitlines().index(entry.strip()) + 1
    page = get(tc, "/staff/translate/cy/banks/monthly-check-in")
    assert "Outdated (1)" in page
    rows = re.findall(r"<tr><td>(\d+)</td><td><code>([^<]+)</code></td><td lang=\"en\">([^<]+)"
                      r"</td><td lang=\"en\">([^<]+)</td></tr>", html_text(page))
    assert rows == [(str(line), "feel-safe.text", "Do you feel safe, at home and when you go out?",
                     "Do you feel safe at home?")]
    assert "Nothing is outdated." in get(tc, "/staff/translate/cy/banks/co-production-audit")


# --- preview ----------------------------------------------------------------------------------

def test_preview_page_frames_the_phone_page(tc):
    page = get(tc, "/staff/translate/preview/monthly-check-in?language=ur&question=feel-safe"
                   "&variant=easy")
    assert page.status == 200
    assert page.lang == "en"  # the translator's own page stays in their language
    assert ('src="/staff/translate/phone/monthly-check-in/feel-safe?language=ur&amp;'
            'variant=easy"') in page.html
    assert re.search(r"<iframe[^>]+title=\"Phone preview of feel-safe in", page.html)
    assert '<option value="ur" lang="ur" selected>' in page.html


@pytest.mark.parametrize("lang, easy, text, direction", [
    ("ur", True, "کیا آپ خود کو محفوظ محسوس کرتے ہیں؟", "rtl"),
    ("cy", False, None, "ltr"),
    ("en", False, "Do you feel safe, at home and when you go out?", "ltr"),
    ("en", True, "Do you feel safe?", "ltr"),
])
def test_phone_preview_in_any_language_and_variant(tapp, tc, lang, easy, text, direction):
    from reviewkit.translations import lookup

    url = (f"/staff/translate/phone/monthly-check-in/feel-safe?language={lang}"
           f"&variant={'easy' if easy else 'standard'}")
    page = get(tc, url)
    assert page.status == 200
    assert page.lang == lang and page.dir == direction
    if text is None:
        text = lookup(lang, "monthly-check-in", "feel-safe.text",
                      "Do you feel safe, at home and when you go out?")
    assert re.search(r'<h1 id="q-title"[^>]*>' + re.escape(text) + "</h1>", html_text(page))
    assert ('pictograms/safe.svg' in page.html) == easy  # easy read shows the picture
    assert "Preview: nothing is saved" in page or lang != "en"
    csp = page.response.headers["Content-Security-Policy"]
    assert "form-action 'none'" in csp and "connect-src 'none'" in csp
    assert "frame-ancestors 'self'" in csp
    assert 'name="answer"' in page.html  # the real answer controls, as on a phone
    with tapp.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0


def test_phone_preview_falls_back_to_english_where_untranslated(tc, root):
    untranslate(root / "translations" / "pl" / "LC_MESSAGES" / "banks.po",
                "People we support help decide what we do, from the very start.",
                "co-production-audit:involved-from-start.text")
    page = get(tc, "/staff/translate/phone/co-production-audit/involved-from-start?language=pl")
    assert page.lang == "pl"
    assert '<h1 id="q-title" lang=en>' in page.html or 'lang="en"' in page.html
    assert "People we support help decide what we do, from the very start." in page


def test_preview_sends_nothing_even_if_posted(tapp, tc):
    """The preview's form points at the phone journey with a key that does not exist."""
    page = get(tc, "/staff/translate/phone/monthly-check-in/listened-to?language=en")
    assert tc.post("/a/preview/q/listened-to", data={"answer": "3"}).status_code in (400, 404)
    with tapp.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
    assert page.status == 200


def test_unknown_bank_question_or_language_is_404(tc):
    assert tc.get("/staff/translate/phone/monthly-check-in/nope?language=cy").status_code == 404
    assert tc.get("/staff/translate/phone/nope/feel-safe?language=cy").status_code == 404
    assert tc.get("/staff/translate/phone/monthly-check-in/feel-safe?language=xx").status_code \
        == 404


# --- download and upload ----------------------------------------------------------------------

def test_download_gives_the_current_file(tc, root):
    r = tc.get("/staff/translate/cy/banks.po")
    assert r.status_code == 200
    assert r.data == (root / "translations" / "cy" / "LC_MESSAGES" / "banks.po").read_bytes()
    assert "attachment" in r.headers["Content-Disposition"]
    assert tc.get("/staff/translate/cy/other.po").status_code == 404


def _upload(client, lang: str, domain: str, data: bytes, filename: str = "upload.po",
            csrf: bool = True):
    form = {"domain": domain, "po_file": (io.BytesIO(data), filename)}
    if csrf:
        form["csrf_token"] = get(client, f"/staff/translate/{lang}/").csrf
    return client.post(f"/staff/translate/{lang}/upload", data=form,
                       content_type="multipart/form-data")


def _po(root: Path, lang: str, domain: str) -> Path:
    return root / "translations" / lang / "LC_MESSAGES" / f"{domain}.po"


def test_good_upload_is_in_use_at_once(tc, root):
    # interface text: "Continue" in Welsh, compiled again for the running app
    path = _po(root, "cy", "messages")
    text = path.read_text("utf-8").replace('msgid "Continue"\nmsgstr "Parhau"',
                                           'msgid "Continue"\nmsgstr "Ymlaen"')
    before = get(tc, "/staff/translate/phone/monthly-check-in/feel-safe?language=cy")
    assert ">Parhau</button>" in before.html
    r = _upload(tc, "cy", "messages", text.encode())
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    assert path.read_text("utf-8") == text
    after = get(tc, "/staff/translate/phone/monthly-check-in/feel-safe?language=cy")
    assert ">Ymlaen</button>" in after.html
    assert "messages.po for Cymraeg is uploaded and in use" in get(tc, "/staff/translate/cy/")

    # bank text: the question itself, read again from banks.po
    bpath = _po(root, "ur", "banks")
    raw = bpath.read_text("utf-8")
    new = raw.replace('msgstr "کیا آپ خود کو محفوظ محسوس کرتے ہیں؟"',
                      'msgstr "کیا آپ محفوظ ہیں؟"', 1)
    assert new != raw
    assert _upload(tc, "ur", "banks", new.encode()).status_code == 302
    page = get(tc, "/staff/translate/phone/monthly-check-in/feel-safe?language=ur&variant=easy")
    assert "کیا آپ محفوظ ہیں؟" in page


def _entry_line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


BAD_CASES = {
    "placeholder": lambda t: t.replace('msgstr "Cwestiwn %(n)d o %(total)d"',
                                       'msgstr "Cwestiwn %(n)d"'),
    "markup": lambda t: t.replace('msgid "Continue"\nmsgstr "Parhau"',
                                  'msgid "Continue"\nmsgstr "<script>alert(1)</script>Parhau"'),
    "plural": lambda t: t + '\nmsgid "%(n)d answer"\nmsgid_plural "%(n)d answers"\n'
                            'msgstr[0] "%(n)d ateb"\nmsgstr[1] "%(n)d ateb"\n',
}


@pytest.mark.parametrize("case, needle, reason", [
    ("placeholder", 'msgid "Question %(n)d of %(total)d"', "placeholders"),
    ("markup", 'msgid "Continue"', "markup in the translation of 'Continue'"),
    ("plural", 'msgid "%(n)d answer"', "2 plural forms, expected 6"),
])
def test_bad_upload_shows_the_line_and_changes_nothing(tc, root, case, needle, reason):
    path = _po(root, "cy", "messages")
    original = path.read_bytes()
    bad = BAD_CASES[case](original.decode())
    r = _upload(tc, "cy", "messages", bad.encode())
    page = Page(r)
    assert page.status == 400
    assert page.title.startswith("Error:")
    assert 'class="error-summary"' in page.html and 'href="#po_file"' in page.html
    line = _entry_line(bad, needle)
    assert re.search(rf"Line {line}: [^<]*{re.escape(reason)}", html_text(page)), html_text(page)
    assert path.read_bytes() == original
    assert not list(path.parent.glob(".upload-*"))


def test_every_problem_of_an_upload_is_listed_at_once(tc, root):
    """A file with a dropped placeholder and a plural entry whose last forms were left empty (as
    Poedit and polib save it): both lines at once, not the second only after the first is put
    right."""
    path = _po(root, "cy", "messages")
    original = path.read_bytes()
    bad = BAD_CASES["placeholder"](original.decode()) + (
        '\nmsgid "%(n)d answer"\nmsgid_plural "%(n)d answers"\nmsgstr[0] "%(n)d ateb"\n'
        'msgstr[1] "%(n)d ateb"\n' + "".join(f'msgstr[{i}] ""\n' for i in range(2, 6)))
    page = Page(_upload(tc, "cy", "messages", bad.encode()))
    assert page.status == 400
    text = html_text(page)
    question = _entry_line(bad, 'msgid "Question %(n)d of %(total)d"')
    answer = _entry_line(bad, 'msgid "%(n)d answer"')
    assert f"Line {question}: placeholders" in text
    assert f"Line {answer}: 2 plural forms, expected 6" in text
    assert path.read_bytes() == original


def test_a_file_saved_by_notepad_with_a_byte_order_mark_or_windows_line_ends_is_taken(tc, root):
    """Notepad saves UTF-8 with a byte-order mark first, which PO readers refused as 'Unknown or
    misformatted keyword on 0'; Windows line ends are fine too."""
    path = _po(root, "cy", "messages")
    text = path.read_text("utf-8").replace('msgid "Continue"\nmsgstr "Parhau"',
                                           'msgid "Continue"\nmsgstr "Ymlaen"')
    r = _upload(tc, "cy", "messages", b"\xef\xbb\xbf" + text.encode())
    assert r.status_code == 302, html_text(Page(r))
    assert path.read_bytes() == text.encode()  # kept without the mark
    page = get(tc, "/staff/translate/phone/monthly-check-in/feel-safe?language=cy")
    assert ">Ymlaen</button>" in page.html
    crlf = text.replace("Ymlaen", "Parhau").replace("\n", "\r\n").encode()
    assert _upload(tc, "cy", "messages", crlf).status_code == 302
    assert ">Parhau</button>" in get(
        tc, "/staff/translate/phone/monthly-check-in/feel-safe?language=cy").html


def test_upload_problems_are_in_the_pages_language(tc, root):
    """A Welsh translator with the staff pages in Welsh reads why the file was refused in Welsh,
    not 'Llinell 98: placeholders … do not match the English'."""
    path = _po(root, "cy", "messages")
    original = path.read_bytes()
    bad = BAD_CASES["markup"](BAD_CASES["placeholder"](original.decode()))
    tc.get("/staff/translate/cy/?lang=cy")
    text = html_text(Page(_upload(tc, "cy", "messages", bad.encode())))
    question = _entry_line(bad, 'msgid "Question %(n)d of %(total)d"')
    assert (f"Llinell {question}: nid yw'r dalfannau ['%(n)d'] yn cyfateb i'r Saesneg "
            "['%(n)d', '%(total)d'] yn 'Question %(n)d of %(total)d'") in text
    cont = _entry_line(bad, 'msgid "Continue"')
    assert f"Llinell {cont}: marcio yn y cyfieithiad o 'Continue' (does dim gan y Saesneg)" in text
    assert path.read_bytes() == original


def html_text(page: Page) -> str:
    import html

    return html.unescape(page.html)


def test_bad_encoding_wrong_plural_header_and_wrong_language(tc, root):
    path = _po(root, "cy", "messages")
    original = path.read_bytes()
    latin1 = original.replace(b'msgstr "Parhau"', b'msgstr "Parhau \xe9"')
    page = Page(_upload(tc, "cy", "messages", latin1))
    assert page.status == 400 and "not UTF-8" in page
    line = original[: original.index(b'msgstr "Parhau"')].count(b"\n") + 1
    assert f"Line {line}: not UTF-8" in page
    header = original.replace(b"nplurals=6;", b"nplurals=2;", 1)
    page = Page(_upload(tc, "cy", "messages", header))
    assert page.status == 400 and "Line 1: Plural-Forms is" in html_text(page)
    polish = _po(root, "pl", "messages").read_bytes()
    page = Page(_upload(tc, "cy", "messages", polish))
    assert page.status == 400
    assert "Plural-Forms is" in html_text(page) or "for language 'pl'" in html_text(page)
    assert path.read_bytes() == original


def test_wrong_file_kind_extension_size_and_csrf(tc, root):
    banks = _po(root, "cy", "banks").read_bytes()
    messages = _po(root, "cy", "messages").read_bytes()
    page = Page(_upload(tc, "cy", "messages", banks))
    assert page.status == 400 and "looks like question-bank text" in page
    page = Page(_upload(tc, "cy", "banks", messages))
    assert page.status == 400 and "looks like interface text" in page
    page = Page(_upload(tc, "cy", "banks", banks, filename="banks.txt"))
    assert page.status == 400 and "The file must be a .po file" in page
    page = Page(_upload(tc, "cy", "banks", b"#" * (1024 * 1024 + 10)))
    assert page.status == 400 and "The file is too big" in page
    assert _upload(tc, "cy", "banks", banks, csrf=False).status_code == 400
    page = Page(_upload(tc, "cy", "banks", b""))
    assert page.status == 400
    assert _po(root, "cy", "banks").read_bytes() == banks
    assert _po(root, "cy", "messages").read_bytes() == messages


def test_upload_form_is_labelled(tc):
    page = get(tc, "/staff/translate/cy/")
    assert '<label for="po_file">PO file</label>' in page.html
    assert 'enctype="multipart/form-data"' in page.html
    assert '<legend>Which file is it?</legend>' in page.html


# --- importing an XLSForm: the report before anything is saved --------------------------------

@pytest.fixture
def iapp(tmp_path: Path, root: Path):
    """An app whose banks folder is a copy, so an imported bank can be saved into it."""
    from reviewkit.models import Organisation, Role
    from reviewkit.services.setup import init_database
    from reviewkit.services.users import create_user

    banks = tmp_path / "banks"
    shutil.copytree(REPO_ROOT / "question_banks", banks)
    app = make_app(tmp_path, BANKS_PATH=str(banks), TRANSLATIONS_SOURCE=str(root / "translations"))
    with app.app_context():
        assert not init_database().problems
        org = Organisation(name="Test Org", slug="test-org")
        db.session.add(org)
        db.session.commit()
        create_user(org, "translator@example.org", "Translator", "correct horse 1",
                    Role.TRANSLATOR)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()
    from reviewkit.extensions import babel

    babel.domain_instance.cache.clear()


def _send_form(client, path: Path) -> Page:
    token = get(client, "/staff/translate/import").csrf
    return Page(client.post("/staff/translate/import", content_type="multipart/form-data",
                            data={"csrf_token": token,
                                  "xlsform": (io.BytesIO(path.read_bytes()), path.name)}))


XLS = REPO_ROOT / "tests" / "data" / "xlsform"


def test_import_shows_the_report_and_saves_only_when_confirmed(iapp, tmp_path, root):
    from reviewkit.models import BankVersion

    client = iapp.test_client()
    sign_in(client, "translator")
    assert 'href="/staff/translate/import"' in get(client, "/staff/translate/").html
    page = _send_form(client, XLS / "kobo_languages.xls")
    assert page.status == 200 and page.title.startswith("Import report: kobo_languages.xls")
    assert "Nothing is saved yet" in page
    text = html_text(page)
    assert re.search(r"Questions shown</dt><dd>9</dd>", text)  # the repeat's asked once
    assert re.search(r"Rows left out</dt><dd>11</dd>", text)
    assert "cy: 10" in text
    # each skipped row: sheet and row, name, type and why
    assert re.search(r"<td>survey 20</td><td><code>card</code></td><td><code>barcode</code></td>"
                     r"<td>a barcode scan; reviewkit cannot scan</td>", text)
    assert "choices row 4: 'Washing': the value becomes 'washing'" in text
    banks = Path(iapp.config["BANKS_PATH"])
    assert not (banks / "home_support.yaml").exists()  # nothing saved before confirming
    po = root / "translations" / "cy" / "LC_MESSAGES" / "banks.po"
    before = po.read_text("utf-8")
    assert "home_support:" not in before

    key = re.search(r'action="/staff/translate/import/([^"#]+)#save"', page.html).group(1)
    # an id that is taken is refused, with what was typed kept
    r = Page(client.post(f"/staff/translate/import/{key}",
                         data={"csrf_token": page.csrf, "bank_id": "monthly-check-in"}))
    assert r.status == 400 and "monthly-check-in is a bank that comes with reviewkit" in r
    assert 'value="monthly-check-in"' in r.html
    r = Page(client.post(f"/staff/translate/import/{key}",
                         data={"csrf_token": page.csrf, "bank_id": "Not A Slug"}))
    assert r.status == 400 and 'value="Not A Slug"' in r.html
    r = client.post(f"/staff/translate/import/{key}",
                    data={"csrf_token": page.csrf, "bank_id": "home-support"})
    assert r.status_code == 302
    saved = banks / "home-support.yaml"
    assert saved.exists() and "id: home-support" in saved.read_text("utf-8")
    assert 'msgctxt "home-support:name.text"\nmsgstr "Beth yw eich enw?"' in \
        po.read_text("utf-8").replace('msgid "What is your name?"\n', "")
    with iapp.app_context():
        assert db.session.scalar(select(func.count(BankVersion.id)).where(
            BankVersion.bank_id == "home-support")) == 1
    assert "home-support is saved: 9 questions, 11 rows left out" in get(client,
                                                                        "/staff/translate/")
    again = client.post(f"/staff/translate/import/{key}", data={
        "csrf_token": page.csrf, "bank_id": "again"})  # the upload is gone: say so, start over
    assert again.status_code == 302 and again.headers["Location"].endswith("/import")
    assert "That upload is no longer here" in get(client, "/staff/translate/import")


def test_import_refused_form_shows_pyxforms_message_and_saves_nothing(iapp, tmp_path):
    client = iapp.test_client()
    sign_in(client, "translator")
    page = _send_form(client, XLS / "refused.xls")
    assert page.status == 400 and page.title.startswith("Error:")
    assert "survey row 3: List name not in choices sheet: colours" in page
    assert "Traceback" not in page.html
    page = _send_form(client, XLS / "nothing.xls")
    assert page.status == 400
    assert "nothing in nothing.xls can be shown in reviewkit" in page
    assert "found: 1 × start, 1 × end, 1 × geopoint, 1 × calculate" in page
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    page = _send_form(client, bad)
    assert page.status == 400 and "The file must be an .xlsx or .xls file" in page
    assert sorted(p.name for p in Path(iapp.config["BANKS_PATH"]).glob("*.yaml")) == sorted(
        p.name for p in (REPO_ROOT / "question_banks").glob("*.yaml"))
