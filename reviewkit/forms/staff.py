"""Forms for the staff side."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..services.clock import today_
from .dates import PlanDateField
from .questions import BaseForm

ROLE_LABELS = {
    "person": _l("The person"), "family": _l("Family"), "staff": _l("Staff"),
    "advocate": _l("Advocate"), "other": _l("Someone else"),
}
KIND_LABELS = {
    "strength": _l("What people like and admire"), "important_to": _l("Important to"),
    "important_for": _l("Important for"), "working": _l("Working"),
    "not_working": _l("Not working"), "idea": _l("Idea"),
}


class PersonForm(BaseForm):
    display_name = StringField(_l("Name to show"), validators=[
        DataRequired(_l("Enter a first name or initials")), Length(max=80)],
        description=_l("A first name or initials only. No surname, date of birth or address."))
    reference = StringField(_l("Reference (optional)"), validators=[Optional(), Length(max=64)],
                            description=_l("Your organisation's reference number, if you use one."))
    service_id = SelectField(_l("Service"), coerce=int,
                             validators=[InputRequired(_l("Choose a service"))])
    language = SelectField(_l("Preferred language"))
    easy_read = BooleanField(_l("Prefers easy read"))


class StaffConsentForm(BaseForm):
    scope = RadioField(_l("What is the person agreeing to?"), choices=[
        ("review", _l("Their answers are used for their own review")),
        ("pooled", _l("Their statements, without their name, are shared to help plan services"))],
        validators=[InputRequired(_l("Choose what the consent is for"))])
    given = RadioField(_l("Did they agree?"), choices=[("yes", _l("Yes")), ("no", _l("No"))],
                       validators=[InputRequired(_l("Choose yes or no"))])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)],
                       description=_l("For example: agreed with help from their advocate."))


class StartReviewForm(BaseForm):
    bank = SelectField(_l("Conversation"), validators=[InputRequired()])
    held_on = PlanDateField(_l("Date"), default=today_,
                            validators=[InputRequired(_l("Enter the date as day, month and "
                                                         "year"))])


class PhoneLinkForm(BaseForm):
    """A person's own link to answer their part of a review on their phone."""

    bank = SelectField(_l("Questions"), validators=[InputRequired()])
    output = RadioField(_l("What do you want?"), default="link", choices=[
        ("link", _l("A link to send them")), ("a6", _l("A card to give them (A6, PDF)"))],
        validators=[InputRequired()])


class ContributorForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name")), Length(max=80)])
    role = SelectField(_l("Who are they?"), choices=list(ROLE_LABELS.items()))


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class StatementForm(BaseForm):
    # Checked against the review by the service (a contributor of this review, a kind of this
    # heading), so a stale choice is corrected rather than refused.
    contributor = SelectField(_l("Who said it"), coerce=_optional_int, validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    text = StringField(_l("What they said"), validators=[
        DataRequired(_l("Type what they said, then press Enter")),
        Length(max=500, message=_l("Keep each statement under 500 characters: split a long one "
                                   "into a few short statements."))])
    key = HiddenField()  # one per statement form, so a double submit stores one statement


class StatementEditForm(StatementForm):
    section = SelectField(_l("Heading"))


class ActionForm(BaseForm):
    what = TextAreaField(_l("What will happen"), validators=[
        DataRequired(_l("Say what will happen")), Length(max=1000)])
    who = StringField(_l("Who will do it"), validators=[
        DataRequired(_l("Say who will do it")), Length(max=120)])
    due_on = PlanDateField(_l("By when"), validators=[Optional()], description=_l(
        "For example 2027-03-31. Leave empty if there is no date."), when="future")

    def __init__(self, *args, held_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.held_on = held_on  # the day of the review: nothing agreed there is due before it

    def validate_due_on(self, field):
        if field.data and self.held_on and field.data < self.held_on:
            raise ValidationError(_l("This date is before the review (%(day)s). Choose the "
                                     "day of the review or a later date.",
                                     day=self.held_on.isoformat()))


class UndoForm(BaseForm):
    statement = HiddenField()
