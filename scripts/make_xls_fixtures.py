"""Write the legacy .xls XLSForms that tests/test_xlsform*.py import (tests/data/xlsform/).

openpyxl cannot write .xls, so these small files are written once with xlwt and committed.
Run it again only to change them:

    .venv/bin/pip install 'xlwt>=1.3'
    .venv/bin/python scripts/make_xls_fixtures.py

Each form is a dict of sheets, each a list of rows (the first is the header); the tests assert
what each row becomes, by its row number, so keep the rows in order when editing.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "xlsform"

# A KoboToolbox-style form: labels only in language columns, no default_language setting, sheet
# names in capitals, every kind of row reviewkit shows or skips.
EN, EASY, CY = "label::English (en)", "label::English - easy read (en)", "label::Cymraeg (cy)"
KOBO = {
    "Survey": [
        ["type", "name", EN, EASY, CY, "hint::English (en)", "required", "relevant",
         "appearance", "media::image::English (en)", "calculation", "constraint"],
        ["start", "start"],                                                            # 2
        ["end", "end"],                                                                # 3
        ["deviceid", "deviceid"],                                                      # 4
        ["note", "welcome", "Thank you for taking part.", "Thank you.", "Diolch."],    # 5
        ["begin_group", "about", "About you", "About you.", "Amdanoch chi"],           # 6
        ["text", "name", "What is your name?", "Your name?", "Beth yw eich enw?",      # 7
         "First name is fine", "yes"],
        ["integer", "age", "How old are you?", "Your age?", "Faint yw eich oed?", "",  # 8
         "", "", "", "", "", ". > 0 and . < 120"],
        ["decimal", "hours", "How many hours of help a week?", "", "", "", "", "", "", "",  # 9
         ""],
        ["date", "visit_date", "When did we last visit?", "", ""],                     # 10
        ["begin_group", "home", "Your home", "Home.", "Eich cartref"],                  # 11
        ["select_one yes_no", "lives_alone", "Do you live alone?", "Alone?",           # 12
         "Ydych chi'n byw ar eich pen eich hun?", "", "", "", "", "home.svg"],
        ["select_multiple help or_other", "help_with", "What do you get help with?",   # 13
         "Help with?", "", "", "", "${lives_alone} = 'no'"],
        ["end_group"],                                                                 # 14
        ["geopoint", "where", "Where do you live?"],                                   # 15
        ["end_group"],                                                                 # 16
        ["calculate", "score", "", "", "", "", "", "", "", "", "1 + 1"],              # 17
        ["calculate", "district", "", "", "", "", "", "", "", "",                      # 18
         "pull_data('places', 'district', 'code', ${name})"],
        ["hidden", "source"],                                                          # 19
        ["barcode", "card", "Scan your card"],                                         # 20
        ["begin_repeat", "visits", "Visits"],                                          # 21
        ["text", "visitor", "Who visited?"],                                           # 22
        ["end_repeat"],                                                                # 23
        ["select_one_from_file places.csv", "place", "Which place?"],                  # 24
        ["text", "anything_else", "Anything else?", "Anything else?", "", "", "", "",  # 25
         "multiline", "cow.jpg"],
        ["note", "bye", "Thank you, goodbye."],                                        # 26
    ],
    "Choices": [
        ["list_name", "name", EN, EASY, CY, "media::image::English (en)"],
        ["yes_no", "yes", "Yes", "Yes.", "Ydw", "yes.svg"],
        ["yes_no", "no", "No", "No.", "Nac ydw", "no.svg"],
        ["help", "Washing", "Washing", "Washing.", "Ymolchi"],
        ["help", "meals", "Meals", "Food.", "Prydau"],
    ],
    "Settings": [["form_title", "form_id", "version"],
                 ["Home support check", "home_support", "2024061501"]],
}

# Older spellings pyxform still reads ("select one from … or specify other", "list name",
# "label:English", "begin group"), a default_language setting and a cascading select whose
# list repeats a name under a choice_filter.
CASCADE = {
    "survey": [
        ["type", "name", "label:English", "label:French", "choice_filter"],
        ["begin group", "where", "Where you live", "Où vous habitez"],                 # 2
        ["select one from county", "county", "Which county?", "Quel comté ?"],         # 3
        ["select one from town", "town", "Which town?", "Quelle ville ?",              # 4
         "county=${county}"],
        ["select all that apply from services or specify other", "services",           # 5
         "Which services do you use?", "Quels services utilisez-vous ?"],
        ["end group"],                                                                 # 6
    ],
    "choices": [
        ["list name", "name", "label:English", "label:French", "county"],
        ["county", "north", "North", "Nord"],
        ["county", "south", "South", "Sud"],
        ["town", "riverside", "Riverside", "Bord de rivière", "north"],
        ["town", "oakham", "Oakham", "Oakham", "north"],
        ["town", "riverside", "Riverside (south)", "Bord de rivière (sud)", "south"],
        ["services", "day_centre", "Day centre", "Centre de jour"],
        ["services", "home_care", "Home care", "Aide à domicile"],
    ],
    "settings": [["form_title", "form_id", "default_language", "allow_choice_duplicates"],
                 ["Where you live", "where_you_live", "English", "yes"]],
}

# pyxform refuses this one: a select_one names a list the choices sheet does not have.
REFUSED = {
    "survey": [["type", "name", "label"], ["text", "name", "Your name?"],
               ["select_one colours", "colour", "Favourite colour?"]],
    "choices": [["list_name", "name", "label"], ["sizes", "s", "Small"],
                ["sizes", "l", "Large"]],
}

# pyxform accepts this one, but there is nothing in it a person could be shown.
NOTHING = {
    "survey": [["type", "name", "label", "calculation"], ["start", "start"], ["end", "end"],
               ["geopoint", "where", "Where are you?"], ["calculate", "two", "", "1 + 1"]],
}

# Typed answers (tests/test_xlsform_types.py): numbers with a constraint range, a date, a time,
# a date and time, a rank and a loop over a choice list.
TYPES = {
    "survey": [["type", "name", "label", "constraint"],
               ["integer", "age", "How old are you?", ". >= 0 and . <= 120"],  # 2
               ["decimal", "hours", "Hours of help a week?", ". >= 0.5"],  # 3
               ["integer", "visits", "Visits this month?", ". != 3"],  # 4
               ["date", "last_visit", "When was the last visit?"],  # 5
               ["time", "wake", "What time do you get up?"],  # 6
               ["dateTime", "moved_in", "When did you move in?"],  # 7
               ["datetime", "review_at", "When is your review?"],  # 8
               ["rank rooms", "best_room", "Put the rooms in order"],  # 9
               ["begin loop over rooms", "each_room"],  # 10
               ["integer", "hours_in", "How many hours a day in the %(label)s?"],  # 11
               ["end loop"]],
    "choices": [["list_name", "name", "label"], ["rooms", "lounge", "Lounge"],
                ["rooms", "garden", "Garden"]],
}

FORMS = {"kobo_languages.xls": KOBO, "cascading.xls": CASCADE, "refused.xls": REFUSED,
         "nothing.xls": NOTHING, "types.xls": TYPES}


def write(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
    book.save(str(path))


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    """The same sheets as .xlsx (openpyxl), for the tests and make_xlsform_collection.py."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([value if value != "" else None for value in row])
    book.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, sheets in FORMS.items():
        write(OUT / name, sheets)
        print(OUT / name)


if __name__ == "__main__":
    main()
