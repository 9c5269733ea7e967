"""The staff forms of indicators: making or changing one, and entering a number by hand.

The forms check what a browser sends (a number, a choice from the list); the rules of an
indicator are the indicators service's own (:class:`~reviewkit.services.indicators.
IndicatorError`), put on the field they name."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..services import indicators as svc
from .questions import BaseForm, MultiCheckboxField
from .register import scope_ids

MEASURES_LABELS = {"outcome": _l("What we do: an outcome, what changes for people"),
                   "process": _l("How we do it: a process, how the work is done")}
SOURCE_LABELS = {"answers": _l("Answers to a question (for example a monthly check-in)"),
                 "figure": _l("A figure reviewkit already has"),
                 "entered": _l("A number someone enters each month or quarter")}
UNIT_LABELS = {"count": _l("A count of people or things (1 to 4 is never shown)"),
               "percent": _l("A percentage (0 to 100)"),
               "number": _l("Another number (for example an average)")}
GOOD_LABELS = {"up": _l("Higher is better"), "down": _l("Lower is better")}
FREQUENCY_LABELS = {"month": _l("Every month"), "quarter": _l("Every quarter")}
BREAKDOWN_LABELS = {"none": _l("No: one line"), "service": _l("Yes: a line for each service"),
                    "area": _l("Yes: a line for each area")}
PICTOGRAMS = ["", "ear", "talk", "heart", "people", "home", "tools", "learn", "health", "safe",
              "star", "community", "calendar", "clock", "thumbs-up", "handshake", "language",
              "phone", "target", "chart"]


class NumberField(StringField):
    """A number as people write it (12, 3.5, 75%), with a message they understand when it
    is not one. Empty is None."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(",", "").rstrip("%").strip()
        self.raw = valuelist[0] if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = float(text)
        except ValueError as exc:
            self.data = None
            raise ValueError(gettext("Enter a number, for example 75 or 3.5.")) from exc
        if self.data != self.data or self.data in (float("inf"), float("-inf")):
            self.data = None
            raise ValueError(gettext("Enter a number, for example 75 or 3.5."))

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        if self.data is None:
            return ""
        return f"{self.data:g}"


def _rule(check, *args) -> None:
    """A rule of the indicators service, as a problem of the field being checked."""
    try:
        check(*args)
    except svc.IndicatorError as exc:
        raise ValidationError(str(exc.message)) from exc


def _labels(mapping: dict) -> list[tuple[str, object]]:
    return list(mapping.items())


