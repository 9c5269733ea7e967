"""Small numbers: counts from 1 to 4 are never shown, and nor is anything that would let one
be worked out by subtraction.

Primary suppression hides every number from 1 to :data:`SMALL` − 1. Secondary suppression then
looks at every published total and the parts it is the sum of (a *relation*): where exactly
one member is hidden, the smallest other non-zero member is hidden too, until no relation has
exactly one hidden member; then the :class:`~reviewkit.reports.audit.LinearAudit` checks that
no combination of shown numbers gives a hidden one away, and hides more where one would.

A report hands :func:`suppress` every number it publishes (``values``, under keys as in
:mod:`reviewkit.reports.audit`), its relations and what each number is the sum of, and gets
back the keys to hide; it then puts :data:`~reviewkit.reports.table.HIDDEN` (or ``None``) in
their place before anything is shown or written.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping

from .audit import ALL, Key, LinearAudit

SMALL = 5
Relations = list[tuple[Key, list[Key]]]


def is_small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL


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


# ---------------------------------------------------------------------------- kept results

# The audit is the slow part of a report, and its answer depends only on the published numbers
# (and the report's ``context``, e.g. which area each service is in): so it is kept by a digest
# of exactly those, in this process and, where the report has somewhere to keep it (the gap
# analysis: its theme set, filled by the background job), there too, so the first page after
# the data changes does not wait for it. A kept answer is used only for the very same numbers
# (same digest) and, when it comes from storage, only after the quick checks pass again.
SUPPRESSION_VERSION = 2  # bump when the rules change: older stored answers are then ignored
_HIDDEN: dict[str, frozenset[Key]] = {}
_HIDDEN_KEEP = 16


def forget() -> None:
    """Forget the answers kept in this process (tests, benchmarks)."""
    _HIDDEN.clear()


def suppression_digest(values: Mapping[Key, int], context: Mapping[str, str]) -> str:
    import hashlib

    h = hashlib.sha256(f"v{SUPPRESSION_VERSION} small<{SMALL}".encode())
    for key in sorted(values):
        h.update(("|".join(key) + f"={values[key]};").encode())
    for name in sorted(context):
        h.update(f"{name}@{context[name]};".encode())
    return h.hexdigest()


def pack(hidden: set[Key], keys: list[Key]) -> str:
    """The hidden keys among ``keys`` (sorted) as a short string, for storing."""
    import base64
    import zlib

    bits = bytearray((len(keys) + 7) // 8)
    for i, k in enumerate(keys):
        if k in hidden:
            bits[i // 8] |= 1 << (i % 8)
    return base64.b64encode(zlib.compress(bytes(bits), 9)).decode("ascii")


def unpack(packed: str, keys: list[Key]) -> set[Key] | None:
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


def still_safe(hidden: set[Key], values: Mapping[Key, int], relations: Relations) -> bool:
    """The quick checks: every number from 1 to 4 hidden, nothing hidden that is not
    published, no total with exactly one hidden member."""
    if not hidden <= values.keys():
        return False
    if any(0 < v < SMALL and k not in hidden for k, v in values.items()):
        return False
    return all(sum(m in hidden for m in (parent, *children)) != 1
               for parent, children in relations)


def suppress(values: Mapping[Key, int], relations: Relations,
             members: Mapping[Key, list[Key]], context: Mapping[str, str] | None = None, *,
             stored: Mapping[str, str] | None = None,
             store: Callable[[str, str], None] | None = None) -> set[Key]:
    """The keys to hide: kept from an earlier run over the same numbers (in this process, or
    in ``stored``: digest -> :func:`pack`), else worked out; ``store(digest, packed)`` is
    called with the answer when given."""
    context = context or {}
    digest = suppression_digest(values, context)
    keys = sorted(values)
    hidden: set[Key] | None = None
    if digest in _HIDDEN:
        hidden = set(_HIDDEN[digest])
    elif isinstance((stored or {}).get(digest), str):
        hidden = unpack(stored[digest], keys)
        if hidden is not None and not still_safe(hidden, values, relations):
            hidden = None
    if hidden is None:
        hidden = Suppressor(dict(values), relations, dict(members)).run()
    _HIDDEN.pop(digest, None)
    if len(_HIDDEN) >= _HIDDEN_KEEP:
        _HIDDEN.pop(next(iter(_HIDDEN)))
    _HIDDEN[digest] = frozenset(hidden)
    if store is not None:
        store(digest, pack(hidden, keys))
    return hidden
