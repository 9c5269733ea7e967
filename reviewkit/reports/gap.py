"""The commissioner's gap analysis, built once as plain data.

From pooled (consented), non-deleted statements and the current themes (people's curation edits
applied on top of the stored assignments, so what is shown and downloaded is always the curated
version) this builds every number the analysis pages, CSV, XLSX and PDF show: counts by theme,
service, area, quarter and kind of statement; a gap score; masked example statements; the change
since the previous period.

Small numbers. Every published number is a sum of "atoms" (theme × service × quarter × kind).
Numbers from 1 to 4 are suppressed (primary suppression). Then, for every published total and the
parts it is the sum of (a relation), if exactly one member is suppressed the smallest other
non-zero member is suppressed too (secondary suppression), repeated until no relation has exactly
one hidden member, so that no hidden number can be worked out by subtracting the shown parts from
a shown total. Suppressed numbers never leave this module: the report holds ``None`` in their
place, and the exporters only ever see the report.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, select

from ..extensions import db
from ..localise import InLanguage
from ..models import Area, Service, Statement, ThemeAssignment, ThemeEdit, ThemeSet
from .suppress import SMALL

KINDS = ("working", "not_working", "idea", "other")
KIND_LABELS = {"working": "Working", "not_working": "Not working", "idea": "Ideas",
               "other": "Other"}
UNASSIGNED = "unassigned"  # statements in no theme (left over, hidden themes, not themed yet)
ALL = "*"
PREV = "prev"
SUPPRESSED_TEXT = "hidden"
SUPPRESSED_NOTE = ("hidden: fewer than 5, or hidden so that a number under 5 cannot be worked "
                   "out from the totals")


class FilterError(ValueError):
    """A filter that cannot be used, with a message for a person."""


# ---------------------------------------------------------------------------- periods

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(label: str) -> tuple[date, date]:
    m = _QUARTER.match(label)
    if not m:
        raise FilterError(f"{label!r} is not a quarter: write it like 2026-Q1")
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
    return start, end


def quarters_between(since: date, until: date) -> list[str]:
    out, day = [], date(since.year, 3 * ((since.month - 1) // 3) + 1, 1)
    while day <= until:
        out.append(quarter_of(day))
        day = quarter_bounds(out[-1])[1] + timedelta(days=1)
    return out


def parse_when(text: str | None, *, end: bool) -> date | None:
    """A date (2026-03-31) or a quarter (2026-Q1: its first or last day); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    if _QUARTER.match(text):
        return quarter_bounds(text)[1 if end else 0]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(
            f"{text[:40]!r} is not a date or a quarter: write a date like 2026-03-31 "
            "or a quarter like 2026-Q1") from None


# ---------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    organisation_id: int
    banks: tuple[str, ...] = ()
    service_ids: tuple[int, ...] = ()
    area_ids: tuple[int, ...] = ()
    since: date | None = None
    until: date | None = None

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise FilterError("the period is empty: the start is after the end")

    def describe(self) -> str:
        """JSON for the access log: which filter a download used."""
        return json.dumps({
            "banks": list(self.banks), "services": list(self.service_ids),
            "areas": list(self.area_ids),
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None}, sort_keys=True)


# ---------------------------------------------------------------------------- curation


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
        elif op == "not_a_theme" and str(edit.get("theme")) in status:
            tid = str(edit["theme"])
            status[tid] = "hidden"
            for sid in list(by_theme[tid]):
                move(sid, None)
    for sid, tid in assign.items():  # an assignment to a theme that is gone: unassigned
        if tid is not None and not active(tid):
            assign[sid] = None
    return Curated(labels={t: labels[t] for t, s in status.items() if s == "active"},
                   assign=assign)


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


# ---------------------------------------------------------------------------- suppression

# theme, place (service "s:<id>", area "a:<id>" or "*"), quarter, kind
Key = tuple[str, str, str, str]


