"""Theming: statements -> vectors -> clusters -> labelled themes, stable from run to run.

``theme_statements(items, ...)`` is the one entry point. Without ``previous`` it clusters from
scratch; with ``previous`` (the ``model`` dict of an earlier result, JSON-able) it keeps every
existing theme id and label, puts new statements into existing themes where they are close
enough, and makes new themes only from what is left over. Same input, same output.

The steps live in their own modules, each importing only from those before it:
:mod:`.statements` (answers -> statements), :mod:`.masking` (tokens without personal details),
:mod:`.vectors`, :mod:`.kinds`, :mod:`.clustering` (vectors -> centroids), :mod:`.labels`,
:mod:`.theme_model` (the model kept between runs), :mod:`.result` (``ThemeResult`` and the
theme summaries) and :mod:`.curation` (people's edits on top).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .clustering import RepeatedRows, row_norms
from .curation import apply_edits
from .kinds import infer_kinds
from .masking import label_tokens
from .pipeline import has_words, language_code
from .result import ThemeResult, refresh_summaries
from .statements import build_statements, statement_languages
from .theme_model import check_format, fresh_model, update_model

# From this many statements the vectors are kept as float16 (half the memory; cosines move by
# less than 0.001, far less than the gaps the themes are cut at).
COMPACT_FROM = 200_000


def _infer_kinds_each(texts, langs, vectors, vectoriser_name, questions, kinds):
    """:func:`infer_kinds` with each statement read in its own language."""
    out: list[Any] = [None] * len(texts)
    for lang in dict.fromkeys(langs):
        idx = [i for i, c in enumerate(langs) if c == lang]
        guesses = infer_kinds(
            [texts[i] for i in idx], lang,
            vectors=None if vectors is None else vectors if len(idx) == len(texts)
            else vectors[idx],
            vectoriser_name=vectoriser_name,
            questions=[questions[i] for i in idx], kinds=[kinds[i] for i in idx])
        for i, g in zip(idx, guesses, strict=True):
            out[i] = g
    return out


def _distinct(texts: Sequence[str], langs: Sequence[str]):
    """(first index of each distinct (text, language), each statement's distinct number, how
    many statements each distinct one stands for)."""
    seen: dict[tuple[str, str], int] = {}
    first: list[int] = []
    inverse = np.empty(len(texts), dtype=np.intp)
    for i, key in enumerate(zip(texts, langs, strict=True)):
        j = seen.get(key)
        if j is None:
            j = seen[key] = len(first)
            first.append(i)
        inverse[i] = j
    return first, inverse, np.bincount(inverse, minlength=len(first))


def _each(n: int):
    """:func:`_distinct` for a vectoriser that cannot count: every statement on its own."""
    return list(range(n)), np.arange(n, dtype=np.intp), np.ones(n, dtype=np.int64)


def _halves(progress: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """``progress`` for two passes over the statements (their words, then their vectors): each
    statement counts half in each, so the count reaches the total once, at the end."""
    if progress is None:
        return None
    carried = 0

    def report(n: int) -> None:
        nonlocal carried
        carried += n
        whole, carried = divmod(carried, 2)
        if whole:
            progress(whole)

    return report


def _set_kinds(statements, u_texts, u_langs, inverse, vectors, vectoriser_name) -> None:
    """Each statement's kind: given, or from its question, or read from its words (once for
    each distinct text, question and bank kinds; ``vectors`` are the distinct texts')."""
    reading = np.full(len(statements), -1, dtype=np.intp)  # -1: given
    if not any(s.get("kind") or s.get("question") or s.get("kinds") for s in statements):
        reads = [(u, None, None) for u in range(len(u_texts))]  # the usual large set
        reading[:] = inverse
    else:
        keys: dict[tuple, int] = {}
        for i, s in enumerate(statements):
            if s.get("kind"):
                continue
            kinds = s.get("kinds")
            key = (int(inverse[i]), s.get("question"), tuple(kinds) if kinds else None)
            reading[i] = keys.setdefault(key, len(keys))
        reads = list(keys)
    rows = np.fromiter((k[0] for k in reads), dtype=np.intp, count=len(reads))
    if vectors is not None and not (len(rows) == vectors.shape[0]
                                    and (rows == np.arange(len(rows))).all()):
        vectors = vectors[rows]
    guesses = _infer_kinds_each([u_texts[u] for u in rows], [u_langs[u] for u in rows],
                                vectors, vectoriser_name, [k[1] for k in reads],
                                [k[2] for k in reads]) if reads else []
    for s, j in zip(statements, reading.tolist(), strict=True):
        if j < 0:
            s["kind_confidence"], s["kind_source"] = 1.0, "given"
        else:
            g = guesses[j]
            s["kind"], s["kind_confidence"], s["kind_source"] = g.kind, g.confidence, g.source


