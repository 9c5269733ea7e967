"""Question banks: the shipped banks are valid, easy to read and illustrated; broken banks get
``file:line: reason`` problems that point at the right place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reviewkit.banks import Bank, BankError, QuestionType, check_paths, load_bank, parse_bank
from reviewkit.banks.loader import PICTOGRAM_DIR

ROOT = Path(__file__).resolve().parent.parent
BANK_DIR = ROOT / "question_banks"

EXPECTED_BANKS = {
    "person-centred-review": "review",
    "appreciative-inquiry": "conversation",
    "monthly-check-in": "check_in",
    "co-production-audit": "audit",
}
FIXED_PICTOGRAMS = ["face-very-happy", "face-happy", "face-ok", "face-sad", "face-very-sad",
                    "yes", "no"]


def shipped_banks() -> list[Bank]:
    banks, problems = check_paths([BANK_DIR])
    assert problems == []
    return banks


def easy_read_texts(bank: Bank) -> list[tuple[str, str]]:
    """Every easy-read text in a bank, with where it is."""
    out = [(f"{bank.id}: easy_read_title", bank.easy_read_title)]
    for section in bank.sections:
        out.append((f"{bank.id}/{section.id}", section.easy_read))
        for q in section.questions:
            where = f"{bank.id}/{q.id}"
            out.append((where, q.easy_read))
            if q.easy_read_help:
                out.append((f"{where} (help)", q.easy_read_help))
            out += [(f"{where} choice {c.value}", c.easy_read or "") for c in q.choices]
    return out


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def words(sentence: str) -> list[str]:
    return [w for w in sentence.split() if re.search(r"\w", w)]


# --- the shipped banks -------------------------------------------------------------------------

def test_every_shipped_bank_passes_check_paths_with_no_problems():
    banks, problems = check_paths([BANK_DIR])
    assert [str(p) for p in problems] == []
    assert len(banks) == len(list(BANK_DIR.glob("*.yaml")))


@pytest.mark.parametrize(("bank_id", "purpose"), sorted(EXPECTED_BANKS.items()))
def test_each_expected_bank_exists_with_its_purpose(bank_id, purpose):
    path = BANK_DIR / f"{bank_id}.yaml"
    assert path.is_file()
    bank = load_bank(path)
    assert bank.id == bank_id
    assert bank.purpose == purpose
    assert bank.version >= 1


def test_every_question_section_and_choice_has_easy_read_text():
    for bank in shipped_banks():
        assert bank.easy_read_title.strip()
        for section in bank.sections:
            assert section.easy_read.strip(), section.id
            for q in section.questions:
                assert q.easy_read.strip(), q.id
                for choice in q.effective_choices():
                    assert choice.easy_read and choice.easy_read.strip(), (q.id, choice.value)


def test_every_pictogram_a_bank_uses_exists_as_a_file():
    used = set(FIXED_PICTOGRAMS)
    for bank in shipped_banks():
        for section in bank.sections:
            used.add(section.pictogram)
            for q in section.questions:
                used.add(q.pictogram)
                used.update(c.pictogram for c in q.effective_choices())
    missing = sorted(name for name in used if not (PICTOGRAM_DIR / f"{name}.svg").is_file())
    assert missing == []


def test_no_easy_read_sentence_in_the_shipped_banks_has_more_than_15_words():
    long = [
        (where, sentence, len(words(sentence)))
        for bank in shipped_banks()
        for where, text in easy_read_texts(bank)
        for sentence in sentences(text)
        if len(words(sentence)) > 15
    ]
    assert long == []


def test_the_sentence_counter_counts_words_per_sentence():
    assert [len(words(s)) for s in sentences("What matters to you? I like tea - a lot.")] == [4, 5]


def test_person_centred_review_covers_the_headings_in_the_persons_voice():
    bank = load_bank(BANK_DIR / "person-centred-review.yaml")
    kinds = {k.value for q in bank.questions for k in q.kinds}
    assert kinds == {"strength", "important_to", "important_for", "working", "not_working", "idea"}
    assert bank.question("admire").text == "What do people like and admire about you?"
    assert bank.question("working").text == "What is working well in your life?"
    statements = [q for q in bank.questions if q.type == QuestionType.STATEMENTS]
    assert len(statements) > len(bank.questions) / 2
    assert [q.id for q in bank.questions if q.show_if] == ["helper", "not-working"]


def test_appreciative_inquiry_has_the_four_stages_with_prompts():
    bank = load_bank(BANK_DIR / "appreciative-inquiry.yaml")
    ids = [s.id for s in bank.sections]
    assert [i for i in ids if i in {"discover", "dream", "design", "deliver"}] == [
        "discover", "dream", "design", "deliver"]
    assert all(s.prompt for s in bank.sections)


def test_monthly_check_in_is_a_handful_of_face_questions_and_one_free_text():
    bank = load_bank(BANK_DIR / "monthly-check-in.yaml")
    assert 5 <= len(bank.questions) <= 7
    scales = [q for q in bank.questions if q.type == QuestionType.SCALE]
    assert len(scales) >= 5 and all(q.scale_points in (3, 5) for q in scales)
    free = [q for q in bank.questions if q.type == QuestionType.FREE_TEXT]
    assert [q.text for q in free] == ["Is there anything you want to tell us?"]
    assert not free[0].required and free[0].kinds


def test_co_production_audit_rates_the_five_principles_and_the_charter():
    bank = load_bank(BANK_DIR / "co-production-audit.yaml")
    section_ids = {s.id for s in bank.sections}
    assert {"people-centred", "across-silos", "outcomes-focused", "trusted-relationships",
            "enabling", "ideas-and-plans", "meetings"} <= section_ids
    ratings = [q for q in bank.questions
               if [c.value for c in q.choices][:4] == ["not-yet", "starting", "doing-well",
                                                        "leading"]]
    assert len(ratings) >= 15
    assert {"ideas-logged", "ideas-answered", "plans-owned", "plans-reviewed", "stalled-work",
            "you-said-we-did", "accessible-meetings"} <= {q.id for q in ratings}


# --- pictogram files ---------------------------------------------------------------------------

def test_pictograms_are_small_standalone_svgs_credited_in_attribution():
    svgs = sorted(PICTOGRAM_DIR.glob("*.svg"))
    assert {p.stem for p in svgs} >= set(FIXED_PICTOGRAMS)
    attribution = (PICTOGRAM_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "OpenMoji" in attribution and "CC BY-SA 4.0" in attribution
    for path in svgs:
        svg = path.read_text(encoding="utf-8")
        assert path.stat().st_size < 4096, path.name
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="'), path.name
        assert 'role="img"' in svg and "<title" not in svg, path.name
        assert f"| {path.name} |" in attribution, path.name


# --- broken banks: file, line and reason -------------------------------------------------------

GOOD = """\
# A tiny bank for the tests.
# The id must match the file name.
id: tiny
version: 1
title: A tiny bank
easy_read_title: A tiny bank
description: A bank used by the tests.
purpose: review
sections:
  - id: about-you
    title: About you
    easy_read: About you.
    pictogram: person
    questions:
      - id: happy
        type: yes_no
        text: Are you happy?
        easy_read: Are you happy?
        pictogram: face-happy
      - id: why
        type: free_text
        text: Why do you feel like that?
        easy_read: Why do you feel like that?
        pictogram: question
        show_if:
          question: happy
          equals: yes
