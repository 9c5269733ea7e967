"""Statements: the input answers cut into statement dicts, each with a stable id and language.

``build_statements(items, language)`` turns strings, or mappings with ``text`` and optionally
``id``, ``question``, ``kinds``, ``kind``, ``service``, ``period`` and ``language``, into one
dict per statement. An answer with an ``id`` gives ``id`` (one statement) or ``id.1``,
``id.2``, ... (several); one without gets an id from its text, so that it is the same on
every run. A repeated id gets ``~2``, ``~3``, ...
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from .pipeline import language_code, normalise, split_statements


def _as_item(item: str | Mapping) -> dict:
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, Mapping):
        if "text" not in item:
            raise ValueError("each statement needs a 'text'")
        return dict(item)
    raise TypeError(f"a statement is a string or a mapping, not {type(item).__name__}")


def _content_id(text: str) -> str:
    return "s" + hashlib.sha1(text.lower().encode("utf-8")).hexdigest()[:10]


def build_statements(
    items: Iterable[str | Mapping], language: str = "en", *, split: bool = True
) -> list[dict]:
    """Input answers -> statement dicts (id, text, source, question, kinds, service, period)."""
    out: list[dict] = []
    seen: Counter[str] = Counter()
    for source, raw in enumerate(items):
        item = _as_item(raw)
        lang = language_code(item.get("language") or language)
        text = str(item.get("text") or "")
        parts = split_statements(text, lang) if split else [normalise(text)]
        if not parts:
            parts = [normalise(text)]
        base = str(item["id"]) if item.get("id") is not None else None
        for j, part in enumerate(parts):
            if base is not None:
                sid = base if len(parts) == 1 else f"{base}.{j + 1}"
            else:
                sid = _content_id(part)
            seen[sid] += 1
            if seen[sid] > 1:
                sid = f"{sid}~{seen[sid]}"
            out.append(
                {
                    "id": sid,
                    "text": part,
                    "source": source,
                    "language": lang,
                    "question": item.get("question"),
                    "kinds": item.get("kinds"),
                    "kind": item.get("kind"),
                    "service": item.get("service"),
                    "period": item.get("period"),
                }
            )
    return out


def statement_languages(statements: Sequence[Mapping], default: str) -> list[str]:
    """Each statement's language code (``default`` where it has none)."""
    return [language_code(s.get("language") or default) for s in statements]
