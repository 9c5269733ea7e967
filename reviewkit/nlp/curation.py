"""People have the last word: curation edits as data, applied on top of the machine's themes.

An edit is a small JSON-able record. Store the list (in order) beside the survey; every run
applies it again, so edits survive re-runs and new quarters:

    {"op": "rename", "theme": "t3", "label": "Transport to college"}
    {"op": "merge", "themes": ["t3", "t7"], "into": "t3",
     "label": "Getting about"}                                    # label optional
    {"op": "split", "theme": "t3", "statements": ["s1", "s9"], "label": "Parking",
     "new_theme": "t3-parking"}                                   # new_theme optional
    {"op": "move", "statement": "s12", "to": "t5"}                # "to": None -> unassigned
    {"op": "not_a_theme", "theme": "t9"}                          # its statements -> unassigned
    {"op": "i_statement", "theme": "t3",
     "text": "I want staff to listen to me"}                      # "" clears it

Extra keys (who, when, why) are kept by the caller and ignored here. Edits that refer to a
theme or statement that is not there (any more) are skipped with a warning, never an error, so
old edits never break a new run. ``apply_edits`` is pure: it returns a new result whose
``model`` carries the edits (renamed labels, merged and hidden themes, split themes with their
own centroids), so the next run assigns new statements the way people arranged them.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Mapping, Sequence

import numpy as np

from .clustering import mean_unit
from .result import ThemeResult, ensure_vectors, refresh_summaries
from .statements import statement_languages

EDIT_OPS = ("rename", "merge", "split", "move", "not_a_theme", "i_statement")
I_STATEMENT_MAX = 200  # characters in an "I statement"
_MARKUP = re.compile(r"<[^>]*>|[\x00-\x08\x0b-\x1f\x7f]|[\r\n\t]")


def i_statement_problems(text: object) -> list[str]:
    """Problems with an "I statement" a person wrote for a theme: plain text of at most 200
    characters on one line (empty clears it)."""
    if not isinstance(text, str):
        return ["the I statement must be text"]
    problems = []
    if len(text.strip()) > I_STATEMENT_MAX:
        problems.append(f"the I statement is {len(text.strip())} characters long: "
                        f"keep it to {I_STATEMENT_MAX} or fewer")
    if _MARKUP.search(text.strip()):
        problems.append("the I statement must be plain text on one line "
                        "(no tags such as <b>, no line breaks)")
    return problems


def validate_edit(edit: Mapping) -> list[str]:
    """Problems with one edit record (empty list when it is well formed)."""
    op = edit.get("op")
    if op not in EDIT_OPS:
        return [f"unknown op {op!r}: use one of {', '.join(EDIT_OPS)}"]
    need = {
        "rename": ("theme", "label"),
        "merge": ("themes",),
        "split": ("theme", "statements"),
        "move": ("statement", "to"),
        "not_a_theme": ("theme",),
        "i_statement": ("theme", "text"),
    }[op]
    problems = [f"{op} needs {key!r}" for key in need if key not in edit]
    if op == "rename" and not str(edit.get("label") or "").strip():
        problems.append("rename needs a non-empty label")
    if op == "merge" and len(edit.get("themes") or []) < 2:
        problems.append("merge needs at least two themes")
    if op == "i_statement" and "text" in edit:
        problems.extend(i_statement_problems(edit["text"]))
    return problems


def split_theme_id(edit: Mapping) -> str:
    """The id a split gives its new theme: given, or derived from the statements (stable)."""
    if edit.get("new_theme"):
        return str(edit["new_theme"])
    digest = hashlib.sha1("|".join(sorted(map(str, edit["statements"]))).encode()).hexdigest()
    return f"{edit['theme']}-{digest[:6]}"


def apply_edits(result: ThemeResult, edits: Sequence[Mapping]) -> ThemeResult:
    """A new result with people's edits applied in order on top of ``result``."""
    out = ThemeResult(
        statements=copy.deepcopy(result.statements),
        themes=[],
        model=copy.deepcopy(result.model),
        language=result.language,
        warnings=list(result.warnings),
        vectors=result.vectors,
    )
    themes = {t["id"]: t for t in out.model.get("themes", [])}
    by_statement = {s["id"]: s for s in out.statements}
    touched: set[str] = set()  # themes whose centroid should follow their members

    def active(tid: str) -> dict | None:
        t = themes.get(tid)
        return t if t is not None and t.get("status", "active") == "active" else None

    def members(tid: str) -> list[int]:
        return [i for i, s in enumerate(out.statements) if s.get("theme_id") == tid]

    for n, edit in enumerate(edits):
        problems = validate_edit(edit)
        if problems:
            out.warnings.append(f"edit {n + 1} skipped: {'; '.join(problems)}")
            continue
        op = edit["op"]
        if op in ("rename", "i_statement"):
            t = active(str(edit["theme"]))
            if t is None:
                out.warnings.append(f"edit {n + 1} ({op}): no theme {edit['theme']}")
                continue
            if op == "i_statement":
                t["i_statement"] = str(edit["text"]).strip()
            else:
                t["label"] = str(edit["label"]).strip()
                t["label_source"] = "people"
        elif op == "merge":
            ids = [str(t) for t in edit["themes"]]
            into = str(edit.get("into") or ids[0])
            if active(into) is None:
                out.warnings.append(f"edit {n + 1} (merge): no theme {into}")
                continue
            for tid in ids:
                if tid == into:
                    continue
                t = themes.get(tid)
                if t is None:
                    out.warnings.append(f"edit {n + 1} (merge): no theme {tid}")
                    continue
                t["status"] = "merged"
                t["merged_into"] = into
                for s in out.statements:
                    if s.get("theme_id") == tid:
                        s["theme_id"] = into
            if edit.get("label"):
                themes[into]["label"] = str(edit["label"]).strip()
                themes[into]["label_source"] = "people"
        elif op == "split":
            parent = str(edit["theme"])
            if active(parent) is None and parent not in themes:
                out.warnings.append(f"edit {n + 1} (split): no theme {parent}")
                continue
            new_id = split_theme_id(edit)
            moved = 0
            for sid in edit["statements"]:
                s = by_statement.get(str(sid))
                if s is not None and s.get("theme_id") in (parent, new_id, None):
                    s["theme_id"] = new_id
                    moved += 1
            if new_id not in themes:
                if not moved:
                    out.warnings.append(f"edit {n + 1} (split): none of its statements are here")
                    continue
                themes[new_id] = {
                    "id": new_id,
                    "label": "",
                    "label_source": "machine",
                    "status": "active",
                    "centroid": themes[parent]["centroid"],
                    "size": 0,
                    "split_from": parent,
                }
                out.model.setdefault("themes", []).append(themes[new_id])
            if edit.get("label"):
                themes[new_id]["label"] = str(edit["label"]).strip()
                themes[new_id]["label_source"] = "people"
            touched.update({parent, new_id})
        elif op == "move":
            s = by_statement.get(str(edit["statement"]))
            to = edit.get("to")
            if s is None:
                out.warnings.append(f"edit {n + 1} (move): no statement {edit['statement']}")
                continue
            if to is not None and active(str(to)) is None:
                out.warnings.append(f"edit {n + 1} (move): no theme {to}")
                continue
            s["theme_id"] = None if to is None else str(to)
            s["moved_by_people"] = True
        elif op == "not_a_theme":
            t = themes.get(str(edit["theme"]))
            if t is None:
                out.warnings.append(f"edit {n + 1} (not_a_theme): no theme {edit['theme']}")
                continue
            t["status"] = "hidden"
            for s in out.statements:
                if s.get("theme_id") == t["id"]:
                    s["theme_id"] = None

    if touched:
        x = ensure_vectors(out)
        for tid in sorted(touched):
            idx = members(tid)
            if idx and tid in themes:
                cent = mean_unit(x, idx)
                if np.linalg.norm(cent) > 0:
                    themes[tid]["centroid"] = [round(float(v), 5) for v in cent]
        unlabelled = {tid: members(tid) for tid in touched
                      if tid in themes and not themes[tid]["label"]}
        if unlabelled:
            from .labels import label_themes
            from .masking import label_tokens

            toks = label_tokens([s["text"] for s in out.statements],
                                statement_languages(out.statements, out.language), out.language)
            taken = [t["label"] for t in themes.values() if t.get("label")]
            for tid, label in label_themes(unlabelled, toks, out.language, taken=taken).items():
                themes[tid]["label"] = label
    refresh_summaries(out)
    return out
