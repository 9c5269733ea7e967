"""Easy-read checks: warnings (never errors) about easy-read wording in a bank or a translation.

Rules for English easy-read text:

* a sentence of more than :data:`MAX_WORDS` words;
* a long word: more than :data:`MAX_SYLLABLES` syllables or more than :data:`MAX_LETTERS`
  letters, unless it is an everyday word in :data:`EVERYDAY_WORDS`;
* jargon and abbreviations (:data:`JARGON`, :data:`ABBREVIATIONS`) and words in capitals
  (``CQC``, ``GP``) except the few in :data:`KNOWN_CAPITALS`;
* passive voice: *is / are / was / were / be / been / being* followed by a past participle;
* a question, section or answer choice without a pictogram (or whose picture file is missing).

For other languages only the language-neutral rules are used: sentence length, words in
capitals and abbreviations with dots (``e.g.``), and the pictograms.

Everything here is plain Python with small word lists: nothing is downloaded at run time (a
syllable dictionary such as textstat's would need the internet). The syllable count is a
heuristic (vowel groups, with the usual English corrections) and good enough to flag words a
writer should look at again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loader import PICTOGRAM_DIR, BankError, bank_files, compose_yaml, line_for, load_bank
from .schema import CHOICE_TYPES, Bank

MAX_WORDS = 15
MAX_SYLLABLES = 3
MAX_LETTERS = 12

# Everyday words that are long by the rules above but that easy-read guidance uses freely.
EVERYDAY_WORDS = frozenset("""
    anything everything everyone everybody everywhere anyone anybody anywhere something
    someone somebody somewhere sometimes nothing nobody together however whatever whenever
    wherever important interesting information activities activity community communities
    family families usually actually especially different difference definitely probably
    neighbour neighbours neighbourhood organisation organisations volunteer volunteers
    television telephone computer comfortable vegetables favourite understand understanding
    celebrate celebration yourself yourselves ourselves themselves independent independence
    medicine medicines appointment appointments birthday
""".split())

# Words and phrases that are jargon for most readers: (pattern, a plainer suggestion).
JARGON: dict[str, str] = {
    "assessment": "check, or talk about what you need",
    "assess": "check, or find out",
    "facilitate": "help, or run",
    "facilitator": "the person who helps",
    "commissioning": "paying for services",
    "commissioner": "the people who pay for services",
    "commissioners": "the people who pay for services",
    "stakeholder": "people who are involved",
    "stakeholders": "people who are involved",
    "utilise": "use",
    "utilize": "use",
    "implement": "do, or start",
    "implementation": "doing it",
    "holistic": "all of you, or every part of your life",
    "multidisciplinary": "different kinds of staff",
    "safeguarding": "keeping you safe",
    "provision": "what we give you",
    "eligibility": "who can get it",
    "eligible": "can get it",
    "outcomes": "what changes for you, or results",
    "outcome": "what changes for you, or result",
    "person-centred": "about you, or planned with you",
    "co-production": "working together",
    "co-produce": "work together",
    "advocacy": "someone who speaks up for you",
    "capacity": "whether you can decide",
    "mitigate": "make less bad",
    "prior to": "before",
    "in order to": "to",
    "in relation to": "about",
    "with regard to": "about",
    "regarding": "about",
    "approximately": "about",
    "subsequently": "later, or then",
    "therefore": "so",
    "furthermore": "also",
    "nevertheless": "but",
    "obtain": "get",
    "require": "need",
    "requires": "needs",
    "commence": "start",
    "terminate": "stop, or end",
    "sufficient": "enough",
    "additional": "more",
    "service user": "you, or the person",
    "service users": "people, or the people we support",
}
# Abbreviations with dots and symbols that stand for words.
ABBREVIATIONS: dict[str, str] = {
    "e.g.": "for example",
    "eg": "for example",
    "i.e.": "that means",
    "ie": "that means",
    "etc.": "and so on, or say all of them",
    "etc": "and so on, or say all of them",
    "n/a": "say it in words, for example 'this does not apply to you'",
    "approx.": "about",
    "no.": "number",
    "&": "and",
    "w/": "with",
    "asap": "as soon as you can",
}
# Capitals that are words everyone knows.
KNOWN_CAPITALS = frozenset({"I", "OK", "TV", "UK", "A", "NHS"})

# Past participles that do not end in -ed, for the passive-voice heuristic.
IRREGULAR_PARTICIPLES = frozenset("""
    given taken made done seen known shown told sent kept left paid heard held found
    brought bought built caught chosen written spoken broken forgotten hidden driven eaten
    fallen forgiven frozen gotten ridden risen shaken stolen sworn thrown woken worn torn
    beaten bitten begun drawn drunk grown hung hurt lost meant met put read run said set
    shut sold spent stood struck taught thought understood won
