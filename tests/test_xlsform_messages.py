"""What a form's author wrote comes through an XLSForm import and export: the
``constraint_message`` and ``required_message`` of every language column (shown on the phone
when the answer breaks the limit or is left empty), and each language's easy read (an export
never writes English easy read in the Welsh column). Real XLSX files built with openpyxl, the
real import (on the translator pages) and export, a real SQLite database."""

from __future__ import annotations

from pathlib import Path

from conftest import pages_of, sign_in, start_journey
from openpyxl import load_workbook
from pyxform import xls2xform
from sqlalchemy import select
from test_translate_pages import iapp, root  # noqa: F401 - fixtures
from test_xlsform import write_form
from test_xlsform_replace import _save, _upload

from reviewkit.banks import load_bank, parse_bank
from reviewkit.banks.xlsform import import_xlsform
from reviewkit.banks.xlsform_export import bank_yaml, export_rows, export_xlsform, same_bank
from reviewkit.config import REPO_ROOT
from reviewkit.extensions import db
from reviewkit.translate.extract import iter_bank_messages

EN, EN_EASY = "English (en)", "English - easy read (en)"
CY, CY_EASY = "Welsh (cy)", "Welsh - easy read (cy)"
LANGS = (EN, EN_EASY, CY, CY_EASY)
HEAD = ["type", "name", *[f"label::{lang}" for lang in LANGS], "constraint", "required",
        *[f"constraint_message::{lang}" for lang in LANGS],
        *[f"required_message::{lang}" for lang in LANGS]]
SURVEY = [
    HEAD,
    ["integer", "age", "How old are you?", "How old are you?", "Faint yw eich oed?",
     "Faint oed wyt ti?", ". >= 16 and . <= 120", "yes",
     "You must be 16 or older", "You need to be 16 or more.",
     "Rhaid i chi fod yn 16 neu'n hŷn", "Rhaid i ti fod yn 16 neu fwy.",
     "Please tell us your age", "Tell us how old you are.",
     "Dywedwch wrthym eich oed", "Dywed wrthym faint oed wyt ti."],
    ["text", "nickname", "What do people call you?", "What do people call you?",
     "Beth mae pobl yn eich galw chi?", "Beth mae pobl yn dy alw di?",
     "string-length(.) <= 12", "",
     "Twelve letters at most, 100% short", "", "Dim mwy na deuddeg llythyren", "",
     "", "", "", ""],
]


def _form(folder: Path) -> Path:
    return write_form(folder / "ages.xlsx", SURVEY)


def test_import_keeps_the_messages_with_their_easy_read_and_translations(tmp_path, app):
    result = import_xlsform(_form(tmp_path))
    age = result.bank.question("age")
    assert (age.min, age.max, age.required) == (16, 120, True)
    assert age.constraint_message == "You must be 16 or older"
    assert age.easy_read_constraint_message == "You need to be 16 or more."
    assert age.required_message == "Please tell us your age"
    assert age.easy_read_required_message == "Tell us how old you are."
    nickname = result.bank.question("nickname")
    assert nickname.max_length == 12
    assert nickname.constraint_message == "Twelve letters at most, 100% short"
    assert nickname.easy_read_constraint_message is None
    cy = result.translations["cy"]
    assert cy["age.constraint_message.text"] == "Rhaid i chi fod yn 16 neu'n hŷn"
    assert cy["age.constraint_message.easy_read"] == "Rhaid i ti fod yn 16 neu fwy."
    assert cy["age.required_message.text"] == "Dywedwch wrthym eich oed"
    assert cy["age.required_message.easy_read"] == "Dywed wrthym faint oed wyt ti."
    assert cy["nickname.constraint_message.text"] == "Dim mwy na deuddeg llythyren"
    # no easy read of its own: the standard message is the easy read, in Welsh as in English
    assert cy["nickname.constraint_message.easy_read"] == "Dim mwy na deuddeg llythyren"
    assert not [line for line in result.report if "message" in line]
    # the bank file the import writes keeps them
    again = parse_bank(bank_yaml(result.bank), "ages.yaml")
    assert same_bank(result.bank, again) == []


