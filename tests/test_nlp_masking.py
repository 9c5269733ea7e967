"""Personal details are masked in what commissioners see."""

from __future__ import annotations

import pytest

from reviewkit.nlp import mask_personal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs@example.co.uk today", "Email me at [email] today"),
        ("Call 07700 900123 after six", "Call [phone] after six"),
        ("My number is +44 (0)29 2087 1234", "My number is [phone]"),
        ("Ring 020 7946 0958 please", "Ring [phone] please"),
        ("I moved to CF10 1AA last year", "I moved to [postcode] last year"),
        ("I live at 12 Station Road now", "I live at [address] now"),
        ("Mrs Patel helped me", "[name] helped me"),
        ("The nurse Sarah Jenkins was lovely", "The nurse [name] was lovely"),
        ("Tomos helped me with the bus", "[name] helped me with the bus"),
        ("I went shopping with Kowalczyk", "I went shopping with [name]"),
    ],
)
def test_masks_personal_details(text, expected):
    assert mask_personal(text) == expected


def test_keeps_ordinary_capitalised_words():
    text = "The NHS staff were great on Monday. I saw my GP in January."
    assert mask_personal(text) == text


def test_welsh_names_are_masked_by_the_name_list():
    assert mask_personal("Mae Siân yn garedig iawn", "cy") == "Mae [name] yn garedig iawn"
    assert mask_personal("Mae'r bws yn hwyr", "cy") == "Mae'r bws yn hwyr"


def test_empty_text():
    assert mask_personal("") == ""