""".split())
# -ed words that usually describe a feeling or state after "is/are" ("I am worried"), not an
# action done by someone else; not flagged.
STATE_ADJECTIVES = frozenset("""
    worried tired bored scared excited interested pleased surprised confused frightened
    annoyed ashamed embarrassed relaxed married retired supposed used stressed upset
    disappointed amazed satisfied concerned stuck needed wanted
""".split())
_BE = r"(?:is|are|was|were|be|been|being|am|'s|'re)"
_PASSIVE = re.compile(rf"\b{_BE}\s+(?:(?:not|never|always|often|also|just|all|being)\s+)?"
                      r"([A-Za-z]+)\b", re.I)

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*", re.U)
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔।])\s+|\n+")
_CAPITALS = re.compile(r"\b[A-Z]{2,}s?\b")


@dataclass(frozen=True)
class EasyReadWarning:
    file: str
    line: int
    where: str  # e.g. "question feel-safe (easy read)"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: warning: {self.where}: {self.message}"


# --- text rules -------------------------------------------------------------------------------

def syllables(word: str) -> int:
    """An estimate of the syllables in an English ``word`` (no dictionary needed)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    # a silent final -e, -es or -ed ("make", "makes", "walked"), but not "table", "wanted",
    # "wishes" where it is heard
    w = re.sub(r"(?:[^laeiouystdxzgch]es|[^aeiouytd]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], w)
    w = re.sub(r"^y", "", w)
    count = len(re.findall(r"[aeiouy]+", w))
    # vowel pairs that are usually two syllables: "ia" (media), "io" (radio), "ua" (usual)
    count += len(re.findall(r"(?:ia|io|ua|uo)", w))
    count -= len(re.findall(r"(?:tion|sion|cian|tious|cious|geous)", w))  # io/ia in one syllable
    return max(1, count)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split()) if "\n" not in text
                                                   else text) if s and s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _quoted_out(text: str) -> str:
    """Text with quoted examples ("I live here") taken out: they are the person's own words."""
    return re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", text)


def check_text(text: str, lang: str = "en") -> list[str]:
    """Warnings about one easy-read ``text`` in ``lang`` (English rules for ``en``, the
    language-neutral ones for other languages)."""
    found: list[str] = []
    english = lang == "en"
    for sentence in sentences(text):
        n = len(words(sentence))
        if n > MAX_WORDS:
            found.append(f"sentence of {n} words (easy read: {MAX_WORDS} or fewer): "
                         f"'{_short(sentence)}'")
    plain = _quoted_out(text)
    lowered = f" {plain.lower()} "
    said: set[str] = set()
    for abbr, better in ABBREVIATIONS.items():
        if re.search(rf"(?<![\w/]){re.escape(abbr)}(?![\w/])", lowered):
            if (english or "." in abbr) and abbr.rstrip(".") not in said:
                said.add(abbr.rstrip("."))
                found.append(f"abbreviation '{abbr}': write '{better}'")
    for word in sorted(set(_CAPITALS.findall(plain))):
        if word.rstrip("s") not in KNOWN_CAPITALS and word not in KNOWN_CAPITALS:
            found.append(f"'{word}' in capitals: write the words in full, or explain it")
    if not english:
        return found
    for term, better in JARGON.items():
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", lowered):
            found.append(f"jargon '{term}': try '{better}'")
    seen: set[str] = set()
    for word in words(plain):
        low = word.lower().strip("'’")
        if low in seen or low in EVERYDAY_WORDS or low in JARGON or "-" in low:
            continue
        seen.add(low)
        letters = len(re.sub(r"[^a-z]", "", low))
        count = syllables(low)
        if letters > MAX_LETTERS or count > MAX_SYLLABLES:
            found.append(f"long word '{word}' ({count} syllables, {letters} letters): is there a "
                         "shorter one?")
    for match in _PASSIVE.finditer(plain):
        verb = match.group(1).lower()
        if verb in STATE_ADJECTIVES:
            continue
        if (verb.endswith("ed") and len(verb) > 4) or verb in IRREGULAR_PARTICIPLES:
            found.append(f"passive voice '{match.group(0)}': say who does it (active voice)")
    return found


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- banks ------------------------------------------------------------------------------------

