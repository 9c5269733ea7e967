"""The demo's English statements read as people would write them: every phrasing filled with
each of its topic's words (``reviewkit demo`` shows them on the themes and event pages, and
the themes' labels are made from them)."""

from __future__ import annotations

import re

from reviewkit.services.demo import SAID, WORDS

DAYS = re.compile(r"^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days$")
PREPOSITIONS = {"to", "at", "on", "in", "for", "about", "with"}
DETERMINERS = {"a", "an", "the", "my", "own"}


def english_statements():
    for topic, kinds in SAID.items():
        for phrasings in kinds.values():
            for phrasing in phrasings.get("en", []):
                words = WORDS.get(topic, {}).get("en", []) if "{x}" in phrasing else [""]
                for word in words:
                    yield phrasing, word, phrasing.replace("{x}", word)


def test_every_english_demo_statement_reads_right():
    wrong = []
    for phrasing, word, text in english_statements():
        tokens = text.lower().rstrip(".").replace(",", "").split()
        pairs = list(zip(tokens, tokens[1:], strict=False))
        if any(a == b for a, b in pairs):  # "Nobody explains my my bank card"
            wrong.append(text)
        elif any(a in PREPOSITIONS and b in PREPOSITIONS for a, b in pairs):
            wrong.append(text)
        elif any(a in DETERMINERS and b in {"a", "an", "the"} for a, b in pairs):
            wrong.append(text)  # "I make my own a Sunday dinner now"
        elif "on {x}" in phrasing and not DAYS.match(word):
            wrong.append(text)  # "I play football on climbing"
        elif re.search(r"\bto (night|weekends|home)\b", text):
            wrong.append(text)  # "I never know who is coming to night"
    assert wrong == []
