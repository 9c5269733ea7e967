"""Replacing a bank imported from an XLSForm with its form's next version (KoboToolbox's
"Replace form"): on the translator pages after a confirmation that says what changes, and with
``reviewkit banks import-xlsform --replace``. A real SQLite database and real files."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Page, sign_in
from sqlalchemy import select
from test_translate_pages import get, html_text, iapp, root  # noqa: F401 - fixtures
from test_xlsform import write_form

from reviewkit.cli import main
from reviewkit.extensions import db
from reviewkit.translate import catalogs

HEAD = ["type", "name", "label::English (en)", "label::Welsh (cy)"]
CHOICES = [["list_name", "name", "label::English (en)", "label::Welsh (cy)"],
           ["colours", "red", "Red", "Coch"], ["colours", "blue", "Blue", "Glas"]]
FIRST = [HEAD, ["start", "start", "", ""],
         ["text", "name", "What is your name?", "Beth yw eich enw?"],
         ["select_one colours", "colour", "Which colour do you like?", "Pa liw ydych chi'n hoffi?"],
         ["text", "food", "What food do you like?", "Pa fwyd ydych chi'n hoffi?"]]
# the colour question is gone, the food question reworded (no Welsh yet), a pets question added
SECOND = [HEAD, ["text", "name", "What is your name?", "Beth yw eich enw?"],
          ["text", "food", "What do you like to eat?", ""],
          ["integer", "pets", "How many pets do you have?", "Sawl anifail anwes sydd gennych chi?"]]


def _upload(client, path: Path) -> Page:
    import io

    token = get(client, "/staff/translate/import").csrf
    return Page(client.post("/staff/translate/import", content_type="multipart/form-data",
                            data={"csrf_token": token,
                                  "xlsform": (io.BytesIO(path.read_bytes()), path.name)}))


def _save(client, page: Page, **data) -> Page:
    key = re.search(r'action="/staff/translate/import/([^"#]+)#save"', page.html).group(1)
    return Page(client.post(f"/staff/translate/import/{key}",
                            data={"csrf_token": page.csrf, **data}))


def _versions(app, bank_id: str) -> list[int]:
    from reviewkit.models import BankVersion

    with app.app_context():
        return list(db.session.scalars(select(BankVersion.version).filter_by(bank_id=bank_id)
                                       .order_by(BankVersion.version)))


def _cy(folder: Path, context: str):
    cat = catalogs.read_catalog(folder / "translations" / "cy" / "LC_MESSAGES" / "banks.po",
                                locale="cy")
    return next((m for m in cat if m.context == context), None)


def _answer_on_first_version(app) -> int:
    """A person's answer given on version 1 of home-form; returns its response id."""
    from reviewkit.models import Organisation
    from reviewkit.services.banks import latest_version
    from reviewkit.services.invitations import create_invitations, survey_for
    from reviewkit.services.responses import save_answer, start_response

    with app.app_context():
        org = db.session.scalar(select(Organisation))
        survey = survey_for(latest_version("home-form"), None, org)
        response = start_response(create_invitations(survey)[0])
        save_answer(response, "colour", "red")
        return response.id


def test_an_imported_bank_is_replaced_as_its_next_version_after_a_confirmation(
        iapp, root, tmp_path):  # noqa: F811 - fixtures
    from reviewkit.models import Response

    client = iapp.test_client()
    sign_in(client, "translator")
    first = write_form(tmp_path / "home.xlsx", FIRST, CHOICES)
    r = _save(client, _upload(client, first), bank_id="home-form")
    assert r.status == 302
    answered = _answer_on_first_version(iapp)
    bank_file = Path(iapp.config["BANKS_PATH"]) / "home-form.yaml"
    before = bank_file.read_bytes()
    po = root / "translations" / "cy" / "LC_MESSAGES" / "banks.po"
    po_before = po.read_bytes()

    second = write_form(tmp_path / "home-2.xlsx", SECOND, CHOICES)
    report = _upload(client, second)
    confirm = _save(client, report, bank_id="home-form")
    # the confirmation step: what changes, and nothing saved yet
    assert confirm.status == 200 and not confirm.title.startswith("Error:")
    text = html_text(confirm)
    assert "There is already a bank called" not in text
    assert "Replace home-form as version 2" in text
    assert "answers already given stay with version 1" in text
    added = text[text.index("Questions added"):text.index("Questions removed")]
    removed = text[text.index("Questions removed"):text.index("Wording changed")]
    reworded = text[text.index("Wording changed"):text.index("Other changes")]
    assert "How many pets do you have?" in added and "food" not in added
    assert "Which colour do you like?" in removed and "name" not in removed
    assert "<del>What food do you like?</del>" in reworded
    assert "<ins>What do you like to eat?</ins>" in reworded
    assert 'name="replace" value="1"' in confirm.html
    assert _versions(iapp, "home-form") == [1]
    assert bank_file.read_bytes() == before and po.read_bytes() == po_before

    # a replace confirmed against another version than the latest is shown again, not saved
    again = _save(client, confirm, bank_id="home-form", replace="7")
    assert again.status == 200 and _versions(iapp, "home-form") == [1]

    done = client.post(re.search(r'action="([^"#]+)#save"', confirm.html).group(1),
                       data={"csrf_token": confirm.csrf, "bank_id": "home-form",
                             "replace": "1"})
    assert done.status_code == 302
    assert _versions(iapp, "home-form") == [1, 2]
    saved = bank_file.read_text("utf-8")
    assert saved.startswith("# Imported from home-2.xlsx on the translator's pages.")
    assert "version: 2" in saved and "pets" in saved and "colour" not in saved
    # the answer stays on version 1, whose questions are unchanged
    with iapp.app_context():
        response = db.session.get(Response, answered)
        assert response.bank_version.version == 1
        assert response.bank.question("colour").text == "Which colour do you like?"
    # translations: unchanged text kept, changed text outdated for the translator, new text in
    assert _cy(root, "home-form:name.text").string == "Beth yw eich enw?"
    food = _cy(root, "home-form:food.text")
    assert food.id == "What do you like to eat?" and food.fuzzy
    assert food.string == "Pa fwyd ydych chi'n hoffi?"
    assert food.previous_id == ["What food do you like?"]
    assert _cy(root, "home-form:pets.text").string == "Sawl anifail anwes sydd gennych chi?"
    assert _cy(root, "home-form:colour.text") is None
    index = get(client, "/staff/translate/")
    assert "home-form is replaced: version 2 is in use for new answers" in index
    # the question and its easy read (the form has none: the Welsh label is the Welsh of both)
    assert "2 translations are marked outdated for the translators." in index

    # the same form again: nothing to replace, nothing saved
    same = _save(client, _upload(client, second), bank_id="home-form", replace="2")
    assert same.status == 200 and "there is nothing to replace" in html_text(same)
    assert _versions(iapp, "home-form") == [1, 2]