def test_a_message_with_no_check_to_go_with_it_has_a_report_line(tmp_path, app):
    head = ["type", "name", "label", "constraint", "required", "constraint_message",
            "required_message"]
    form = write_form(tmp_path / "f.xlsx", [
        head,
        ["date", "born", "When were you born?", ". < today()", "", "Not in the future", ""],
        ["text", "town", "Which town?", "", "", "", "Tell us your town"],
        ["text", "road", "Which road?", "", "yes", "", ""]])
    result = import_xlsform(form)
    assert result.bank.question("born").constraint_message is None
    assert result.bank.question("town").required_message is None
    assert ("survey row 2: 'born' (date): its constraint_message is not shown: reviewkit does "
            "not check its constraint") in result.report
    assert ("survey row 3: 'town' (text): its required_message is not shown: the question is "
            "optional") in result.report


def test_export_writes_the_messages_back_and_imports_to_the_same_bank(tmp_path, app):
    result = import_xlsform(_form(tmp_path))
    texts = result.translations

    def lookup(lang, _bank, context, _text):
        return texts.get(lang, {}).get(context)

    out = export_xlsform(result.bank, tmp_path / "out.xlsx", ["cy"], lookup)
    assert xls2xform.convert(xlsform=str(out), validate=False).warnings == []
    rows = _rows(out, "survey")
    age = rows["age"]
    assert age["constraint_message::English (en)"] == "You must be 16 or older"
    assert age["constraint_message::English - easy read (en)"] == "You need to be 16 or more."
    assert age["constraint_message::Cymraeg - easy read (cy)"] == "Rhaid i ti fod yn 16 neu fwy."
    assert age["required_message::Cymraeg (cy)"] == "Dywedwch wrthym eich oed"
    back = import_xlsform(out)
    assert same_bank(result.bank, back.bank) == []
    assert back.translations == texts


def test_the_phone_shows_the_forms_own_messages_in_the_persons_language(iapp, tmp_path):  # noqa: F811
    client = iapp.test_client()
    sign_in(client, "translator")
    assert _save(client, _upload(client, _form(tmp_path)), bank_id="ages").status == 302
    page = pages_of(iapp.test_client())
    with iapp.app_context():
        welsh = _invitation("cy", easy_read=False)
        easy = _invitation("en", easy_read=True)
        english = _invitation("en", easy_read=False)

    key = start_journey(page, welsh).split("/")[2]
    r = page(f"/a/{key}/q/age", {"answer": "12", "action": "next"})
    assert r.status == 400 and r.lang == "cy"
    assert "Rhaid i chi fod yn 16 neu'n hŷn" in r and 'value="12"' in r.html
    r = page(f"/a/{key}/q/age", {"answer": "", "action": "next"})
    assert r.status == 400 and "Dywedwch wrthym eich oed" in r
    assert page(f"/a/{key}/q/age", {"answer": "30", "action": "next"}).status == 302
    typed = "Llewelyn ap Gruffydd"
    r = page(f"/a/{key}/q/nickname", {"answer": typed, "action": "next"})
    assert r.status == 400 and "Dim mwy na deuddeg llythyren" in r and typed in r
    # as the person types, the phone says the same (respond.js reads it from the page)
    assert 'data-long="Dim mwy na deuddeg llythyren"' in r.html

    key = start_journey(page, easy).split("/")[2]
    r = page(f"/a/{key}/q/age", {"answer": "200", "action": "next"})
    assert r.status == 400 and "You need to be 16 or more." in r
    r = page(f"/a/{key}/q/age", {"answer": "", "action": "next"})
    assert "Tell us how old you are." in r

    key = start_journey(page, english).split("/")[2]
    r = page(f"/a/{key}/q/nickname", {"answer": "A name of many letters", "action": "next"})
    assert r.status == 400 and "Twelve letters at most, 100% short" in r
    # the send page brings the person back to the empty required question with its message
    token = page(f"/a/{key}/check").csrf
    r = page(f"/a/{key}/send", {"csrf_token": token}, csrf=False)
    assert r.status == 302
    back = page(r.response.headers["Location"])
    assert "Please tell us your age" in back


