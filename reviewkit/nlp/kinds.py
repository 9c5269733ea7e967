"""Statement kinds: working / not working / idea (and strength / important to / important for).

The kind comes from the question a statement answers where that is known (a bank question with
one ``kinds`` entry, or a heading such as "What is not working?"). Otherwise it is inferred from
the words, transparently: cue words for ideas and wishes ("more staff", "I'd like to…",
"should"), positive and negative cue words with negation ("not good", "no problems"), and an
intensifier rule ("too long", "always late"). The confidence says how clear the cues were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .lexicon import (
    IDEA_ANYWHERE,
    IDEA_START,
    NEGATED_FLIP_TO_POSITIVE,
    NEGATIVE,
    NEGATORS,
    POSITIVE,
)
from .pipeline import language_code

WORKING = "working"
NOT_WORKING = "not_working"
IDEA = "idea"
STRENGTH = "strength"
IMPORTANT_TO = "important_to"
IMPORTANT_FOR = "important_for"
KINDS = (WORKING, NOT_WORKING, IDEA, STRENGTH, IMPORTANT_TO, IMPORTANT_FOR)
INFERRED_KINDS = (WORKING, NOT_WORKING, IDEA)

# Headings and question wording -> kind. Checked in order; first match wins.
_WORKING_QUESTION = re.compile(r"\bworking\b|went well|going well|was good|"
                               r"what (?:do|did) you like|satisfied|yn gweithio", re.I)
_QUESTION_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"not working|isn'?t working|not going well|ddim yn gweithio|dissatisf|"
                r"what was (?:bad|poor)|didn'?t (?:like|go well)|problem", re.I), NOT_WORKING),
    (re.compile(r"\bideas?\b|improve|do better|could we|change|future|wish|suggest|syniad|"
                r"gwella|dyfodol", re.I), IDEA),
    (re.compile(r"important for|pwysig ar gyfer", re.I), IMPORTANT_FOR),
    (re.compile(r"important to|matters? (?:most )?to|pwysig i", re.I), IMPORTANT_TO),
    (re.compile(r"like and admire|admire|strengths?|gifts?|good at|cryfderau|edmygu", re.I),
     STRENGTH),
    (_WORKING_QUESTION, WORKING),
]


@dataclass(frozen=True)
class KindGuess:
    kind: str
    confidence: float
    source: str  # "question" or "words"
    cues: tuple[str, ...] = ()


def kind_from_question(question: str | None = None,
                       kinds: Sequence[str] | None = None) -> str | None:
    """The kind a question implies: a bank question's single ``kinds`` entry, else its wording.

    Returns None when the question allows several kinds or says nothing about kind.
    """
    if kinds:
        kinds = [str(getattr(k, "value", k)) for k in kinds]
        if len(kinds) == 1 and kinds[0] in KINDS:
            return kinds[0]
        return None
    if not question:
        return None
    for pattern, kind in _QUESTION_RULES:
        if pattern.search(question):
            if kind == NOT_WORKING and _WORKING_QUESTION.search(pattern.sub(" ", question)):
                # it asks for both ("anything you were satisfied and/or dissatisfied with",
                # "what is working and what is not?"): the words decide each answer's kind
                return None
            return kind
    return None


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_INTENSIFIERS = {"too", "always", "constantly", "often", "never", "rarely", "hardly", "so"}
_TOO_POS = {"too", "rhy", "zbyt", "prea", "بہت زیادہ"}


def infer_kind(
    text: str,
    language: str = "en",
    *,
    allowed: Iterable[str] | None = None,
    question: str | None = None,
    kinds: Sequence[str] | None = None,
) -> KindGuess:
    """The kind of one statement with a confidence between 0 and 1.

    ``question``/``kinds`` (from the bank) win when they name exactly one kind; ``allowed`` (or
    several bank kinds) limits the words' guess to those kinds.
    """
    fixed = kind_from_question(question, kinds)
    allowed_set = set(allowed) if allowed else None
    if kinds and len(kinds) > 1:
        allowed_set = {str(getattr(k, "value", k)) for k in kinds}
    if fixed and fixed != IDEA:
        return KindGuess(fixed, 1.0, "question")
    guess = infer_from_words(text, language_code(language))
    if fixed == IDEA:
        # Answers to "how could we improve?" are ideas unless the words clearly say a problem
        # or praise ("nothing, it was all good").
        allowed_set = {IDEA, NOT_WORKING, WORKING} if allowed_set is None else allowed_set
        if guess.kind == IDEA or guess.confidence < 0.6:
            return KindGuess(IDEA, max(0.6, guess.confidence if guess.kind == IDEA else 0.6),
                             "question", guess.cues)
    if allowed_set and guess.kind not in allowed_set:
        pick = next((k for k in (NOT_WORKING, WORKING, IDEA) if k in allowed_set), None)
        if pick is None:
            pick = sorted(allowed_set)[0]
        return KindGuess(pick, 0.5, "question", guess.cues)
    return guess


@lru_cache(maxsize=32)
def _cue_words(code: str) -> tuple:
    """The cue words of a language with the English ones beside them (built once per language:
    a million statements read the same sets)."""
    positives = POSITIVE.get(code, set()) | (POSITIVE["en"] if code != "en" else set())
    negatives = NEGATIVE.get(code, set()) | (NEGATIVE["en"] if code != "en" else set())
    negators = NEGATORS.get(code, set()) | NEGATORS["en"]
    flip_pos = NEGATED_FLIP_TO_POSITIVE.get(code, set()) | NEGATED_FLIP_TO_POSITIVE["en"]
    multi_pos = tuple(p for p in positives if " " in p)  # "on time", "wrth fy modd"
    starts = IDEA_START.get(code, ()) + (IDEA_START["en"] if code != "en" else ())
    anywhere = IDEA_ANYWHERE.get(code, ()) + (IDEA_ANYWHERE["en"] if code != "en" else ())
    return positives, negatives, negators, flip_pos, multi_pos, starts, anywhere


def infer_from_words(text: str, code: str) -> KindGuess:
    """The kind the words of one statement say (cue words with negation, idea openings), with
    no question to go on; ``code`` is a language code."""
    low = " " + re.sub(r"\s+", " ", (text or "").lower().replace("’", "'")).strip() + " "
    positives, negatives, negators, flip_pos, multi_pos, starts, anywhere = _cue_words(code)

    cues: list[str] = []
    idea = 0.0
    stripped = low.strip()
    for start in starts:
        if stripped.startswith(start.strip()) and (
            len(stripped) == len(start.strip()) or not stripped[len(start.strip())].isalnum()
        ):
            idea += 1.5
            cues.append(start.strip())
            break
    for phrase in anywhere:
        if phrase in low:
            idea += 1.0
            cues.append(phrase.strip())
            break

    words = _TOKEN.findall(low)
    pos = neg = 0.0
    for i, w in enumerate(words):
        window = words[max(0, i - 3) : i]
        negated = any(n in negators for n in window) and w not in negators
        if w in positives:
            if negated:
                neg += 1.0
                cues.append(f"not {w}")
            else:
                pos += 1.0
                cues.append(w)
        elif w in negatives:
            if w in negators and i + 1 < len(words) and (
                words[i + 1] in positives or words[i + 1] in negatives
            ):
                continue  # the negator is scored with the next word
            if negated and w in flip_pos:
                pos += 1.0
                cues.append(f"no {w}")
            else:
                weight = 1.5 if any(x in _INTENSIFIERS for x in window) else 1.0
                neg += weight
                cues.append(w)
    # Multi-word positive cues ("on time", "wrth fy modd").
    for phrase in multi_pos:
        if f" {phrase} " in low:
            pos += 1.0
            cues.append(phrase)
    if any(f" {t} " in low for t in _TOO_POS) and pos and not neg:
        neg, pos = pos, 0.0  # "too busy", "rhy hir"

    if idea >= 1.5 or (idea and idea >= max(pos, neg) * 0.5):
        conf = min(0.95, 0.6 + 0.15 * idea + 0.05 * neg)
        return KindGuess(IDEA, round(conf, 2), "words", tuple(cues))
    if pos == 0 and neg == 0:
        return KindGuess(WORKING, 0.34, "words", ())
    kind = WORKING if pos > neg else NOT_WORKING if neg > pos else NOT_WORKING
    margin = abs(pos - neg) / (pos + neg)
    conf = 0.5 + 0.45 * margin * min(1.0, (pos + neg) / 1.5)
    if pos == neg:
        conf = 0.45
    return KindGuess(kind, round(conf, 2), "words", tuple(cues))


@lru_cache(maxsize=1)
def _kind_model() -> dict | None:
    import json
    from pathlib import Path

    path = Path(__file__).with_name("data") / "kind_model.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # pragma: no cover - broken install
        return None


def classifier_probability(vectors: Any, vectoriser_name: str | None) -> Any:
    """p(working) from the shipped classifier for static vectors it was trained on, else None."""
    import numpy as np

    model = _kind_model()
    if (
        model is None
        or vectors is None
        or vectoriser_name != model["vectoriser"]["name"]
        or hasattr(vectors, "tocsr")
        or getattr(vectors, "shape", (0, 0))[1] != len(model["coef"])
    ):
        return None
    logit = np.asarray(vectors, dtype=np.float32) @ np.asarray(model["coef"], np.float32)
    return 1.0 / (1.0 + np.exp(-(logit + model["intercept"])))


def infer_kinds(
    texts: Sequence[str],
    language: str = "en",
    *,
    vectors: Any = None,
    vectoriser_name: str | None = None,
    questions: Sequence[str | None] | None = None,
    kinds: Sequence[Sequence[str] | None] | None = None,
) -> list[KindGuess]:
    """:func:`infer_kind` for many statements, blended with the shipped classifier.

    Where the statements' ``vectors`` come from the static vectoriser the classifier trained for
    (English), its probability of "working" is combined with the cue words: the cues still
    decide ideas, and a clear cue outweighs a weak classifier.
    """
    import numpy as np

    code = language_code(language)
    probs = classifier_probability(vectors, vectoriser_name) if code == "en" else None
    has_vector = np.linalg.norm(vectors, axis=1) > 0 if probs is not None else None
    out: list[KindGuess] = []
    for i, text in enumerate(texts):
        q = questions[i] if questions else None
        k = kinds[i] if kinds else None
        guess = infer_kind(text, code, question=q, kinds=k)
        if (
            probs is not None
            and guess.source == "words"
            and guess.kind in (WORKING, NOT_WORKING)
            and has_vector[i]
        ):
            p = float(probs[i])
            lex = 0.0 if guess.confidence < 0.4 else (guess.confidence - 0.5) / 0.45
            lex = lex if guess.kind == WORKING else -lex
            score = (p - 0.5) * 2 * 0.5 + 0.5 * lex  # in [-1, 1]
            kind = WORKING if score >= 0 else NOT_WORKING
            conf = round(0.5 + abs(score) / 2, 2)
            guess = KindGuess(kind, conf, "words+classifier", guess.cues)
        out.append(guess)
    return out
