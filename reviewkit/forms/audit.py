"""The staff form that opens a round of the co-production self-audit. The form checks what a
browser sends (a date it can read); which service a user may choose, and the dates, are the
audit service's rules (:mod:`reviewkit.services.audit`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from .dates import PlanDateField
from .questions import BaseForm

WHOLE_ORGANISATION = ""


class RoundForm(BaseForm):
    service = SelectField(_l("Who is it for?"), validate_choice=False,
                          description=_l("One service, or the whole organisation."))
    closes_on = PlanDateField(_l("Closing date"), validators=[
        InputRequired(_l("Enter the closing date, for example 2027-03-31."))],
        description=_l("The last day people can answer. For example 2027-03-31."), when="future")
    title = StringField(_l("Name of the round (optional)"), validators=[
        Optional(), Length(max=300, message=lazy_ngettext(
            "Keep this under %(num)d character.", "Keep this under %(num)d characters.", 300))],
        description=_l("For example “Spring 2027”. Left empty, it is named after the service."))

    def service_id(self) -> int | None:
        """The service chosen (None: the whole organisation; -1 for anything that is not a
        number, which the service refuses with its message)."""
        value = self.service.data or WHOLE_ORGANISATION
        if value == WHOLE_ORGANISATION:
            return None
        return int(value) if value.isdigit() else -1
