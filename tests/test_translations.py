"""Translations: bank extraction, `reviewkit translations update|compile|status`, the shipped PO
files, and Welsh and Urdu on real pages (including the English fallback for untranslated text)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import Page, make_app, start_journey, the_organisation, untranslate

from reviewkit.config import REPO_ROOT
from reviewkit.extensions import db
from reviewkit.translate.cli import translations_cli

TRANSLATIONS = REPO_ROOT / "translations"
BANKS = REPO_ROOT / "question_banks"
LANGS = ["cy", "pl", "ur", "pa", "ar", "ro"]

# Written out here rather than imported, so the test checks the code instead of repeating it.
PLURAL_FORMS = {
    "cy": "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ur": "nplurals=2; plural=(n != 1);",
    "pa": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
          "n%100>=11 ? 4 : 5);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def _run(*args: str):
    result = CliRunner().invoke(translations_cli, list(args), catch_exceptions=False)
    return result


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A copy of translations/ to update, so the tests never change the repository."""
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def _po(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _entry(catalog, context: str):
    return next(m for m in catalog if m.id and m.context == context)


# --- extraction and the command group ---------------------------------------------------------

def test_extractor_gives_every_bank_text_with_context_and_translator_comments():
    from reviewkit.translate.extract import extract_banks

    with (BANKS / "person-centred-review.yaml").open("rb") as fh:
        found = list(extract_banks(fh, None, None, {}))
    by_context = {msg[0]: (line, func, msg[1], comments) for line, func, msg, comments in found}
    line, func, text, comments = by_context["person-centred-review:answering-with.text"]
    assert func == "pgettext" and text == "Who is answering these questions?"
    assert line == 32  # the line of `text:` in the YAML, for translators' tools
    assert "bank: person-centred-review version 1 (source language en)" in comments
    assert any("single_choice" in c for c in comments)
    assert "Easy read: Who is answering the questions?" in comments
    for context in ("title", "easy_read_title", "description", "getting-started.text",
                    "getting-started.easy_read", "answering-with.easy_read",
                    "answering-with.help.text", "answering-with.help.easy_read",
                    "answering-with.on-my-own.label", "answering-with.on-my-own.easy_read"):
        assert f"person-centred-review:{context}" in by_context, context
    # Face scales and yes/no answers are interface text (messages.po), not bank text.
    assert not any(c.startswith("person-centred-review:review-feeling.3") for c in by_context)


def test_update_extracts_ui_and_bank_text_and_compile_passes(work: Path):
    result = _run("update", "--dir", str(work))
    assert result.exit_code == 0, result.output
    pot = _po(work / "messages.pot")
    ids = {m.id for m in pot if m.id}
    assert "Skip to main content" in ids  # {{ _("…") }} in a Jinja template
    assert "Please choose yes or no." in ids  # a lazy _l() string
    assert "Very happy" in ids  # face labels go through messages.po
    banks = _po(work / "banks.pot")
    contexts = {m.context for m in banks if m.id}
    for bank in ("person-centred-review", "appreciative-inquiry", "monthly-check-in",
                 "co-production-audit"):
        assert f"{bank}:title" in contexts
    for lang in LANGS:
        for domain in ("messages", "banks"):
            assert (work / lang / "LC_MESSAGES" / f"{domain}.po").exists()
    result = _run("compile", "--dir", str(work), "--output", str(work.parent / "mo"))
    assert result.exit_code == 0, result.output
    assert "12 catalogue(s) checked, 0 problem(s)" in result.output
    assert (work.parent / "mo" / "cy" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000
    # A second update finds nothing new: only dates would change, so nothing is rewritten.
    again = _run("update", "--dir", str(work))
    assert "14 file(s) already up to date" in again.output


def test_edited_interface_text_is_fuzzy_but_new_text_never_borrows_a_live_translation():
    from babel.messages.catalog import Catalog

    from reviewkit.translate.catalogs import PoCatalog, merge_messages

    old = PoCatalog(locale="cy")
    old.add("Sad", "Trist")
    old.add("Please try again in a moment.", "Rhowch gynnig arall arni mewn munud.")
    template = Catalog()
    for text in ("Sad", "Add", "Please try again in a minute."):
        template.add(text)
    merge_messages(old, template)
    assert old.get("Sad").string == "Trist" and not old.get("Sad").fuzzy
    assert not old.get("Add").string  # not "Trist", though "Add" looks like "Sad"
    edited = old.get("Please try again in a minute.")
    assert edited.fuzzy and edited.string == "Rhowch gynnig arall arni mewn munud."
    assert edited.previous_id == ["Please try again in a moment."]


def test_an_edited_english_text_keeps_each_languages_own_old_translation(tmp_path: Path):
    # Babel's update shares the template's messages between catalogues: the first language's
    # fuzzy guess (its old translation of the edited text) used to be written into the others.
    from reviewkit.translate.catalogs import PoCatalog, save, update

    source = tmp_path / "source"
    source.mkdir()
    (source / "babel.cfg").write_text("[python: **.py]\n")
    (source / "page.py").write_text('_("Please try again in a minute.")\n')
    said = {"cy": "Rhowch gynnig arall arni mewn munud.", "pl": "Spróbuj ponownie za chwilę."}
    work = tmp_path / "translations"
    for lang, text in said.items():
        cat = PoCatalog(locale=lang)
        cat.add("Please try again in a moment.", text)  # the English before it was edited
        save(work / lang / "LC_MESSAGES" / "messages.po", cat)
    banks = tmp_path / "banks"
    banks.mkdir()
    update(work, banks, source, langs=["cy", "pl"])
    for lang, text in said.items():
        cat = _po(work / lang / "LC_MESSAGES" / "messages.po")
        edited = cat.get("Please try again in a minute.")
        assert edited.fuzzy and edited.string == text, (lang, edited.string)


def test_update_creates_a_language_from_scratch(tmp_path: Path):
    work = tmp_path / "translations"
    result = _run("update", "--dir", str(work), "--lang", "ro")
    assert result.exit_code == 0, result.output
    po = work / "ro" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    assert "X-Review-Status: draft (needs native-speaker review)" in text
    assert _po(po).plural_forms == PLURAL_FORMS["ro"]


def test_changing_an_english_question_marks_its_translations_fuzzy(work: Path, tmp_path: Path):
    banks = tmp_path / "banks"
    shutil.copytree(BANKS, banks)
    bank = banks / "person-centred-review.yaml"
    source = bank.read_text("utf-8")
    old = "        text: Who is helping you today?\n"
    assert source.count(old) == 1
    bank.write_text(source.replace(old, "        text: Who is with you today?\n"), "utf-8")
    welsh_before = _entry(_po(work / "cy/LC_MESSAGES/banks.po"),
                          "person-centred-review:helper.text")
    assert welsh_before.string and not welsh_before.fuzzy

    result = _run("update", "--dir", str(work), "--banks", str(banks))
    assert result.exit_code == 0, result.output
    for lang in ("cy", "ur"):
        cat = _po(work / lang / "LC_MESSAGES" / "banks.po")
        changed = _entry(cat, "person-centred-review:helper.text")
        assert changed.id == "Who is with you today?"
        assert changed.fuzzy, lang
        assert changed.string  # the old translation is kept for the translator to check
        raw = (work / lang / "LC_MESSAGES" / "banks.po").read_text("utf-8")
        assert ('#, fuzzy\n#| msgid "Who is helping you today?"\n'
                'msgctxt "person-centred-review:helper.text"\nmsgid "Who is with you today?"'
                ) in raw  # the English it was translated from, for the translator's tool
        same = _entry(cat, "person-centred-review:helper.easy_read")  # same English, unchanged
        assert same.id == "Who is helping you today?" and not same.fuzzy and same.string
    assert _entry(_po(work / "cy/LC_MESSAGES/banks.po"),
                  "person-centred-review:helper.text").string == welsh_before.string
    status = json.loads(_run("status", "--dir", str(work), "--lang", "cy", "--json").output)
    pcr = next(r for r in status if r["file"] == "banks:person-centred-review")
    assert pcr["outdated"] == 1
    # Updating again keeps it outdated, with its previous English, until a translator looks.
    _run("update", "--dir", str(work), "--banks", str(banks))
    assert '#| msgid "Who is helping you today?"' in (work / "cy/LC_MESSAGES/banks.po").read_text()


# A previous msgid too long for one line, as msgmerge writes it: `#| msgid ""`, then pieces.
LONG_PREVIOUS_PO = r"""msgid ""
msgstr ""
"Language: cy\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : "
"(n==6) ? 4 : 5;\n"

#. TRANSLATORS: under a question that has no Welsh yet
#: reviewkit/templates/respond/question.html:20
#| msgid ""
#| "This question is not translated yet, so it is shown in English, the language "
#| "it was written in; tell the person running the review if you need help."
msgid "This question is not translated yet, so it is in English."
msgstr "Nid yw'r cwestiwn hwn wedi'i gyfieithu eto, felly mae yn Saesneg."

#: reviewkit/web/respond.py:40
#, fuzzy, python-format
#| msgid ""
#| "You have answered %(n)d question. Your answers are saved as you go, and you can "
#| "come back to \"Check your answers\" at any time\n"
#| "before you send them."
#| msgid_plural ""
#| "You have answered %(n)d questions. Your answers are saved as you go, and you "
#| "can come back to \"Check your answers\" at any time\n"
#| "before you send them."
msgid "You have answered %(n)d question. Your answers are saved as you go."
msgid_plural "You have answered %(n)d questions. Your answers are saved as you go."
msgstr[0] "Rydych wedi ateb %(n)d cwestiwn."
msgstr[1] "Rydych wedi ateb %(n)d cwestiwn."
msgstr[2] "Rydych wedi ateb %(n)d gwestiwn."
msgstr[3] "Rydych wedi ateb %(n)d chwestiwn."
msgstr[4] "Rydych wedi ateb %(n)d chwestiwn."
msgstr[5] "Rydych wedi ateb %(n)d cwestiwn."
"""
KEPT_PREVIOUS = {
    "This question is not translated yet, so it is in English.": [
        "This question is not translated yet, so it is shown in English, the language it was "
        "written in; tell the person running the review if you need help."],
    "You have answered %(n)d question. Your answers are saved as you go.": [
        'You have answered %(n)d question. Your answers are saved as you go, and you can come '
        'back to "Check your answers" at any time\nbefore you send them.',
        'You have answered %(n)d questions. Your answers are saved as you go, and you can come '
        'back to "Check your answers" at any time\nbefore you send them.'],
}


def _previous_ids(catalog) -> dict:
    return {(m.id if isinstance(m.id, str) else m.id[0]): list(m.previous_id)
            for m in catalog if m.id}


def test_a_long_previous_msgid_survives_reading_and_saving_again(tmp_path: Path):
    from reviewkit.translate.catalogs import read_catalog, save

    po = tmp_path / "cy" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(LONG_PREVIOUS_PO, encoding="utf-8")
    first = read_catalog(po, locale="cy")
    assert _previous_ids(first) == KEPT_PREVIOUS
    for _ in range(2):  # written and read twice: nothing is cut up or moved into a comment
        save(po, read_catalog(po, locale="cy"))
        again = read_catalog(po, locale="cy")
        assert _previous_ids(again) == KEPT_PREVIOUS
        for m in again:
            assert not m.user_comments, (m.id, m.user_comments)
    text = po.read_text("utf-8")
    assert '#| msgid ""\n#| "This question is not translated yet, so it is shown in' in text
    assert "#| msgid_plural \"\"\n" in text
    fuzzy = again.get(next(k for k in KEPT_PREVIOUS if k.startswith("You")))
    assert fuzzy.fuzzy and fuzzy.string[2] == "Rydych wedi ateb %(n)d gwestiwn."
    # what a translator's tool reads: every `#|` line is a keyword and a quoted string, or a
    # quoted string
    for line in text.splitlines():
        if line.startswith("#|"):
            assert re.fullmatch(r'#\| (msgid |msgid_plural )?"([^"\\]|\\.)*"', line), line


def test_a_long_previous_msgid_survives_translations_update(tmp_path: Path):
    from reviewkit.translate.catalogs import read_catalog, update

    source = tmp_path / "source"
    source.mkdir()
    (source / "babel.cfg").write_text("[python: **.py]\n")
    (source / "page.py").write_text(
        '_("This question is not translated yet, so it is in English.")\n'
        'ngettext("You have answered %(n)d question. Your answers are saved as you go.",\n'
        '         "You have answered %(n)d questions. Your answers are saved as you go.", n)\n')
    work = tmp_path / "translations"
    po = work / "cy" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(LONG_PREVIOUS_PO, encoding="utf-8")
    banks = tmp_path / "banks"
    banks.mkdir()
    fuzzy = next(k for k in KEPT_PREVIOUS if k.startswith("You"))
    for _ in range(2):
        update(work, banks, source, langs=["cy"])
        cat = read_catalog(po, locale="cy")
        # the outdated translation keeps its whole previous English (a translated one that is
        # not fuzzy loses its `#|` lines on update, as with msgmerge)
        assert _previous_ids(cat)[fuzzy] == KEPT_PREVIOUS[fuzzy]
        assert not any(m.user_comments for m in cat)


def test_status_numbers_match_the_files(work: Path):
    result = _run("status", "--dir", str(work), "--json", "--missing")
    assert result.exit_code == 0, result.output
    rows = {(r["lang"], r["file"]): r for r in json.loads(result.output)}
    for lang in LANGS:
        for domain in ("messages", "banks"):
            counts: dict[str, dict[str, int]] = {}
            missing: dict[str, set] = {}
            for m in _po(work / lang / "LC_MESSAGES" / f"{domain}.po"):
                if not m.id:
                    continue
                file = "messages" if domain == "messages" else "banks:" + m.context.split(":")[0]
                c = counts.setdefault(file, {"translated": 0, "missing": 0, "outdated": 0})
                has = any(m.string) if isinstance(m.string, tuple) else bool(m.string)
                kind = "missing" if not has else "outdated" if m.fuzzy else "translated"
                c[kind] += 1
                if kind == "missing":
                    msgid = m.id[0] if isinstance(m.id, tuple) else m.id  # a plural: singular
                    missing.setdefault(file, set()).add((m.context, msgid))
            for file, c in counts.items():
                row = rows[(lang, file)]
                assert {k: row[k] for k in c} == c, (lang, file)
                assert row["total"] == sum(c.values())
                assert {(x["context"], x["msgid"]) for x in row["missing_strings"]} == \
                    missing.get(file, set())
    text = _run("status", "--dir", str(work), "--lang", "cy").output
    ui = rows[("cy", "messages")]
    assert re.search(rf"cy\s+messages\s+{ui['translated']}\s+{ui['missing']}\s+"
                     rf"{ui['outdated']}\s+{ui['total']}", text)


def test_status_missing_lists_file_and_line(work: Path):
    untranslate(work / "pl" / "LC_MESSAGES" / "banks.po", "My person-centred review",
                "person-centred-review:title")
    out = _run("status", "--dir", str(work), "--lang", "pl", "--missing").output
    line = next(ln for ln in out.splitlines() if "[person-centred-review:title]" in ln)
    path, number = re.search(r"(\S+banks\.po):(\d+):", line).groups()
    lines = Path(path).read_text("utf-8").splitlines()
    assert lines[int(number) - 1] == 'msgctxt "person-centred-review:title"'


@pytest.mark.parametrize("bad, reason", [
    ('msgstr "Cwestiwn %(n)d o"', "placeholders"),
    ('msgstr "Cwestiwn <script>alert(1)</script> %(n)d o %(total)d"', "markup"),
])
def test_compile_reports_broken_translations_with_file_and_line(work: Path, bad, reason):
    po = work / "cy" / "LC_MESSAGES" / "messages.po"
    lines = po.read_text("utf-8").splitlines()
    at = lines.index('msgid "Question %(n)d of %(total)d"')
    lines[at + 1] = bad
    po.write_text("\n".join(lines) + "\n", "utf-8")
    result = _run("compile", "--dir", str(work), "--lang", "cy")
    assert result.exit_code == 1
    assert f"{po}:{at + 1}:" in result.output and reason in result.output


def test_compile_reports_wrong_plural_forms_and_bad_bytes(work: Path):
    po = work / "ar" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text("utf-8").replace("nplurals=6;", "nplurals=2;", 1), "utf-8")
    ro = work / "ro" / "LC_MESSAGES" / "messages.po"
    ro.write_bytes(ro.read_bytes().replace("Înapoi".encode(), b"\xcenapoi", 1))
    result = _run("compile", "--dir", str(work))
    assert result.exit_code == 1
    assert f"{po}:1: Plural-Forms" in result.output
    assert re.search(rf"{re.escape(str(ro))}:\d+: not UTF-8", result.output)


def _append_plural(po: Path, *entries: str) -> list[int]:
    """Append plural entries to ``po``; return the first line of each (msgctxt or msgid)."""
    text = po.read_text("utf-8").rstrip("\n") + "\n"
    lines = []
    for entry in entries:
        text += "\n"
        lines.append(text.count("\n") + 1)
        text += entry
    po.write_text(text, "utf-8")
    return lines


def test_compile_reports_too_few_plural_forms_with_file_and_line(work: Path):
    """Babel fills missing msgstr[n] with empty strings when it reads a PO file, so the check
    reads the raw file: a translated plural entry needs every form the header's nplurals asks
    for (six in Welsh, three in Polish)."""
    cy = work / "cy" / "LC_MESSAGES" / "messages.po"
    short, full, untranslated = _append_plural(
        cy,
        'msgid "%(n)d statement"\nmsgid_plural "%(n)d statements"\n'
        'msgstr[0] "%(n)d datganiad"\nmsgstr[1] "%(n)d datganiad"\n',
        'msgid "%(n)d theme"\nmsgid_plural "%(n)d themes"\n'
        + "".join(f'msgstr[{i}] "%(n)d thema"\n' for i in range(6)),
        'msgid "%(n)d area"\nmsgid_plural "%(n)d areas"\nmsgstr[0] ""\n')
    pl = work / "pl" / "LC_MESSAGES" / "messages.po"
    pl_line, = _append_plural(
        pl, 'msgctxt "analysis"\nmsgid "%(n)d service"\nmsgid_plural "%(n)d services"\n'
            'msgstr[0] "%(n)d usługa"\nmsgstr[2] "%(n)d usług"\n')

    from reviewkit.translate.catalogs import check_file

    assert [p.line for p in check_file(cy, "cy")] == [short]
    result = _run("compile", "--dir", str(work), "--lang", "cy", "--lang", "pl")
    assert result.exit_code == 1
    assert (f"{cy}:{short}: 2 plural forms, expected 6 (the header's nplurals): msgstr[2], "
            "msgstr[3], msgstr[4], msgstr[5] missing") in result.output
    assert f"{cy}:{full}:" not in result.output  # all six forms
    assert f"{cy}:{untranslated}:" not in result.output  # not translated yet: only missing
    assert f"{pl}:{pl_line}: 2 plural forms, expected 3" in result.output
    assert "msgstr[1] missing in the translation of '%(n)d service'" in result.output
    assert "2 problem(s)" in result.output


def test_compile_says_one_plural_form_in_the_singular(work: Path):
    """A translation with a single form was reported as "1 plural forms"."""
    pl = work / "pl" / "LC_MESSAGES" / "messages.po"
    line, = _append_plural(pl, 'msgid "%(n)d area"\nmsgid_plural "%(n)d areas"\n'
                               'msgstr[0] "%(n)d obszar"\n')
    result = _run("compile", "--dir", str(work), "--lang", "pl")
    assert result.exit_code == 1
    assert (f"{pl}:{line}: 1 plural form, expected 3 (the header's nplurals): msgstr[1], "
            "msgstr[2] missing") in result.output


def test_welsh_plural_forms_for_one_number_may_leave_the_number_out(work: Path):
    """Welsh writes "Dim datganiadau" (0) and "Un datganiad" (1), as msgfmt allows for a plural
    form used for one number only; the form for every other number must keep %(n)d, and a
    problem in several forms is one line, not one per form."""
    from reviewkit.translate.catalogs import check_file

    cy = work / "cy" / "LC_MESSAGES" / "messages.po"
    _words, dropped, positional = _append_plural(
        cy,
        'msgid "%(n)d statement"\nmsgid_plural "%(n)d statements"\n'
        'msgstr[0] "Dim datganiadau"\nmsgstr[1] "Un datganiad"\nmsgstr[2] "Dau ddatganiad"\n'
        'msgstr[3] "Tri datganiad"\nmsgstr[4] "Chwe datganiad"\nmsgstr[5] "%(n)d datganiad"\n',
        'msgid "%(n)d theme"\nmsgid_plural "%(n)d themes"\n'
        + "".join(f'msgstr[{i}] "Themâu"\n' for i in range(6)),
        'msgid "%d area"\nmsgid_plural "%d areas"\nmsgstr[0] "Dim ardal"\n'
        + "".join(f'msgstr[{i}] "%d ardal"\n' for i in range(1, 6)))
    problems = [(p.line, p.reason) for p in check_file(cy, "cy")]
    assert [line for line, _reason in problems] == [dropped, positional]
    assert problems[0][1] == ("placeholders none do not match the English ['%(n)d'] in "
                              "'%(n)d theme'")
    pl = work / "pl" / "LC_MESSAGES" / "messages.po"
    _append_plural(pl, 'msgid "%(n)d file"\nmsgid_plural "%(n)d files"\n'
                       'msgstr[0] "Jeden plik"\nmsgstr[1] "%(n)d pliki"\n'
                       'msgstr[2] "%(n)d plików"\n')
    assert check_file(pl, "pl") == []


def test_bank_text_with_a_percent_sign_is_not_a_placeholder(work: Path):
    """Bank text is shown as written, never formatted: an answer 'More than 50% of days' (from
    an XLSForm) translated without the number must not stop every later banks.po upload; the
    interface text, which is formatted, is still checked."""
    from reviewkit.translate.catalogs import check_file

    banks = work / "cy" / "LC_MESSAGES" / "banks.po"
    _append_plural(banks, 'msgctxt "going-out:often.most.label"\n'
                          'msgid "More than 50% of days"\nmsgstr "Mwy na hanner y dyddiau"\n')
    assert check_file(banks, "cy") == []
    messages = work / "cy" / "LC_MESSAGES" / "messages.po"
    line, = _append_plural(messages, 'msgid "%(n)d%% of days"\nmsgstr "Mwy na hanner"\n')
    assert [p.line for p in check_file(messages, "cy")] == [line]


# --- the shipped PO files ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("domain", ["messages", "banks"])
def test_shipped_po_files_parse_with_right_plurals_and_placeholders(lang, domain):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"
    catalog = _po(path)
    assert str(catalog.locale) == lang
    assert catalog.plural_forms == PLURAL_FORMS[lang]
    assert "X-Review-Status: draft (needs native-speaker review)" in path.read_text("utf-8")
    for m in catalog:
        if not (m.id and m.string):
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for s in filter(None, strings):  # a plural not translated yet is ("", "", …)
            assert sorted(PLACEHOLDER.findall(s)) == sorted(PLACEHOLDER.findall(ids[0])), (
                lang, m.id, s)
            assert "<" not in s or "<" in ids[0], (lang, m.id)


# Where the text a person sees on their phone comes from (the staff side may lag behind).
PHONE_SOURCES = re.compile(r"reviewkit/(templates/(base|home|about)\.html|templates/respond/|"
                           r"templates/errors/|forms/questions\.py|localise\.py|"
                           r"web/respond\.py|web/errors\.py)")


@pytest.mark.parametrize("lang", LANGS)
def test_every_phone_journey_string_is_translated(lang):
    catalog = _po(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    phone = [m for m in catalog if m.id and any(PHONE_SOURCES.match(f) for f, _ in m.locations)]
    assert len(phone) > 80
    assert not [m.id for m in phone if not m.string or m.fuzzy]


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_interface_string(lang):
    catalog = _po(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    # a plural entry is a tuple of forms, each of which must be filled in
    forms = {m.id: m.string if isinstance(m.string, tuple) else (m.string,) for m in catalog}
    assert not [m.id for m in catalog if m.id and (not all(forms[m.id]) or m.fuzzy)]


@pytest.mark.parametrize("lang", ["cy", "ur"])
def test_person_centred_review_is_fully_translated_in_welsh_and_urdu(lang):
    catalog = _po(TRANSLATIONS / lang / "LC_MESSAGES" / "banks.po")
    pcr = [m for m in catalog if m.id and m.context.startswith("person-centred-review:")]
    assert len(pcr) > 100
    assert not [m.context for m in pcr if not m.string or m.fuzzy]


def test_urdu_uses_urdu_letters_not_arabic_ones():
    """Urdu keh, yeh and heh (ک ی ہ), which Nastaliq fonts shape properly, not Arabic ك ي ه."""
    for domain in ("messages", "banks"):
        for m in _po(TRANSLATIONS / "ur" / "LC_MESSAGES" / f"{domain}.po"):
            for form in (m.string if isinstance(m.string, tuple) else (m.string,)):
                assert not re.search("[\u0643\u064a]", form or ""), m.id


# --- real pages -------------------------------------------------------------------------------

def test_a_welsh_page_shows_welsh(client):
    page = Page(client.get("/?lang=cy"))
    assert page.lang == "cy" and page.dir == "ltr"
    assert "Neidio i'r prif gynnwys" in page
    assert "Skip to main content" not in page


def test_an_urdu_page_is_right_to_left_and_in_urdu(client):
    page = Page(client.get("/?lang=ur"))
    assert page.lang == "ur" and page.dir == "rtl"
    assert '<html lang="ur" dir="rtl">' in page.html
    assert "مرکزی مواد پر جائیں" in page


def _shipped_app(tmp_path: Path, banks: Path = BANKS):
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path, BANKS_PATH=str(banks))
    ctx = app.app_context()
    ctx.push()
    assert not init_database().problems
    return app, ctx


def _invitation(bank: str, language: str, easy_read: bool = False):
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version

    survey = inv.survey_for(latest_version(bank), None, the_organisation())
    return inv.create_invitations(survey, language=language, easy_read=easy_read)[0]


def _pager(client):
    def _page(url: str, data: dict | None = None, **kw):
        if data is None:
            return Page(client.get(url, **kw))
        data = {**data, "csrf_token": Page(client.get(url)).csrf}
        return Page(client.post(url, data=data, **kw))
    return _page


def _h1(page: Page) -> str:
    m = re.search(r"<h1[^>]*>(.*?)</h1>", page.html, re.S)
    assert m
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()


@pytest.mark.parametrize("lang, easy_read, first, choice, second, note", [
    ("cy", False, "Pwy sy'n ateb y cwestiynau hyn?", "Rydw i'n ateb ar fy mhen fy hun",
     "Beth mae pobl yn ei hoffi ac yn ei edmygu amdanoch chi?", "Cwestiwn 1 o"),
    ("ur", True, "سوالوں کے جواب کون دے رہا ہے؟", "صرف میں۔",
     "لوگ آپ کی کون سی باتیں پسند کرتے ہیں؟", "سوال 1"),
])
def test_person_centred_review_questions_show_in_welsh_and_urdu(tmp_path, lang, easy_read, first,
                                                                 choice, second, note):
    app, ctx = _shipped_app(tmp_path)
    try:
        invitation = _invitation("person-centred-review", lang, easy_read)
        page = _pager(app.test_client())
        url = start_journey(page, invitation)
        q = page(url)
        assert q.status == 200 and q.lang == lang
        assert _h1(q) == first
        assert 'id="q-title" lang=' not in q.html  # not marked as a fallback
        assert choice in q and note in q
        assert "not translated yet" not in q.html
        nxt = page(url, {"answer": "on-my-own", "action": "next"})
        assert nxt.status == 302
        q2 = page(nxt.response.headers["Location"])
        assert _h1(q2) == second and q2.lang == lang
        if lang == "ur":
            assert q2.dir == "rtl"
    finally:
        db.session.remove()
        db.engine.dispose()
        ctx.pop()


TINY_BANK = """\
id: tiny-untranslated
version: 1
title: A tiny bank nobody has translated
easy_read_title: Tiny bank
description: Used by the translation tests.
purpose: check_in
sections:
  - id: only
    title: Only section
    easy_read: Only section.
    pictogram: home
    questions:
      - id: colour
        type: short_text
        text: What is your favourite colour?
        easy_read: What colour do you like best?
        pictogram: heart
"""


def test_an_untranslated_question_falls_back_to_english_and_says_so(tmp_path):
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "tiny-untranslated.yaml").write_text(TINY_BANK, "utf-8")
    app, ctx = _shipped_app(tmp_path, banks)
    try:
        page = _pager(app.test_client())
        url = start_journey(page, _invitation("tiny-untranslated", "cy"))
        q = page(url)
        assert q.lang == "cy"
        assert '<h1 id="q-title" lang="en" dir="ltr">' in q.html, q.html
        assert _h1(q) == "What is your favourite colour?"
        assert "Nid yw'r cwestiwn hwn wedi'i gyfieithu eto, felly mae yn Saesneg." in q
        assert '<span class="section"> · <span lang="en" dir="ltr">Only section</span>' in q.html
        assert "Neidio i'r prif gynnwys" in q  # the interface itself stays Welsh
        english = page(url + "?lang=en")
        assert "not translated yet" not in english.html and english.lang == "en"
    finally:
        db.session.remove()
        db.engine.dispose()
        ctx.pop()


# Languages every shipped question bank is translated into (a person choosing one reads every
# question, choice and hint in it, standard and easy read).
BANKS_COMPLETE = ["cy", "ur", "pl", "ro", "pa", "ar"]


@pytest.mark.parametrize("lang", BANKS_COMPLETE)
def test_every_shipped_bank_is_fully_translated(lang):
    catalog = _po(TRANSLATIONS / lang / "LC_MESSAGES" / "banks.po")
    entries = [m for m in catalog if m.id]
    assert len(entries) > 500
    assert not [m.context for m in entries if not m.string or m.fuzzy
                or (not isinstance(m.string, str) and not all(m.string))]


# One word for one thing in each language: a word the catalogue once mixed with its glossary word.
NOT_THE_GLOSSARY_WORD = {"pl": ("facylitator", "Prowadzący")}


@pytest.mark.parametrize("lang", sorted(NOT_THE_GLOSSARY_WORD))
def test_a_role_has_one_name_in_each_language(lang):
    """Polish pages called the facilitator "Prowadzący" on the staff list and "facylitator" in
    three messages: a staff member could not tell they were the same role."""
    avoid, glossary = NOT_THE_GLOSSARY_WORD[lang]
    catalog = _po(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
    assert catalog.get("Facilitator").string == glossary
    strings = [s for m in catalog if m.id
               for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert not [s for s in strings if avoid in s.lower()]
