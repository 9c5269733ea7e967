"""The staff forms of the register: a piece of work, its parts, partners and signatures, an idea
typed for someone, an answer, an action, an investigation and the yearly review.

The forms carry the fields, the CSRF token and the first checks (something typed, a date that
reads as a date, a choice from the list); the register's rules are its services' own
(:mod:`reviewkit.services.register`), whose :class:`RegisterError` is put on the field it names
with :func:`reviewkit.web.saving.refuse`. Each form on the page of a piece of work has a
prefix, so no two fields share an id."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..models import PlanStatus
from ..services.register import LONGEST_TEXT, RegisterError, parse_cost
from ..services.register_history import (
    ACTION_STATUS_LABELS,
    CREDIT_LABELS,
    DECISION_LABELS,
    KIND_LABELS,
    PARTNER_KIND_LABELS,
)
from .dates import PlanDateField
from .questions import BaseForm

FROM_THE_LIST = _l("Choose one from the list.")
IDEA_CREDIT_LABELS = {"none": _l("Do not credit them"), "name": _l("Credit them by name"),
                      "organisation": _l("Credit their organisation only")}


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=lazy_ngettext(
        "This is too long: write at most %(num)d character.",
        "This is too long: write at most %(num)d characters.", limit))


def _date(label, message=None, *, later_than: str | None = None, **kwargs) -> PlanDateField:
    """A date field (required with ``message``, else optional); ``later_than`` names the
    field of the same form it may not come before (a finish and its start)."""
    check = [InputRequired(message)] if message else [Optional()]
    if later_than:
        check.append(_not_before(later_than))
    return PlanDateField(label, validators=check, description=kwargs.pop(
        "description", _l("For example 2027-03-31.")), **kwargs)


FINISH_AFTER_START = _l("The finish date must be on or after the start date.")


def _not_before(other: str, message=FINISH_AFTER_START):
    """This date may not come before the date of the form's field ``other`` (checked with the
    other problems of the form, not after them)."""

    def check(form, field) -> None:
        first = form[other].data
        if field.data is not None and first is not None and not form[other].errors \
                and field.data < first:
            raise ValidationError(message)

    return check


def scope_choices(areas, services, *, services_first: bool = False) -> list[tuple[str, str]]:
    """The choices of a scope field: ``area:<id>`` and ``service:<id>`` with their names
    (areas first, unless ``services_first``); :func:`scope_ids` reads one back."""
    from flask_babel import gettext

    by_area = [(f"area:{a.id}", gettext("Area: %(name)s", name=a.name)) for a in areas]
    by_service = [(f"service:{s.id}", gettext("Service: %(name)s", name=s.name))
                  for s in services]
    return by_service + by_area if services_first else by_area + by_service


def scope_ids(value: str | None) -> tuple[int | None, int | None]:
    """(service_id, area_id) from a scope choice (``service:3``, ``area:1`` or empty)."""
    kind, _sep, raw = (value or "").partition(":")
    number = int(raw) if raw.isdigit() else None
    return (number if kind == "service" else None, number if kind == "area" else None)


def one_of_choices(_form, field) -> None:
    """A select or radio must send one of its own choices: a forged or stale value gets a
    clear message rather than an error page."""
    if (field.data or "") not in {str(value) for value, _label in field.choices}:
        raise ValidationError(FROM_THE_LIST)


class _ChoiceChecks:
    """Every select and radio of the form must send one of its own choices: a forged or stale
    value gets a clear message rather than an error page."""

    CHECKED: tuple[str, ...] = ()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)  # type: ignore[misc]
        for name in self.CHECKED:
            field = self[name]  # type: ignore[index]
            try:
                one_of_choices(self, field)
            except ValidationError as exc:
                if not field.errors:
                    field.errors = [*field.errors, str(exc)]
                ok = False
        return ok


class WorkForm(_ChoiceChecks, BaseForm):
    CHECKED = ("kind", "scope", "facilitator", "manager", "parent")
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Enter a title")), _too_long(200)],
        description=_l("For example “Day opportunities plan” or “Visiting policy”."))
    kind = SelectField(_l("Kind of work"), validate_choice=False)
    summary = TextAreaField(_l("Summary (optional)"), validators=[_too_long(LONGEST_TEXT)])
    easy_read = TextAreaField(_l("Easy-read summary (optional)"), validators=[
        _too_long(LONGEST_TEXT)], description=_l("Short sentences and everyday words."))
    scope = SelectField(_l("Where"), validate_choice=False,
                        description=_l("The whole organisation, one area or one service."))
    facilitator = SelectField(_l("Facilitator"), validate_choice=False)
    manager = SelectField(_l("Manager"), validate_choice=False)
    review_on = _date(_l("Review date"), _l("Enter the review date, for example 2027-03-31."),
                      description=_l("A year on, unless you choose another date."),
                      when="future")
    parent = SelectField(_l("Part of (for a local plan)"), validate_choice=False,
                         description=_l("A local plan is part of the organisation plan unless "
                                        "you choose another piece of work."))

    def __init__(self, *args, kinds, scopes, facilitators, managers, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, KIND_LABELS[k]) for k in kinds]
        nobody = ("", _l("Nobody yet"))
        self.scope.choices = [("", _l("The whole organisation")), *scopes]
        self.facilitator.choices = [nobody, *[(str(u.id), u.name) for u in facilitators]]
        self.manager.choices = [nobody, *[(str(u.id), u.name) for u in managers]]
        self.parent.choices = [("", _l("None")), *[(str(w.id), w.title) for w in parents]]

    def fields(self) -> dict:
        service_id, area_id = scope_ids(self.scope.data)

        def number(value):
            return int(value) if value else None

        return {"title": self.title.data, "kind": self.kind.data, "summary": self.summary.data,
                "easy_read": self.easy_read.data, "service_id": service_id,
                "area_id": area_id, "facilitator_id": number(self.facilitator.data),
                "manager_id": number(self.manager.data), "review_on": self.review_on.data,
                "parent_id": number(self.parent.data)}


class PartForm(BaseForm):
    title = StringField(_l("Part or milestone"), validators=[
        DataRequired(_l("Enter what this part is")), _too_long(200)])
    starts_on = _date(_l("Starts"), _l("Enter the start date, for example 2027-01-31."))
    finishes_on = _date(_l("Finishes"), _l("Enter the finish date, for example 2027-03-31."),
                        later_than="starts_on")


class PartnerForm(_ChoiceChecks, BaseForm):
    CHECKED = ("kind", "credit")
    kind = RadioField(_l("A person or an organisation?"), choices=list(
        PARTNER_KIND_LABELS.items()), default="person", validate_choice=False)
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter their name")),
                                               _too_long(200)])
    organisation = StringField(_l("Their organisation (optional for a person)"),
                               validators=[_too_long(200)])
    role = StringField(_l("What they bring (optional)"), validators=[_too_long(200)],
                       description=_l("For example “lived experience of day services”."))
    credit = RadioField(_l("How do they want to be credited in public?"),
                        choices=list(CREDIT_LABELS.items()), default="name",
                        validate_choice=False)

    def validate_organisation(self, field) -> None:
        if self.kind.data == "person" and self.credit.data == "organisation" and not field.data:
            raise ValidationError(_l("Enter their organisation, to credit it."))


class SignatureForm(BaseForm):
    name = StringField(_l("Who signed"), validators=[DataRequired(_l("Enter who signed")),
                                                     _too_long(200)])
    capacity = StringField(_l("Signed as (optional)"), validators=[_too_long(200)],
                           description=_l("For example “for Riverside People First”."))
    signed_on = _date(_l("Signed on"), _l("Enter the date they signed, for example "
                                          "2027-03-31."), when="past")


class StaffIdeaForm(_ChoiceChecks, BaseForm):
    CHECKED = ("credit", "language")
    text = TextAreaField(_l("The idea, in their words"), validators=[
        DataRequired(_l("Write the idea here")), _too_long(LONGEST_TEXT)])
    raised_on = _date(_l("When they raised it"), _l("Enter the date they raised it, for "
                                                    "example 2027-03-31."), when="past",
                      too_late=_l("The date they raised it cannot be after today."))
    language = SelectField(_l("Language it was given in"), validate_choice=False)
    raised_by = StringField(_l("Their name (optional)"), validators=[_too_long(200)],
                            description=_l("Kept for staff who may see names, and only if they "
                                           "agreed."))
    name_agreed = BooleanField(_l("They agreed to their name being kept"))
    credit = RadioField(_l("Can we credit them when we say what we did?"),
                        choices=list(IDEA_CREDIT_LABELS.items()), default="none",
                        validate_choice=False)
    credit_as = StringField(_l("The name or organisation to show (if credited)"),
                            validators=[_too_long(200)])
    client_key = HiddenField()

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = languages

    def validate_credit_as(self, field) -> None:
        if self.credit.data in ("name", "organisation") and not field.data:
            raise ValidationError(_l("Write the name to credit, or choose not to be "
                                     "credited."))

    def validate_name_agreed(self, field) -> None:
        if self.raised_by.data and not field.data:
            raise ValidationError(_l("Tick the box if they agreed to their name being kept, "
                                     "or leave their name out."))

    def ensure_key(self) -> None:
        """A key made when the form is first shown and sent back with it: pressing the button
        twice stores one idea."""
        key = (self.client_key.data or "").strip()
        if not key or len(key) > 64 or not key.replace("-", "").replace("_", "").isalnum():
            self.client_key.data = secrets.token_urlsafe(18)


class AnswerForm(_ChoiceChecks, BaseForm):
    CHECKED = ("decision",)
    decision = RadioField(_l("Your answer"), choices=list(DECISION_LABELS.items()),
                          validate_choice=False,
                          validators=[InputRequired(_l("Choose an answer"))])
    reason = TextAreaField(_l("Reason"), validators=[_too_long(LONGEST_TEXT)],
                           description=_l("Needed for every answer but “included”. The person "
                                          "who sent the idea will read it."))
    decide_by = _date(_l("Date to decide by (for “not yet”)"), when="after_today")
    cost = StringField(_l("Cost in pounds (optional)"), validators=[_too_long(20)],
                       description=_l("For example 1500 or 1500.50."))
    cost_note = StringField(_l("About the cost (optional)"), validators=[_too_long(300)])

    def validate_reason(self, field) -> None:
        if self.decision.data in DECISION_LABELS and self.decision.data != "included" \
                and not field.data:
            raise ValidationError(_l("Give the reason: it is needed for every answer but "
                                     "“included”."))

    def validate_cost(self, field) -> None:
        try:
            parse_cost(field.data)
        except RegisterError as exc:
            raise ValidationError(str(exc.message)) from exc

    def validate_decide_by(self, field) -> None:
        if self.decision.data == "not_yet" and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the date by which it will be decided."))


class WorkActionForm(_ChoiceChecks, BaseForm):
    CHECKED = ("status",)
    change = TextAreaField(_l("What will change"), validators=[
        DataRequired(_l("Say what will change")), _too_long(LONGEST_TEXT)])
    owner = StringField(_l("Who owns it"), validators=[
        DataRequired(_l("Name who owns this action")), _too_long(120)],
        description=_l("A named person or team, for example “Priya Shah, day services "
                       "manager”."))
    root_cause = TextAreaField(_l("Root cause (optional)"), validators=[
        _too_long(LONGEST_TEXT)],
        description=_l("Why this happens, as the people at the event saw it."))
    success = TextAreaField(_l("What success looks like (optional)"), validators=[
        _too_long(LONGEST_TEXT)])
    starts_on = _date(_l("Starts"), _l("Enter the start date, for example 2027-01-31."))
    due_on = _date(_l("Finishes"), _l("Enter the finish date, for example 2027-03-31."),
                   later_than="starts_on", when="future", past_ok=lambda form: form.done(),
                   too_soon=_l("This date has passed. Choose a date from today on, or set the "
                               "status to done."))
    status = RadioField(_l("Status"), choices=list(ACTION_STATUS_LABELS.items()),
                        default="planned", validate_choice=False)
    public_sentence = TextAreaField(_l("You said, we did (optional)"), validators=[
        _too_long(300)], description=_l("One sentence for the public page, shown once the "
                                        "action is done. No names."))

    def done(self) -> bool:
        """A past finish date is for recording an action already done."""
        return self.status.data == PlanStatus.DONE.value


class InvestigationForm(BaseForm):
    why = TextAreaField(_l("Why has it not moved?"), validators=[
        DataRequired(_l("Say why it has not moved")), _too_long(LONGEST_TEXT)])
    next_steps = TextAreaField(_l("What will be done"), validators=[
        DataRequired(_l("Say what will be done")), _too_long(LONGEST_TEXT)])
    new_date = _date(_l("New date (optional)"),
                     description=_l("When it should move by. For example 2027-03-31."),
                     when="after_today")


class ReviewForm(BaseForm):
    reviewed_on = _date(_l("Date of the review"), _l("Enter the date of the review, for "
                                                     "example 2027-03-31."), when="past",
                        too_late=_l("The review date cannot be after today."))
    what_changed = TextAreaField(_l("What changed"), validators=[
        DataRequired(_l("Say what changed since the last review")), _too_long(LONGEST_TEXT)])
    ideas_until = _date(_l("Open for new ideas until (optional)"),
                        description=_l("The public link shows this date. Leave it empty to "
                                       "keep taking ideas."), when="future")
    next_review_on = _date(_l("Next review"), _l("Enter the date of the next review, for "
                                                 "example 2028-03-31."),
                           description=_l("A year on, unless you choose another date."),
                           when="future")

    def validate_ideas_until(self, field) -> None:
        if field.data is not None and self.reviewed_on.data is not None \
                and not self.reviewed_on.errors and field.data < self.reviewed_on.data:
            raise ValidationError(_l("Ideas can be sent until a date on or after the review."))

    def validate_next_review_on(self, field) -> None:
        if field.data is not None and self.reviewed_on.data is not None \
                and not self.reviewed_on.errors and field.data <= self.reviewed_on.data:
            raise ValidationError(_l("The next review must be after this one."))
