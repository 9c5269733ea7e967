"""Today, the dates the register counts from, the short codes people copy by hand, and the
error a service raises when a rule refuses what it was given: small helpers that the register,
the action plan and events share."""

from __future__ import annotations

import calendar
import secrets
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to copy by hand


class Refused(ValueError):
    """Something a service will not save, with a message for a person (a lazy text, made into
    words where it is shown) and the form field it belongs to."""

    def __init__(self, field: str, message):
        super().__init__(field, message)
        self.field = field
        self.message = message


def now_() -> datetime:
    """Now, as an instant (UTC): the app's ``NOW`` setting when a test sets one (an aware
    datetime), else the clock."""
    from flask import current_app, has_app_context

    if has_app_context() and isinstance(current_app.config.get("NOW"), datetime):
        return current_app.config["NOW"].astimezone(UTC)
    return datetime.now(UTC)


def today_(organisation_id: int | None = None) -> date:
    """Today, for the dates staff type and the register's flags: the app's ``TODAY`` setting
    when a test sets one (so a browser test can see work stall), else the day it is (``NOW``
    when a test sets it) in the organisation's own time zone (its settings;
    ``organisation_id``, or the signed-in member of staff's), else the server's calendar."""
    from flask import current_app, has_app_context

    if has_app_context() and isinstance(current_app.config.get("TODAY"), date):
        return current_app.config["TODAY"]
    zone = _organisation_zone(organisation_id) if has_app_context() else None
    return now_().astimezone(zone).date() if zone is not None else date.today()


def organisation_zone(organisation_id: int | None = None) -> ZoneInfo:
    """The organisation's time zone (``organisation_id``'s, or the signed-in member of
    staff's), or the default one (Europe/London) when there is no organisation."""
    from .periods import zone

    return _organisation_zone(organisation_id) or zone(None)


def local_time(value: datetime, organisation_id: int | None = None) -> datetime:
    """A stored instant as the organisation's clocks show it (UTC when it has no zone)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(organisation_zone(organisation_id))


def timezone_name() -> str | None:
    """Flask-Babel's time zone selector: the organisation's zone, so that every
    ``datetimeformat`` shows the time as its clocks show it. The organisation is the one a
    public page is about (``g.organisation_id``, set by its view) or the signed-in member of
    staff's; None (the app's default) when there is neither."""
    from flask import g, has_request_context

    if not has_request_context():
        return None
    zone = _organisation_zone(g.get("organisation_id"))
    return zone.key if zone is not None else None


class NoSuchTime(ValueError):
    """A wall-clock time that the clocks skip on that day (they go forward over it);
    ``later`` is the same moment as the clocks show it, just after the gap."""

    def __init__(self, later: datetime):
        super().__init__(later)
        self.later = later


def instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The true instant (UTC) of the time ``at`` on ``day`` as the clocks in ``zone`` show
    it. A time the clocks skip (spring forward) raises :class:`NoSuchTime`. A time they show
    twice (autumn, when they go back) is the first of the two, still in summer time
    (``fold=0``), so an event typed as 01:30 on that night starts at the first 01:30."""
    wall = datetime.combine(day, at, zone)  # fold=0: the first of two, in the autumn
    utc = wall.astimezone(UTC)
    shown = utc.astimezone(zone)
    if shown.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise NoSuchTime(shown)
    return utc


def _organisation_zone(organisation_id: int | None):
    """The time zone of the organisation (or of the signed-in member of staff's), or None."""
    from flask import has_request_context

    from ..extensions import db
    from ..models import Organisation
    from .periods import zone

    if organisation_id is None and has_request_context():
        from flask_login import current_user

        organisation_id = getattr(current_user, "organisation_id", None)
    org = db.session.get(Organisation, organisation_id) if organisation_id else None
    return zone(org.timezone) if org is not None else None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def clean_code(code: str | None) -> str | None:
    """A typed tracking or public code as stored (``k7pq-4xr9`` -> ``K7PQ4XR9``), or None when
    it cannot be one."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(cleaned) != 8 or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def shown_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def a_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def checked_text(error: type[Refused], field: str, value: str | None, *, longest: int,
                 required: bool = True) -> str | None:
    """``value`` without surrounding space; ``error`` (a :class:`Refused`) for ``field`` when it
    is empty but required, or longer than ``longest``; None when empty and optional."""
    from flask_babel import lazy_gettext as _l
    from flask_babel import lazy_ngettext

    value = (value or "").strip()
    if not value:
        if required:
            raise error(field, _l("Write something here."))
        return None
    if len(value) > longest:
        raise error(field, lazy_ngettext("This is too long: write at most %(num)d character.",
                                         "This is too long: write at most %(num)d characters.",
                                         longest))
    return value
