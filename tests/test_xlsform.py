"""XLSForm interop: every shipped bank exports to an XLSForm pyxform converts and imports back
to an equal bank; real-world-style forms import with a report of what was not mapped; broken
forms are refused with where the problem is, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pyxform import xls2xform

from reviewkit.banks import load_bank, parse_bank
from reviewkit.banks.xlsform import (
    XLSFormError,
    bank_yaml,
    export_xlsform,
    import_xlsform,
    same_bank,
)
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
    assert [s.id for s in bank.sections] == ["about_you", "feedback"]
    assert [q.id for q in bank.questions] == ["consent", "services_used", "day_centre_comments",
                                              "rating", "why_bad", "anything_else"]
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
        "survey row 2: 'start' is device metadata",
        "survey row 3: 'deviceid' is device metadata",
        "survey row 6: name 'Services_Used' becomes question id 'services_used'",
        "choices row 5: value 'Home_Care' becomes 'home_care'",
        "survey row 8: 'integer' question 'age' cannot be mapped",
        "survey row 10: group name 'Feedback' becomes section id 'feedback'",
        "survey row 14: relevant '${rating} != 'good' and ${consent} = 'yes'' cannot be mapped",
        "survey row 15: 'geopoint' question 'location' cannot be mapped",
        "survey row 16: 'calculate' question 'score' cannot be mapped",
        "survey row 18: repeat 'visits' cannot be mapped",
        "no easy-read labels",
        "some rows have no known pictogram",
    ):
        assert expected in report, expected
    assert "visit_note" not in report  # left out with its repeat, reported once


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


# --- broken forms: an error with where it is, nothing written ---------------------------------

@pytest.mark.parametrize("survey, choices, expected", [
    ([["type", "name", "label"], ["text", "a", "A?"], ["text", "a", "A again?"]],
     None, "survey row 3: the name 'a' is already used in row 2"),
    ([["type", "name", "label", "relevant"],
      ["select_one yn", "a", "A?", "${b} = 'y'"], ["select_one yn", "b", "B?", "${a} = 'y'"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]],
     "survey row 2: relevant '${b} = 'y'' of 'a' refers to ${b}, which is not an earlier "
     "question"),
    ([["type", "name", "label", "relevant"], ["select_one yn", "a", "A?", "${a} = 'y'"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]],
     "survey row 2: relevant '${a} = 'y'' of 'a' refers to ${a}"),
    ([["type", "name", "label"], ["select_one yn", "a", "A?"]], None,
     "survey row 2: 'select_one yn' needs a 'choices' sheet"),
    ([["type", "name", "label"], ["select_one nope", "a", "A?"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "n", "No"]],
     "survey row 2: there is no choice list 'nope'"),
    ([["type", "name", "label"], ["select_one yn", "a", "A?"]],
     [["list_name", "name", "label"], ["yn", "y", "Yes"], ["yn", "y", "Yes again"]],
     "choices row 3: 'y' is already in list 'yn' (row 2)"),
    ([["type", "name", "label"], ["geopoint", "where", "Where?"]], None,
     "no question could be imported"),
])
def test_broken_forms_are_refused_with_where(tmp_path: Path, survey, choices, expected):
    path = write_form(tmp_path / "bad.xlsx", survey, choices)
    with pytest.raises(XLSFormError) as info:
        import_xlsform(path)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_not_a_workbook(tmp_path: Path):
    path = tmp_path / "form.xlsx"
    path.write_text("not a spreadsheet")
    with pytest.raises(XLSFormError, match="cannot be read as an .xlsx workbook"):
        import_xlsform(path)


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
    # refuses to overwrite without --force
    again = runner.invoke(main, ["banks", "import-xlsform", str(out), "--out", str(target)])
    assert again.exit_code != 0 and "--force" in again.output


def test_import_command_writes_nothing_for_a_broken_form(app, tmp_path: Path):
    path = write_form(tmp_path / "bad.xlsx", [["type", "name", "label"], ["text", "a", "A"],
                                              ["text", "a", "B"]])
    target = tmp_path / "bad-bank.yaml"
    result = app.test_cli_runner().invoke(main, ["banks", "import-xlsform", str(path),
                                                 "--out", str(target)])
    assert result.exit_code == 1
    assert "survey row 3: the name 'a' is already used in row 2" in result.output
    assert not target.exists()


def test_import_command_prints_the_report_with_rows(app, tmp_path: Path):
    path = write_form(tmp_path / "kobo.xlsx", KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    result = app.test_cli_runner().invoke(main, ["banks", "import-xlsform", str(path)])
    assert result.exit_code == 0, result.output
    assert "kobo.xlsx: survey row 15: 'geopoint' question 'location' cannot be mapped" in \
        result.output
    assert "id: service_feedback" in result.output
