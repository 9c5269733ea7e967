"""Mask personal details in text that commissioners see (theme labels, example statements).

``mask_personal(text)`` replaces e-mail addresses, UK phone numbers, postcodes, street
addresses and people's names with placeholders: ``[email]``, ``[phone]``, ``[postcode]``,
``[address]``, ``[name]``. Names are found by a titles rule ("Mrs Jones"), a list of first
names (with the capitalised word after them, the surname), and, for English, capitalised words
that are not at the start of a sentence and are not ordinary English words. It errs on the
side of masking: a place name may be masked as a name, which is the safe mistake.

``label_tokens(texts, language)`` tokenises text with those details taken out: labels, kinds
and the lemma part of the vectors read these tokens, so that a name never makes a topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from .lexicon import FIRST_NAMES

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# UK numbers: 07xxx xxxxxx, 01xxx / 02x, +44 forms, with spaces, dots, dashes or brackets.
PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s.\-)]*){9,10}\d?(?!\w)"
)
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
STREET_WORDS = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Ct|Crescent|Place|Pl|"
    r"Terrace|Gardens|Grove|Square|Hill|Park|Row|Walk|Mews|View|Heol|Ffordd|Stryd|Lôn|Lon|Cwrt"
)
ADDRESS = re.compile(
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]*\s+){{1,3}}(?:{STREET_WORDS})\b\.?"
    rf"|\b(?:Flat|Apartment|Fflat)\s+\d+[A-Za-z]?\b"
    rf"|\b(?:Heol|Ffordd|Stryd|Lôn)\s+(?:[A-Z][\w'’-]*\s*){{1,2}}",
)
TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Nurse|Sister|Doctor|Prof|Professor)\.?\s+"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?",
    re.UNICODE,
)
_WORD_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŴŵŶŷ][\w'’-]*", re.UNICODE)
_SENTENCE_END_CHARS = frozenset(".!?:;\n")
PLACEHOLDERS = ("[email]", "[phone]", "[postcode]", "[address]", "[name]")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))

# Capitalised words that are not names although the English word list may lack them.
_NOT_NAMES = frozenset(
    """
    I I'm I'd I've I'll OK NHS GP GPs A&E Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December Christmas Easter Covid COVID English Welsh Polish Urdu Punjabi Arabic Romanian
    British Muslim Christian Hindu Sikh Jewish Mum Dad Nan Gran Grandad Mam Taid Nain
    Ward Team Service Centre Center Hospital Trust Council Unit College School Day
    """.split()
)


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    from .pipeline import lemma_table

    table = lemma_table("en")
    words = set(table) | set(table.values())
    return frozenset(w.lower() for w in words)


def _is_name_word(word: str, english: bool) -> bool:
    bare = word.rstrip("'’s") if word.endswith(("'s", "’s")) else word
    if bare in FIRST_NAMES:
        return True
    if not english or bare in _NOT_NAMES or not bare[:1].isupper():
        return False
    if bare.isupper() and len(bare) > 1:  # acronyms (NHS, PTS)
        return False
    low = bare.lower()
    return low not in _english_words() and len(bare) > 1


def _sentence_start(text: str, at: int) -> bool:
    """True when only spaces, or the end of a sentence (``.!?:;`` or a line break) and spaces,
    come before position ``at``. Reads back over the spaces only, not the whole text before."""
    j = at - 1
    while j >= 0 and text[j].isspace():
        if text[j] == "\n":
            return True
        j -= 1
    return j < 0 or text[j] in _SENTENCE_END_CHARS


def _mask_names(text: str, english: bool) -> str:
    out: list[str] = []
    last = 0
    prev_was_name = False
    for m in _WORD_TOKEN.finditer(text):
        word = m.group(0)
        if not word[0].isupper():  # every name (and every word in FIRST_NAMES) is capitalised
            prev_was_name = False
            continue
        is_name = False
        bare = word[:-2] if word.endswith(("'s", "’s")) else word
        if bare in FIRST_NAMES:
            is_name = True
        elif prev_was_name and word[:1].isupper() and bare not in _NOT_NAMES:
            is_name = True  # a surname after a first name
        elif _is_name_word(word, english) and not _sentence_start(text, m.start()):
            is_name = True
        if is_name:
            out.append(text[last : m.start()])
            out.append("[name]" + ("'s" if word.endswith(("'s", "’s")) else ""))
            last = m.end()
            gap = text[m.end() : m.end() + 1]
            prev_was_name = gap == " "
        else:
            prev_was_name = False
    out.append(text[last:])
    masked = "".join(out)
    return re.sub(r"\[name\](?:\s+\[name\])+", "[name]", masked)


def mask_personal(text: str, language: str = "en") -> str:
    """Replace names, e-mails, phone numbers, postcodes and street addresses with placeholders."""
    if not text:
        return text or ""
    text = EMAIL.sub("[email]", text)
    text = ADDRESS.sub("[address]", text)
    text = POSTCODE.sub("[postcode]", text)
    text = PHONE.sub("[phone]", text)
    text = TITLE_NAME.sub("[name]", text)
    english = (language or "en").lower().startswith("en")
    return _mask_names(text, english)


def has_personal(text: str, language: str = "en") -> bool:
    """True when :func:`mask_personal` would change the text."""
    return mask_personal(text, language) != text


PROGRESS_EVERY = 10_000  # texts masked and tokenised between two calls of ``progress``


def label_tokens(texts: Sequence[str], language: str | Sequence[str | None], default: str = "en",
                 progress: Callable[[int], None] | None = None):
    """Tokens for labels and kinds, from text with personal details taken out.

    ``language`` is one language for all, or one per text (``None`` = ``default``);
    ``progress(n)`` is called as each ``PROGRESS_EVERY`` texts are done."""
    from .pipeline import tokenise_each

    langs = [language] * len(texts) if isinstance(language, str) else list(language)
    out = []
    for start in range(0, len(texts), PROGRESS_EVERY):
        part = range(start, min(start + PROGRESS_EVERY, len(texts)))
        masked = []
        pieces: dict[int, list[str]] = {}  # a masked text's parts between its placeholders
        for i in part:
            t, lang = texts[i], langs[i]
            m = mask_personal(t, lang or default)
            if m != t:
                pieces[i] = _PLACEHOLDER.split(m)
                m = " , ".join(pieces[i])
            masked.append(m)
        part_langs = language if isinstance(language, str) else langs[part.start:part.stop]
        tokens = tokenise_each(masked, part_langs, default)
        if pieces:
            tokens = _with_breaks(tokens, part.start, pieces, langs, default)
        out.extend(tokens)
        if progress:
            progress(len(part))
    return out


def _with_breaks(tokens: list, start: int, pieces: dict[int, list[str]],
                 langs: Sequence[str | None], default: str) -> list:
    """``tokens`` (of texts ``start``…) with ``breaks`` where each masked detail stood: each
    part between placeholders is tokenised on its own to count its words. The words and lemmas
    are those of the whole text, unchanged."""
    from dataclasses import replace

    from .pipeline import tokenise_each

    flat, owner = [], []
    for i, parts in pieces.items():
        flat.extend(parts)
        owner.extend([i] * len(parts))
    counted = tokenise_each(flat, [langs[i] or default for i in owner], default)
    sizes: dict[int, list[int]] = {}
    for i, tok in zip(owner, counted, strict=True):
        sizes.setdefault(i, []).append(len(tok.words))
    out = list(tokens)
    for i, parts in sizes.items():
        tok = out[i - start]
        if sum(parts) != len(tok.words):
            continue  # the parts read differently alone: no breaks rather than wrong ones
        at, breaks = 0, []
        for n in parts[:-1]:
            at += n
            if 0 < at < len(tok.words) and (not breaks or breaks[-1] != at):
                breaks.append(at)
        if breaks:  # beside the sentence ends the tokeniser found
            out[i - start] = replace(tok, breaks=tuple(sorted(set(breaks) | set(tok.breaks))))
    return out


# Words a name typed for someone taking part may hold that are not their name ("Mum", "Staff",
# "Key worker"): never masked as a name, so a statement keeps its topic.
_NOT_NAME_PARTS = frozenset(w.lower() for w in _NOT_NAMES) | frozenset(
    "me myself staff carer carers worker key support family friend advocate person manager "
    "nurse doctor the and of his her their my".split())


def mask_known_names(text: str, names: Sequence[str]) -> str:
    """``text`` with the names in ``names`` (a person's, the people at their review) replaced by
    ``[name]``: each whole name and each word of it ("Jordan Taylor", "Jordan", "Taylor"), as a
    whole word in any case, with "'s" kept. A word that is also an ordinary English word ("Rose",
    "Will") is masked only where it is written with a capital. The rules of ``mask_personal``
    cannot know a name such as "Zuri" or "JT" at the start of a sentence; the review can."""
    if not text or not names:
        return text or ""
    any_case: set[str] = set()
    capitalised: set[str] = set()
    for name in names:
        name = " ".join((name or "").split())
        parts = [p for p in re.split(r"[\s,()/&]+", name) if len(p.strip(".'’-")) >= 2]
        for part in {name, *parts}:
            bare = part.strip()
            if len(bare) < 2 or bare.lower() in _NOT_NAME_PARTS:
                continue
            if " " not in bare and bare.lower() in _english_words():
                capitalised.add(bare[:1].upper() + bare[1:])
            else:
                any_case.add(bare)
    alternatives = [(sorted(any_case, key=len, reverse=True), re.IGNORECASE),
                    (sorted(capitalised, key=len, reverse=True), 0)]
    for words, flags in alternatives:
        if words:
            pattern = re.compile(r"(?<![\w\[])(?:" + "|".join(map(re.escape, words))
                                 + r")(?=(?:['’]s)?(?![\w\]]))", flags)
            text = pattern.sub("[name]", text)
    return re.sub(r"\[name\](?:\s+\[name\])+", "[name]", text)
