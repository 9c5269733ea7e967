"""The themes a report counts with: the stored theme set and people's curation edits on top.

:func:`theme_set_for` picks the stored themes for a filter; :func:`curate` applies people's
edits to the stored assignments, so what is shown and downloaded is always the curated version.
The theme set also keeps the suppression answers worked out for its numbers
(:func:`stored_suppression`, :func:`store_suppression`), so the first page after the background
job does not wait for the audit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from ..extensions import db
from ..localise import InLanguage
from ..models import ThemeSet
from .filters import Filters

STORED_KEEP = 8  # suppression answers kept per theme set (the newest)


def theme_set_for(filters: Filters) -> ThemeSet | None:
    """The stored themes to count with: the bank's own when exactly one bank is chosen and it
    has been themed on its own, else the organisation-wide ones."""
    keys = ([f"bank:{filters.banks[0]}"] if len(filters.banks) == 1 else []) + ["all"]
    for key in keys:
        ts = db.session.scalar(select(ThemeSet).filter_by(
            organisation_id=filters.organisation_id, scope=key))
        if ts is not None and ts.result is not None:
            return ts
    return None


@dataclass
class Curated:
    labels: dict[str, str]  # active theme id -> label
    assign: dict[int, str | None]  # statement id -> theme id (None: unassigned)
    # active theme id -> the "I statement" people wrote for it at an event (only those with one)
    i_statements: dict[str, str] = field(default_factory=dict)
    # active theme id -> its most typical statement, masked ("in people's words")
    typical: dict[str, str] = field(default_factory=dict)
    typical_ids: dict[str, int | None] = field(default_factory=dict)  # its statement's id


def curate(ts: ThemeSet, assign: dict[int, str | None],
           edits: Iterable[Mapping] | None = None) -> Curated:
    """Apply people's edits (all of them, in order) to the stored assignments: the same rules
    as ``reviewkit.nlp.apply_edits`` without re-computing vectors, so an edit shows at once.
    Replaying edits that the last run already applied changes nothing."""
    from ..nlp import mask_personal
    from ..nlp.curation import split_theme_id

    model_themes = {t["id"]: t for t in (ts.model or {}).get("themes", [])}
    # A label the engine chose is in its theme's main language; one a person typed is not known
    # (None: the page's own language).
    result_labels = {t["id"]: InLanguage(t["label"], t.get("language"))
                     for t in (ts.result or {}).get("themes", [])}
    status: dict[str, str] = {}
    labels: dict[str, str] = {}
    i_statements: dict[str, str] = {}
    typical = {t["id"]: InLanguage(t["typical"], t.get("typical_language") or t.get("language"))
               for t in (ts.result or {}).get("themes", []) if t.get("typical")}
    typical_ids = {t["id"]: _int(t.get("typical_id")) for t in (ts.result or {}).get("themes", [])
                   if t.get("typical")}
    for tid, t in model_themes.items():
        status[tid] = t.get("status", "active")
        labels[tid] = result_labels.get(tid) or InLanguage(
            mask_personal(t.get("label") or tid), t.get("language"))
    for tid, label in result_labels.items():
        status.setdefault(tid, "active")
        labels.setdefault(tid, label)
    assign = dict(assign)
    by_theme: dict[str | None, set[int]] = defaultdict(set)
    for sid, tid in assign.items():
        by_theme[tid].add(sid)

    def move(sid: int, to: str | None) -> None:
        by_theme[assign[sid]].discard(sid)
        assign[sid] = to
        by_theme[to].add(sid)

    def active(tid) -> bool:
        return status.get(str(tid)) == "active"

    for edit in edits if edits is not None else [e.edit for e in ts.edits]:
        op = edit.get("op")
        if op == "rename" and active(edit.get("theme")) and str(edit.get("label", "")).strip():
            labels[str(edit["theme"])] = mask_personal(str(edit["label"]).strip())
        elif op == "merge" and len(edit.get("themes") or []) >= 2:
            ids = [str(t) for t in edit["themes"]]
            into = str(edit.get("into") or ids[0])
            if not active(into):
                continue
            for tid in ids:
                if tid != into and tid in status:
                    status[tid] = "merged"
                    for sid in list(by_theme[tid]):
                        move(sid, into)
            if edit.get("label"):
                labels[into] = mask_personal(str(edit["label"]).strip())
        elif op == "split" and edit.get("theme") and edit.get("statements"):
            parent = str(edit["theme"])
            if parent not in status:
                continue
            new_id = split_theme_id(edit)
            moved = 0
            for raw in edit["statements"]:
                sid = _int(raw)
                if sid in assign and assign[sid] in (parent, new_id, None):
                    move(sid, new_id)
                    moved += 1
            if new_id not in status and moved:
                status[new_id] = "active"
                parent_label = labels.get(parent, parent)
                labels[new_id] = InLanguage(f"{parent_label} (part)",
                                            getattr(parent_label, "lang", None))
            if edit.get("label") and new_id in status:
                labels[new_id] = mask_personal(str(edit["label"]).strip())
        elif op == "move" and "statement" in edit:
            sid, to = _int(edit["statement"]), edit.get("to")
            if sid in assign and (to is None or active(to)):
                move(sid, None if to is None else str(to))
        elif op == "i_statement" and active(edit.get("theme")):
            i_statements[str(edit["theme"])] = mask_personal(str(edit.get("text") or "").strip())
        elif op == "not_a_theme" and str(edit.get("theme")) in status:
            tid = str(edit["theme"])
            status[tid] = "hidden"
            for sid in list(by_theme[tid]):
                move(sid, None)
    for sid, tid in assign.items():  # an assignment to a theme that is gone: unassigned
        if tid is not None and not active(tid):
            assign[sid] = None
    shown = {t for t, s in status.items() if s == "active"}
    return Curated(labels={t: labels[t] for t in shown}, assign=assign,
                   i_statements={t: v for t, v in i_statements.items() if t in shown and v},
                   typical={t: v for t, v in typical.items() if t in shown},
                   typical_ids={t: v for t, v in typical_ids.items() if t in shown})


def _int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def stored_suppression(ts: ThemeSet | None) -> dict[str, str]:
    """The suppression answers kept with a theme set (digest -> packed hidden keys)."""
    if ts is None or not isinstance(ts.result, dict):
        return {}
    stored = ts.result.get("suppression")
    return stored if isinstance(stored, dict) else {}


def store_suppression(ts: ThemeSet, digest: str, packed: str) -> None:
    """Keep an answer in ThemeSet.result["suppression"] (the newest few), without touching
    the theme set's updated_at (that is when the themes were worked out)."""
    stored = dict(stored_suppression(ts))
    stored.pop(digest, None)
    stored[digest] = packed
    while len(stored) > STORED_KEEP:
        stored.pop(next(iter(stored)))
    db.session.execute(update(ThemeSet).where(ThemeSet.id == ts.id).values(
        result={**ts.result, "suppression": stored}, updated_at=ts.updated_at))
    db.session.commit()