class Suppressor:
    """Primary and secondary suppression over a set of published sums.

    ``values``: every published number; ``relations``: (total, parts) that they satisfy;
    ``members``: the atoms each number is the sum of (for the linear-algebra audit). A key
    whose only member is itself is an atom; atoms and the numbers of one theme (keys not
    starting with ``ALL``) only ever involve that theme's atoms."""

    MAX_ROUNDS = 200

    def __init__(self, values: dict[Key, int], relations: list[tuple[Key, list[Key]]],
                 members: dict[Key, list[Key]] | None = None):
        self.values = values
        self.relations = [(parent, *children) for parent, children in relations]
        self.members = members or {}
        self.hidden: set[Key] = set()
        self.in_relations: dict[Key, list[int]] = defaultdict(list)
        for i, rel in enumerate(self.relations):
            for m in rel:
                self.in_relations[m].append(i)
        self._hidden_in = [0] * len(self.relations)  # hidden members per relation
        self._one: list[int] = []  # heap of relations that may have exactly one hidden member
        for key, v in values.items():
            if 0 < v < SMALL:
                self._hide(key)
        self.primary = set(self.hidden)
        self.audit = LinearAudit(values, self.members) if self.members else None

    def _hide(self, key: Key) -> None:
        if key in self.hidden:
            return
        self.hidden.add(key)
        for i in self.in_relations.get(key, ()):
            self._hidden_in[i] += 1
            if self._hidden_in[i] == 1:
                heapq.heappush(self._one, i)

    def run(self) -> set[Key]:
        # many small matrices: BLAS threads only fight each other (and the web server's
        # other requests) over them; one thread is 2-10 times faster here
        with _one_blas_thread():
            return self._run()

    def _run(self) -> set[Key]:
        for _round in range(self.MAX_ROUNDS):
            self._equations()
            if self.audit is None:
                return self.hidden
            leaks = self.audit.leaks(self.hidden)
            if not leaks:
                return self.hidden
            before = len(self.hidden)
            for key in leaks:
                self._hide_beside(key)
            if len(self.hidden) == before:  # nothing left beside them to hide
                for key in leaks:
                    self._hide_all_of(key[0])
        # not settled (never seen): hide every non-zero number rather than risk a leak
        for key, v in self.values.items():
            if v > 0:
                self.hidden.add(key)
        return self.hidden

    def _equations(self) -> None:
        """No total may have exactly one hidden member (itself or one of its parts): the
        relations that have exactly one, in order, until none has."""
        while self._one:
            i = heapq.heappop(self._one)
            if self._hidden_in[i] != 1:
                continue
            parent = self.relations[i][0]
            candidates = [m for m in self.relations[i]
                          if m not in self.hidden and self.values[m] > 0]
            if not candidates:  # cannot happen for non-negative counts; be safe
                continue
            # the smallest part first; a total only when no part will do
            self._hide(min(candidates, key=lambda m: (m == parent, m.count(ALL),
                                                      self.values[m], m)))

    def _hide_beside(self, key: Key) -> None:
        """Hide one more shown number next to ``key`` (in a total it belongs to): the most
        detailed and then the smallest, so that totals stay shown where they can."""
        candidates = {m for i in self.in_relations.get(key, ()) for m in self.relations[i]
                      if m not in self.hidden and self.values[m] > 0}
        if not candidates and key[0] != ALL:  # every neighbour is hidden already: a
            # detailed number of the same theme that shares a service, area, quarter or kind
            shared = {(i, v) for i, v in enumerate(key[1:], 1) if v != ALL}
            candidates = {k for k in self.audit.keys_of_theme(key[0])
                          if k not in self.hidden and self.values[k] > 0
                          and any(k[i] == v for i, v in shared)}
        if not candidates:
            candidates = {k for a in self.members.get(key, ()) for k in self.audit.covering(a)
                          if k not in self.hidden and self.values[k] > 0
                          and (key[0] == ALL or k[0] == key[0])}
        if candidates:
            self._hide(min(candidates, key=lambda m: (m.count(ALL), self.values[m], m)))

    def _hide_all_of(self, theme: str) -> None:
        for k in (self.values if theme == ALL else self.audit.keys_of_theme(theme)):
            if self.values[k] > 0:
                self._hide(k)


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits  # comes with scikit-learn
    except ImportError:  # pragma: no cover
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class LinearAudit:
    """Which hidden numbers follow exactly from the shown ones by adding and subtracting any
    of them (over the whole table, across themes too).

    The unknowns are the hidden atoms; every shown number is an equation over the hidden atoms
    it covers (its shown atoms taken away), and a hidden number can be worked out exactly when
    its vector of atoms lies in the row space of those equations. The table is nearly block
    diagonal: a theme's own numbers only involve its atoms, and only the few numbers over all
    themes (totals by service, area, quarter, kind and the grand total: G of them) join the
    blocks. So with R_t the row space of theme t's equations and P the projection onto the
    complement of R = R_1 + … + R_n (block by block, from each theme's null space N_t),

        v is in R + span(G)  ⇔  P v is in span(P G),

    a test in at most G dimensions. Each theme's null space is worked out once per set of
    hidden numbers of that theme and kept, so later rounds only redo the themes that changed.
    Exact up to floating point on 0/1 matrices (entries are small integers; the tolerances err
    on the side of calling a number recoverable, which only hides more);
    ``linear_leaks`` is the plain dense check the tests use to confirm it."""

    TOL2 = 1e-9  # on squared distances; erring on the side of hiding more

    def __init__(self, values: Mapping[Key, int], members: Mapping[Key, list[Key]]):
        self.members = members
        self._by_theme: dict[str, list[Key]] = defaultdict(list)
        self._covering: dict[Key, list[Key]] = defaultdict(list)
        for key in values:
            self._by_theme[key[0]].append(key)
            for atom in members.get(key, ()):
                self._covering[atom].append(key)
        self._all = list(self._by_theme.get(ALL, []))  # the numbers over all themes
        self._all_index = {k: i for i, k in enumerate(self._all)}
        self._null: dict[str, tuple[frozenset, Any]] = {}  # theme -> (hidden keys, block)

    def _is_atom(self, key: Key) -> bool:
        return self.members.get(key) == [key]

    def keys_of_theme(self, theme: str) -> list[Key]:
        return self._by_theme.get(theme, [])

    def covering(self, atom: Key) -> list[Key]:
        return self._covering.get(atom, [])

    def _block(self, theme: str, hidden_keys: frozenset):
        """Theme ``theme`` with these hidden numbers: (N_t, the null space of its own
        equations over its hidden atoms (atoms × d); its hidden numbers and their vectors in
        those coordinates, Nᵀv (numbers × d); the numbers over all themes in them (all × d))."""
        import numpy as np

        cached = self._null.get(theme)
        if cached is not None and cached[0] == hidden_keys:
            return cached[1]
        atoms = sorted(k for k in hidden_keys if self._is_atom(k))
        targets = [k for k in self._by_theme[theme] if k in hidden_keys]
        target_row = {k: i for i, k in enumerate(targets)}
        shown_row: dict[Key, int] = {}
        cells: dict[str, tuple[list[int], list[int]]] = {
            "shown": ([], []), "hidden": ([], []), "all": ([], [])}
        for i, a in enumerate(atoms):  # the numbers each hidden atom counts in
            for k in self._covering.get(a, ()):
                if k[0] == ALL:
                    part, r = "all", self._all_index[k]
                elif k in target_row:
                    part, r = "hidden", target_row[k]
                else:
                    part, r = "shown", shown_row.setdefault(k, len(shown_row))
                cells[part][0].append(r)
                cells[part][1].append(i)
        n = len(atoms)

        def incidence(part: str, size: int) -> np.ndarray:
            m = np.zeros((size, n))
            m[cells[part]] = 1.0
            return m

        rows = incidence("shown", len(shown_row))
        if not rows.shape[0]:
            null = np.eye(n)
        else:
            # the null space of the equations: eigenvectors of their Gram matrix (atoms ×
            # atoms, at most 4 kinds × quarters × services) with eigenvalue 0
            w, v = np.linalg.eigh(rows.T @ rows)
            null = v[:, w <= 1e-8 * max(w.max(), 1.0)]
        block = (null, targets, incidence("hidden", len(targets)) @ null,
                 incidence("all", len(self._all)) @ null)
        self._null[theme] = (hidden_keys, block)
        return block

    def leaks(self, hidden: set[Key]) -> list[Key]:
        import numpy as np

        by_theme: dict[str, set[Key]] = defaultdict(set)
        for key in hidden:
            by_theme[key[0]].add(key)
        themes = [t for t in self._by_theme if t != ALL]
        blocks = [self._block(t, frozenset(by_theme.get(t, ()))) for t in themes]
        # the numbers over all themes, projected: P v in null-space coordinates (all × d)
        projected = np.hstack([np.zeros((len(self._all), 0)), *(b[3] for b in blocks)])
        shown = [i for i, k in enumerate(self._all) if k not in hidden]
        q = np.zeros((projected.shape[1], 0))  # orthonormal basis of span(P G)
        if shown and projected.shape[1]:
            _u, sv, vt = np.linalg.svd(projected[shown], full_matrices=False)
            q = vt[sv > 1e-8 * max(sv.max(initial=0.0), 1.0)].T
        found: list[Key] = []
        offset = 0
        for null, targets, z, _over_all in blocks:
            d = null.shape[1]
            if targets:
                # distance² of each from span(P G): |z|² − |Qᵀz|² (Q orthonormal); with d = 0
                # every hidden atom of the theme follows from the theme's own numbers
                c = z @ q[offset:offset + d]
                residual = (z * z).sum(axis=1) - (c * c).sum(axis=1)
                found += [key for key, r in zip(targets, residual, strict=True)
                          if r < self.TOL2]
            offset += d
        for i, key in enumerate(self._all):
            if key in hidden:
                z = projected[i]
                c = z @ q
                if z @ z - c @ c < self.TOL2:
                    found.append(key)
        return found


