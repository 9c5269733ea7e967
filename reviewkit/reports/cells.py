"""Cell values that are safe to open in a spreadsheet."""

from __future__ import annotations

import json
import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# What XML 1.0 (so an XLSX file) cannot hold: control characters other than tab, LF and CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(value: Any) -> Any:
    """Text a spreadsheet cell can hold: control characters (ESC from a pasted answer…) taken
    out, since openpyxl refuses them and the whole download would fail. Non-text stays as is."""
    return _XML_ILLEGAL.sub("", value) if isinstance(value, str) else value


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