def test_an_english_message_on_a_welsh_phone_is_marked_english(iapp, tmp_path):  # noqa: F811
    """A form with no Welsh for its messages: a Welsh phone says the English ones (a message
    never shows blank), each marked lang="en" where it is shown, by the box and in the error
    summary, so a screen reader reads them in English (WCAG 3.1.2); Welsh ones are not."""
    import html5lib

    english_only = [SURVEY[0]] + [row[:10] + ["", ""] + row[12:14] + ["", ""]
                                  for row in SURVEY[1:]]
    client = iapp.test_client()
    sign_in(client, "translator")
    form = write_form(tmp_path / "ages.xlsx", english_only)
    assert _save(client, _upload(client, form), bank_id="ages").status == 302
    page = pages_of(iapp.test_client())
    with iapp.app_context():
        welsh = _invitation("cy", easy_read=False)
    key = start_journey(page, welsh).split("/")[2]

    def shown(qid: str, answer: str, said: str) -> None:
        r = page(f"/a/{key}/q/{qid}", {"answer": answer, "action": "next"})
        assert r.status == 400 and r.lang == "cy"
        tree = html5lib.parse(r.html, namespaceHTMLElements=False)
        by_box = tree.find(".//p[@id='answer-error']")
        in_summary = tree.find(".//div[@class='error-summary']//a[@href='#answer']")
        for element in (by_box, in_summary):
            assert "".join(element.itertext()) == said
            assert element.get("lang") == "en", r.html

    shown("age", "12", "You must be 16 or older")
    shown("age", "", "Please tell us your age")
    assert page(f"/a/{key}/q/age", {"answer": "30", "action": "next"}).status == 302
    shown("nickname", "Llewelyn ap Gruffydd", "Twelve letters at most, 100% short")
    # the page's own words in Welsh are not marked: a number that is not a number
    r = page(f"/a/{key}/q/age", {"answer": "deg", "action": "next"})
    tree = html5lib.parse(r.html, namespaceHTMLElements=False)
    assert tree.find(".//p[@id='answer-error']").get("lang") is None


def _invitation(lang: str, easy_read: bool):
    from reviewkit.models import Organisation
    from reviewkit.services.banks import latest_version
    from reviewkit.services.invitations import create_invitations, survey_for

    org = db.session.scalar(select(Organisation))
    survey = survey_for(latest_version("ages"), None, org)
    return create_invitations(survey, language=lang, easy_read=easy_read)[0]


def _rows(path: Path, sheet: str) -> dict[str, dict]:
    ws = load_workbook(path)[sheet]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    return {f"{r.get('list_name') or ''}/{r['name']}".lstrip("/"): r for r in rows}


# --- each language's easy read ----------------------------------------------------------------

def test_each_easy_read_column_carries_its_own_language_or_nothing(app):
    """A Welsh translation of the standard wording but none of the easy read: the Welsh easy
    read column is empty, not the English easy read; Polish, not translated, is empty."""
    bank = load_bank(REPO_ROOT / "question_banks" / "monthly-check-in.yaml")
    q = next(q for q in bank.questions if q.easy_read != q.text and q.help)
    welsh = {f"{q.id}.text": "Cwestiwn safonol", f"{q.id}.help.text": "Help safonol"}

    def lookup(lang, _bank, context, _text):
        return welsh.get(context) if lang == "cy" else None

    rows = export_rows(bank, ["cy", "pl"], lookup)
    head = rows["survey"][0]
    row = dict(zip(head, next(r for r in rows["survey"] if r[1] == q.id), strict=True))
    assert row["label::English - easy read (en)"] == q.easy_read
    assert row["label::Cymraeg (cy)"] == "Cwestiwn safonol"
    assert row["label::Cymraeg - easy read (cy)"] == ""
    assert row["hint::Cymraeg (cy)"] == "Help safonol"
    assert row["hint::Cymraeg - easy read (cy)"] == ""
    assert row["label::Polski (pl)"] == "" and row["label::Polski - easy read (pl)"] == ""


