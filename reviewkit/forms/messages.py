"""Our words, in the page's language, for the messages WTForms says of its own accord ("Not a
valid choice.", "This field is required.", "Not a valid integer value." …), which are English
(or missing in Urdu and Punjabi) and say nothing of what to do.

Every form of ours (:class:`reviewkit.forms.questions.BaseForm`) takes its WTForms
translations from :data:`messages`, so a tampered or stale choice, a missing answer or a word
where a number goes gets one of these whatever field or validator finds it: one place, not a
message on every field. A message a form gives a validator itself is never looked up here.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectFieldBase

CHOOSE_FROM_LIST = _l("Choose from the list. The list may have changed: check it and try "
                      "again.")
CHOOSE_ONE = _l("Choose one of these.")
CHECK_THIS = _l("Check this and try again: it is not in a form we can take.")

_OURS = {
    # A value that is not one of the choices (tampered, or the list changed in another tab).
    "Not a valid choice.": CHOOSE_FROM_LIST,
    "Invalid Choice: could not coerce.": CHOOSE_FROM_LIST,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOOSE_FROM_LIST,
    "'%(value)s' is not a valid choice for this field.": CHOOSE_FROM_LIST,
    "Invalid value, must be one of: %(values)s.": CHOOSE_FROM_LIST,
    "This field is required.": _l("This is needed: fill it in or choose one, then try again."),
    "Not a valid integer value.": _l("Enter a whole number, for example 3."),
    "Not a valid decimal value.": _l("Enter a number, for example 3 or 2.5."),
    "Not a valid float value.": _l("Enter a number, for example 3 or 2.5."),
    "Not a valid date value.": _l("Enter a date as year, month and day, for example "
                                  "2026-03-31."),
    "Not a valid datetime value.": _l("Enter a date and a time, for example 2026-03-31 "
                                      "14:30."),
    "Not a valid time value.": _l("Enter a time, for example 14:30."),
    "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to "
                                                      "%(max)s."),
    "Number must be at least %(min)s.": _l("Enter a number of at least %(min)s."),
    "Number must be at most %(max)s.": _l("Enter a number of at most %(max)s."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Write from %(min)d to %(max)d characters."),
    "Invalid email address.": _l("Enter an email address like name@example.org"),
}


# WTForms' messages that count characters, in the form of the word the number takes; their
# placeholders are kept for WTForms to fill in.
_COUNTED = {
    "Field must be at least %(min)d character long.": lambda n: get_translations().ngettext(
        "Write at least %(min)d character.", "Write at least %(min)d characters.", n),
    "Field cannot be longer than %(max)d character.": lambda n: get_translations().ngettext(
        "Write at most %(max)d character.", "Write at most %(max)d characters.", n),
    "Field must be exactly %(max)d character long.": lambda n: get_translations().ngettext(
        "Write exactly %(max)d character.", "Write exactly %(max)d characters.", n),
}


class Messages:
    """WTForms' translations object (``gettext`` / ``ngettext``): ours for each message above,
    and for any other of its messages a plain "check this" rather than English."""

    def gettext(self, string: str) -> str:
        return str(_OURS.get(string, CHECK_THIS))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        counted = _COUNTED.get(singular)
        return counted(n) if counted is not None else self.gettext(singular)


messages = Messages()


def choice_message(field: SelectFieldBase) -> LazyString:
    """What a choice field says when what was sent is not one of its choices: "Choose one"
    when nothing was chosen, else that the list may have changed. Worked out when said."""

    def message() -> str:
        chosen = any(str(v).strip() for v in field.raw_data or ())
        return str(CHOOSE_FROM_LIST if chosen else CHOOSE_ONE)

    return LazyString(message)


def our_choice_message(field) -> None:
    """Give a choice field (select, radio buttons, check boxes) :func:`choice_message` unless
    it says something of its own."""
    if isinstance(field, SelectFieldBase) and getattr(field, "invalid_choice_message",
                                                      "") is None:
        field.invalid_choice_message = choice_message(field)

