"""A bank's own messages (an XLSForm's constraint_message and required_message) on a real phone
(Debian chromium, 360 px, by keyboard only, axe-core on every page), in Urdu, right to left:
a number out of its range, an empty required question and a too-long answer each get the
words the bank's author wrote, in the person's language, in the error summary and by the box,
with what was typed kept; while typing, the too-long message is the author's too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import initialised_app
from flask import Flask

from reviewkit.translate import catalogs

from .browsing import Journey, Labels
from .test_typed_answers import refused
from .test_variants import choose_variant, variant_checks

pytestmark = pytest.mark.browser

BANK = """\
id: asked
version: 1
title: About you
easy_read_title: About you
description: A bank with its own messages.
purpose: check_in
sections:
  - id: you
    title: About you
    easy_read: About you
    pictogram: person
    questions:
      - id: age
        type: number
        text: How old are you?
        easy_read: How old are you?
        pictogram: question
        required: true
        min: 16
        max: 120
        constraint_message: You must be 16 or older
        required_message: Please tell us your age
      - id: nickname
        type: short_text
        text: What do people call you?
        easy_read: What do people call you?
        pictogram: question
        max_length: 12
        constraint_message: Twelve letters at most
"""
# the Urdu of every text of the bank, as banks.po has it
URDU = {
    "title": "آپ کے بارے میں", "easy_read_title": "آپ کے بارے میں",
    "description": "اپنے پیغامات والا سوال نامہ۔",
    "you.text": "آپ کے بارے میں", "you.easy_read": "آپ کے بارے میں",
    "age.text": "آپ کی عمر کیا ہے؟", "age.easy_read": "آپ کی عمر کیا ہے؟",
    "age.constraint_message.text": "آپ کی عمر کم از کم 16 سال ہونی چاہیے",
    "age.required_message.text": "براہ کرم ہمیں اپنی عمر بتائیں",
    "nickname.text": "لوگ آپ کو کیا کہتے ہیں؟", "nickname.easy_read": "لوگ آپ کو کیا کہتے ہیں؟",
    "nickname.constraint_message.text": "زیادہ سے زیادہ بارہ حروف",
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch, request) -> Iterator[Flask]:
    """The bank with its Urdu, but for the texts a test names (``indirect`` parameter)."""
    import reviewkit.translations as bank_text
    from reviewkit.banks import parse_bank
    from reviewkit.translate.extract import iter_bank_messages

    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "asked.yaml").write_text(BANK, encoding="utf-8")
    po = tmp_path / "root" / "translations" / "ur" / "LC_MESSAGES" / "banks.po"
    po.parent.mkdir(parents=True)
    cat = catalogs.PoCatalog(locale="ur", domain="banks", project="reviewkit", fuzzy=False)
    untranslated = getattr(request, "param", ())
    for _line, _f, (context, english), _c in iter_bank_messages(parse_bank(BANK, "a"), None):
        key = context.split(":", 1)[1]
        if key.rsplit(".", 1)[0] in untranslated:
            continue
        cat.add(english, URDU.get(key) or URDU[key.replace("easy_read", "text")],
                context=context)
    po.write_bytes(catalogs.render(cat))
    monkeypatch.setattr(bank_text, "REPO_ROOT", tmp_path / "root")
    bank_text._catalog.cache_clear()
    with initialised_app(tmp_path, BANKS_PATH=str(banks)) as app:
        yield app
    bank_text._catalog.cache_clear()


def test_the_banks_own_messages_in_urdu_by_keyboard_on_a_phone(live_server, invite, phone):
    problems: list[str] = []
    hook = variant_checks("ur", False, problems, [])
    phone.goto(f"{live_server}/r/{invite('asked').token}")
    labels = choose_variant(phone, "ur", False)
    journey = Journey(phone, labels=labels, plan={"age": "30", "nickname": "Sam"},
                      on_page=hook)
    journey.visit()
    journey.answer_consent()

    age = journey.visit()
    assert age.qid == "age" and age.heading == URDU["age.text"]
    refused(journey, age, "12", URDU["age.constraint_message.text"])
    refused(journey, age, "", URDU["age.required_message.text"])
    nickname = journey.walk(questions=1)
    assert nickname.qid == "nickname"
    typed = "Llewelyn ap Gruffydd"
    journey.type_into(phone.locator("main #answer"), typed)
    status = phone.locator("[data-status]")
    status.get_by_text(URDU["nickname.constraint_message.text"], exact=True).wait_for()
    refused(journey, nickname, typed, URDU["nickname.constraint_message.text"])
    assert journey.walk().kind == "done"
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("app", [("nickname.constraint_message",)], indirect=True)
def test_a_message_not_translated_yet_is_said_in_english_on_an_urdu_phone(
        live_server, invite, phone, app):
    """No Urdu for the too-long message: the English one is shown (never a blank), marked
    lang="en" left to right while typing, by the box and in the error summary (WCAG 3.1.2)."""
    problems: list[str] = []
    hook = variant_checks("ur", False, problems, [])
    phone.goto(f"{live_server}/r/{invite('asked', language='ur').token}")
    journey = Journey(phone, labels=Labels.from_catalogue("ur"),
                      plan={"age": "30", "nickname": "Sam"}, on_page=hook)
    journey.visit()
    journey.answer_consent()
    assert journey.visit().qid == "age"
    nickname = journey.walk(questions=1)
    assert nickname.qid == "nickname"
    typed = "Llewelyn ap Gruffydd"
    journey.type_into(phone.locator("main #answer"), typed)
    status = phone.locator("[data-status]")
    status.get_by_text("Twelve letters at most", exact=True).wait_for()
    assert (status.get_attribute("lang"), status.get_attribute("dir")) == ("en", "ltr")
    refused(journey, nickname, typed, "Twelve letters at most")
    assert phone.locator("#answer-error").get_attribute("lang") == "en"
    link = phone.locator(".error-summary a[href='#answer']")
    assert link.get_attribute("lang") == "en"
    journey.type_into(phone.locator("main #answer"), "Sam")  # short again: the status is Urdu
    assert status.get_attribute("lang") is None
    assert journey.walk().kind == "done"
    assert not problems, "\n\n".join(problems)
