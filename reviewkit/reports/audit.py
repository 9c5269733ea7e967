"""Which hidden numbers could be worked out from the shown ones, by adding and subtracting any
of them: the linear-algebra audit behind secondary suppression.

A report publishes numbers under keys, tuples whose parts are the values of its dimensions
(for the gap analysis: theme, place, quarter, kind), with :data:`ALL` where a number is over
every value of that dimension. Each number is the sum of some *atoms* (its ``members``); an atom
is a key whose only member is itself. The first part of a key is the *block*: the numbers of
one block only involve that block's atoms, and only numbers whose block is :data:`ALL` join
the blocks (for the gap analysis: the themes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

#: every value of a dimension (a total over it)
ALL = "*"
Key = tuple[str, ...]


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