"""

ONE_CHOICE = """\
        type: single_choice
        text: Are you happy?
        easy_read: Are you happy?
        pictogram: face-happy
        choices:
          - value: "yes"
            label: "Yes"
            easy_read: "Yes."
            pictogram: "yes"
"""

# name: (bank text, expected line, words the reason must contain)
BROKEN = {
    "bad-indentation": (
        GOOD.replace("    title: About you", "   title: About you"), 11, ["not valid YAML"]),
    "unknown-field": (
        GOOD.replace("        text: Are you happy?\n",
                     "        text: Are you happy?\n        colour: red\n"),
        18, ["colour", "unknown field"]),
    "missing-easy-read": (
        GOOD.replace("        easy_read: Are you happy?\n", ""), 15, ["easy_read", "required"]),
    "duplicate-question-id": (
        GOOD.replace("      - id: why", "      - id: happy"), 20, ["'happy'", "used twice"]),
    "show-if-unknown-question": (
        GOOD.replace("          question: happy", "          question: sad"),
        26, ["'sad'", "not an earlier question"]),
    "show-if-later-question": (
        GOOD.replace("        pictogram: face-happy\n",
                     "        pictogram: face-happy\n"
                     "        show_if:\n          question: why\n          equals: x\n"),
        21, ["'why'", "not an earlier question"]),
    "show-if-answer-not-offered": (
        GOOD.replace("equals: yes", "equals: maybe"), 27, ["maybe", "does not offer"]),
    "one-choice": (
        GOOD.replace("        type: yes_no\n        text: Are you happy?\n"
                     "        easy_read: Are you happy?\n        pictogram: face-happy\n",
                     ONE_CHOICE).replace("equals: yes", "equals: x"),
        15, ["single_choice", "at least two choices"]),
    "unknown-pictogram": (
        GOOD.replace("pictogram: question", "pictogram: unicorn"), 24,
        ["no pictogram called 'unicorn' (see reviewkit/static/pictograms/)"]),
    # an easy-read editor changing a picture types a near name: say which ones there are
    "misspelt-pictogram": (
        GOOD.replace("pictogram: question", "pictogram: questions"), 24,
        ["no pictogram called 'questions' (did you mean 'question'?)"]),
}

def problems_for(text: str, path: Path) -> list:
    path.write_text(text, encoding="utf-8")
    banks, problems = check_paths([path])
    assert banks == []
    return problems


def test_the_good_tiny_bank_is_valid_and_yes_stays_a_string(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    banks, problems = check_paths([path])
    assert problems == [] and [b.id for b in banks] == ["tiny"]
    bank = parse_bank(GOOD)
    assert bank.question("why").show_if.equals == "yes"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_bank_problem_names_the_file_and_a_reason_a_person_understands(tmp_path, case):
    text, _line, reason_words = BROKEN[case]
    path = tmp_path / "tiny.yaml"
    problems = problems_for(text, path)
    assert len(problems) == 1
    assert problems[0].file == str(path)
    for word in reason_words:
        assert word in problems[0].reason
    assert "Traceback" not in problems[0].reason and "pydantic" not in problems[0].reason
    assert str(problems[0]).startswith(f"{path}:{problems[0].line}: ")


@pytest.mark.parametrize(
    "case",
    sorted(BROKEN),
)
def test_broken_bank_problem_points_at_the_right_line(tmp_path, case):
    text, line, _reason_words = BROKEN[case]
    problems = problems_for(text, tmp_path / "tiny.yaml")
    assert [p.line for p in problems] == [line]


def test_bank_id_must_match_the_file_name(tmp_path):
    path = tmp_path / "other-name.yaml"
    problems = problems_for(GOOD, path)
    assert [(p.file, p.line) for p in problems] == [(str(path), 3)]
    assert "'tiny' must match the file name" in problems[0].reason


def test_non_utf8_bytes_are_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_bytes(GOOD.replace("Why do you feel", "Pourquoi êtes-vous").encode("latin-1"))
    banks, problems = check_paths([path])
    assert banks == []
    assert len(problems) == 1 and problems[0].file == str(path)
    assert "not UTF-8" in problems[0].reason


def test_non_utf8_bytes_point_at_the_line_with_the_bad_byte(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_bytes(GOOD.replace("Why do you feel", "Pourquoi êtes-vous").encode("latin-1"))
    _banks, problems = check_paths([path])
    assert [p.line for p in problems] == [22]


def test_load_bank_raises_bank_error_listing_the_problems(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD.replace("purpose: review", "purpose: party"), encoding="utf-8")
    with pytest.raises(BankError) as exc:
        load_bank(path)
    assert [(p.line, p.reason.split(":")[0]) for p in exc.value.problems] == [(8, "purpose")]


def test_the_example_in_the_docs_is_a_valid_bank():
    docs = (ROOT / "docs" / "question-banks.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# question_banks/coffee-morning\.yaml.*?)```", docs, re.S)
    assert example is not None
    bank = parse_bank(example.group(1), "coffee-morning.yaml")
    assert bank.id == "coffee-morning"
    assert bank.question("what-would-help").show_if.equals == "yes"
