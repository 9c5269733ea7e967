"""ThemeResult, what a theming run gives back, and the summaries of its themes.

``refresh_summaries(result)`` recomputes what people see of each active theme from the
statements and the model: size, example statements (closest to the centroid first, masked),
counts by kind, service, period and language. ``ensure_vectors(result)`` gives the statement
vectors again for a result that was loaded from a dict (the vectors are never serialised).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clustering import similarities
from .statements import statement_languages


@dataclass
class ThemeResult:
    """What a theming run gives back. ``to_dict()`` is JSON-able; ``model`` feeds the next run."""

    statements: list[dict]
    themes: list[dict]
    model: dict
    language: str = "en"
    warnings: list[str] = field(default_factory=list)
    vectors: Any = field(default=None, repr=False)  # not serialised; rebuilt when needed

    @property
    def unassigned_share(self) -> float:
        if not self.statements:
            return 0.0
        return sum(s["theme_id"] is None for s in self.statements) / len(self.statements)

    def theme(self, theme_id: str) -> dict | None:
        return next((t for t in self.themes if t["id"] == theme_id), None)

    def to_dict(self) -> dict:
        return {
            "language": self.language,
            "statements": self.statements,
            "themes": self.themes,
            "model": self.model,
            "unassigned_share": round(self.unassigned_share, 4),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ThemeResult:
        return cls(
            statements=[dict(s) for s in data["statements"]],
            themes=[dict(t) for t in data["themes"]],
            model=dict(data["model"]),
            language=data.get("language", "en"),
            warnings=list(data.get("warnings", [])),
        )


TYPICAL_CHARS = (20, 160)  # length of the statement shown as "in people's words"


def ensure_vectors(result: ThemeResult):
    """The statement vectors of a result, re-computed when it was loaded from a dict."""
    if result.vectors is None or result.vectors.shape[0] != len(result.statements):
        from .masking import label_tokens
        from .vectors import get_vectoriser

        v = result.model.get("vectoriser", {})
        vec = get_vectoriser(v.get("name"), result.language, state=v.get("state"))
        texts = [s["text"] for s in result.statements]
        if getattr(vec, "accepts_tokens", False):
            langs = statement_languages(result.statements, result.language)
            result.vectors = vec.encode(texts, tokens=label_tokens(texts, langs, result.language))
        else:
            result.vectors = vec.encode(texts)
    return result.vectors


def refresh_summaries(result: ThemeResult, *, tokens=None, n_examples: int = 5) -> ThemeResult:
    """Recompute sizes, counts, example statements of every active theme (in place).

    A theme's ``language`` is the one most of its statements are in (its label's language);
    ``counts["language"]`` says how many statements are in each."""
    from .labels import theme_language
    from .masking import mask_personal

    x = ensure_vectors(result)
    langs = statement_languages(result.statements, result.language)
    members: dict[str, list[int]] = {}
    for i, s in enumerate(result.statements):
        if s.get("theme_id"):
            members.setdefault(s["theme_id"], []).append(i)
    summaries = []
    for t in result.model.get("themes", []):
        if t.get("status", "active") != "active":
            t["size"] = 0
            continue
        idx = members.get(t["id"], [])
        t["size"] = len(idx)
        if not idx:
            continue
        centroid = np.asarray(t["centroid"], dtype=np.float32)
        sims = np.asarray(similarities(x[idx], centroid[None, :])).ravel()
        order = sorted(range(len(idx)), key=lambda j: (-round(float(sims[j]), 6), idx[j]))
        examples: list[str] = []
        seen: set[str] = set()
        for prefer_readable in (True, False):
            for j in order:
                text = result.statements[idx[j]]["text"]
                if prefer_readable and not 15 <= len(text) <= 240:
                    continue
                shown = mask_personal(text[:300], langs[idx[j]])
                key = shown.lower().strip(" .!")
                if key in seen:
                    continue
                seen.add(key)
                examples.append(shown)
                if len(examples) >= n_examples:
                    break
            if len(examples) >= min(n_examples, 3):
                break
        lang = theme_language([langs[i] for i in idx], result.language)

        def fits(i: int) -> bool:
            return TYPICAL_CHARS[0] <= len(result.statements[i]["text"].strip()) <= TYPICAL_CHARS[1]

        # "In people's words" in the label's language where the theme has one such statement: an
        # English theme shown with an Urdu sentence under it puzzled the room (the vectors put
        # translations together, so the most central may be in any language).
        ti = next((idx[j] for j in order if langs[idx[j]] == lang and fits(idx[j])),
                  next((idx[j] for j in order if fits(idx[j])), idx[order[0]]))
        stmts = [result.statements[i] for i in idx]
        summaries.append(
            {
                "id": t["id"],
                "label": mask_personal(t["label"], lang),
                "label_source": t.get("label_source", "machine"),
                "language": lang,
                "size": len(idx),
                "examples": examples[:n_examples],
                # "In people's words": the statement closest to the centroid, neither too
                # short nor too long, masked.
                "typical": mask_personal(result.statements[ti]["text"].strip()[:300], langs[ti]),
                "typical_id": result.statements[ti]["id"],
                "typical_language": langs[ti],  # a theme may hold statements in several
                "i_statement": t.get("i_statement", ""),
                "counts": {
                    "kind": dict(sorted(Counter(s["kind"] for s in stmts).items())),
                    "service": dict(sorted(
                        Counter(str(s["service"]) for s in stmts if s.get("service")).items())),
                    "period": dict(
                        sorted(Counter(str(s["period"]) for s in stmts if s.get("period")).items())
                    ),
                    "language": dict(sorted(Counter(langs[i] for i in idx).items())),
                },
            }
        )
    summaries.sort(key=lambda s: (-s["size"], _id_key(s["id"])))
    result.themes = summaries
    return result


def _id_key(tid: str) -> tuple:
    digits = "".join(ch for ch in tid if ch.isdigit())
    return (int(digits) if digits else 0, tid)
