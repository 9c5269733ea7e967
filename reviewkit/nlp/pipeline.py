"""spaCy pipelines: split answers into statements, normalise them, lemmatise tokens.

Blank pipelines only (no trained models, nothing downloaded at run time). Lemmas come from the
lookup tables in ``spacy-lookups-data`` where it has them (English, Romanian, Urdu, Polish);
elsewhere the lower-cased token is its own lemma. Arabic-script lemmas lose their vowel marks
(and in Arabic the article: "الطعام" -> "طعام"). Welsh and Punjabi go through spaCy's
multi-language tokeniser ``xx``, which splits Gurmukhi, Arabic and Latin script alike. Every
token carries its language, so that one set of statements can mix languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Languages with their own spaCy tokeniser; the rest use the multi-language one.
SPACY_LANGUAGES = {"en", "pl", "ur", "ar", "ro"}
# Lemma lookup tables in spacy-lookups-data (Polish has one table per part of speech).
LEMMA_TABLES = {
    "en": ["lemma_lookup"],
    "ro": ["lemma_lookup"],
    "ur": ["lemma_lookup"],
    "pl": [
        "lemma_lookup_noun",
        "lemma_lookup_verb",
        "lemma_lookup_adj",
        "lemma_lookup_adv",
    ],
}
MAX_STATEMENT_CHARS = 2000  # longer sentences are cut into pieces of about this size

# Conjunctions that often join a "working" and a "not working" half of one answer.
_CONTRAST = {
    "en": r"\b(?:but|however|although|though|whereas)\b",
    "cy": r"\b(?:ond|er hynny)\b",
    "pl": r"\b(?:ale|lecz|jednak)\b",
    "ro": r"\b(?:dar|însă|insa)\b",
    "ur": r"(?:لیکن|مگر)",
    "ar": r"(?:لكن|ولكن)",
    "pa": r"(?:ਪਰ|ਲੇਕਿਨ)",
}
_BULLET = re.compile(r"^\s*(?:[-*•·–—>]+|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+")
# newline, ;, Arabic ; and Urdu full stop
_LINE_SPLIT = re.compile(r"\s*(?:\r?\n|;|\u061b|\u06d4)\s*")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1024)
def language_code(language: str | None) -> str:
    """Normalise a language tag ("en-GB", "CY", None) to the code the pipelines use (one string
    object per code: a million statements do not each keep their own "en")."""
    code = (language or "en").strip().lower().replace("_", "-").split("-")[0]
    return code or "en"


@lru_cache(maxsize=16)
def get_nlp(language: str = "en"):
    """A blank spaCy pipeline with a rule-based sentence splitter, loaded once per process."""
    import spacy

    code = language_code(language)
    nlp = spacy.blank(code if code in SPACY_LANGUAGES else "xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


@lru_cache(maxsize=16)
def lemma_table(language: str = "en") -> dict[str, str]:
    """The lookup lemma table for a language as a plain dict (empty where there is none)."""
    code = language_code(language)
    names = LEMMA_TABLES.get(code)
    if not names:
        return {}
    try:
        return _table_by_string(code, names)
    except Exception:  # pragma: no cover - spacy-lookups-data missing or broken
        return {}


def _table_by_string(code: str, names: list[str]) -> dict[str, str]:
    import gzip
    import json
    from importlib.resources import files

    data = files("spacy_lookups_data") / "data"
    table: dict[str, str] = {}
    for name in reversed(names):
        path = data / f"{code}_{name}.json.gz"
        if path.is_file():
            with gzip.open(str(path), "rt", encoding="utf-8") as f:
                table.update(json.load(f))
    return table


@lru_cache(maxsize=16)
def stop_words(language: str = "en") -> frozenset[str]:
    """Stop words for labels and lemma vectors: spaCy's list (where it has one), the hand-written
    lists in :mod:`reviewkit.nlp.stopwords` (Welsh, Punjabi, Urdu, Arabic) and words that say
    nothing in feedback (``EXTRA_STOP_WORDS``). All NFC, lower-case."""
    from importlib import import_module

    from .lexicon import EXTRA_STOP_WORDS
    from .stopwords import LISTS, NOT_STOP

    code = language_code(language)
    try:
        words = set(import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS)
    except ImportError:  # no spaCy list for this language (Welsh, Punjabi)
        words = set()
    words |= LISTS.get(code, set())
    words |= EXTRA_STOP_WORDS.get(code, set())
    if code not in SPACY_LANGUAGES:
        words |= EXTRA_STOP_WORDS.get("en", set())  # mixed-language answers are common
    words -= NOT_STOP.get(code, set())
    return frozenset(unicodedata.normalize("NFC", w.lower()) for w in words)


def is_stop(word: str, lemma: str, stops: frozenset[str]) -> bool:
    """A stop word by its surface form or its lemma; a word with clitics after an apostrophe
    ("mae'r", "i'n", "o'r") when every part is one ("mae" + "'r")."""
    if word in stops or lemma in stops:
        return True
    head, sep, tail = word.partition("'")
    if not sep or not head or not tail:
        return False
    return head in stops and all(f"'{part}" in stops or part in stops
                                 for part in tail.split("'"))


def normalise(text: str) -> str:
    """Unicode NFC, straight quotes, single spaces, no leading bullets."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u00a0", " ")
    text = _BULLET.sub("", text)
    return _SPACES.sub(" ", text).strip(" \t\r\n\"'")


