"""Cell values that are safe to open in a spreadsheet."""

from __future__ import annotations

import json
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Make text inert in Excel/LibreOffice: a leading = + - @ (or tab/CR) gets a ' in front.
    Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | dict):
        value = "; ".join(map(str, value)) if isinstance(value, list) else json.dumps(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
