"""reviewkit.nlp: statements -> kinds -> vectors -> themes -> labels, with people's edits on top.

Importing this package is cheap: spaCy, scikit-learn and the vectors load on first use.

    from reviewkit.nlp import theme_statements, apply_edits, mask_personal
    result = theme_statements(["The bus is always late", ...], language="en")
    result.themes      # [{"id", "label", "size", "examples", "counts": {...}}, ...]
    result.statements  # [{"id", "text", "theme_id", "kind", "kind_confidence", ...}, ...]
    result.model       # JSON-able: pass as previous= next quarter to keep theme ids
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "theme_statements": "themes",
    "ThemeResult": "result",
    "build_statements": "statements",
    "refresh_summaries": "result",
    "auto_k": "clustering",
    "apply_edits": "curation",
    "validate_edit": "curation",
    "EDIT_OPS": "curation",
    "infer_kind": "kinds",
    "infer_kinds": "kinds",
    "kind_from_question": "kinds",
    "KINDS": "kinds",
    "mask_personal": "masking",
    "split_statements": "pipeline",
    "normalise": "pipeline",
    "tokenise": "pipeline",
    "get_nlp": "pipeline",
    "get_vectoriser": "vectors",
    "label_themes": "labels",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from .clustering import auto_k
    from .curation import EDIT_OPS, apply_edits, validate_edit
    from .kinds import KINDS, infer_kind, infer_kinds, kind_from_question
    from .labels import label_themes
    from .masking import mask_personal
    from .pipeline import get_nlp, normalise, split_statements, tokenise
    from .result import ThemeResult, refresh_summaries
    from .statements import build_statements
    from .themes import theme_statements
    from .vectors import get_vectoriser


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reviewkit.nlp' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