def test_shipped_banks_export_no_english_in_another_languages_columns(tmp_path, app):
    from reviewkit.translations import lookup

    for path in sorted((REPO_ROOT / "question_banks").glob("*.yaml")):
        bank = load_bank(path)
        out = export_xlsform(bank, tmp_path / f"{bank.id}.xlsx")
        for sheet in ("survey", "choices"):
            ws = load_workbook(out)[sheet]
            head = [c.value for c in ws[1]]
            for r in ws.iter_rows(min_row=2, values_only=True):
                cells = dict(zip(head, r, strict=True))
                for col, text in cells.items():
                    part, _sep, lang = col.partition("::")
                    if not text or "(en)" in lang or part not in ("label", "hint"):
                        continue
                    variant = "English - easy read" if "easy read" in lang else "English"
                    english = cells[f"{part}::{variant} (en)"]
                    assert text != english or len(text) <= 3, (bank.id, cells["name"], col)
        # and every translation comes back as it is in banks.po (titles, prompts too)
        back = import_xlsform(out)
        assert same_bank(bank, back.bank) == []
        po = {lang: {ctx.split(":", 1)[1]: found for _l, _f, (ctx, text), _c
                     in iter_bank_messages(bank, None)
                     if (found := lookup(lang, bank.id, ctx.split(":", 1)[1], text))}
              for lang in back.translations}
        assert back.translations == po
        assert po["cy"] and po["ur"]


# --- columns a KoboToolbox form brings ---------------------------------------------------------

def test_kobo_columns_are_imported_or_have_a_line_naming_row_and_column(tmp_path, app):
    head = ["type", "name", "label::English", "label::English (en)", "label::Welsh (cy)",
            "hint::English", "hint::Welsh (cy)", "guidance_hint::English",
            "guidance_hint::Welsh (cy)", "media::image::English", "media::audio::English",
            "choice_filter", "calculation", "default", "read_only", "prompt"]

    def row(kind, name, *cells, **named):
        out = dict.fromkeys(head, "")
        out.update(zip(head, (kind, name, *cells), strict=False))
        out.update({k.replace("__", "::"): v for k, v in named.items()})
        return [out[h] for h in head]

    survey = [
        head,
        row("note", "welcome", "Welcome", "Hello and welcome", "Croeso"),
        row("text", "name", "Your name", "", "Eich enw", "Full name", "Enw llawn",
            "Ask for the name they use", "Gofynnwch am yr enw maen nhw'n ei ddefnyddio",
            "person.svg", "hello.mp3"),
        row("select_one_from_file towns.csv", "town", "Town", "", "Tref"),
        row("begin_repeat", "children", "Children", "", "Plant"),
        row("text", "child", "Child's name", "", "Enw'r plentyn"),
        row("end_repeat", ""),
        row("calculate", "total", calculation="1 + 1"),
        row("integer", "age", "Age", "", "Oed", default="42", read_only="yes"),
        row("select_one yn", "ok", "Is it OK?", "", "Ydy e'n iawn?",
            **{"guidance_hint__English": "Wait for an answer", "prompt": "Ask slowly"}),
        row("select_one yn", "again", "Again?", "", "Eto?", choice_filter="name != ${ok}"),
    ]
    choices = [["list_name", "name", "label::English", "label::Welsh (cy)",
                "media::image::English"],
               ["yn", "yes", "Yes", "Ie", "yes.svg"], ["yn", "no", "No", "Na", "cross.png"]]
    result = import_xlsform(write_form(tmp_path / "kobo.xlsx", survey, choices))
    bank, report = result.bank, result.report
    # hint::lang, media::image of a reviewkit pictogram, notes, labels: imported
    name = bank.question("name")
    assert (name.help, name.pictogram) == ("Full name", "person")
    assert result.translations["cy"]["name.help.text"] == "Enw llawn"
    assert bank.sections[0].intro == "Welcome"  # label::English comes first
    assert bank.question("ok").choices[0].pictogram == "yes"
    # guidance_hint: the facilitator's prompt, with its translation, unless a prompt is given
    assert name.prompt == "Ask for the name they use"
    assert result.translations["cy"]["name.prompt"] == \
        "Gofynnwch am yr enw maen nhw'n ei ddefnyddio"
    assert bank.question("ok").prompt == "Ask slowly"
    assert bank.question("town") is None and bank.question("total") is None
    assert bank.question("child") is not None  # the repeat's question, asked once
    for line in (
        "the columns 'label::English', 'label::English (en)' are all in one language (en): "
        "where several have a text, the first is used and the others are left out",
        "survey row 3: 'name' (text): its media::audio 'hello.mp3' is left out: reviewkit "
        "shows pictograms and reads the words aloud",
        "survey row 4: 'town' (select_one_from_file towns.csv) left out: its choices come from "
        "a file outside the form (not found beside it, or not a CSV file with name and label "
        "columns)",
        "survey row 5: 'children' (begin_repeat) left out: repeat shown once: its questions are "
        "a section, asked once, not once for each item",
        "survey row 8: 'total' (calculate) left out: a calculation, not a question: nothing is "
        "shown to the person",
        "survey row 9: 'age' (integer): its default '42' is left out: the person starts with "
        "no answer",
        "survey row 9: 'age' (integer): read_only is left out: the person can answer it",
        "survey row 10: 'ok' (select_one yn): its guidance_hint is left out: the prompt column "
        "is the facilitator's prompt",
        "survey row 11: 'again' (select_one yn): choice_filter 'name != ${ok}' cannot be "
        "applied: every choice of 'yn' is shown",
    ):
        assert line in report, line
    # a list used by two questions: its row's line once
    assert report.count("choices row 3: 'no': image 'cross.png' is not one of reviewkit's "
                        "pictograms; 'choose' is shown") == 1