class IndicatorForm(BaseForm):
    name = StringField(_l("Name, in the words people chose"), validators=[
        DataRequired(_l("Enter the indicator's name")), Length(max=200)],
        description=_l("For example “People feel listened to”."))
    easy_read = StringField(_l("Easy-read words (optional)"), validators=[
        Optional(), Length(max=300)], description=_l("Short sentences and everyday words."))
    pictogram = SelectField(_l("Picture"), validate_choice=False)
    measures = RadioField(_l("What does it measure?"), choices=_labels(MEASURES_LABELS),
                          default="outcome", validate_choice=False)
    source = RadioField(_l("Where do its numbers come from?"), choices=_labels(SOURCE_LABELS),
                        default="answers", validate_choice=False)
    question = SelectField(_l("Question"), validate_choice=False, description=_l(
        "For answers to a question: the question, then which answers count."))
    options = MultiCheckboxField(_l("Which answers count?"), validate_choice=False)
    figure = SelectField(_l("Figure"), validate_choice=False)
    unit = RadioField(_l("What kind of number is entered?"), choices=_labels(UNIT_LABELS),
                      default="count", validate_choice=False)
    target = NumberField(_l("Target (optional)"), description=_l(
        "A number, for example 75 for 75%."))
    good = RadioField(_l("Which way is better?"), choices=_labels(GOOD_LABELS), default="up",
                      validate_choice=False)
    frequency = RadioField(_l("How often is it counted?"), choices=_labels(FREQUENCY_LABELS),
                           default="month", validate_choice=False)
    scope = SelectField(_l("Where"), validate_choice=False,
                        description=_l("The whole organisation, one area or one service."))
    breakdown = RadioField(_l("Show a line for each service or area?"),
                           choices=_labels(BREAKDOWN_LABELS), default="none",
                           validate_choice=False)
    chosen_by = TextAreaField(_l("Who chose it, and where (optional)"), validators=[
        Optional(), Length(max=2000)], description=_l(
        "For example “People we support and staff at the Riverside event in May”."))
    event = SelectField(_l("Chosen at an event (optional)"), validate_choice=False)
    work = SelectField(_l("Part of a piece of work (optional)"), validate_choice=False,
                       description=_l("Its partners are credited on the indicator's page."))
    owner = SelectField(_l("Owner (optional)"), validate_choice=False, description=_l(
        "Who enters its numbers, for a number entered by hand."))

    def __init__(self, *args, questions, figures, scopes, events, works, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.pictogram.choices = [(p, p or _l("None")) for p in PICTOGRAMS]
        self.question.choices = [("", _l("Choose a question")),
                                 *[(q.key, f"{q.bank_title}: {q.text}") for q in questions]]
        chosen = next((q for q in questions if q.key == self.question.data), None)
        self.options.choices = chosen.options if chosen else []
        self.figure.choices = [("", _l("Choose a figure")), *figures]
        self.scope.choices = [("", _l("The whole organisation")), *scopes]
        none = ("", _l("None"))
        self.event.choices = [none, *[(str(e.id), e.name) for e in events]]
        self.work.choices = [none, *[(str(w.id), w.title) for w in works]]
        self.owner.choices = [("", _l("Nobody yet")), *[(str(u.id), u.name) for u in staff]]

    # The indicator's rules that need nothing stored, checked with the other problems of the
    # form rather than one at a time after them (saving checks them again).
    def validate_figure(self, field) -> None:
        if self.source.data == "figure":
            _rule(svc.check_figure, field.data)

    def validate_target(self, field) -> None:
        if not field.process_errors:
            _rule(svc.check_target, field.data, svc.unit_of(
                self.source.data, self.figure.data, self.unit.data))

    def validate_breakdown(self, field) -> None:
        _rule(svc.check_breakdown, scope_ids(self.scope.data)[0], field.data)

    def fields(self) -> dict:
        service_id, area_id = scope_ids(self.scope.data)

        def number(value):
            return int(value) if value and str(value).isdigit() else None

        return {"name": self.name.data, "easy_read": self.easy_read.data,
                "pictogram": self.pictogram.data if self.pictogram.data in PICTOGRAMS else None,
                "measures": self.measures.data, "source": self.source.data,
                "question": self.question.data or None, "options": self.options.data or [],
                "figure": self.figure.data or None, "unit": self.unit.data,
                "target": self.target.data, "good": self.good.data,
                "frequency": self.frequency.data, "breakdown": self.breakdown.data,
                "service_id": service_id, "area_id": area_id, "chosen_by": self.chosen_by.data,
                "event_id": number(self.event.data), "work_id": number(self.work.data),
                "owner_id": number(self.owner.data)}


class ValueForm(BaseForm):
    period = StringField(_l("Month or quarter"), validators=[
        DataRequired(_l("Enter the month or quarter"))])
    where = SelectField(_l("Where"), validate_choice=False)
    value = NumberField(_l("Number"))
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)],
                       description=_l("For example where the number came from."))

    def __init__(self, *args, places, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.where.choices = places
        self.indicator = indicator

    def validate_period(self, field) -> None:
        if self.indicator is not None and field.data:
            _rule(svc.checked_period, self.indicator, field.data)

    def validate_value(self, field) -> None:
        if self.indicator is not None and not field.process_errors:
            _rule(svc.check_value, self.indicator, field.data)

    def fields(self) -> dict:
        service_id, area_id = scope_ids(self.where.data)
        return {"period": self.period.data, "value": self.value.data, "note": self.note.data,
                "service_id": service_id, "area_id": area_id}
