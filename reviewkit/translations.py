"""Translations of bank text, read from ``translations/<lang>/LC_MESSAGES/banks.po``.

Each entry's msgctxt is ``<bank id>:<question id>.<part>``; fuzzy (outdated) entries are not used.
"""

from __future__ import annotations

from functools import lru_cache

from babel.messages.pofile import read_po

from .config import REPO_ROOT


@lru_cache(maxsize=32)
def _catalog(lang: str) -> dict[tuple[str, str], str]:
    path = REPO_ROOT / "translations" / lang / "LC_MESSAGES" / "banks.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=None)
    return {
        (m.context or "", m.id): m.string
        for m in catalog
        if m.id and isinstance(m.string, str) and m.string and not m.fuzzy
    }


def lookup(lang: str, bank_id: str, context: str, text: str) -> str | None:
    return _catalog(lang).get((f"{bank_id}:{context}", text))


def forget() -> None:
    """Read the catalogs again next time (after a translator saves one)."""
    _catalog.cache_clear()
