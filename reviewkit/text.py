"""Text as people type it: the control characters nobody types (escape codes, bells,
backspaces; tab, line feed and carriage return stay), taken out of whatever a person sends,
from a form or the command line. PostgreSQL refuses a NUL in text outright, a spreadsheet cell
cannot hold the others, and on a terminal or in a log they can recolour or rewrite lines."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control(text: str) -> str:
    """``text`` without control characters and the spaces around it."""
    return CONTROL.sub("", text).strip()