def test_a_form_without_easy_read_gives_its_translations_to_easy_read_too(tmp_path, app):
    """A Welsh reader of easy read sees the form's Welsh words, not the English ones."""
    form = write_form(tmp_path / "f.xlsx", [
        ["type", "name", "label::English (en)", "label::Welsh (cy)"],
        ["begin_group", "home", "Your home", "Eich cartref"],
        ["text", "pets", "Which pets?", "Pa anifeiliaid anwes?"],
        ["end_group", "", "", ""]])
    cy = import_xlsform(form).translations["cy"]
    assert cy["pets.easy_read"] == "Pa anifeiliaid anwes?"
    assert cy["home.easy_read"] == "Eich cartref"


def test_an_answer_filled_into_a_label_and_a_notes_relevant_have_a_line(tmp_path, app):
    """KoboToolbox fills ${name} in a label with an answer; reviewkit would show '${name}' to
    the person, so the report says so for each row (survey and choices) to rewrite it."""
    form = write_form(tmp_path / "f.xlsx", [
        ["type", "name", "label::English (en)", "relevant"],
        ["text", "name", "Your name", ""],
        ["note", "hello", "Hello ${name}", "${name} != ''"],
        ["select_one yn", "ok", "Is ${name} OK?", ""]],
        [["list_name", "name", "label::English (en)"], ["yn", "yes", "Yes, ${name}"],
         ["yn", "no", "No"]])
    report = import_xlsform(form).report
    piped = "its text has ${name} in it, which the form fills in with an answer; reviewkit " \
        "shows it as written: write the text without it"
    for line in (f"survey row 3: 'hello' (note): {piped}",
                 "survey row 3: 'hello' (note): its relevant '${name} != ''' is not checked: a "
                 "note is always shown",
                 f"survey row 4: 'ok' (select_one yn): {piped}",
                 f"choices row 2: 'yes': {piped}"):
        assert line in report, line
    assert not [line for line in report if line.startswith("survey row 2")]


def test_a_message_only_in_another_language_is_not_taken_as_the_english_one(tmp_path, app):
    form = write_form(tmp_path / "f.xlsx", [
        ["type", "name", "label::English (en)", "label::Welsh (cy)", "required",
         "required_message::Welsh (cy)"],
        ["text", "town", "Which town?", "Pa dref?", "yes", "Dywedwch wrthym eich tref"]])
    result = import_xlsform(form)
    assert result.bank.question("town").required_message is None
    assert "survey row 2: 'town' (text): its required_message has no text in the default " \
        "language (en); reviewkit's own message is shown" in result.report


def test_the_required_message_of_a_choice_question(app):
    """Every kind of question says the bank's words when it is left empty."""
    from reviewkit.banks.schema import Choice, Question
    from reviewkit.forms import answer_form

    choices = [Choice(value=v, label=v, easy_read=v, pictogram="choose") for v in ("a", "b")]
    for kind in ("single_choice", "multiple_choice", "yes_no", "scale", "statements"):
        q = Question(id="q", type=kind, text="Which?", easy_read="Which?", pictogram="question",
                     required=True, required_message="Choose one for us",
                     choices=choices if kind.endswith("_choice") else [])
        with app.test_request_context(method="POST", data={}):
            form = answer_form(q, "Which?", [("a", "a"), ("b", "b")],
                               bank_messages=(None, "Choose one for us"), meta={"csrf": False})
            assert not form.validate()
            assert form.answer.errors == ["Choose one for us"], kind
