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

from .clustering import row_norms
from .curation import apply_edits
from .kinds import infer_kinds
from .masking import label_tokens
from .pipeline import has_words, language_code
from .result import ThemeResult, refresh_summaries
from .statements import build_statements, statement_languages
from .theme_model import check_format, fresh_model, update_model


def _infer_kinds_each(texts, langs, vectors, vectoriser_name, questions, kinds):
    """:func:`infer_kinds` with each statement read in its own language."""
    out: list[Any] = [None] * len(texts)
    for lang in dict.fromkeys(langs):
        idx = [i for i, c in enumerate(langs) if c == lang]
        guesses = infer_kinds(
            [texts[i] for i in idx], lang,
            vectors=None if vectors is None else vectors[idx],
            vectoriser_name=vectoriser_name,
            questions=[questions[i] for i in idx], kinds=[kinds[i] for i in idx])
        for i, g in zip(idx, guesses, strict=True):
            out[i] = g
    return out


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
    statements are vectorised.
    """
    from .vectors import get_vectoriser

    code = language_code(language)
    statements = build_statements(items, code, split=split)
    texts = [s["text"] for s in statements]
    langs = statement_languages(statements, code)
    tokens = label_tokens(texts, langs, code)
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
        if hasattr(vec, "fit") and getattr(vec, "vocabulary", None) is None:
            keep = [i for i, t in enumerate(texts) if has_words(t)]
            if getattr(vec, "accepts_tokens", False):
                vec.fit([texts[i] for i in keep], tokens=[tokens[i] for i in keep])
            else:
                vec.fit([texts[i] for i in keep])

    if not texts:
        x = np.zeros((0, 1), np.float32)
    elif getattr(vec, "accepts_tokens", False):
        x = vec.encode(texts, progress=progress, tokens=tokens)
    else:
        x = vec.encode(texts, progress=progress)
    content = np.array(
        [has_words(t) and bool(tok.words) for t, tok in zip(texts, tokens, strict=True)], bool
    )
    if len(texts):
        content &= row_norms(x) > 0
    n_empty = int((~content).sum())
    if n_empty:
        warnings.append(f"{n_empty} statement(s) have no words (only numbers, emoji or symbols)")

    # Kinds: given, or from the question, or inferred from the words.
    kind_x, kind_name = x, vec.name
    if getattr(vec, "last_static", None) is not None:  # hybrid: the classifier reads static
        kind_x, kind_name = vec.last_static, vec.static.name
    guesses = _infer_kinds_each(
        texts,
        langs,
        None if hasattr(kind_x, "tocsr") else kind_x,
        kind_name,
        [s["question"] for s in statements],
        [s["kinds"] for s in statements],
    )
    for s, g in zip(statements, guesses, strict=True):
        if s.get("kind"):
            s["kind_confidence"], s["kind_source"] = 1.0, "given"
        else:
            s["kind"], s["kind_confidence"], s["kind_source"] = g.kind, g.confidence, g.source

    content_idx = np.flatnonzero(content)
    if previous is not None:
        model, assign = update_model(previous, x, content_idx, tokens, code, max_unassigned,
                                     seed, n_themes)
    else:
        model, assign = fresh_model(x, content_idx, tokens, code, n_themes, max_unassigned, seed)
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