def easy_read_texts(bank: Bank) -> Iterator[tuple[tuple[Any, ...], str, str, str]]:
    """Every easy-read text of ``bank``: (YAML location, translation context, where, text)."""
    yield ("easy_read_title",), "easy_read_title", "bank title (easy read)", bank.easy_read_title
    for si, section in enumerate(bank.sections):
        yield (("sections", si, "easy_read"), f"{section.id}.easy_read",
               f"section {section.id} (easy read)", section.easy_read)
        for qi, q in enumerate(section.questions):
            base = ("sections", si, "questions", qi)
            yield (*base, "easy_read"), f"{q.id}.easy_read", f"question {q.id} (easy read)", \
                q.easy_read
            if q.easy_read_help:
                yield ((*base, "easy_read_help"), f"{q.id}.help.easy_read",
                       f"question {q.id} help (easy read)", q.easy_read_help)
            for part in ("constraint_message", "required_message"):
                if text := getattr(q, f"easy_read_{part}"):
                    yield ((*base, f"easy_read_{part}"), f"{q.id}.{part}.easy_read",
                           f"question {q.id} {part.replace('_', ' ')} (easy read)", text)
            for ci, c in enumerate(q.choices):
                if c.easy_read:
                    yield ((*base, "choices", ci, "easy_read"), f"{q.id}.{c.value}.easy_read",
                           f"answer {q.id}/{c.value} (easy read)", c.easy_read)


def _pictogram_checks(bank: Bank) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    known = {p.stem for p in PICTOGRAM_DIR.glob("*.svg")}

    def missing(name: str | None) -> str | None:
        if not name:
            return "no pictogram: easy read needs a picture beside the words"
        if known and name not in known:
            return f"pictogram '{name}' has no picture file"
        return None

    for si, section in enumerate(bank.sections):
        if msg := missing(section.pictogram):
            yield ("sections", si, "pictogram"), f"section {section.id}", msg
        for qi, q in enumerate(section.questions):
            base = ("sections", si, "questions", qi)
            if msg := missing(q.pictogram):
                yield (*base, "pictogram"), f"question {q.id}", msg
            if q.type in CHOICE_TYPES:
                for ci, c in enumerate(q.choices):
                    if msg := missing(c.pictogram):
                        yield (*base, "choices", ci), f"answer {q.id}/{c.value}", msg


def check_bank(bank: Bank, node: Any = None, filename: str = "<bank>") -> list[EasyReadWarning]:
    """Warnings for the easy-read text of ``bank`` in its own language; ``node`` (the YAML node
    from the loader) gives line numbers."""
    out: list[EasyReadWarning] = []
    for loc, _ctx, where, text in easy_read_texts(bank):
        for message in check_text(text, bank.language):
            out.append(EasyReadWarning(filename, line_for(node, loc), where, message))
    for loc, where, message in _pictogram_checks(bank):
        out.append(EasyReadWarning(filename, line_for(node, loc), where, message))
    return out


def check_translation(bank: Bank, lang: str, lookup=None) -> list[EasyReadWarning]:
    """Warnings for the easy-read translations of ``bank`` into ``lang`` (language-neutral
    rules, or the English ones when ``lang`` is ``en``). ``lookup(context, english)`` gives a
    translation or None; by default the shipped ``banks.po`` of ``lang``. ``file`` is the
    context of the message, ``line`` 0."""
    if lookup is None:
        from ..translations import lookup as po_lookup

        def lookup(context: str, english: str) -> str | None:
            return po_lookup(lang, bank.id, context, english)

    out: list[EasyReadWarning] = []
    for _loc, ctx, where, text in easy_read_texts(bank):
        translated = lookup(ctx, text)
        if translated:
            for message in check_text(translated, lang):
                out.append(EasyReadWarning(f"{bank.id}:{ctx}", 0, where, message))
    return out


def check_files(paths: Iterable[Path | str]) -> list[EasyReadWarning]:
    """Warnings for every bank file under ``paths`` that loads (files with errors are left to
    the validation, which reports them)."""
    out: list[EasyReadWarning] = []
    for path in bank_files(paths):
        try:
            bank = load_bank(path)
        except BankError:
            continue
        _data, node = compose_yaml(Path(path).read_text("utf-8"), str(path))
        out.extend(check_bank(bank, node, str(path)))
    return out
