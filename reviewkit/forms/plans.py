"""The action plan form: one action answering a theme (Working Together for Change)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..models import PlanStatus
from .dates import PlanDateField
from .questions import BaseForm

STATUS_LABELS = {
    PlanStatus.PLANNED.value: _l("Planned"),
    PlanStatus.IN_PROGRESS.value: _l("In progress"),
    PlanStatus.DONE.value: _l("Done"),
}


def _too_long(limit: int):
    return Length(max=limit, message=lazy_ngettext("Keep this under %(num)d character.",
                                                   "Keep this under %(num)d characters.", limit))


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
                       "is done."), when="future", past_ok=lambda form: form.done(),
        too_soon=_l("This date has passed. Choose a date from today on, or set the status to "
                    "done."))
    status = RadioField(_l("Status"), choices=list(STATUS_LABELS.items()),
                        default=PlanStatus.PLANNED.value, validate_choice=False,
                        validators=[InputRequired(_l("Choose planned, in progress or done"))])
    public_sentence = TextAreaField(_l("You said, we did (optional)"), validators=[
        Optional(), _too_long(300)],
        description=_l("One sentence for the public “You said, we did” page, shown once the "
                       "action is done. No names, and no numbers of people."))

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [("", _l("The whole organisation")), *scopes]

    def validate_scope(self, field):
        if (field.data or "") not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose the whole organisation, or an area or service "
                                     "from the list."))

    def validate_status(self, field):
        if field.data not in STATUS_LABELS:
            raise ValidationError(_l("Choose planned, in progress or done"))

    def done(self) -> bool:
        """A past date is for recording work already done."""
        return self.status.data == PlanStatus.DONE.value

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
