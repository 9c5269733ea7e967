"""Readable theme labels from the statements in each theme (class-based TF-IDF over lemmas).

For every theme, phrases of one to three lemmas (no stop word at either end, no numbers) are
scored by how often they occur in the theme's statements against how common they are in all
statements; longer phrases get a small bonus so that "waiting times" beats "waiting". The label
is the phrase as people most often wrote it, with a capital first letter: "Waiting times",
"Friendly staff", "Transport to college". Never an id, never a bag of words with underscores.

Languages: each statement's phrases are cut at its own language's stop words, and a theme's
label is written in the language most of its statements are in (ties go to the set's
language), chosen from the phrases of those statements only: a theme of Welsh statements gets
a Welsh label, never "Rydw i'n".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from .masking import has_personal
from .pipeline import Tokens, is_stop, language_code, stop_words

MAX_N = 3
_BONUS = {1: 1.0, 2: 1.35, 3: 1.5}
# Small words allowed inside (not at the ends of) a phrase: "transport to college".
_INNER_OK = {"to", "of", "for", "and", "at", "in", "on", "with", "the", "a", "i", "o", "y", "yr",
             "ar", "a'r", "i'r", "o'r"}


def _phrases(tok: Tokens, stops: frozenset[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Candidate lemma phrases of one statement -> the surface words they came from."""
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    lem, words = tok.lemmas, tok.words
    n = len(lem)
    stop = [is_stop(w, lm, stops) for w, lm in zip(words, lem, strict=True)]
    for i in range(n):
        if stop[i] or len(lem[i]) < 2:
            continue
        for size in range(1, MAX_N + 1):
            j = i + size
            if j > n:
                break
            last = lem[j - 1]
            if stop[j - 1] or len(last) < 2:
                if last not in _INNER_OK and not stop[j - 1]:
                    break
                continue
            if any(stop[m] and lem[m] not in _INNER_OK for m in range(i + 1, j - 1)):
                break
            key = lem[i:j]
            if len(set(key)) < len(key):
                continue
            out.setdefault(key, words[i:j])
    return out


def label_themes(
    groups: dict[str, Sequence[int]],
    tokens: Sequence[Tokens],
    language: str = "en",
    *,
    taken: Sequence[str] = (),
) -> dict[str, str]:
    """A label for each theme id in ``groups`` (theme id -> statement indexes).

    ``taken`` labels (of themes that keep theirs) are not given again.
    """
    default = language_code(language)
    langs = [t.language or default for t in tokens]
    per_statement = [_phrases(t, stop_words(lang)) for t, lang in zip(tokens, langs, strict=True)]
    df: Counter[tuple[str, ...]] = Counter()
    for ph in per_statement:
        df.update(ph.keys())
    n_total = max(1, len(tokens))

    used = {t.lower() for t in taken}
    labels: dict[str, str] = {}
    # Bigger themes choose first so that they get the most natural label.
    for theme_id in sorted(groups, key=lambda t: (-len(groups[t]), t)):
        lang = theme_language([langs[i] for i in groups[theme_id]], default)
        idx = [i for i in groups[theme_id] if langs[i] == lang]
        tf: Counter[tuple[str, ...]] = Counter()
        surface: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
        for i in idx:
            for key, words in per_statement[i].items():
                tf[key] += 1
                surface[key][words] += 1
        size = max(1, len(idx))
        min_count = 1 if size < 10 else 2
        scored = []
        for key, count in tf.items():
            if count < min_count:
                continue
            if len(key) > 1 and count < max(min_count, 0.03 * size):
                continue
            idf = math.log(1 + n_total / df[key])
            score = (count / size) * idf * _BONUS[len(key)]
            scored.append((score, key))
        scored.sort(key=lambda s: (-s[0], s[1]))
        label = _common_answer(idx, tokens, used, lang)
        if label is None:
            label = _choose(scored, surface, tf, used, lang)
        if label is None:
            label = _common_answer(idx, tokens, used, lang, share=0.0)
        labels[theme_id] = label or _fallback(theme_id, used)
        used.add(labels[theme_id].lower())
    return labels


def theme_language(languages: Sequence[str], default: str = "en") -> str:
    """The language most of a theme's statements are in; a tie goes to ``default``, then to the
    language seen first."""
    counts = Counter(languages)
    if not counts:
        return default
    top = max(counts.values())
    if counts.get(default) == top:
        return default
    return next(lang for lang in counts if counts[lang] == top)


def _display(words: tuple[str, ...]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _common_answer(idx, tokens, used, language, share: float = 0.3) -> str | None:
    """A short answer that many in the theme gave word for word ("Did not answer", "Nothing")."""
    counts: Counter[tuple[str, ...]] = Counter(tokens[i].words for i in idx if tokens[i].words)
    for words, count in counts.most_common(3):
        if len(words) > 5 or count < max(2, share * len(idx)):
            continue
        label = _display(words)
        if label.lower() not in used and not has_personal(label, language):
            return label
    return None


def _weak_word(lemma: str, surface: str, language: str) -> bool:
    """A single word that says little alone: generic words, verb forms, -ly adverbs."""
    from .lexicon import GENERIC_LABEL_WORDS, LABEL_PHRASES

    if lemma in LABEL_PHRASES.get(language, {}) \
            or lemma in GENERIC_LABEL_WORDS.get(language, set()):
        return True
    if language == "en":
        return surface.endswith(("ed", "ly")) or (surface != lemma and not surface.endswith("s"))
    return False


def _longer(key, scored, surface, tf, used, language, share) -> str | None:
    for _, key2 in scored[:80]:
        if len(key2) > 1 and key[0] in key2 and tf[key2] >= max(2, share * tf[key]):
            longer = _display(surface[key2].most_common(1)[0][0])
            if longer.lower() not in used and not has_personal(longer, language):
                return longer
    return None


def _choose(scored, surface, tf, used: set[str], language: str) -> str | None:
    from .lexicon import LABEL_PHRASES

    phrases = LABEL_PHRASES.get(language, {})
    fallback = None
    for _score, key in scored[:25]:
        label = _display(surface[key].most_common(1)[0][0])
        if label.lower() in used or has_personal(label, language) or not label.strip():
            continue
        if len(key) > 1:
            return label
        weak = _weak_word(key[0], surface[key].most_common(1)[0][0][0], language)
        # A phrase around the word, when people often wrote it: "wait" -> "waiting times";
        # for a weak word, the flip-chart phrase for it, or a phrase people wrote less often.
        longer = _longer(key, scored, surface, tf, used, language, 0.25)
        if longer:
            return longer
        if not weak:
            return label
        phrase = phrases.get(key[0])
        if phrase and phrase.lower() not in used:
            return phrase
        longer = _longer(key, scored, surface, tf, used, language, 0.1)
        if longer:
            return longer
        fallback = fallback or label  # a weak word: look further down for a better one
    return fallback


def _fallback(theme_id: str, used: set[str]) -> str:
    label = "Other comments"
    n = 2
    while label.lower() in used:
        label = f"Other comments ({n})"
        n += 1
    return label