def theme_statements(
    items: Iterable[str | Mapping],
    *,
    language: str = "en",
    n_themes: int | None = None,
    vectoriser: str | Any = "auto",
    previous: Mapping | None = None,
    edits: Sequence[Mapping] | None = None,
    split: bool = True,
    max_unassigned: float = 0.10,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> ThemeResult:
    """Group statements into labelled themes.

    ``items``: strings, or mappings with ``text`` and optionally ``id`` (stable statement id,
    needed for curation edits to find a statement again), ``question``, ``kinds`` (the bank
    question's kinds), ``kind`` (known already), ``service``, ``period``, ``language``.
    ``language`` is the language of items that do not say theirs; each statement is split,
    masked, tokenised (with its own stop words) and read for its kind in its own language, and
    a theme is labelled in the language most of its statements are in. With ``vectoriser``
    "auto" the vectors suit the language most statements are in.
    ``previous``: the ``model`` of an earlier result (keeps theme ids). ``edits``: curation
    records applied on top (see :mod:`reviewkit.nlp.curation`). ``progress(n)`` is called as
    statements are read into words, then vectorised (each pass counts half a statement);
    ``stage(name)`` as each later step starts: "grouping" (kinds and clusters), then "naming"
    (labels, summaries and people's edits).
    """
    from .vectors import get_vectoriser, per_statement

    code = language_code(language)
    statements = build_statements(items, code, split=split)
    texts = [s["text"] for s in statements]
    langs = statement_languages(statements, code)
    warnings: list[str] = []

    if previous is not None:
        check_format(previous)
        prev_vec = previous.get("vectoriser", {})
        vec = get_vectoriser(prev_vec.get("name"), code, state=prev_vec.get("state"))
        if vec.version != prev_vec.get("version"):
            raise ValueError(
                f"the earlier theme model used {prev_vec.get('name')} version "
                f"{prev_vec.get('version')}, this one has {vec.version}: re-run without it"
            )
    else:
        main = Counter(langs).most_common(1)[0][0] if langs else code
        vec = get_vectoriser(vectoriser, code if vectoriser != "auto" else main,
                             languages=langs or [code]) \
            if isinstance(vectoriser, str) else vectoriser

    # A large set says many things word for word ("Nothing", "Very good"): each distinct text
    # (in its language) is tokenised, vectorised and read for its kind once, where the
    # vectoriser can count it for the statements it stands for.
    counted = getattr(vec, "accepts_counts", False)
    first, inverse, counts = _distinct(texts, langs) if counted else _each(len(texts))
    u_texts = [texts[i] for i in first]
    u_langs = [langs[i] for i in first]
    progress = _halves(progress)
    u_tokens = label_tokens(u_texts, u_langs, code, progress=per_statement(progress, counts))
    tokens = [u_tokens[j] for j in inverse]  # the same objects: one pointer per statement

    if previous is None and hasattr(vec, "fit") and getattr(vec, "vocabulary", None) is None:
        keep = [j for j, t in enumerate(u_texts) if has_words(t)]
        if counted:
            vec.fit([u_texts[j] for j in keep], tokens=[u_tokens[j] for j in keep],
                    counts=counts[keep])
        elif getattr(vec, "accepts_tokens", False):
            vec.fit([u_texts[j] for j in keep], tokens=[u_tokens[j] for j in keep])
        else:
            vec.fit([u_texts[j] for j in keep])

    if not texts:
        x = np.zeros((0, 1), np.float32)
    elif counted:
        x = vec.encode(u_texts, progress=progress, tokens=u_tokens, counts=counts,
                       dtype=np.float16 if len(texts) >= COMPACT_FROM else np.float32)
    elif getattr(vec, "accepts_tokens", False):
        x = vec.encode(u_texts, progress=progress, tokens=u_tokens)
    else:
        x = vec.encode(u_texts, progress=progress)
    said: list[str] = []

    def tell(name: str) -> None:  # each step once, in order, even where a step has no work
        if stage and name not in said:
            said.append(name)
            stage(name)

    tell("grouping")
    content_u = np.array(
        [has_words(t) and bool(tok.words) for t, tok in zip(u_texts, u_tokens, strict=True)], bool
    )
    if len(texts):
        content_u &= row_norms(x) > 0
    content = content_u[inverse]
    n_empty = int((~content).sum())
    if n_empty:
        warnings.append(f"{n_empty} statement(s) have no words (only numbers, emoji or symbols)")

    # Kinds: given, or from the question, or inferred from the words.
    kind_x, kind_name = x, vec.name
    if getattr(vec, "last_static", None) is not None:  # hybrid: the classifier reads static
        kind_x, kind_name = vec.last_static, vec.static.name
    _set_kinds(statements, u_texts, u_langs, inverse,
               None if hasattr(kind_x, "tocsr") else kind_x, kind_name)
    if getattr(vec, "last_static", None) is not None:
        vec.last_static = None  # read: let a million rows go
    del kind_x
    if len(first) < len(texts):  # every statement's row, each distinct text's stored once
        x = RepeatedRows(x, inverse) if len(texts) >= COMPACT_FROM else x[inverse]

    content_idx = np.flatnonzero(content)
    if previous is not None:
        model, assign = update_model(previous, x, content_idx, tokens, code, max_unassigned,
                                     seed, n_themes, stage=tell)
    else:
        model, assign = fresh_model(x, content_idx, tokens, code, n_themes, max_unassigned, seed,
                                    stage=tell)
    tell("naming")
    model["vectoriser"] = {"name": vec.name, "version": vec.version, "state": vec.state()}
    model["language"] = code

    for i, s in enumerate(statements):
        s["theme_id"] = assign.get(i)
        s.pop("kinds", None)
    result = ThemeResult(statements, [], model, code, warnings, vectors=x)
    refresh_summaries(result, tokens=tokens)
    if edits:
        result = apply_edits(result, edits)
    return result
