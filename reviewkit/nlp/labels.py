"""Readable theme labels from the statements in each theme: short phrases people wrote.

Every theme gets a label of two to five words that says what it is about ("Waiting times for
appointments", "Staff who listen"), written as people wrote it, never one word alone and never
the same as (or nearly the same as) another theme's label in the run.

How: phrases of one to three lemmas (no stop word at either end, no numbers) are scored by
class-based TF-IDF, how often they occur in the theme's statements against how common they
are in all statements, with a small bonus for longer phrases. Going down that list, a phrase of
two or three words is taken as it is; a single word (or a phrase that clashes with a label
already given) is widened to the phrase of two to five words around it that the theme's
statements use most ("wait" -> "Waiting time for appointments", "nothing" -> "Nothing to
improve"); a weak word that people never widen gets its flip-chart phrase from
``LABEL_PHRASES`` ("thank" -> "Thank you to staff"). A phrase made only of empty or generic words
("Very good", "Nothing really") is never a label. Near-identical labels ("Waiting time",
"Waiting times") are told apart by the same lemmas: the later theme takes its next phrase, or
its own most distinctive word is added ("Waiting times, phone").

Languages: each statement's phrases are cut at its own language's stop words, and a theme's
label is written in the language most of its statements are in (ties go to the set's
language), chosen from the phrases of those statements only: a theme of Welsh statements gets
a Welsh label, never "Rydw i'n". The generic word lists are English; other languages get the
same shape rules with their own stop words.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

from .masking import has_personal
from .pipeline import Tokens, is_stop, language_code
from .pipeline import stop_words as _all_stop_words


@lru_cache(maxsize=16)
def stop_words(language: str = "en") -> frozenset[str]:
    """The stop words of labels: those of the vectors (:func:`pipeline.stop_words`) less the
    words that name what a theme is about in a label ("call handler", "front door", "made me
    feel safe") though they say little for grouping statements."""
    from .lexicon import LABEL_CONTENT_WORDS

    return _all_stop_words(language) - LABEL_CONTENT_WORDS.get(language_code(language),
                                                              frozenset())


MAX_N = 3  # lemma phrases scored by c-TF-IDF
MIN_WORDS, MAX_WORDS = 2, 5  # a label's length in words
# A theme whose most distinctive phrase is empty ("keep", "good"): a word fewer than this share
# of as many people used is an aside ("Someone to talk to" in a theme of "Keep doing what you
# are doing"), and the theme is labelled by its empty words ("Keep up the good work").
ASIDE_SHARE = 0.4
_BONUS = {1: 1.0, 2: 1.35, 3: 1.5}
_WINDOW_BONUS = {2: 1.0, 3: 1.15, 4: 1.2, 5: 1.2}
# Small words allowed inside (not at the ends of) a scored phrase: "transport to college".
# Small words a widened phrase may start or end with: "No complaints", "Could not fault it".
_START_OK = {"no", "not", "never", "could", "can", "ca", "cannot", "being", "more", "less", "too",
             "how", "what", "someone", "getting", "going", "keeping", "having", "making",
             "finding"}
_END_OK = {"it", "them", "me", "us", "you", "more", "up", "out", "off", "back", "down", "over"}
# Particles of phrasal verbs ("pick up", "sort out"): a label never ends on the verb of one.
_PARTICLES = {"up", "out", "off", "back", "down", "over"}
# Words a label never starts with, even one made of small words: a verb cut from its subject.
_NEVER_FIRST = {"is", "are", "was", "were", "be", "been", "am", "'s", "'re", "has", "have", "had",
                "does", "do", "did"}
# A word that modifies the word after it: a label never starts just after one ("wait too long
# for the doctor" gave "Long for the doctor"), nor with one cut from the word it follows.
_DEGREE = {"too", "so", "very", "quite", "rather", "really", "as", "how", "much", "far", "more",
           "less", "most", "least", "even", "pretty"}
_DEGREE_START = {"too", "so", "very", "quite", "rather", "really", "as", "even", "pretty"}
# "not" belongs to the verb before it: a label never starts with it cut from one ("could not
# fault the service" gave "Not fault service").
_NEGATED = {"not", "n't", "n’t"}
_AUXILIARIES = _NEVER_FIRST | {"could", "can", "ca", "would", "wo", "should", "will", "must",
                               "might", "may", "shall", "sha"}
# Sentence openers (surface words): a subject and "be" say nothing of what a theme is about.
# A word-for-word answer loses them ("Rydw i'n dda am arddio" -> "Dda am arddio") as phrases
# do, and no label starts with one.
_OPENERS = {
    "en": {("i", "am"), ("i", "'m"), ("i", "was"), ("we", "are"), ("we", "'re"), ("we", "were")},
    "cy": {("rydw", "i'n"), ("dw", "i'n"), ("rwyf", "i'n"), ("roeddwn", "i'n"), ("rydyn", "ni'n"),
           ("rydym", "ni'n"), ("ro'n", "i'n"), ("rwy'n",), ("dwi'n",), ("ydw", "i'n")},
}
_PREPOSITIONS = {"to", "for", "of", "at", "in", "on", "with", "from", "about", "by", "into"}
_ARTICLES = {"the", "a", "an", "my", "your", "his", "her", "our", "their"}
COMPOUND_SHARE = 0.5  # a word followed (preceded) by the same word this often is one unit
WIDEN_SAMPLE = 3000  # statements of a theme read to widen a word (the first ones, stable)
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
            if j > n or (size > 1 and j - 1 in tok.breaks):  # never across a masked detail
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


class _Theme:
    """What the labeller knows of one theme while choosing its label."""

    def __init__(self, idx, tokens, stops, language, scored, surface, tf):
        self.idx, self.tokens, self.stops, self.language = idx, tokens, stops, language
        self.scored, self.surface, self.tf = scored, surface, tf
        self.size = max(1, len(idx))
        self._stops: dict[int, list[bool]] = {}
        self._pairs: tuple[Counter, Counter] | None = None

    def pairs(self) -> tuple[Counter, Counter]:
        """(lemma counts, counts of two content lemmas side by side) in the theme's statements."""
        if self._pairs is None:
            uni: Counter[str] = Counter()
            bi: Counter[tuple[str, str]] = Counter()
            for i in self.idx[:WIDEN_SAMPLE]:
                lem, stop, breaks = self.tokens[i].lemmas, self.stop_flags(i), self.tokens[i].breaks
                uni.update(lem)
                words = self.tokens[i].words
                bi.update((lem[m], lem[m + 1]) for m in range(len(lem) - 1)
                          if not stop[m] and m + 1 not in breaks
                          and (not stop[m + 1] or words[m + 1] in _PARTICLES))
            self._pairs = (uni, bi)
        return self._pairs

    def cuts(self, i: int, lo: int, hi: int) -> bool:
        """Whether the words lo..hi of statement i cut a unit people wrote: a compound noun
        ("day | centre", "day | centre is on time": "day" is nearly always followed by
        "centre" in the theme) or a word from the degree word before it ("too | long")."""
        tok, stop = self.tokens[i], self.stop_flags(i)
        lem, words = tok.lemmas, tok.words
        uni, bi = self.pairs()
        if lo > 0 and lo not in tok.breaks:
            if words[lo - 1] in _DEGREE:
                return True  # "Long for the doctor"
            if words[lo] in _DEGREE_START and not stop[lo - 1]:
                return True  # "Too long for the doctor": "too" belongs to "wait"
            if words[lo] in _NEGATED and words[lo - 1] in _AUXILIARIES:
                return True  # "(could) not fault the service"
            if words[lo - 1] in _NEGATED or words[lo - 1] in ("no", "never", "cannot"):
                return True  # "(cannot) improve on perfection" says the opposite alone
            if not stop[lo - 1] and not stop[lo] and self._unit(lem[lo - 1], lem[lo]):
                return True  # "Centre is on time"
            # the object of a cut preposition run into a verb: "(getting to the) doctor is hard"
            p = lo - 1 - (lo >= 2 and words[lo - 1] in _ARTICLES)
            if words[p] in _PREPOSITIONS and any(w in _NEVER_FIRST for w in words[lo + 1:hi]):
                return True
        if hi < len(lem) and hi not in tok.breaks and not stop[hi - 1] and not stop[hi] \
                and self._unit(lem[hi - 1], lem[hi]):
            return True  # "Bus to the day"
        if hi < len(lem) and hi not in tok.breaks and not stop[hi - 1] \
                and words[hi] in _PARTICLES:
            pair = bi[(lem[hi - 1], lem[hi])]
            if pair >= 2 and pair >= COMPOUND_SHARE * uni[lem[hi - 1]]:
                return True  # "Time for pick" (up)
        return False

    def _unit(self, a: str, b: str) -> bool:
        """Two words that nearly always come together in the theme ("day centre", "key
        worker"), not a noun and the verb that often follows it ("house help")."""
        uni, bi = self.pairs()
        pair = bi[(a, b)]
        return pair >= 2 and pair >= COMPOUND_SHARE * max(uni[a], uni[b])

    def mostly_cut(self, key: tuple[str, ...]) -> bool:
        """Whether the phrase ``key`` stands, in most of the places people wrote it, cut from a
        unit (see ``cuts``): it is then widened rather than taken as it is."""
        k, seen, cut = len(key), 0, 0
        for i in self.idx[:WIDEN_SAMPLE]:
            lem = self.tokens[i].lemmas
            if key[0] not in lem:
                continue
            for s in range(len(lem) - k + 1):
                if lem[s:s + k] == key:
                    seen += 1
                    cut += self.cuts(i, s, s + k)
        return seen > 0 and 2 * cut > seen

    def words_of(self, key) -> tuple[str, ...]:
        return self.surface[key].most_common(1)[0][0]

    def distinctive(self) -> list[str]:
        """The theme's single lemmas, most distinctive first, without empty words."""
        return [key[0] for _, key in self.scored if len(key) == 1
                and not _empty(key[0], self.language)]

    def stop_flags(self, i: int) -> list[bool]:
        if i not in self._stops:
            tok = self.tokens[i]
            self._stops[i] = [is_stop(w, lm, self.stops)
                              for w, lm in zip(tok.words, tok.lemmas, strict=True)]
        return self._stops[i]

    def widen(self, key: tuple[str, ...], avoid, *, empty_ok: bool = False
              ) -> tuple[str, ...] | None:
        """The phrase of 2-5 words around ``key`` that the theme's statements use most, that
        is not only empty words (unless ``empty_ok``) and that ``avoid`` (a clash test) lets
        through."""
        counts: Counter[tuple[str, ...]] = Counter()
        surface: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        k = len(key)
        for i in self.idx[:WIDEN_SAMPLE]:
            tok = self.tokens[i]
            lem, words = tok.lemmas, tok.words
            if key[0] not in lem:
                continue
            stop = self.stop_flags(i)
            seen: set[tuple[str, ...]] = set()
            for s in range(len(lem) - k + 1):
                if lem[s:s + k] != key:
                    continue
                for a in range(0, MAX_WORDS - k + 1):
                    for b in range(0, MAX_WORDS - k - a + 1):
                        lo, hi = s - a, s + k + b
                        if lo < 0 or hi > len(lem) or hi - lo < MIN_WORDS:
                            continue
                        if tok.breaks and any(lo < p < hi for p in tok.breaks):
                            continue  # a masked detail stood inside: "Trip to was great"
                        if len(lem[lo]) < 2 or len(lem[hi - 1]) < 2:
                            continue
                        if words[hi - 1] in _INNER_OK:
                            continue  # never a phrase cut short: "Nothing at", "Transport to"
                        # "not" is a small word that says a lot: "Could not fault it"
                        n_stop = sum(f and w not in _NEGATED
                                     for f, w in zip(stop[lo:hi], words[lo:hi], strict=True))
                        if not empty_ok and (
                                (stop[lo] and words[lo] not in _START_OK)
                                or (stop[hi - 1] and words[hi - 1] not in _END_OK)
                                or 2 * n_stop > hi - lo
                                or (hi - lo - n_stop < 2 and hi - lo < 3)):
                            continue
                        if empty_ok and (words[lo] in _NEVER_FIRST
                                         or words[lo] in _PREPOSITIONS):
                            continue  # "Is coming to the house", "To the doctor is hard"
                        if _opener(words[lo:hi], self.language):
                            continue  # "Rydw i'n …", "I am …"
                        if self.cuts(i, lo, hi):
                            continue  # "Bus to the day", "Long for the doctor"
                        win = lem[lo:hi]
                        if win in seen or len(set(win)) < len(win):
                            continue
                        seen.add(win)
                        counts[win] += 1
                        surface[win][words[lo:hi]] += 1
        need = 1 if self.size < 10 else max(2, math.ceil(0.01 * self.size))
        ranked = sorted(
            ((c * _WINDOW_BONUS[len(w)], w) for w, c in counts.items() if c >= need),
            key=lambda s: (-s[0], s[1]))
        for _, win in ranked[:60]:
            words = surface[win].most_common(1)[0][0]
            if not empty_ok and _only_empty(win, words, self.stops, self.language):
                continue
            if not avoid(win, words):
                return words
        return None


def label_themes(
    groups: dict[str, Sequence[int]],
    tokens: Sequence[Tokens],
    language: str = "en",
    *,
    taken: Sequence[str] = (),
) -> dict[str, str]:
    """A label for each theme id in ``groups`` (theme id -> statement indexes).

    ``taken`` labels (of themes that keep theirs) are not given again, nor anything nearly the
    same as them.
    """
    default = language_code(language)
    groups, read = _sample(groups, len(tokens))
    langs = _Lazy(lambda i: tokens[i].language or default)
    per_statement = _Lazy(lambda i: _phrases(tokens[i], stop_words(langs[i])))
    df: Counter[tuple[str, ...]] = Counter()
    for i in read:
        df.update(per_statement[i].keys())
    n_total = max(1, len(read))

    used = _Used(taken, default)
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
            idf = math.log(1 + n_total / max(1, df[key]))  # (a sampled theme: see _sample)
            score = (count / size) * idf * _BONUS[len(key)]
            scored.append((score, key))
        scored.sort(key=lambda s: (-s[0], s[1]))
        theme = _Theme(idx, tokens, stop_words(lang), lang, scored, surface, tf)
        label = (_common_answer(theme, used) or _choose(theme, used)
                 or _choose(theme, used, empty_ok=True)
                 or _common_answer(theme, used, share=0, empty_ok=True)
                 or _last_resort(theme, used))
        labels[theme_id] = label
        used.add(label)
    return labels


LABEL_SAMPLE = 100_000  # in larger sets, labels read this many statements, evenly spaced
LABEL_SAMPLE_MIN = 300  # and at least this many of each theme (all of a smaller theme)


def _sample(groups: dict[str, Sequence[int]], n: int
            ) -> tuple[dict[str, Sequence[int]], Sequence[int]]:
    """(groups, statements whose phrases count as "all statements") to label from.

    Up to ``LABEL_SAMPLE`` statements, everything; beyond, every (n / LABEL_SAMPLE)-th one,
    the same on every run: shares of phrases in 100,000 statements are those of a million to
    within a fraction of a percent, and a million statements' phrases would not fit in memory.
    """
    if n <= LABEL_SAMPLE:
        return groups, range(n)
    step = n / LABEL_SAMPLE
    read = sorted({int(j * step) for j in range(LABEL_SAMPLE)})
    chosen = set(read)
    out: dict[str, Sequence[int]] = {}
    for tid, idx in groups.items():
        kept = [i for i in idx if i in chosen]
        if len(kept) < min(len(idx), LABEL_SAMPLE_MIN):
            m = min(len(idx), LABEL_SAMPLE_MIN)
            kept = [idx[int(j * len(idx) / m)] for j in range(m)]
        out[tid] = kept
    return out, read


class _Lazy:
    """``f(i)`` for statement i, worked out the first time it is asked for."""

    def __init__(self, f):
        self.f, self.done = f, {}

    def __getitem__(self, i: int):
        try:
            return self.done[i]
        except KeyError:
            value = self.done[i] = self.f(i)
            return value


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


_CONTRACTED = re.compile(r"\b(ca|wo|sha) not\b")


class _Used:
    """The labels given so far, and a test for a new one that is the same or nearly so: the
    same words ignoring case, or the same content lemmas ("Waiting time" / "Waiting times")."""

    def __init__(self, taken: Sequence[str], language: str):
        from .pipeline import tokenise

        self._tokenise = tokenise
        self.language = language
        self._cache: dict[str, frozenset[str]] = {}
        self.lower: set[str] = set()
        self.signatures: list[frozenset[str]] = []
        for label in taken:
            self.add(label)

    def signature(self, label: str) -> frozenset[str]:
        if label in self._cache:
            return self._cache[label]
        tok = self._tokenise([label], self.language)[0]
        stops = stop_words(self.language)
        sig = frozenset(lm for w, lm in zip(tok.words, tok.lemmas, strict=True)
                        if not is_stop(w, lm, stops)) or frozenset(tok.lemmas)
        if len(self._cache) < 100_000:
            self._cache[label] = sig
        return sig

    def clashes(self, label: str) -> bool:
        if label.lower() in self.lower:
            return True
        if "“" in label:  # Answered just “none”: the quoted word tells it apart
            return False
        sig = self.signature(label)
        return any(sig == other or (len(sig | other) >= 3
                                    and len(sig & other) / len(sig | other) >= 0.8)
                   for other in self.signatures)

    def add(self, label: str) -> None:
        self.lower.add(label.lower())
        self.signatures.append(self.signature(label))


def _display(words: tuple[str, ...], language: str = "en") -> str:
    from .lexicon import LABEL_CASE

    cased = LABEL_CASE.get(language, {})
    text = " ".join(cased.get(w, w) for w in words)
    if language == "en":  # the tokeniser reads "can't" as "ca" + "not"
        text = _CONTRACTED.sub(lambda m: {"ca": "cannot", "wo": "will not", "sha": "shall not"}[
            m.group(1)], text)
    return text[:1].upper() + text[1:]


def _empty(lemma: str, language: str) -> bool:
    """A word that says nothing about what a theme is about on its own."""
    from .lexicon import EMPTY_LABEL_WORDS, GENERIC_LABEL_WORDS

    return lemma in EMPTY_LABEL_WORDS.get(language, set()) \
        or lemma in GENERIC_LABEL_WORDS.get(language, set())


def _only_empty(key, words, stops, language) -> bool:
    """A phrase whose every word is a stop word or an empty one ("Very good", "Nothing at all")."""
    return all(is_stop(w, lm, stops) or _empty(lm, language) for w, lm in zip(words, key,
                                                                               strict=True))


def _fits(label: str, theme: _Theme, used: _Used) -> bool:
    return bool(label.strip()) and MIN_WORDS <= len(label.split()) <= MAX_WORDS \
        and not used.clashes(label) and not has_personal(label, theme.language)


def _common_answer(theme: _Theme, used: _Used, share: float = 0.3, *,
                   empty_ok: bool = False) -> str | None:
    """A short answer that many in the theme gave word for word ("Did not answer", "Could not
    fault it"); an answer of one word ("Nothing") is widened by what else people said with it.
    With ``empty_ok``, also an answer of only empty words ("Do not know", "Not much"): what a
    theme of such answers is, when it has no word that says more."""
    counts: Counter[tuple[str, ...]] = Counter(  # (not an answer with a masked detail in it)
        theme.tokens[i].words for i in theme.idx
        if theme.tokens[i].words and not theme.tokens[i].breaks)
    for words, count in counts.most_common(3):
        if count < max(2, share * len(theme.idx)):
            continue
        lemmas = next(theme.tokens[i].lemmas for i in theme.idx if theme.tokens[i].words == words)
        cut = _opener(words, theme.language)  # "Rydw i'n garedig" says "garedig"
        if cut:
            words, lemmas = words[cut:], lemmas[cut:]
            if len(words) < MIN_WORDS:
                continue
        if len(words) > MAX_WORDS:
            continue
        if len(words) == 1:
            refused = lambda _k, w: not _fits(_display(w, theme.language), theme, used)  # noqa: E731
            wide = theme.widen(lemmas, refused)
            if wide:
                return _display(wide, theme.language)
            if not _empty(lemmas[0], theme.language):
                continue
            # Many said only "Nothing" or "None": say so ("Nothing at all", "Answered just …").
            wide = theme.widen(lemmas, refused, empty_ok=True)
            label = _display(wide, theme.language) if wide \
                else f"Answered just “{words[0]}”"
            if _fits(label, theme, used):
                return label
            continue
        label = _display(words, theme.language)
        if (empty_ok or not _only_empty(lemmas, words, theme.stops, theme.language)) \
                and _fits(label, theme, used):
            return label
    return None


def _opener(words: Sequence[str], language: str) -> int:
    """How many of ``words`` (from the start) are a sentence opener such as "I am" or "Rydw
    i'n"; 0 if they do not start with one."""
    for opener in _OPENERS.get(language, ()):
        if tuple(words[:len(opener)]) == opener:
            return len(opener)
    return 0


def _weak_word(lemma: str, surface: str, language: str) -> bool:
    """A single word that says little alone: generic words, verb forms, -ly adverbs."""
    from .lexicon import LABEL_PHRASES

    if lemma in LABEL_PHRASES.get(language, {}) or _empty(lemma, language):
        return True
    if language == "en":
        return surface.endswith(("ed", "ly")) or (surface != lemma and not surface.endswith("s"))
    return False


def _choose(theme: _Theme, used: _Used, *, empty_ok: bool = False) -> str | None:
    """Down the scored phrases: a phrase of two or three words as it is, else the phrase of
    two to five words people wrote around it; a weak word's flip-chart phrase. With
    ``empty_ok`` (a theme of "Can't think of anything"), phrases of empty words too."""
    from .lexicon import LABEL_PHRASES

    phrases = LABEL_PHRASES.get(theme.language, {})
    lang = theme.language

    def refused(_key, words) -> bool:
        return not _fits(_display(words, lang), theme, used)

    top = theme.scored[0][1] if theme.scored else None
    said_most = theme.tf[top] if top and _only_empty(
        top, theme.words_of(top), theme.stops, lang) else 0
    for _score, key in theme.scored[:40]:
        words = theme.words_of(key)
        if _only_empty(key, words, theme.stops, lang) and not empty_ok:
            continue
        if not empty_ok and theme.tf[key] < ASIDE_SHARE * said_most:
            break  # what most said is "Keep going" or "Very good": not what a few added
        label = _display(words, lang)
        if len(key) > 1 and _fits(label, theme, used) and not theme.mostly_cut(key):
            return label
        wide = theme.widen(key, refused, empty_ok=empty_ok)
        if wide:
            return _display(wide, lang)
        if len(key) == 1 and not empty_ok and _weak_word(key[0], words[0], lang):
            phrase = phrases.get(key[0])
            if phrase and _fits(phrase, theme, used) and not theme.mostly_cut(key):
                return phrase
    return None


def _last_resort(theme: _Theme, used: _Used) -> str:
    """Two distinctive words joined ("Parking and signs"), a clashing phrase with the theme's
    next distinctive word added, or "Other comments"."""
    lang = theme.language
    words = [theme.words_of((lm,))[0] for lm in theme.distinctive()[:6]]
    for a in range(len(words)):
        for b in range(a + 1, len(words)):
            label = _display((words[a], "and", words[b]), lang)
            if _fits(label, theme, used):
                return label
    for _score, key in theme.scored[:10]:
        base = _display(theme.words_of(key), lang)
        for extra in words:
            if extra not in base.lower().split():
                label = f"{base}, {extra}"
                if _fits(label, theme, used):
                    return label
    label, n = "Other comments", 2
    while label.lower() in used.lower:
        label = f"Other comments ({n})"
        n += 1
    return label
