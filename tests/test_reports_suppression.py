"""Small-number suppression on its own: the linear audit against the plain dense check.

(The gap analysis's own checks, that no count under 5 can be recovered from its totals, are in
tests/test_analysis.py, on the report built from real data.)"""

from __future__ import annotations

import random

from reviewkit.reports.audit import ALL, LinearAudit, linear_leaks


def test_the_fast_audit_finds_what_the_plain_dense_check_finds():
    """LinearAudit (block by block) against linear_leaks (one dense matrix) on random tables:
    the same hidden numbers are recoverable, including across themes through the totals."""

    rnd = random.Random(5)
    found = safe = 0
    for _trial in range(30):
        themes, places, quarters, kinds = (["t1", "t2", "t3"][:rnd.randint(1, 3)],
                                           ["s:1", "s:2"], ["q1", "q2"], ["w", "n"])
        atoms = [(t, p, q, k) for t in themes for p in places for q in quarters for k in kinds
                 if rnd.random() < 0.8]
        members: dict = {}
        for a in atoms:
            t, p, q, k = a
            for key in (a, (t, p, q, ALL), (t, p, ALL, ALL), (t, ALL, q, ALL),
                        (t, ALL, ALL, k), (t, ALL, ALL, ALL), (ALL, p, ALL, ALL),
                        (ALL, ALL, q, ALL), (ALL, ALL, ALL, k), (ALL, ALL, ALL, ALL)):
                members.setdefault(key, []).append(a)
        values = {k: len(v) for k, v in members.items()}
        for _draw in range(5):
            # most atoms hidden, some totals: like a small organisation's table
            hidden = {k for k in sorted(values)
                      if rnd.random() < (0.7 if members[k] == [k] else 0.3)}
            fast = set(LinearAudit(values, members).leaks(hidden))
            assert fast == set(linear_leaks(list(values), hidden, members))
            found, safe = found + len(fast), safe + len(hidden - fast)
    assert found > 50 and safe > 50  # both answers came up often
