"""How long a statement or action deleted on the tablet is kept for Undo before it is erased
for good (``REVIEWKIT_DELETED_KEPT_DAYS``): the setting, and the day each row goes. Read by the
purge (``services/deleted.py``), the person's export (``services/people.py``), the tablet's Undo
notice and ``reviewkit check``.

"More than N days ago" counts whole days of the organisation's calendar (its time zone) up to
the app's today (``services/clock.py``; tests set ``TODAY``): with 30, a row deleted on 1 March
goes from 1 April (31 days on), and one deleted on 2 March stays until 2 April.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

DEFAULT_KEPT_DAYS = 30
MOST_KEPT_DAYS = 3650  # ten years: more is keeping for ever, which is what this is against
SETTING = "REVIEWKIT_DELETED_KEPT_DAYS"


class KeptDaysError(ValueError):
    """The setting is not a number of days this can use, in plain words."""


def parse_kept_days(value) -> int:
    """``value`` (the setting as written, or a number) as a number of days, or
    :class:`KeptDaysError` saying what is wrong with it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_KEPT_DAYS
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise KeptDaysError(f"{SETTING} is {value!r}, not a whole number of days: set it to a "
                            f"number such as {DEFAULT_KEPT_DAYS}.")
    try:
        days = int(value)
    except ValueError:
        raise KeptDaysError(
            f"{SETTING} is {value.strip()!r}, not a whole number of days: set it to a number "
            f"such as {DEFAULT_KEPT_DAYS} (how many days a deleted statement or action is kept "
            "for Undo before it is erased for good). Deleted ones are not erased until it is "
            "put right.") from None
    if days < 0 or days > MOST_KEPT_DAYS:
        raise KeptDaysError(
            f"{SETTING} is {days}: it must be a number of days from 0 to {MOST_KEPT_DAYS}, "
            f"such as {DEFAULT_KEPT_DAYS}. Deleted statements and actions are not erased until "
            "it is put right.")
    return days


def kept_days() -> int:
    """The app's setting (``DELETED_KEPT_DAYS``), or :class:`KeptDaysError`."""
    from flask import current_app

    return parse_kept_days(current_app.config.get("DELETED_KEPT_DAYS", DEFAULT_KEPT_DAYS))


def kept_days_or_none() -> int | None:
    """The setting, or None when it is wrong (then nothing is erased, so nothing is promised:
    ``reviewkit check`` says what is wrong)."""
    try:
        return kept_days()
    except KeptDaysError:
        return None


def _midnight(day: date, organisation_id: int | None) -> datetime:
    from .clock import organisation_zone

    return datetime.combine(day, time(0), organisation_zone(organisation_id)).astimezone(UTC)


def cutoff(organisation_id: int | None, days: int) -> datetime:
    """The instant before which a deleted row of the organisation is erased: the start of
    the day ``days`` days before its today, as its clocks show it."""
    from .clock import today_

    return _midnight(today_(organisation_id) - timedelta(days=days), organisation_id)


def erased_on(deleted_at: datetime | None, organisation_id: int | None,
              days: int | None) -> date | None:
    """The day a row deleted at ``deleted_at`` is erased for good (None when it is not
    deleted, or the setting is wrong)."""
    from .clock import local_time

    if deleted_at is None or days is None:
        return None
    return local_time(deleted_at, organisation_id).date() + timedelta(days=days + 1)
