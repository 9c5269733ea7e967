"""Months and quarters, counted in the organisation's time zone.

Times are stored in UTC; a period is a month ("2026-03") or a quarter ("2026-Q1") of the
organisation's local calendar (Europe/London unless it says otherwise), so an answer sent at
00:30 on 1 April British Summer Time (23:30 on 31 March in UTC) counts in April. Dates without
a time (a review's day, an action's due date) are already local and count as they are.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/London"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_day(value: date | datetime, tz: ZoneInfo) -> date:
    """The local calendar day of a stored time (UTC when it has no zone), or a date as it is."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(tz).date()
    return value


def label(day: date, frequency: str) -> str:
    if frequency == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def period_of(value: date | datetime, frequency: str, tz: ZoneInfo) -> str:
    return label(local_day(value, tz), frequency)


def bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period."""
    if m := _MONTH.match(period):
        first = date(int(m.group(1)), int(m.group(2)), 1)
        months = 1
    elif m := _QUARTER.match(period):
        first = date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
        months = 3
    else:
        raise ValueError(period)
    month = first.month - 1 + months
    after = date(first.year + month // 12, month % 12 + 1, 1)
    return first, after - timedelta(days=1)


def is_period(text: str, frequency: str) -> bool:
    return bool((_QUARTER if frequency == "quarter" else _MONTH).match(text or ""))


def following(period: str, frequency: str) -> str:
    return label(bounds(period)[1] + timedelta(days=1), frequency)


def between(first: str, last: str, frequency: str) -> list[str]:
    """Every period from ``first`` to ``last``, both included (empty when last is earlier)."""
    out: list[str] = []
    period = first
    while bounds(period)[0] <= bounds(last)[0]:
        out.append(period)
        period = following(period, frequency)
    return out


def current(frequency: str, tz: ZoneInfo, now: datetime | None = None) -> str:
    return period_of(now or datetime.now(UTC), frequency, tz)


def last_n(n: int, frequency: str, tz: ZoneInfo, now: datetime | None = None) -> list[str]:
    """The ``n`` periods that end with the current one."""
    periods = [current(frequency, tz, now)]
    while len(periods) < n:
        periods.insert(0, label(bounds(periods[0])[0] - timedelta(days=1), frequency))
    return periods
