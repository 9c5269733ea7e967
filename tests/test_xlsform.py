"""XLSForm interop: every shipped bank exports to an XLSForm pyxform converts and imports back
to an equal bank; real-world-style forms import with a report of what was not mapped; broken
forms are refused with where the problem is, and nothing is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pyxform import xls2xform

from reviewkit.banks import load_bank, parse_bank
from reviewkit.banks.xlsform import XLSFormError, import_xlsform
from reviewkit.banks.xlsform_export import bank_yaml, export_xlsform, same_bank
from reviewkit.cli import main
from reviewkit.config import REPO_ROOT

SHIPPED = sorted((REPO_ROOT / "question_banks").glob("*.yaml"))


def write_form(path: Path, survey: list[list], choices: list[list] | None = None,
               settings: list[list] | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# --- round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("bank_file", SHIPPED, ids=lambda p: p.stem)
def test_shipped_bank_round_trip(bank_file: Path, tmp_path: Path):
    bank = load_bank(bank_file)
    out = export_xlsform(bank, tmp_path / f"{bank.id}.xlsx")
    converted = xls2xform.convert(xlsform=str(out), validate=False)
    assert "<h:html" in converted.xform
    assert converted.warnings == []
    back = import_xlsform(out)
    assert back.report == []
    assert same_bank(bank, back.bank) == []
    # the YAML written by import-xlsform is a valid bank equal to the original
    again = parse_bank(bank_yaml(back.bank), f"{bank.id}.yaml")
    assert same_bank(bank, again) == []


def test_export_has_language_easy_read_and_image_columns(tmp_path: Path):
    bank = load_bank(REPO_ROOT / "question_banks" / "monthly-check-in.yaml")
    out = export_xlsform(bank, tmp_path / "m.xlsx")
    wb = load_workbook(out)
    head = [c.value for c in wb["survey"][1]]
    for col in ("label::English (en)", "label::English - easy read (en)", "label::Cymraeg (cy)",
                "label::Cymraeg - easy read (cy)", "label::اردو (ur)",
                "media::image::English (en)", "hint::English (en)", "relevant", "required"):
        assert col in head, col
    rows = [dict(zip(head, (c.value for c in r), strict=False)) for r in wb["survey"]][1:]
    safe = next(r for r in rows if r["name"] == "talk-about-safety")
    assert safe["relevant"] == "${feel-safe} = '1' or ${feel-safe} = '2'"
    assert safe["label::Cymraeg (cy)"] != safe["label::English (en)"]  # from banks.po
    choices = [[c.value for c in r] for r in wb["choices"]]
    assert any(r[1] == "3" and "face-happy.svg" in r for r in choices)
    settings = {c.value: v.value for c, v in zip(wb["settings"][1], wb["settings"][2],
                                                  strict=True)}
    assert settings["form_id"] == "monthly-check-in" and settings["default_language"] == \
        "English (en)"


def test_import_gives_translations_from_language_columns(tmp_path: Path):
    bank = load_bank(REPO_ROOT / "question_banks" / "monthly-check-in.yaml")
    from reviewkit.translations import lookup

    result = import_xlsform(export_xlsform(bank, tmp_path / "m.xlsx"))
    cy = result.translations["cy"]
    q = bank.question("feel-safe")
    assert cy["feel-safe.text"] == lookup("cy", bank.id, "feel-safe.text", q.text)
    assert cy["feel-safe.easy_read"] == lookup("cy", bank.id, "feel-safe.easy_read", q.easy_read)


# --- real-world-style forms -------------------------------------------------------------------

KOBO_SURVEY = [
    ["type", "name", "label::English (en)", "label::English - easy read (en)",
     "label::Welsh (cy)", "hint::English (en)", "required", "relevant", "appearance",
     "media::image::English (en)", "calculation"],
    ["start", "start", "", "", "", "", "", "", "", ""],
    ["deviceid", "deviceid", "", "", "", "", "", "", "", ""],
    ["begin_group", "about_you", "About you", "About you.", "Amdanoch chi", "", "", "", "", ""],
    ["select_one yesno", "consent", "Do you agree to take part?", "Is it OK to ask you?",
     "Ydych chi'n cytuno?", "", "yes", "", "", "yes.svg"],
    ["select_multiple services", "Services_Used", "Which services do you use?",
     "What do you use?", "", "Choose all that apply", "", "${consent} = 'yes'", "", ""],
    ["text", "day_centre_comments", "What do you think of the day centre?",
     "Tell us about the day centre.", "", "", "", "selected(${Services_Used}, 'day_centre')",
     "multiline", ""],
    ["integer", "age", "How old are you?", "", "", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", "", ""],
    ["begin group", "Feedback", "Your feedback", "", "", "", "", "", "", ""],
    ["note", "feedback_note", "Please be honest.", "", "", "", "", "", "", ""],
    ["select_one rating", "rating", "How good is the service?", "Is it good?", "", "", "true",
     "", "", ""],
    ["text", "why_bad", "What could be better?", "What could be better?", "", "", "",
     "${rating} = 'poor' or ${rating} = 'fair'", "", ""],
    ["text", "anything_else", "Anything else?", "", "", "", "",
     "${rating} != 'good' and ${consent} = 'yes'", "", ""],
    ["geopoint", "location", "Where are you?", "", "", "", "", "", "", ""],
    ["calculate", "score", "", "", "", "", "", "", "", "", "1 + 1"],
    ["end group", "", "", "", "", "", "", "", "", ""],
    ["begin_repeat", "visits", "Visits", "", "", "", "", "", "", ""],
    ["text", "visit_note", "Note", "", "", "", "", "", "", ""],
    ["end_repeat", "", "", "", "", "", "", "", "", ""],
]
KOBO_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::English - easy read (en)",
     "label::Welsh (cy)"],
    ["yesno", "yes", "Yes", "Yes.", "Ydw"],
    ["yesno", "no", "No", "No.", "Nac ydw"],
    ["services", "day_centre", "Day centre", "Day centre.", ""],
    ["services", "Home_Care", "Home care", "Help at home.", ""],
    ["services", "respite", "Short breaks", "Short breaks.", ""],
    ["rating", "good", "Good", "Good.", ""],
    ["rating", "fair", "Fair", "OK.", ""],
    ["rating", "poor", "Poor", "Bad.", ""],
]
KOBO_SETTINGS = [["form_title", "form_id", "version", "default_language"],
                 ["Service feedback", "service_feedback", "202401011", "English (en)"]]


def test_real_world_form_imports_with_a_report(tmp_path: Path):
    path = write_form(tmp_path / "kobo.xlsx", KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    xls2xform.convert(xlsform=str(path), validate=False)  # a valid XLSForm to begin with
    result = import_xlsform(path)
    bank = result.bank
    assert bank.id == "service_feedback" and bank.title == "Service feedback"
    # the repeat is a section of its own, its question asked once
    assert [s.id for s in bank.sections] == ["about_you", "feedback", "visits"]
    assert [q.id for q in bank.questions] == ["consent", "services_used", "day_centre_comments",
                                              "age", "rating", "why_bad", "anything_else",
                                              "visit_note"]
    assert bank.sections[2].title == "Visits"
    assert bank.question("age").type == "number" and not bank.question("age").decimal
    consent = bank.question("consent")
    assert consent.type == "single_choice" and consent.required
    assert consent.easy_read == "Is it OK to ask you?" and consent.pictogram == "yes"
    used = bank.question("services_used")
    assert used.type == "multiple_choice" and used.help == "Choose all that apply"
    assert [c.value for c in used.choices] == ["day_centre", "home_care", "respite"]
    assert used.show_if.question == "consent" and used.show_if.equals == "yes"
    comments = bank.question("day_centre_comments")
    assert comments.type == "free_text" and comments.show_if.equals == "day_centre"
    why = bank.question("why_bad")
    assert why.show_if.question == "rating" and why.show_if.any_of == ["poor", "fair"]
    assert bank.question("anything_else").show_if is None
    assert bank.sections[1].intro == "Please be honest."
    assert result.translations["cy"]["consent.text"] == "Ydych chi'n cytuno?"
    assert result.translations["cy"]["consent.yes.label"] == "Ydw"

    report = "\n".join(result.report)
    for expected in (
        "survey row 2: 'start' (start) left out: phone metadata",
        "survey row 3: 'deviceid' (deviceid) left out: phone metadata",
        "survey row 6: 'Services_Used' (select_multiple services): the name becomes the question "
        "id 'services_used'",
        "choices row 5: 'Home_Care': the value becomes 'home_care'",
        "survey row 14: 'anything_else' (text): relevant '${rating} != 'good' and ${consent} = "
        "'yes'' cannot be expressed",
        "survey row 15: 'location' (geopoint) left out: a map location",
        "survey row 16: 'score' (calculate) left out: a calculation",
        "survey row 18: 'visits' (begin_repeat) left out: repeat shown once: its questions are "
        "a section, asked once, not once for each item",
        "no easy-read labels",
        "some rows have no pictogram",
    ):
        assert expected in report, expected
    assert [line.row for line in result.skipped] == [2, 3, 15, 16, 18]


def test_plain_label_columns_and_questions_outside_groups(tmp_path: Path):
    path = write_form(tmp_path / "odk.xlsx", [
        ["type", "name", "label", "hint"],
        ["text", "name_of_service", "Which service is this about?", ""],
        ["select_one ok", "happy", "Are you happy here?", "Pick one"],
        ["select_one ok", "again", "Would you come again?", ""],
    ], [["list_name", "name", "label"], ["ok", "y", "Yes"], ["ok", "n", "No"]])
    result = import_xlsform(path, bank_id="odk-test")
    assert result.bank.id == "odk-test"
    assert len(result.bank.sections) == 1 and result.bank.sections[0].id == "odk"
    assert [q.type.value for q in result.bank.questions] == ["short_text", "single_choice",
                                                             "single_choice"]
    assert result.bank.question("happy").help == "Pick one"


def test_typographic_quotes_in_a_form_come_back_as_written(tmp_path: Path):
    """pyxform makes ‘ ’ “ ” straight; a Romanian or Polish translation („…”) or an English
    apostrophe (’) must come back from the import exactly as it was typed."""
    path = write_form(tmp_path / "quotes.xlsx", [
        ["type", "name", "label::English (en)", "hint::English (en)", "label::Română (ro)"],
        ["text", "example", "What’s a “good day”?", "For example, “I go swimming”.",
         "De exemplu, „Merg la înot”."],
    ], settings=[["form_title", "form_title_ro"], ["Everyone’s check-in", "Discuția „lunară”"]])
    result = import_xlsform(path, bank_id="quotes-test")
    q = result.bank.question("example")
    assert (q.text, q.help) == ("What’s a “good day”?", "For example, “I go swimming”.")
    assert result.bank.title == "Everyone’s check-in"
    assert result.translations["ro"]["example.text"] == "De exemplu, „Merg la înot”."
    assert result.translations["ro"]["title"] == "Discuția „lunară”"


def test_quotes_a_spreadsheet_made_curly_in_a_condition_still_work(tmp_path: Path):
    """A spreadsheet's autocorrect turns ${likes} = 'yes' into ${likes} = ‘yes’: in a
    condition they are straight quotes to pyxform, as before; only text keeps them curly."""
    path = write_form(tmp_path / "autocorrect.xlsx", [
        ["type", "name", "label", "relevant"],
        ["select_one yn", "likes", "Do you like it?", ""],
        ["text", "why", "Why’s that?", "${likes} = ‘yes’"],
    ], choices=[["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]])
    result = import_xlsform(path, bank_id="autocorrect-test")
    why = result.bank.question("why")
    assert why.text == "Why’s that?"
    assert (why.show_if.question, why.show_if.equals) == ("likes", "yes")


REPEAT_ONCE = ("left out: repeat shown once: its questions are a section, asked once, not "
               "once for each item")


def test_repeats_are_sections_asked_once(tmp_path: Path):
    path = write_form(tmp_path / "household.xlsx", [
        ["type", "name", "label", "relevant", "repeat_count"],
        ["text", "village", "Which village?", "", ""],                                 # 2
        ["begin_group", "household", "Household", "", ""],                             # 3
        ["select_one yn", "has_children", "Any children?", "", ""],                    # 4
        ["begin_repeat", "child", "Each child", "${has_children} = 'y'", "3"],         # 5
        ["text", "child_name", "Child's name?", "", ""],                               # 6
        ["integer", "child_age", "How old?", "", ""],                                  # 7
        ["geopoint", "school", "Where is the school?", "", ""],                        # 8
        ["end_repeat", "", "", "", ""],                                                # 9
        ["end_group", "", "", "", ""],                                                 # 10
        ["begin_repeat", "photos", "Photos", "", ""],                                  # 11
        ["image", "photo", "Take a photo", "", ""],                                    # 12
        ["end_repeat", "", "", "", ""],                                                # 13
        ["phone number", "phone", "Your phone number?", "", ""],                       # 14
    ], [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]])
    xls2xform.convert(xlsform=str(path), validate=False)
    result = import_xlsform(path)
    bank = result.bank
    # the repeat is a section (inside its group: the labels joined), its questions asked once,
    # its relevance on each of them
    assert [(s.id, s.title) for s in bank.sections] == [
        ("household", "household"), ("household-2", "Household"),
        ("child", "Household – Each child"), ("household-3", "household")]
    assert [q.id for q in bank.sections[2].questions] == ["child_name", "child_age"]
    for qid in ("child_name", "child_age"):
        cond = bank.question(qid).show_if
        assert (cond.question, cond.equals) == ("has_children", "y")
    # a phone number is a text answer
    assert bank.question("phone").type.value == "short_text"
    assert [str(line) for line in result.skipped] == [
        f"survey row 5: 'child' (begin_repeat) {REPEAT_ONCE}",
        "survey row 8: 'school' (geopoint) left out: a map location; reviewkit has no map "
        "question",
        "survey row 11: 'photos' (begin_repeat) left out: no question in this group can be shown",
        "survey row 12: 'photo' (image) left out: a photo, recording or file; reviewkit does not "
        "take files",
    ]


def test_a_form_of_one_repeat_imports_and_one_of_photos_is_refused(tmp_path: Path):
    path = write_form(tmp_path / "visits.xlsx", [
        ["type", "name", "label"], ["begin repeat", "visit", "Visits"],
        ["date", "when", "When was the visit?"], ["string", "who", "Who came?"],
        ["end repeat", "", ""]])
    result = import_xlsform(path)
    assert [q.id for q in result.bank.questions] == ["when", "who"]
    assert [q.type.value for q in result.bank.questions] == ["date", "short_text"]
    assert [str(line) for line in result.skipped] == [
        f"survey row 2: 'visit' (begin repeat) {REPEAT_ONCE}"]
    # nothing to show is still a refusal, whatever holds it
    path = write_form(tmp_path / "photos.xlsx", [
        ["type", "name", "label"], ["begin_repeat", "photos", "Photos"],
        ["image", "photo", "Take a photo"], ["end_repeat", "", ""]])
    with pytest.raises(XLSFormError) as info:
        import_xlsform(path)
    assert info.value.problems[:2] == ["nothing in photos.xlsx can be shown in reviewkit",
                                       "found: 1 × image, 1 × begin_repeat"]


# --- broken forms: refused only when pyxform refuses them (its message and row) or nothing can
# be shown; nothing written ---------------------------------------------------------------------

@pytest.mark.parametrize("survey, choices, expected", [
    ([["type", "name", "label"], ["text", "a", "A?"], ["text", "a", "A again?"]],
     None, "survey row 3: On the 'survey' sheet, the 'name' value 'a' is invalid"),
    ([["type", "name", "label"], ["select_one yn", "a", "A?"]], None,
     "There should be a choices sheet in this xlsform"),
    ([["type", "name", "label"], ["select_one nope", "a", "A?"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]],
     "survey row 2: List name not in choices sheet: nope (the choices sheet has the lists yn)"),
    ([["type", "name", "label"], ["text", "a", "A?"], ["select_one yesno", "b", "B?"]],
     [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_no", "no", "No"],
      ["faces", "1", "Sad"], ["faces", "3", "Happy"]],
     "survey row 3: List name not in choices sheet: yesno (the choices sheet has the lists "
     "yes_no, faces; did you mean 'yes_no'?)"),
    ([["type", "name", "label"], ["text", "a", "A?"], ["txt", "b", "B?"]], None,
     "survey row 3: Unknown question type 'txt'. (did you mean 'text'?)"),
    ([["type", "name", "label"], ["select_one", "a", "A?"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]],
     "survey row 2: Unknown question type 'select_one'. (a select needs the name of its list "
     "of choices after a space, as in 'select_one yn')"),
    ([["type", "name", "label"], ["select_multiple act", "a", "A?"]],
     [["list_name", "name", "label"], ["act", "tv", "TV"], ["act", "going out", "Going out"]],
     "choices row 3: Choice names with spaces cannot be added to multiple choice selects. See "
     "[going out] in [act] (use 'going_out' instead: a choice name has no spaces)"),
    ([["type", "name", "label"], ["select_one yn", "a", "A?"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "y", "Yes again"]],
     "choices row 3: On the 'choices' sheet, the 'name' value is invalid"),
    ([["type", "name", "label"], ["geopoint", "where", "Where?"]], None,
     "nothing in bad.xlsx can be shown in reviewkit"),
])
def test_broken_forms_are_refused_with_where(tmp_path: Path, survey, choices, expected):
    path = write_form(tmp_path / "bad.xlsx", survey, choices)
    with pytest.raises(XLSFormError) as info:
        import_xlsform(path)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_not_a_workbook(tmp_path: Path):
    path = tmp_path / "form.xlsx"
    path.write_text("not a spreadsheet")
    with pytest.raises(XLSFormError, match="pyxform cannot convert form.xlsx") as info:
        import_xlsform(path)
    assert "Traceback" not in str(info.value)


def test_conditions_on_itself_or_a_later_question_are_left_out_not_refused(tmp_path: Path):
    """pyxform accepts these, so the form imports; the question is always shown."""
    path = write_form(tmp_path / "loop.xlsx", [
        ["type", "name", "label", "relevant"],
        ["select_one yn", "a", "A?", "${b} = 'y'"], ["select_one yn", "b", "B?", "${a} = 'y'"],
        ["select_one yn", "c", "C?", "${c} = 'y'"]],
        [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]])
    result = import_xlsform(path)
    assert result.bank.question("a").show_if is None
    assert result.bank.question("b").show_if.equals == "y"
    assert result.bank.question("c").show_if is None
    report = "\n".join(result.report)
    assert ("survey row 2: 'a' (select_one yn): relevant '${b} = 'y'' cannot be expressed ('b' is "
            "not an earlier question); the question is always shown") in report
    assert "survey row 4: 'c' (select_one yn): relevant '${c} = 'y'' cannot be expressed" in report


# --- commands ---------------------------------------------------------------------------------

def test_commands_export_and_import(app, tmp_path: Path):
    runner = app.test_cli_runner()
    out = tmp_path / "monthly.xlsx"
    result = runner.invoke(main, ["banks", "export-xlsform",
                                  str(REPO_ROOT / "question_banks" / "monthly-check-in.yaml"),
                                  str(out)])
    assert result.exit_code == 0, result.output
    assert "pyxform converts it" in result.output
    target = tmp_path / "banks" / "monthly-check-in.yaml"
    result = runner.invoke(main, ["banks", "import-xlsform", str(out), "--out", str(target),
                                  "--po-dir", str(tmp_path / "po")])
    assert result.exit_code == 0, result.output
    assert same_bank(load_bank(target),
                     load_bank(REPO_ROOT / "question_banks" / "monthly-check-in.yaml")) == []
    assert 'msgctxt "monthly-check-in:feel-safe.text"' in (tmp_path / "po" / "cy.po").read_text()
    written = f"{len(load_bank(target).questions)} questions imported, 0 rows left out,"
    assert f"monthly-check-in: {written}" in result.output and "(s)" not in result.output
    assert re.search(r"^\d+ cy translations written to \S+cy\.po$", result.output, re.M)
    # refuses to overwrite without --force
    again = runner.invoke(main, ["banks", "import-xlsform", str(out), "--out", str(target)])
    assert again.exit_code != 0 and "--force" in again.output


def test_import_command_says_one_question_one_row_in_the_singular(app, tmp_path: Path):
    """Not '1 question(s) imported, 1 row(s) left out': each count in its own words."""
    path = write_form(tmp_path / "one.xlsx", [["type", "name", "label"], ["start", "start", ""],
                                              ["text", "a", "A"]])
    result = app.test_cli_runner().invoke(main, ["banks", "import-xlsform", str(path),
                                                 "--out", str(tmp_path / "one.yaml")])
    assert result.exit_code == 0, result.output
    assert "one: 1 question imported, 1 row left out, 2 changes noted" in result.output


def test_import_command_writes_nothing_for_a_broken_form(app, tmp_path: Path):
    path = write_form(tmp_path / "bad.xlsx", [["type", "name", "label"], ["text", "a", "A"],
                                              ["text", "a", "B"]])
    target = tmp_path / "bad-bank.yaml"
    result = app.test_cli_runner().invoke(main, ["banks", "import-xlsform", str(path),
                                                 "--out", str(target)])
    assert result.exit_code == 1
    assert "bad.xlsx: pyxform cannot convert bad.xlsx: survey row 3: On the 'survey' sheet" in \
        result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_import_command_prints_the_report_with_rows(app, tmp_path: Path):
    path = write_form(tmp_path / "kobo.xlsx", KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    result = app.test_cli_runner().invoke(main, ["banks", "import-xlsform", str(path)])
    assert result.exit_code == 0, result.output
    assert "kobo.xlsx: survey row 15: 'location' (geopoint) left out: a map location" in \
        result.output
    assert "id: service_feedback" in result.output


# --- .xls and .xlsx: the forms of scripts/make_xls_fixtures.py --------------------------------
# The .xls files were written once by that script (openpyxl cannot write .xls); the same sheets
# are written here as .xlsx, and both must import to the same bank and report.

def _fixtures():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_xls_fixtures", REPO_ROOT / "scripts" / "make_xls_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURES = _fixtures()
XLS = REPO_ROOT / "tests" / "data" / "xlsform"


def both(tmp_path: Path, name: str) -> list[Path]:
    FIXTURES.write_xlsx(tmp_path / f"{name}.xlsx", FIXTURES.FORMS[f"{name}.xls"])
    return [XLS / f"{name}.xls", tmp_path / f"{name}.xlsx"]


KOBO_SKIPPED = [
    "survey row 2: 'start' (start) left out: phone metadata the device records; there is "
    "nothing to ask",
    "survey row 3: 'end' (end) left out: phone metadata the device records; there is nothing "
    "to ask",
    "survey row 4: 'deviceid' (deviceid) left out: phone metadata the device records; there is "
    "nothing to ask",
    "survey row 15: 'where' (geopoint) left out: a map location; reviewkit has no map question",
    "survey row 17: 'score' (calculate) left out: a calculation, not a question: nothing is "
    "shown to the person",
    "survey row 18: 'district' (calculate) left out: pull_data reads a file that comes with the "
    "form; reviewkit has no such file",
    "survey row 19: 'source' (hidden) left out: a hidden value, not a question",
    "survey row 20: 'card' (barcode) left out: a barcode scan; reviewkit cannot scan",
    "survey row 21: 'visits' (begin_repeat) left out: repeat shown once: its questions are a "
    "section, asked once, not once for each item",
    "survey row 24: 'place' (select_one_from_file places.csv) left out: its choices come from a "
    "file outside the form (not found beside it, or not a CSV file with name and label columns)",
    "survey row 26: 'bye' (note) left out: a note with no question after it: a bank shows notes "
    "before questions",
]


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_kobo_form_with_language_columns_only(tmp_path: Path, kind: str):
    path = both(tmp_path, "kobo_languages")[kind == "xlsx"]
    result = import_xlsform(path)
    bank = result.bank
    assert (bank.id, bank.version, bank.title, bank.language) == (
        "home_support", 2024061501, "Home support check", "en")
    # groups as sections; the nested group flattened with both labels; the welcome note is the
    # first section's introduction; the repeat a section whose question is asked once
    assert [(s.id, s.title, s.easy_read) for s in bank.sections] == [
        ("about", "About you", "About you."),
        ("home", "About you – Your home", "About you. – Home."),
        ("visits", "Visits", "Visits"),
        ("home_support", "Home support check", "Home support check")]
    assert bank.sections[0].intro == "Thank you for taking part."
    assert [(q.id, q.type.value) for q in bank.questions] == [
        ("name", "short_text"), ("age", "number"), ("hours", "number"),
        ("visit_date", "date"), ("lives_alone", "single_choice"),
        ("help_with", "multiple_choice"), ("help_with_other", "short_text"),
        ("visitor", "short_text"), ("anything_else", "free_text")]
    assert [q.id for q in bank.sections[2].questions] == ["visitor"]
    name = bank.question("name")
    assert (name.text, name.easy_read, name.help, name.required) == (
        "What is your name?", "Your name?", "First name is fine", True)
    # images that are pictograms, or_other with its "specify other" question, relevance
    alone = bank.question("lives_alone")
    assert alone.pictogram == "home" and [c.pictogram for c in alone.choices] == ["yes", "no"]
    helps = bank.question("help_with")
    assert [c.value for c in helps.choices] == ["washing", "meals", "other"]
    assert (helps.show_if.question, helps.show_if.equals) == ("lives_alone", "no")
    other = bank.question("help_with_other")
    assert (other.show_if.question, other.show_if.equals) == ("help_with", "other")
    # every language column: Welsh into the translations
    cy = result.translations["cy"]
    assert cy["name.text"] == "Beth yw eich enw?" and cy["about.text"] == "Amdanoch chi"
    assert cy["home.text"] == "Amdanoch chi – Eich cartref" and cy["about.intro"] == "Diolch."
    assert cy["lives_alone.no.label"] == "Nac ydw" and cy["help_with.washing.label"] == "Ymolchi"
    # one line per skipped row: row, name, type and why
    assert [str(line) for line in result.skipped] == KOBO_SKIPPED
    # numbers and dates are questions of their own; '. > 0 and . < 120' is 1 to 119
    age, hours = bank.question("age"), bank.question("hours")
    assert (age.decimal, age.min, age.max, hours.decimal, hours.min) == (False, 1, 119, True, None)
    notes = [str(line) for line in result.notes]
    for expected in (
        "survey row 25: 'anything_else' (text): image 'cow.jpg' is not one of reviewkit's "
        "pictograms; 'question' is shown",
        "choices row 4: 'Washing': the value becomes 'washing'",
    ):
        assert expected in notes, expected


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_old_spellings_default_language_and_cascading_selects(tmp_path: Path, kind: str):
    path = both(tmp_path, "cascading")[kind == "xlsx"]
    result = import_xlsform(path)
    bank = result.bank
    assert bank.id == "where_you_live" and [s.id for s in bank.sections] == ["where"]
    assert [(q.id, q.type.value) for q in bank.questions] == [
        ("county", "single_choice"), ("town", "single_choice"), ("services", "multiple_choice"),
        ("services_other", "short_text")]
    assert [(c.value, c.label) for c in bank.question("town").choices] == [
        ("riverside", "Riverside"), ("oakham", "Oakham")]
    assert result.translations["fr"]["town.text"] == "Quelle ville ?"
    assert result.translations["fr"]["where.text"] == "Où vous habitez"
    assert result.skipped == []
    assert [str(line) for line in result.notes][:2] == [
        "survey row 4: 'town' (select one from town): choice_filter 'county=${county}' cannot be "
        "applied: every choice of 'town' is shown",
        "choices row 6: 'riverside': already in list 'town' (row 4); shown once"]


@pytest.mark.parametrize("kind", ["xls", "xlsx"])
def test_refused_with_pyxforms_message_or_when_nothing_can_be_shown(tmp_path: Path, kind: str):
    refused = both(tmp_path, "refused")[kind == "xlsx"]
    with pytest.raises(XLSFormError) as info:
        import_xlsform(refused)
    assert info.value.problems == [f"pyxform cannot convert refused.{kind}: survey row 3: "
                                   "List name not in choices sheet: colours (the choices sheet "
                                   "has the lists sizes)"]
    nothing = both(tmp_path, "nothing")[kind == "xlsx"]
    with pytest.raises(XLSFormError) as info:
        import_xlsform(nothing)
    assert info.value.problems == [
        f"nothing in nothing.{kind} can be shown in reviewkit",
        "found: 1 × start, 1 × end, 1 × geopoint, 1 × calculate",
        "survey row 2: 'start' (start) left out: phone metadata the device records; there is "
        "nothing to ask",
        "survey row 3: 'end' (end) left out: phone metadata the device records; there is "
        "nothing to ask",
        "survey row 4: 'where' (geopoint) left out: a map location; reviewkit has no map question",
        "survey row 5: 'two' (calculate) left out: a calculation, not a question: nothing is "
        "shown to the person"]


def test_group_relevance_notes_between_questions_and_languages_without_codes(tmp_path: Path):
    path = write_form(tmp_path / "groups.xlsx", [
        ["type", "name", "label::Welsh", "label::English", "relevant"],
        ["select_one yn", "carer", "Oes gennych chi ofalwr?", "Do you have a carer?"],
        ["begin_group", "carer_group", "Eich gofalwr", "Your carer", "${carer} = 'y'"],
        ["text", "carer_name", "Enw?", "Their name?"],
        ["note", "middle", "Nawr am eich diwrnod.", "Now about your day."],
        ["text", "day", "Sut mae eich diwrnod?", "How is your day?"],
        ["end_group"],
    ], [["list_name", "name", "label::Welsh", "label::English"],
        ["yn", "y", "Oes", "Yes"], ["yn", "n", "Nac oes", "No"]],
        [["form_title", "default_language"], ["Carers", "English"]])
    result = import_xlsform(path)
    bank = result.bank
    # the group's condition applies to each of its questions; a note between questions starts a
    # new page of the same group with the note as its introduction
    assert [(s.id, s.title, s.intro) for s in bank.sections] == [
        ("groups", "Carers", None), ("carer_group", "Your carer", None),
        ("carer_group-2", "Your carer", "Now about your day.")]
    assert all(bank.question(q).show_if.equals == "y" for q in ("carer_name", "day"))
    assert result.translations["cy"]["carer_group-2.intro"] == "Nawr am eich diwrnod."
    assert result.translations["cy"]["carer.y.label"] == "Oes"


def test_a_short_range_becomes_a_choice_of_its_numbers(tmp_path: Path):
    path = write_form(tmp_path / "range.xlsx", [
        ["type", "name", "label", "parameters"],
        ["range", "stars", "How many stars?", "start=1 end=5 step=1"],
        ["range", "wide", "Pick a number", "start=0 end=100 step=1"]])
    result = import_xlsform(path)
    stars = result.bank.question("stars")
    assert stars.type == "single_choice" and [c.value for c in stars.choices] == [
        "1", "2", "3", "4", "5"]
    assert "survey row 2: 'stars' (range): shown as a choice of the numbers 1 to 5" in \
        result.report
    assert [str(line) for line in result.skipped] == [
        "survey row 3: 'wide' (range) left out: reviewkit has no question of this type"]


def test_a_form_that_opens_in_welsh_keeps_its_english_as_the_bank_text(tmp_path: Path):
    """A bilingual form whose default_language is Welsh: English speakers must see its English
    (a bank has no English translation), and Welsh speakers its Welsh."""
    path = write_form(tmp_path / "sut.xlsx", [
        ["type", "name", "label::Welsh (cy)", "label::English (en)", "hint::English (en)"],
        ["select_one yn", "talk", "Hoffech chi siarad â rhywun?",
         "Would you like to talk to someone?", "Pick one"],
        ["text", "who", "Gyda phwy?", "Who with?"],
    ], [["list_name", "name", "label::Welsh (cy)", "label::English (en)"],
        ["yn", "yes", "Ydw", "Yes"], ["yn", "no", "Na", "No"]],
        [["form_title", "default_language"], ["Sut wyt ti?", "Welsh (cy)"]])
    result = import_xlsform(path)
    bank = result.bank
    assert bank.language == "en"
    talk = bank.question("talk")
    assert (talk.text, talk.help, [c.label for c in talk.choices]) == (
        "Would you like to talk to someone?", "Pick one", ["Yes", "No"])
    cy = result.translations["cy"]
    assert (cy["talk.text"], cy["who.text"], cy["talk.yes.label"]) == (
        "Hoffech chi siarad â rhywun?", "Gyda phwy?", "Ydw")
    assert "the form opens in Welsh (cy); the bank is in English (its 'English (en)' column), " \
        "with Welsh (cy) as a translation, as reviewkit keeps every bank" in result.report
    # a form in Welsh only stays a Welsh bank
    welsh = write_form(tmp_path / "cymraeg.xlsx", [
        ["type", "name", "label::Welsh (cy)"], ["text", "who", "Gyda phwy?"]],
        None, [["form_title", "default_language"], ["Sut wyt ti?", "Welsh (cy)"]])
    assert import_xlsform(welsh).bank.language == "cy"


def test_a_question_with_its_own_relevant_inside_a_conditional_group_says_what_is_lost(
        tmp_path: Path):
    """KoboToolbox checks a group's relevant and the question's own; a bank question has one
    condition. Where the question it asks about is in the same group, nothing is lost (hidden
    with the group, it is never answered); otherwise the report says the group's is not
    checked."""
    path = write_form(tmp_path / "support.xlsx", [
        ["type", "name", "label", "relevant"],
        ["select_one yn", "consent", "Can we ask about your support?"],
        ["select_one yn", "alone", "Do you live alone?"],
        ["begin_group", "support", "Your support", "${consent} = 'yes'"],
        ["select_one yn", "happy", "Are you happy with it?"],
        ["text", "better", "What could be better?", "${happy} = 'no'"],
        ["text", "neighbours", "Do neighbours help?", "${alone} = 'yes'"],
        ["end_group"],
    ], [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]])
    result = import_xlsform(path)
    bank = result.bank
    assert bank.question("happy").show_if.question == "consent"
    assert bank.question("better").show_if.question == "happy"
    assert bank.question("neighbours").show_if.question == "alone"
    notes = [line for line in result.report if "group's relevant" in line]
    assert notes == [
        "survey row 7: 'neighbours' (text): its group's relevant '${consent} = 'yes'' is not "
        "checked as well: a bank question has one condition, so it is shown whenever "
        "'${alone} = 'yes''"]


def test_kobo_formatting_is_taken_out_of_the_words_with_a_line_per_row(tmp_path: Path):
    """KoboToolbox shows markdown and <span style> in labels; a bank shows plain words, so the
    person would read '**' and tags. Numbers typed into Excel as numbers, and required 0, are
    read as written."""
    path = write_form(tmp_path / "kobo.xlsx", [
        ["type", "name", "label::English (en)", "label::Welsh (cy)", "required"],
        ["note", "intro", "**Please read:** this is about <span style=\"color:red\">your</span> "
         "support", "**Darllenwch:** mae hyn am eich cymorth"],
        ["select_one n", "score", "# Score\nHow *many* stars?", "Sawl seren?", 1],
        ["integer", "days", "How many days? See [our page](https://example.org)", None, 0],
    ], [["list_name", "name", "label::English (en)", "label::Welsh (cy)"],
        ["n", 1, "__One__", "Un"], ["n", 2, 2, 2]])
    result = import_xlsform(path)
    bank = result.bank
    assert bank.sections[0].intro == "Please read: this is about your support"
    score = bank.question("score")
    assert (score.text, score.required) == ("Score\nHow many stars?", True)
    assert [(c.value, c.label) for c in score.choices] == [("1", "One"), ("2", "2")]
    days = bank.question("days")
    assert (days.text, days.required) == ("How many days? See our page (https://example.org)",
                                          False)
    assert result.translations["cy"][f"{bank.sections[0].id}.intro"] == \
        "Darllenwch: mae hyn am eich cymorth"
    why = ("its bold, italics, headings, colours and links (markdown or HTML) are taken out: a "
           "bank shows plain words")
    assert [line for line in result.report if why in line or "required" in line] == [
        f"survey row 2: 'intro' (note): {why}", f"survey row 3: 'score' (select_one n): {why}",
        f"survey row 4: 'days' (integer): {why}", f"choices row 2: '1': {why}"]


def test_a_misspelt_list_name_on_the_choices_sheet_is_reported(tmp_path: Path):
    """'facse' for 'faces' on one choices row: pyxform and KoboToolbox show the list without
    that choice and say nothing; the report names the row and the list probably meant."""
    path = write_form(tmp_path / "typo.xlsx", [
        ["type", "name", "label"], ["select_one yes_no", "talk", "Talk?"],
        ["select_one faces", "mood", "Mood?"], ["select_multiple faces", "days", "Days?"]],
        [["list_name", "name", "label"], ["yes_no", "yes", "Yes"], ["yes_noo", "no", "No"],
         ["faces", "1", "Sad"], ["faces", "2", "OK"], ["facse", "3", "Happy"],
         ["spare", "a", "A"], ["spare", "b", "B"]])
    result = import_xlsform(path)
    assert [c.value for c in result.bank.question("mood").choices] == ["1", "2"]
    assert [line for line in result.report if line.startswith("choices")] == [
        "choices row 3: 'yes_noo': no question uses this list, so its choices are not shown; "
        "did you mean 'yes_no'?",
        "choices row 6: 'facse': no question uses this list, so its choices are not shown; "
        "did you mean 'faces'?",
        "choices row 7: 'spare': no question uses this list, so its choices are not shown"]


def test_a_label_excel_turned_into_a_date_is_reported(tmp_path: Path):
    """Typing '3-5' as a choice label in Excel stores 3 May: the person would read
    '2026-05-03 00:00:00'; the report says so, with the row, so it can be typed again."""
    from datetime import datetime

    path = write_form(tmp_path / "times.xlsx", [
        ["type", "name", "label"], ["select_one times", "times", "How many times a week?"]],
        [["list_name", "name", "label"], ["times", "few", datetime(2026, 5, 3)],
         ["times", "many", "6 or more"]])
    result = import_xlsform(path)
    assert "choices row 2: 'few': its text is a date in the spreadsheet ('2026-05-03 00:00:00'): " \
        "Excel turns some typing, such as '3-5' or '1/2', into a date; type it again as text " \
        "(with ' in front)" in result.report
    assert not any("row 3" in line for line in result.report)