def test_a_shipped_bank_is_not_replaced_by_a_form_and_nothing_is_written(
        iapp, root, tmp_path):  # noqa: F811 - fixtures
    from reviewkit.models import SavedFile

    client = iapp.test_client()
    sign_in(client, "translator")
    shipped = Path(iapp.config["BANKS_PATH"]) / "monthly-check-in.yaml"
    before = shipped.read_bytes()
    po = root / "translations" / "cy" / "LC_MESSAGES" / "banks.po"
    po_before = po.read_bytes()
    page = _upload(client, write_form(tmp_path / "home.xlsx", FIRST, CHOICES))
    for data in ({"bank_id": "monthly-check-in"},
                 {"bank_id": "monthly-check-in", "replace": "1"}):
        r = _save(client, page, **data)
        assert r.status == 400 and r.title.startswith("Error:")
        assert ("monthly-check-in is a bank that comes with reviewkit: it is kept in its YAML "
                "file and cannot be replaced by a form") in html_text(r)
        assert 'value="monthly-check-in"' in r.html
    assert _versions(iapp, "monthly-check-in") == [1]
    assert shipped.read_bytes() == before and po.read_bytes() == po_before
    with iapp.app_context():
        assert db.session.scalar(select(SavedFile.id)) is None


def test_the_command_replaces_with_replace_only_and_refuses_a_shipped_bank(
        iapp, root, tmp_path):  # noqa: F811 - fixtures
    client = iapp.test_client()
    sign_in(client, "translator")
    first = write_form(tmp_path / "home.xlsx", FIRST, CHOICES)
    assert _save(client, _upload(client, first), bank_id="home-form").status == 302
    second = write_form(tmp_path / "home-2.xlsx", SECOND, CHOICES)
    runner = iapp.test_cli_runner()

    refused = runner.invoke(main, ["banks", "import-xlsform", str(second), "--id",
                                   "monthly-check-in", "--replace"])
    assert refused.exit_code == 1 and "comes with reviewkit" in refused.output
    assert _versions(iapp, "monthly-check-in") == [1]

    done = runner.invoke(main, ["banks", "import-xlsform", str(second), "--id", "home-form",
                                "--replace"])
    assert done.exit_code == 0, done.output
    assert "added: pets: How many pets do you have?" in done.output
    assert "removed: colour: Which colour do you like?" in done.output
    assert ("wording changed: food: What food do you like? -> What do you like to eat?"
            in done.output)
    assert "cy: 2 translations marked outdated" in done.output  # text and easy read
    assert _versions(iapp, "home-form") == [1, 2]
    assert _cy(root, "home-form:food.text").fuzzy

    same = runner.invoke(main, ["banks", "import-xlsform", str(second), "--id", "home-form",
                                "--replace"])
    assert same.exit_code == 1 and "nothing to replace" in same.output
    assert _versions(iapp, "home-form") == [1, 2]


def test_the_saved_message_says_one_row_and_one_language_in_each_language(
        iapp, root, tmp_path):  # noqa: F811 - fixtures
    client = iapp.test_client()
    sign_in(client, "translator")
    form = write_form(tmp_path / "home.xlsx", FIRST, CHOICES)
    assert _save(client, _upload(client, form), bank_id="home-form").status == 302
    assert ("home-form is saved: 3 questions, 1 row left out, translations in 1 language."
            in get(client, "/staff/translate/"))
    for lang, words in (("cy", "1 rhes wedi'i gadael allan"), ("ur", "1 قطار چھوڑی گئی")):
        get(client, f"/staff/translate/?lang={lang}")  # the language of the pages from now
        page = _upload(client, form)
        assert _save(client, page, bank_id=f"home-{lang}").status == 302
        assert words in html_text(get(client, "/staff/translate/"))