def has_words(text: str) -> bool:
    """True when a text has at least one letter (not only emoji, numbers or punctuation)."""
    return bool(_WORD.search(text or ""))


def split_statements(text: str, language: str = "en", *, contrast: bool = True) -> list[str]:
    """Split one answer into short statements.

    Lines, bullets, semicolons and sentences each become a statement; with ``contrast`` a
    sentence that joins two views ("the food is good but the bus is late") is cut at the
    conjunction when both halves have at least three words. Pieces with no letters are dropped.
    """
    code = language_code(language)
    nlp = get_nlp(code)
    out: list[str] = []
    for line in _LINE_SPLIT.split(text or ""):
        line = normalise(line)
        if not has_words(line):
            continue
        if len(line) > MAX_STATEMENT_CHARS * 4:
            pieces = [line[i : i + MAX_STATEMENT_CHARS]
                      for i in range(0, len(line), MAX_STATEMENT_CHARS)]
        else:
            pieces = [s.text for s in nlp(line).sents]
        for sent in pieces:
            for part in _split_contrast(sent, code) if contrast else [sent]:
                part = normalise(part).rstrip(",")
                if has_words(part):
                    out.append(part[:MAX_STATEMENT_CHARS])
    return out


def _split_contrast(sentence: str, code: str) -> list[str]:
    pattern = _CONTRAST.get(code)
    if not pattern:
        return [sentence]
    parts = re.split(rf",?\s*{pattern}\s*,?\s*", sentence, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) == 2 and all(len(p.split()) >= 3 for p in parts):
        return [parts[0], parts[1][:1].upper() + parts[1][1:]]
    return [sentence]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Words of one statement: surface forms (lower-cased) and their lemmas, in order, and the
    language they were read in. The same word is the same string object in every statement
    (a million statements keep one copy of each word)."""

    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    language: str = ""
    # Where a masked detail stood: p means between words[p - 1] and words[p] (a label never
    # joins the words on either side: "The trip to [name] was great" is not "Trip to was great").
    breaks: tuple[int, ...] = ()


# Arabic script: short vowel marks, superscript alef and the tatweel are left out of lemmas.
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_ALEF = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627"})
# Arabic: the article and a joined "and / with / so / as" before it ("والطعام" -> "طعام").
_ARABIC_ARTICLE = re.compile("^(?:[\u0648\u0628\u0641\u0643]?\u0627\u0644|\u0644\u0644)(?=...)")


def _script_lemma(word: str, code: str) -> str:
    """Light lemmas for Arabic-script text: no vowel marks; Arabic also without the article and
    with one alef ("الطعام", "طعام" and "والطعام" share the lemma "طعام")."""
    word = _ARABIC_MARKS.sub("", word)
    if code == "ar":
        word = _ARABIC_ARTICLE.sub("", word.translate(_ALEF))
    return word


# Welsh: initial mutations that can only come from one radical (nasal "fy nghartref" ->
# "cartref", "fy mhlant" -> "plant", "fy nhabledi" -> "tabledi", "fy ngweithwyr" ->
# "gweithwyr"; soft "ddewis" -> "dewis"). Soft b/m -> f, c -> g and the dropped g are
# ambiguous ("fwyd" is "bwyd", "fynd" is "mynd") and are left as written.
_WELSH_MUTATIONS = (("ngh", "c"), ("mh", "p"), ("nh", "t"), ("ng", "g"), ("dd", "d"))


def _welsh_lemma(word: str, stops: frozenset[str]) -> str:
    """"gwrando'n" -> "gwrando" (clitic off), "ngweithwyr" -> "gweithwyr" (mutation undone)."""
    head, sep, tail = word.partition("'")
    if sep and head and tail and all(f"'{part}" in stops for part in tail.split("'")):
        word = head
    if word in stops:
        return word
    for mutated, radical in _WELSH_MUTATIONS:
        if word.startswith(mutated) and len(word) > len(mutated) + 2:
            return radical + word[len(mutated):]
    return word


def tokenise(texts: list[str], language: str = "en", *, batch_size: int = 1000) -> list[Tokens]:
    """Lower-cased words and lookup lemmas for many texts (punctuation, numbers, URLs dropped),
    with a break where a sentence or line ended between two words ("admitted to hospital. The
    service…": a label never runs across it).

    Each distinct token string is read once (:func:`_word_reader`); ``batch_size`` is kept for
    callers of old (spaCy's tokenizer is fastest called on one text at a time)."""
    from spacy.attrs import ORTH

    code = language_code(language)
    tokenizer = get_nlp(code).tokenizer
    word = _word_reader(code)
    out: list[Tokens] = []
    for text in texts:
        doc = tokenizer(text)
        words: list[str] = []
        lemmas: list[str] = []
        breaks: list[int] = []
        if len(doc):
            vocab = doc.vocab
            for orth in doc.to_array(ORTH).tolist():
                read = word(orth, vocab)
                if read is SENTENCE_END:
                    if words and (not breaks or breaks[-1] != len(words)):
                        breaks.append(len(words))
                elif read is not None:
                    words.append(read[0])
                    lemmas.append(read[1])
        if breaks and breaks[-1] == len(words):
            breaks.pop()
        out.append(Tokens(tuple(words), tuple(lemmas), code, tuple(breaks)))
    return out


# What ends a sentence or clause, in the scripts reviewkit reads: Latin, Arabic and Urdu (؟ ؛ ۔),
# Gurmukhi (the danda ।), and the ellipsis.
_ENDS = frozenset(".!?;:…\u061f\u061b\u06d4\u0964\u0965")
SENTENCE_END = ("", "")  # what the word reader gives for one of them (compared by identity)
_CONTRACTIONS = {"n't": "not", "'s": "is", "'re": "are", "'m": "am", "'ve": "have", "'ll": "will",
                 "'d": "would"}
_WORD_CACHE_MAX = 2_000_000  # distinct token strings remembered per language


@lru_cache(maxsize=16)
def _word_reader(code: str):
    """orth id -> (word, lemma), ``SENTENCE_END`` for a full stop, question or exclamation
    mark, semicolon, colon or line break (in any script), or None for other punctuation,
    numbers, URLs, e-mails and tokens with no letter. Every attribute read is of the token's
    text alone (spaCy's lexeme), so each distinct token string is read once and its strings are
    shared by every statement."""
    table = lemma_table(code)
    arabic_script = code in {"ar", "ur", "fa"}
    welsh_stops = stop_words(code) if code == "cy" else None
    cache: dict[int, tuple[str, str] | None] = {}

    def read(orth: int, vocab) -> tuple[str, str] | None:
        try:
            return cache[orth]
        except KeyError:
            pass
        lex = vocab[orth]
        result = None
        text = lex.orth_
        if (lex.is_space and "\n" in text) or (text and all(c in _ENDS for c in text)):
            result = SENTENCE_END
        elif not (lex.is_punct or lex.is_space or lex.like_num or lex.like_url
                  or lex.like_email):
            low = lex.lower_
            if _WORD.search(low):
                if low.startswith("'") or low in {"n't", "'s"}:
                    low = _CONTRACTIONS.get(low, low)
                lemma = table.get(low, low)
                if arabic_script:
                    lemma = _script_lemma(lemma, code)
                elif welsh_stops is not None:
                    lemma = _welsh_lemma(lemma, welsh_stops)
                result = (low, lemma)
        if len(cache) >= _WORD_CACHE_MAX:
            cache.clear()
        cache[orth] = result
        return result

    return read


def tokenise_each(texts: Sequence[str], languages: str | Sequence[str | None],
                  default: str = "en") -> list[Tokens]:
    """:func:`tokenise` where each text has its own language (``None`` = ``default``)."""
    if isinstance(languages, str):
        return tokenise(list(texts), languages)
    codes = [language_code(lang or default) for lang in languages]
    out: list[Tokens | None] = [None] * len(texts)
    for code in dict.fromkeys(codes):
        idx = [i for i, c in enumerate(codes) if c == code]
        for i, tok in zip(idx, tokenise([texts[i] for i in idx], code), strict=True):
            out[i] = tok
    return out  # type: ignore[return-value]
