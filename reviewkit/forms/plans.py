"""The action plan form: one action answering a theme (Working Together for Change)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..models import PlanStatus
from .questions import BaseForm

STATUS_LABELS = {
    PlanStatus.PLANNED.value: _l("Planned"),
    PlanStatus.IN_PROGRESS.value: _l("In progress"),
    PlanStatus.DONE.value: _l("Done"),
}
LONGEST_PLAN_YEARS = 10


def _too_long(limit: int):
    return Length(max=limit, message=_l("Keep this under %(max)d characters."))


class PlanDateField(DateField):
    """A date with a message people understand when it cannot be read."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(gettext("Enter the date as year, month and day, for example "
                                     "2027-03-31.")) from exc


class PlanActionForm(BaseForm):
    scope = SelectField(_l("Where"), validate_choice=False,
                        description=_l("The whole organisation, one area or one service."))
    change = TextAreaField(_l("What will change"), validators=[
        DataRequired(_l("Say what will change")), _too_long(2000)])
    root_cause = TextAreaField(_l("Root cause (optional)"), validators=[
        Optional(), _too_long(2000)],
        description=_l("Why this happens, as the people at the event saw it."))
    success = TextAreaField(_l("What success looks like (optional)"), validators=[
        Optional(), _too_long(2000)])
    owner = StringField(_l("Who owns it"), validators=[
        DataRequired(_l("Say which role or team owns this action")), _too_long(120)],
        description=_l("A role or a team, for example “Transport team”. Not a person "
                       "supported."))
    due_on = PlanDateField(_l("By when"), validators=[
        InputRequired(_l("Enter the date it should be done by, for example 2027-03-31."))],
        description=_l("For example 2027-03-31. A date in the past only for an action that "
                       "is done."))
    status = RadioField(_l("Status"), choices=list(STATUS_LABELS.items()),
                        default=PlanStatus.PLANNED.value, validate_choice=False,
                        validators=[InputRequired(_l("Choose planned, in progress or done"))])
    public_sentence = TextAreaField(_l("You said, we did (optional)"), validators=[
        Optional(), _too_long(300)],
        description=_l("One sentence for the public “You said, we did” page, shown once the "
                       "action is done. No names, and no numbers of people."))

    def __init__(self, *args, scopes: list[tuple[str, str]], stored_due: date | None = None,
                 today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [("", _l("The whole organisation")), *scopes]
        self.stored_due = stored_due
        self.today = today or date.today()

    def validate_scope(self, field):
        if (field.data or "") not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose the whole organisation, or an area or service "
                                     "from the list."))

    def validate_status(self, field):
        if field.data not in STATUS_LABELS:
            raise ValidationError(_l("Choose planned, in progress or done"))

    def validate_due_on(self, field):
        day = field.data
        if day is None:
            return
        if day.year > self.today.year + LONGEST_PLAN_YEARS:
            raise ValidationError(_l("Choose a date within the next %(n)d years.",
                                     n=LONGEST_PLAN_YEARS))
        # A past date is for recording work already done; an overdue action keeps its date
        # when other things about it are changed.
        if (day < self.today and day != self.stored_due
                and self.status.data != PlanStatus.DONE.value):
            raise ValidationError(_l("This date has passed. Choose a date from today on, or "
                                     "set the status to done."))

    def validate_public_sentence(self, field):
        from ..nlp import mask_personal

        if field.data and mask_personal(field.data) != field.data:
            raise ValidationError(_l("This sentence will be public: take out names, phone "
                                     "numbers, e-mail and home addresses. A place can look "
                                     "like a name: write “our service” instead."))

    def scope_ids(self) -> tuple[int | None, int | None]:
        """(service_id, area_id) from the chosen scope."""
        kind, _sep, raw = (self.scope.data or "").partition(":")
        value = int(raw) if raw.isdigit() else None
        return (value if kind == "service" else None, value if kind == "area" else None)

    def fields(self) -> dict:
        service_id, area_id = self.scope_ids()
        return {"service_id": service_id, "area_id": area_id, "change": self.change.data,
                "root_cause": self.root_cause.data, "success": self.success.data,
                "owner": self.owner.data, "due_on": self.due_on.data,
                "status": self.status.data, "public_sentence": self.public_sentence.data}


def scope_value(service_id: int | None, area_id: int | None) -> str:
    if service_id:
        return f"service:{service_id}"
    return f"area:{area_id}" if area_id else ""
