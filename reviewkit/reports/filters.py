"""Periods and filters: what every report is asked for.

A period is written by people as a date (2026-03-31) or a quarter (2026-Q1); reports count by
quarter or by month and compare with the period of the same length just before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta


class FilterError(ValueError):
    """A filter that cannot be used, with a message for a person."""


class PeriodTooLong(FilterError):
    """A period longer than :data:`MAX_PERIOD_YEARS` (reports count it quarter by quarter)."""


MAX_PERIOD_YEARS = 20
EARLIEST = date(1900, 1, 1)  # before this a date is a typing slip (and the period before it
# could not be worked out: Python's dates start in the year 1)


# ---------------------------------------------------------------------------- periods

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def month_of(day: date | datetime) -> str:
    return day.strftime("%Y-%m")


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


def previous_period(since: date | None, until: date | None
                    ) -> tuple[date | None, date | None]:
    """The period of the same length just before ``since``–``until`` (None, None when the
    period is open at either end)."""
    if not (since and until):
        return None, None
    prev_until = since - timedelta(days=1)
    return prev_until - (until - since), prev_until


def parse_when(text: str | None, *, end: bool) -> date | None:
    """A date (2026-03-31) or a quarter (2026-Q1: its first or last day); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    if _QUARTER.match(text) and quarter_bounds(text)[0] >= EARLIEST:
        return quarter_bounds(text)[1 if end else 0]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day < EARLIEST:
        raise FilterError(
            f"{text[:40]!r} is not a date or a quarter: write a date like 2026-03-31 "
            "or a quarter like 2026-Q1") from None
    return day


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, or past the year 9999
        return date.max if day.year + years > date.max.year else day.replace(
            year=day.year + years, day=28)


# ---------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """One organisation's data, narrowed by question bank, service, area and period (empty:
    no narrowing). Services and areas must already be checked against what the person
    asking may see (``web.analysis.read_filters`` does)."""

    organisation_id: int
    banks: tuple[str, ...] = ()
    service_ids: tuple[int, ...] = ()
    area_ids: tuple[int, ...] = ()
    since: date | None = None
    until: date | None = None

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise FilterError("the period is empty: the start is after the end")
        if self.since and self.until and \
                self.until >= _years_after(self.since, MAX_PERIOD_YEARS):
            raise PeriodTooLong(f"a period can be at most {MAX_PERIOD_YEARS} years long")

    def describe(self) -> str:
        """JSON for the access log: which filter a download used."""
        return json.dumps({
            "banks": list(self.banks), "services": list(self.service_ids),
            "areas": list(self.area_ids),
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None}, sort_keys=True)

    def service_ids_in(self, area_of: dict[int, int | None]) -> set[int] | None:
        """The services these filters allow, given each service's area (None: all of them;
        ``{-1}``: none, when the services and areas chosen do not overlap)."""
        wanted = set(self.service_ids)
        if self.area_ids:
            in_areas = {s for s, a in area_of.items() if a in self.area_ids}
            wanted = (wanted & in_areas) if wanted else in_areas
            if not wanted:
                wanted = {-1}
        return wanted or None
