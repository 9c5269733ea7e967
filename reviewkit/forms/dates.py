"""The one date field of every staff form: a date typed as year, month and day (or chosen in
the browser's date picker), checked the same way everywhere.

Every date must be a real day of a year from :data:`FIRST_YEAR` to :data:`YEARS_AHEAD` years on
(31 February, a year of five figures like 20255 or a year like 0202 get a message of their own);
then each field says which side of today it may be (``when``), today being the day it is in the
organisation's own time zone (:func:`reviewkit.services.clock.today_`):

- ``"any"``: no rule about today (a part of a plan may have started already);
- ``"past"``: today or before (when an idea was raised, when a review took place);
- ``"future"``: today or later, for a new or changed date (when an action is due). A date that
  was stored and is sent back unchanged is kept, so an item whose date has since passed can
  still be edited; ``past_ok(form)`` says when a form allows a past date (an action already
  done, an event that already happened);
- ``"after_today"``: tomorrow or later (a date to decide by, a new date for stalled work).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import StopValidation

from ..services.clock import today_

FIRST_YEAR = 2000  # nothing staff record in reviewkit happened before this year
YEARS_AHEAD = 10  # nothing staff plan is due further ahead than this
_NUMBERS = re.compile(r"^(\d+)-(\d{1,2})-(\d{1,2})$")
PAST = _l("This date has passed: choose today (%(today)s) or a later date.")
AFTER_TODAY = _l("Choose a date after today (%(today)s).")
AHEAD = _l("This date is after today (%(today)s): choose today or an earlier date.")


def shown_day(day: date) -> str:
    """A day as messages show it, in the page's language (7 December 2026)."""
    return format_date(day, "d MMMM y")


class PlanDateField(DateField):
    """A date with messages people understand when it cannot be right (see the module)."""

    def __init__(self, label=None, validators=None, *, when: str = "any", too_soon=None,
                 too_late=None, past_ok: Callable | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        if when not in ("any", "past", "future", "after_today"):
            raise ValueError(f"not a kind of date: {when}")
        self.when, self.past_ok = when, past_ok
        self.too_soon = too_soon or (AFTER_TODAY if when == "after_today" else PAST)
        self.too_late = too_late or AHEAD

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            super().process_formdata([text])
        except ValueError as exc:
            raise ValueError(self._unreadable(text)) from exc

    @staticmethod
    def _unreadable(text: str) -> str:
        numbers = _NUMBERS.match(text)
        if numbers and len(numbers[1]) > 4:
            return gettext("Enter the year with 4 figures, for example 2027-03-31.")
        if numbers:
            return gettext("Enter a real date: check the day and the month, for example "
                           "2027-03-31.")
        return gettext("Enter the date as year, month and day, for example 2027-03-31.")

    def pre_validate(self, form):
        day = self.data
        if day is None:
            return
        today = today_()
        if day.year < FIRST_YEAR:
            raise StopValidation(gettext("Enter a year from %(first)d on, for example "
                                         "2027-03-31.", first=FIRST_YEAR))
        if self.when == "past":
            if day > today:
                raise StopValidation(str(self.too_late) % {"today": shown_day(today)})
            return
        if day.year > today.year + YEARS_AHEAD:
            raise StopValidation(ngettext("Choose a date within the next %(num)d year.",
                                          "Choose a date within the next %(num)d years.",
                                          YEARS_AHEAD))
        earliest = today + timedelta(days=1) if self.when == "after_today" else today
        if self.when in ("future", "after_today") and day < earliest and not self.kept() \
                and not (self.past_ok and self.past_ok(form)):
            raise StopValidation(str(self.too_soon) % {"today": shown_day(today)})

    def kept(self) -> bool:
        """The date the item already had, sent back unchanged."""
        return self.object_data is not None and self.data == self.object_data