# ---------------------------------------------------------------------------- kept results

# The audit is the slow part of a report, and its answer depends only on the published numbers
# (and which area each service is in): so it is kept by a digest of exactly those, in this
# process and, when the background job works the themes out, in ThemeSet.result, so the first
# page after the themes are computed does not wait for it. A stored answer is used only for
# the very same numbers (same digest) and only after the quick checks pass again.
SUPPRESSION_VERSION = 2  # bump when the rules change: older stored answers are then ignored
_HIDDEN: dict[str, frozenset[Key]] = {}
_HIDDEN_KEEP = 16
_STORED_KEEP = 8


def suppression_digest(values: Mapping[Key, int], area_of: Mapping[str, str]) -> str:
    import hashlib

    h = hashlib.sha256(f"v{SUPPRESSION_VERSION} small<{SMALL}".encode())
    for key in sorted(values):
        h.update(("|".join(key) + f"={values[key]};").encode())
    for s_key in sorted(area_of):
        h.update(f"{s_key}@{area_of[s_key]};".encode())
    return h.hexdigest()


def _pack(hidden: set[Key], keys: list[Key]) -> str:
    import base64
    import zlib

    bits = bytearray((len(keys) + 7) // 8)
    for i, k in enumerate(keys):
        if k in hidden:
            bits[i // 8] |= 1 << (i % 8)
    return base64.b64encode(zlib.compress(bytes(bits), 9)).decode("ascii")


def _unpack(packed: str, keys: list[Key]) -> set[Key] | None:
    import base64
    import binascii
    import zlib

    try:
        bits = zlib.decompress(base64.b64decode(packed))
    except (binascii.Error, zlib.error, ValueError):
        return None
    if len(bits) != (len(keys) + 7) // 8:
        return None
    return {k for i, k in enumerate(keys) if bits[i // 8] >> (i % 8) & 1}


def _still_safe(hidden: set[Key], values: Mapping[Key, int],
                relations: list[tuple[Key, list[Key]]]) -> bool:
    """The quick checks: every number from 1 to 4 hidden, nothing hidden that is not
    published, no total with exactly one hidden member."""
    if not hidden <= values.keys():
        return False
    if any(0 < v < SMALL and k not in hidden for k, v in values.items()):
        return False
    return all(sum(m in hidden for m in (parent, *children)) != 1
               for parent, children in relations)


def suppress(values: Mapping[Key, int], relations: list[tuple[Key, list[Key]]],
             members: Mapping[Key, list[Key]], area_of: Mapping[str, str],
             ts: ThemeSet | None = None, *, persist: bool = False) -> set[Key]:
    """The hidden numbers: kept from an earlier run over the same numbers, else worked out
    (and stored in ``ts`` when ``persist``)."""
    digest = suppression_digest(values, area_of)
    keys = sorted(values)
    hidden: set[Key] | None = None
    if digest in _HIDDEN:
        hidden = set(_HIDDEN[digest])
    elif ts is not None and isinstance(ts.result, dict):
        packed = (ts.result.get("suppression") or {}).get(digest)
        if isinstance(packed, str):
            hidden = _unpack(packed, keys)
            if hidden is not None and not _still_safe(hidden, values, relations):
                hidden = None
    if hidden is None:
        hidden = Suppressor(dict(values), relations, dict(members)).run()
    _HIDDEN.pop(digest, None)
    if len(_HIDDEN) >= _HIDDEN_KEEP:
        _HIDDEN.pop(next(iter(_HIDDEN)))
    _HIDDEN[digest] = frozenset(hidden)
    if persist and ts is not None and isinstance(ts.result, dict):
        _store(ts, digest, _pack(hidden, keys))
    return hidden


def _store(ts: ThemeSet, digest: str, packed: str) -> None:
    """Keep the answer in ThemeSet.result["suppression"] (the newest few), without touching
    the theme set's updated_at (that is when the themes were worked out)."""
    from sqlalchemy import update

    stored = dict((ts.result or {}).get("suppression") or {})
    stored.pop(digest, None)
    stored[digest] = packed
    while len(stored) > _STORED_KEEP:
        stored.pop(next(iter(stored)))
    db.session.execute(update(ThemeSet).where(ThemeSet.id == ts.id).values(
        result={**ts.result, "suppression": stored}, updated_at=ts.updated_at))
    db.session.commit()


def linear_leaks(keys: list[Key], hidden: set[Key], members: Mapping[Key, list[Key]]
                 ) -> list[Key]:
    """The hidden keys among ``keys`` whose value is a linear combination of shown ones.

    Unknowns are the hidden atoms; each shown number gives an equation over the hidden atoms it
    covers (after taking away the shown atoms), and a hidden number can be worked out exactly
    when its own atoms lie in the span of those equations (or when it covers no hidden atom:
    then it is the sum of shown ones). One dense matrix over every hidden atom: the plain
    reference that the tests hold ``LinearAudit`` to."""
    import numpy as np

    atoms = sorted({a for k in keys for a in members.get(k, ()) if a in hidden})
    col = {a: i for i, a in enumerate(atoms)}
    rows, targets, known = [], [], []
    for k in keys:
        idx = [col[a] for a in members.get(k, ()) if a in col]
        if k in hidden:  # a hidden number over shown atoms only is their sum: known
            (targets if idx else known).append((k, idx))
        elif idx:
            rows.append((k, idx))
    if not rows or not targets:
        return [k for k, _idx in known]
    a = np.zeros((len(rows), len(atoms)))
    for i, (_k, idx) in enumerate(rows):
        a[i, idx] = 1.0
    # the row space of a is the range of its Gram matrix (small: hidden atoms squared)
    w, v = np.linalg.eigh(a.T @ a)
    basis = v[:, w > 1e-8 * max(w.max(), 1.0)].T
    t = np.zeros((len(targets), len(atoms)))
    for i, (_k, idx) in enumerate(targets):
        t[i, idx] = 1.0
    residual = t - (t @ basis.T) @ basis
    return [k for k, _idx in known] + [
        k for (k, _idx), r in zip(targets, np.abs(residual).max(axis=1), strict=True)
        if r < 1e-6]


# ---------------------------------------------------------------------------- the report


@dataclass
class ThemeRow:
    id: str
    label: str
    counts: dict[str, int | None]  # kind -> count (None: hidden)
    total: int | None
    previous: int | None
    change: str  # new, growing, shrinking, steady, gone, ""
    gap: float | None
    examples: list[str] = field(default_factory=list)
    by_quarter: dict[str, int | None] = field(default_factory=dict)


@dataclass
class GapRow:
    theme_id: str
    theme: str
    place: str  # service or area name
    level: str  # "service" or "area"
    counts: dict[str, int | None]
    total: int | None
    gap: float | None
    rank: int = 0


@dataclass
class CellRow:
    """One row per theme × service × quarter (the CSV's rows)."""

    theme_id: str
    theme: str
    service: str
    area: str
    quarter: str
    counts: dict[str, int | None]
    total: int | None


@dataclass
class StatementRow:
    theme_id: str
    theme: str
    service: str
    area: str
    quarter: str
    kind: str
    text: str  # masked


@dataclass
class GapReport:
    filters: Filters
    since: date | None
    until: date | None
    quarters: list[str]
    previous_since: date | None
    previous_until: date | None
    themes: list[ThemeRow]
    cells: list[CellRow]
    by_service: list[GapRow]
    by_area: list[GapRow]
    services: list[str]
    areas: list[str]
    totals: dict[str, Any]  # kind -> n, "total", "services": {...}, "areas": {...}, "quarters"
    statements: list[StatementRow]
    theme_set_updated: Any = None
    not_themed: int | None = 0  # statements added since themes were last worked out
    problems: list[str] = field(default_factory=list)
    published: dict[Key, int | None] = field(default_factory=dict, repr=False)
    relations: list[tuple[Key, list[Key]]] = field(default_factory=list, repr=False)
    # the statements file's rows, made from this same build when first asked for
    make_statements: Callable[[], list[StatementRow]] | None = field(
        default=None, repr=False, compare=False)

    def with_statements(self) -> GapReport:
        """This report with its statements (masked; none from hidden cells)."""
        if self.make_statements is not None:
            self.statements = self.make_statements()
            self.make_statements = None
        return self

    @property
    def empty(self) -> bool:
        return not self.cells

    def theme(self, theme_id: str) -> ThemeRow | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def ranked_gaps(self, level: str = "service") -> list[GapRow]:
        return self.by_service if level == "service" else self.by_area

    def compare(self, place_a: str, place_b: str) -> list[tuple[ThemeRow, GapRow | None,
                                                                GapRow | None]]:
        """Side by side: every theme's row for two services (or two areas)."""
        rows = {(g.theme_id, g.place): g for g in self.by_service + self.by_area}
        return [(t, rows.get((t.id, place_a)), rows.get((t.id, place_b))) for t in self.themes]


def gap_score(counts: Mapping[str, int | None], total: int | None) -> float | None:
    """(not working + ideas − working) / all statements, from -1 to 1; None if any is hidden."""
    parts = [counts.get(k) for k in ("working", "not_working", "idea")]
    if total in (None, 0) or any(p is None for p in parts):
        return None
    return round((parts[1] + parts[2] - parts[0]) / total, 3)


def _kind(kind: str | None) -> str:
    return kind if kind in ("working", "not_working", "idea") else "other"


def default_period(organisation_id: int) -> tuple[date | None, date | None]:
    """The four quarters up to the latest one with a pooled statement."""
    latest = db.session.scalar(select(Statement.said_on).where(
        Statement.organisation_id == organisation_id, Statement.pooled.is_(True),
        Statement.deleted_at.is_(None)).order_by(Statement.said_on.desc()).limit(1))
    if latest is None:
        return None, None
    end = quarter_bounds(quarter_of(latest))[1]
    start_q = quarter_of(date(end.year - 1, end.month, 1) + timedelta(days=40))
    return quarter_bounds(start_q)[0], end


_CACHE: dict[tuple, tuple[float, GapReport]] = {}
CACHE_SECONDS = 120


def build_report(filters: Filters, *, examples: int = 3, with_statements: bool = True
                 ) -> GapReport:
    """Everything the pages and downloads show, for ``filters``. Kept for a short while per
    process, and made again at once when statements, consent, themes or edits change."""
    import time

    from sqlalchemy import func

    ts = theme_set_for(filters)
    state = db.session.execute(select(func.count(Statement.id), func.max(Statement.id)).where(
        Statement.organisation_id == filters.organisation_id, Statement.pooled.is_(True),
        Statement.deleted_at.is_(None))).one()
    key = (filters, examples, tuple(state),
           (ts.id, str(ts.updated_at), len(ts.edits)) if ts else None)
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1].with_statements() if with_statements else hit[1]
    report = _build_report(filters, examples=examples, with_statements=with_statements)
    for old in [k for k, (t, _r) in _CACHE.items() if now - t >= CACHE_SECONDS]:
        _CACHE.pop(old, None)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (now, report)
    return report


def prepare(organisation_id: int, bank_id: str | None = None, since: date | None = None,
            until: date | None = None) -> int:
    """Right after the themes are worked out (the background job): build the report for the
    filters the analysis pages open with, and store its suppression in the theme set, so the
    first page does not wait for the audit. Returns how many reports were prepared."""
    banks = (bank_id,) if bank_id else ()
    choices = [Filters(organisation_id, banks=banks)]
    if since or until:
        choices.append(Filters(organisation_id, banks=banks, since=since, until=until))
    for filters in choices:
        _build_report(filters, with_statements=False, persist=True)
    return len(choices)


def _build_report(filters: Filters, *, examples: int = 3, with_statements: bool = True,
                  persist: bool = False) -> GapReport:
    from ..nlp import mask_personal

    since, until = filters.since, filters.until
    if since is None and until is None:
        since, until = default_period(filters.organisation_id)
    prev_since = prev_until = None
    if since and until:
        prev_until = since - timedelta(days=1)
        prev_since = prev_until - (until - since)
    services = {s.id: s for s in db.session.scalars(
        select(Service).where(Service.organisation_id == filters.organisation_id))}
    areas = {a.id: a.name for a in db.session.scalars(
        select(Area).where(Area.organisation_id == filters.organisation_id))}

    ts = theme_set_for(filters)
    query = (select(Statement.id, Statement.text, Statement.language, Statement.kind,
                    Statement.said_on, Statement.service_id, ThemeAssignment.theme_id,
                    ThemeAssignment.kind, ThemeAssignment.id)
             .outerjoin(ThemeAssignment, and_(ThemeAssignment.statement_id == Statement.id,
                                              ThemeAssignment.theme_set_id == (
                                                  ts.id if ts else -1)))
             .where(Statement.organisation_id == filters.organisation_id,
                    Statement.pooled.is_(True), Statement.deleted_at.is_(None)))
    if filters.banks:
        query = query.where(Statement.bank_id.in_(filters.banks))
    wanted = set(filters.service_ids)
    if filters.area_ids:
        in_areas = {s.id for s in services.values() if s.area_id in filters.area_ids}
        wanted = (wanted & in_areas) if wanted else in_areas
        if not wanted:
            wanted = {-1}
    if wanted:
        query = query.where(Statement.service_id.in_(wanted))
    if prev_since or since:
        query = query.where(Statement.said_on >= (prev_since or since))
    if until:
        query = query.where(Statement.said_on <= until)
    rows = db.session.execute(query).all()

    assign = {r[0]: r[6] for r in rows}
    not_themed = sum(1 for r in rows if r[8] is None)
    curated = curate(ts, assign) if ts else Curated(labels={}, assign=assign)
    labels = curated.labels

    def place(service_id: int | None) -> tuple[str, str]:
        s = services.get(service_id)
        if s is None:
            return "s:0", "a:0"
        return f"s:{s.id}", f"a:{s.area_id or 0}"

    atoms: Counter[Key] = Counter()
    prev_atoms: Counter[str] = Counter()
    current: list[tuple] = []
    for sid, text, language, kind, said_on, service_id, _tid, akind, _aid in rows:
        tid = curated.assign.get(sid)
        tid = tid if tid in labels else UNASSIGNED
        if since and said_on < since:
            prev_atoms[tid] += 1
            continue
        s_key, _a = place(service_id)
        k = _kind(kind or akind)
        atoms[(tid, s_key, quarter_of(said_on), k)] += 1
        current.append((tid, s_key, quarter_of(said_on), k, text, language))

    quarters = (quarters_between(since, until) if since and until
                else sorted({a[2] for a in atoms}))
    theme_ids = sorted({a[0] for a in atoms} | {t for t in prev_atoms}, key=_theme_order)
    service_keys = sorted({a[1] for a in atoms})
    area_of = {s_key: place(int(s_key[2:]) or None)[1] for s_key in service_keys}
    area_keys = sorted(set(area_of.values()))

    # every published number, as a sum of atoms
    values: Counter[Key] = Counter()
    members: dict[Key, list[Key]] = defaultdict(list)
    for atom, n in atoms.items():
        t, s, q, k = atom
        a = area_of[s]
        for key in ((t, s, q, k), (t, s, q, ALL), (t, s, ALL, k), (t, s, ALL, ALL),
                    (t, a, ALL, k), (t, a, ALL, ALL), (t, ALL, q, ALL), (t, ALL, q, k),
                    (t, ALL, ALL, k), (t, ALL, ALL, ALL),
                    (ALL, s, ALL, ALL), (ALL, a, ALL, ALL), (ALL, ALL, q, ALL),
                    (ALL, ALL, ALL, k), (ALL, ALL, ALL, ALL)):
            values[key] += n
            members[key].append(atom)
    for t, n in prev_atoms.items():
        values[(t, ALL, PREV, ALL)] += n
        members[(t, ALL, PREV, ALL)].append((t, ALL, PREV, ALL))
    # publish the full grid (zeros too) for every pattern, so the relations are complete
    for t in theme_ids:
        for q in quarters:
            for k in (*KINDS, ALL):
                values.setdefault((t, ALL, q, k), 0)
        for k in (*KINDS, ALL):
            values.setdefault((t, ALL, ALL, k), 0)
            for p in (*service_keys, *area_keys):
                values.setdefault((t, p, ALL, k), 0)
        values.setdefault((t, ALL, PREV, ALL), 0)
        for s in service_keys:
            for q in quarters:
                if values.get((t, s, q, ALL)):
                    for k in KINDS:
                        values.setdefault((t, s, q, k), 0)
    for q in quarters:
        values.setdefault((ALL, ALL, q, ALL), 0)
    for k in (*KINDS, ALL):
        values.setdefault((ALL, ALL, ALL, k), 0)

    relations = _relations(values, theme_ids, service_keys, area_keys, area_of, quarters)
    hidden = suppress(values, relations, members, area_of, ts, persist=persist)
    published: dict[Key, int | None] = {k: (None if k in hidden else v)
                                        for k, v in values.items()}

    def kinds_of(t: str, p: str, q: str) -> dict[str, int | None]:
        return {k: published.get((t, p, q, k), 0) for k in KINDS}

    names = {f"s:{i}": s.name for i, s in services.items()} | {"s:0": "No service"}
    area_names = {f"a:{i}": n for i, n in areas.items()} | {"a:0": "No area"}
    label_of = dict(labels) | {UNASSIGNED: "Not in a theme"}

    by_theme_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for t, _s, _q, _k, text, language in current:
        by_theme_text[t].append((text, language))

    themes: list[ThemeRow] = []
    for t in theme_ids:
        counts = kinds_of(t, ALL, ALL)
        total = published[(t, ALL, ALL, ALL)]
        prev = published[(t, ALL, PREV, ALL)]
        raw_now, raw_prev = values[(t, ALL, ALL, ALL)], values[(t, ALL, PREV, ALL)]
        change = ""
        if prev_since and raw_now and not raw_prev:
            change = "new"
        elif prev_since and raw_prev and not raw_now:
            change = "gone"
        elif total is not None and prev is not None and prev_since:
            change = ("growing" if total >= prev * 1.2 and total - prev >= SMALL else
                      "shrinking" if total <= prev * 0.8 and prev - total >= SMALL else "steady")
        ex = (_examples(by_theme_text[t], examples, mask_personal)
              if total is not None and t != UNASSIGNED else [])
        themes.append(ThemeRow(
            id=t, label=label_of.get(t, t), counts=counts, total=total, previous=prev,
            change=change, gap=gap_score(counts, total), examples=ex,
            by_quarter={q: published[(t, ALL, q, ALL)] for q in quarters}))
    themes.sort(key=lambda r: (r.id == UNASSIGNED, -(values[(r.id, ALL, ALL, ALL)]),
                               _theme_order(r.id)))

    def gap_rows(places: list[str], level: str, name_of: Mapping[str, str]) -> list[GapRow]:
        out = []
        for t in theme_ids:
            if t == UNASSIGNED:
                continue
            for p in places:
                if not values.get((t, p, ALL, ALL)):
                    continue
                counts = kinds_of(t, p, ALL)
                total = published[(t, p, ALL, ALL)]
                out.append(GapRow(theme_id=t, theme=label_of[t], place=name_of.get(p, p),
                                  level=level, counts=counts, total=total,
                                  gap=gap_score(counts, total)))
        out.sort(key=lambda g: (g.gap is None, -(g.gap or 0), -(g.total or 0), g.theme, g.place))
        for i, g in enumerate(out, 1):
            g.rank = i if g.gap is not None else 0
        return out

    cells = []
    for t in theme_ids:
        for s in service_keys:
            for q in quarters:
                if (t, s, q, ALL) not in values or not values[(t, s, q, ALL)]:
                    continue
                cells.append(CellRow(
                    theme_id=t, theme=label_of.get(t, t), service=names.get(s, s),
                    area=area_names.get(area_of[s], ""), quarter=q,
                    counts=kinds_of(t, s, q), total=published[(t, s, q, ALL)]))
    cells.sort(key=lambda c: (c.theme_id == UNASSIGNED, _theme_order(c.theme_id), c.service,
                              c.quarter))

    def make_statements() -> list[StatementRow]:
        out = []
        for t, s, q, k, text, language in current:
            if published.get((t, s, q, k)) is None:
                continue  # in a hidden cell: leaving it out keeps the count hidden
            out.append(StatementRow(
                theme_id=t, theme=label_of.get(t, t), service=names.get(s, s),
                area=area_names.get(area_of[s], ""), quarter=q, kind=k,
                text=mask_personal(text[:1000], language)))
        out.sort(key=lambda r: (r.theme_id == UNASSIGNED, _theme_order(r.theme_id),
                                r.service, r.quarter, r.kind, r.text))
        return out

    totals: dict[str, Any] = {k: published[(ALL, ALL, ALL, k)] for k in KINDS}
    totals["total"] = published[(ALL, ALL, ALL, ALL)]
    totals["services"] = {names.get(s, s): published[(ALL, s, ALL, ALL)] for s in service_keys}
    totals["areas"] = {area_names.get(a, a): published[(ALL, a, ALL, ALL)] for a in area_keys}
    totals["quarters"] = {q: published[(ALL, ALL, q, ALL)] for q in quarters}

    problems = []
    if ts is None:
        problems.append("themes have not been worked out yet for this choice")
    if not atoms:
        problems.append("there are no shared (consented) statements for this choice")
    return GapReport(
        filters=filters, since=since, until=until, quarters=quarters,
        previous_since=prev_since, previous_until=prev_until, themes=themes, cells=cells,
        by_service=gap_rows(service_keys, "service", names),
        by_area=gap_rows(area_keys, "area", area_names),
        services=[names.get(s, s) for s in service_keys],
        areas=[area_names.get(a, a) for a in area_keys], totals=totals,
        statements=make_statements() if with_statements else [],
        make_statements=None if with_statements else make_statements,
        theme_set_updated=ts.updated_at if ts else None,
        not_themed=not_themed if ts else None, problems=problems, published=published,
        relations=relations)


def _pattern(key: Key) -> tuple[str, str, str, str]:
    t, p, q, k = key
    period = "all" if q == ALL else ("prev" if q == PREV else "quarter")
    return ("all" if t == ALL else "theme", "all" if p == ALL else p[:2], period,
            "all" if k == ALL else "kind")


def _relations(values, theme_ids, service_keys, area_keys, area_of, quarters
               ) -> list[tuple[Key, list[Key]]]:
    """Every "total = sum of parts" that the published numbers satisfy. A part of a published
    kind that is not published at all is zero (every non-zero sum is published), so it is left
    out of the relation."""
    patterns = {_pattern(k) for k in values}
    rels: list[tuple[Key, list[Key]]] = []

    def add(parent: Key, children: list[Key]) -> None:
        if not children or _pattern(children[0]) not in patterns:
            return
        present = [c for c in children if c in values]
        if present:
            rels.append((parent, present))

    for key in values:
        t, p, q, k = key
        if q == PREV:
            continue
        if k == ALL:
            add(key, [(t, p, q, kk) for kk in KINDS])
        if q == ALL:
            add(key, [(t, p, qq, k) for qq in quarters])
        if p == ALL:
            add(key, [(t, s, q, k) for s in service_keys])
            add(key, [(t, a, q, k) for a in area_keys])
        elif p.startswith("a:"):
            add(key, [(t, s, q, k) for s in service_keys if area_of[s] == p])
        if t == ALL:
            add(key, [(tt, p, q, k) for tt in theme_ids])
    return rels


def _examples(texts: list[tuple[str, str]], n: int, mask) -> list[str]:
    """Masked example statements: the most often said first, then readable ones (each an
    :class:`InLanguage` in the language it was said in)."""
    if not texts or n <= 0:
        return []
    counts = Counter(text.strip() for text, _lang in texts)
    language = {text.strip(): lang for text, lang in texts}
    order = sorted(counts, key=lambda t: (-counts[t], not 15 <= len(t) <= 200, len(t), t))
    out: list[str] = []
    for text in order:
        shown = mask(text[:300], language[text])
        if shown.lower() not in {o.lower() for o in out}:
            out.append(InLanguage(shown, language[text]))
        if len(out) >= n:
            break
    return out


def _theme_order(tid: str) -> tuple:
    digits = "".join(ch for ch in tid if ch.isdigit())
    return (tid == UNASSIGNED, int(digits) if digits else 0, tid)


def latest_edits(ts: ThemeSet, limit: int = 50) -> list[ThemeEdit]:
    return sorted(ts.edits, key=lambda e: e.id, reverse=True)[:limit]


def shown(n: int | None) -> str:
    """A published number as words: the number, or "hidden"."""
    return SUPPRESSED_TEXT if n is None else str(n)


def summary_sentences(report: GapReport) -> list[str]:
    """An executive summary in plain words, from the published numbers only."""
    if report.empty:
        return ["There are no shared (consented) statements for this choice."]
    period = (f"from {report.since:%-d %B %Y} to {report.until:%-d %B %Y}"
              if report.since and report.until else "over the whole time")
    out = [f"{shown(report.totals['total'])} statements that people agreed to share, "
           f"from {len(report.services)} services in {len(report.areas)} areas, {period}."]
    themed = [t for t in report.themes if t.id != UNASSIGNED and t.total is not None]
    if themed:
        top = ", ".join(f"{t.label} ({t.total})" for t in themed[:3])
        out.append(f"The themes people spoke about most: {top}.")
    gaps = [g for g in report.by_service if g.gap is not None and g.gap > 0][:3]
    if gaps:
        out.append("Where what is not working and ideas most outweigh what is working: "
                   + "; ".join(f"{g.theme} at {g.place}" for g in gaps) + ".")
    working = sorted((t for t in themed if t.gap is not None and t.gap < 0),
                     key=lambda t: t.gap)[:3]
    if working:
        out.append("What is working best: " + ", ".join(t.label for t in working) + ".")
    for change, words in (("new", "New since the period before"),
                          ("growing", "Growing"), ("shrinking", "Shrinking")):
        names = [t.label for t in themed if t.change == change][:5]
        if names:
            out.append(f"{words}: {', '.join(names)}.")
    return out


METHOD = [
    "Only statements that people agreed to share (pooled, with consent) are counted; deleted "
    "statements are not.",
    "Statements are grouped into themes by reviewkit's theming engine and then checked by "
    "people, who can rename, merge, split and hide themes and move statements; this report "
    "uses the themes as people left them.",
    "Each statement is counted once, under its theme, service, area, quarter and kind "
    "(working, not working, idea, or other such as strengths and what is important).",
    "Gap score = (not working + ideas - working) / all statements in the theme, from -1 "
    "(all working) to 1 (all not working or ideas). Themes are ranked by it.",
    "Change compares each theme with the period of the same length just before: new, growing "
    "(at least a fifth and 5 more), shrinking (at least a fifth and 5 fewer) or steady.",
    "Small numbers: counts from 1 to 4 are hidden, and some other numbers are hidden as well "
    "so that a number under 5 cannot be worked out from totals (" + SUPPRESSED_NOTE + ").",
    "Names, phone numbers, e-mail and street addresses are masked in quoted statements.",
]
