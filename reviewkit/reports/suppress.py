"""Small numbers: counts under 5 are never shown, so nobody can be picked out."""

from __future__ import annotations

SMALL = 5


def is_small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL
