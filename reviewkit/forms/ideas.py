"""The public forms of the register: send an idea from a phone, find an idea by its code.

The rules (a text is needed, a name to credit when crediting, a closed piece of work) are the
register's own (:func:`reviewkit.services.register.raise_idea`); these forms carry the fields,
the CSRF token and the key that makes a repeated submit store one idea."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..models import Credit
from ..services.register import LONGEST_TEXT
from .questions import BaseForm

CREDIT_CHOICES = [
    (Credit.NONE.value, _l("Do not show my name")),
    (Credit.NAME.value, _l("Show my name")),
    (Credit.ORGANISATION.value, _l("Show my organisation's name only")),
]
#: The pictogram beside each credit choice in easy read.
CREDIT_PICTURES = {Credit.NONE.value: "no", Credit.NAME.value: "person",
                   Credit.ORGANISATION.value: "organisation"}


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=lazy_ngettext(
        "This is too long: write at most %(num)d character.",
        "This is too long: write at most %(num)d characters.", limit))


class IdeaForm(BaseForm):
    text = TextAreaField(_l("Your idea"), validators=[
        DataRequired(_l("Write your idea here.")), _too_long(LONGEST_TEXT)])
    raised_by = StringField(_l("Your name (if you want)"), validators=[_too_long(200)])
    name_agreed = BooleanField(_l("You can keep my name. Only the staff who work on this "
                                  "will see it."))
    credit = RadioField(_l("Can we thank you by name when we say what we did?"),
                        choices=CREDIT_CHOICES, default=Credit.NONE.value,
                        validate_choice=False)
    credit_as = StringField(_l("The name or organisation to show"),
                            validators=[_too_long(200)])
    client_key = HiddenField()

    def validate_name_agreed(self, field) -> None:
        if self.raised_by.data and not field.data:
            raise ValidationError(_l("Tick the box if we can keep your name, or leave your "
                                     "name out."))

    def ensure_key(self) -> None:
        """The key of this form: made when it is first shown, sent back with it, so pressing
        Send twice (or again after a dropped signal) stores one idea."""
        key = (self.client_key.data or "").strip()
        if not key or len(key) > 64 or not key.replace("-", "").replace("_", "").isalnum():
            self.client_key.data = secrets.token_urlsafe(18)


class TrackForm(BaseForm):
    code = StringField(_l("Your code"), validators=[InputRequired(_l("Enter your code.")),
                                                    _too_long(40)])
