"""The staff forms of local events: the event, the ballot's items (from themes, added, their
words in each language), single-use codes, paper tallies, a vote with a person on the tablet
and the local plan's priorities.

The forms check what a browser sends (something typed, a number, a choice from the list); the
rules of an event are the events service's own (:mod:`reviewkit.services.events`), whose
:class:`~reviewkit.services.events.EventError` is put on the field it names."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask_babel import gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..models import BallotItem, Event, VotingState
from ..models.events import RANKS
from ..services.clock import NoSuchTime, instant, local_time, organisation_zone
from .dates import PlanDateField
from .questions import BaseForm, MultiCheckboxField
from .register import FROM_THE_LIST, one_of_choices, scope_ids

#: What each access need is, and what it means for the venue (the seed's meeting standard).
ACCESS_LABELS = {
    "step_free": (_l("Step-free access"), _l("No steps from the street to the room and the "
                                             "toilets, or a ramp or a lift.")),
    "hearing_loop": (_l("Hearing loop"), _l("A loop that works, for people who use hearing "
                                            "aids.")),
    "quiet_room": (_l("Quiet room"), _l("A room to take a break away from the noise.")),
    "easy_read": (_l("Easy-read materials"), _l("The ballot and the papers in easy read, with "
                                                "pictures.")),
    "interpreter": (_l("Interpreter"), _l("An interpreter for the languages people speak.")),
    "bsl": (_l("BSL interpreter"), _l("A British Sign Language interpreter.")),
}
METHOD_LABELS = {"dots": _l("Dot voting: each person spreads their dots over the items"),
                 "rank": _l("Rank your top 3: a first, second and third choice")}
#: Pictures an item can have (pictograms in static/pictograms), by what they show.
PICTURES = {"home": _l("A home"), "people": _l("People together"),
            "community": _l("Community"), "family": _l("Family"), "heart": _l("Care"),
            "health": _l("Health"), "learn": _l("Learning"), "tools": _l("Work"),
            "tea": _l("Food and drink"), "sun": _l("Days out and holidays"),
            "place": _l("Getting about"), "calendar": _l("Things to do"),
            "talk": _l("Being heard"), "safe": _l("Feeling safe"), "phone": _l("Phones"),
            "lightbulb": _l("An idea"), "star": _l("Something special")}
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class Count(IntegerField):
    """A whole number, with a message people understand when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(gettext("Enter a whole number, for example 3.")) from exc

    def pre_validate(self, form):
        # words, not a number: that one message, not a range one as well (an empty box goes
        # on to Optional or InputRequired, which say what an empty box means here)
        if self.process_errors and self.raw_data and str(self.raw_data[0]).strip():
            raise StopValidation()


def _count(label, low: int, high: int, *, required: bool = False, **kwargs) -> Count:
    message = _l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
    first = InputRequired(message) if required else Optional()
    return Count(label, validators=[first, NumberRange(low, high, message)], **kwargs)


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=lazy_ngettext(
        "This is too long: write at most %(num)d character.",
        "This is too long: write at most %(num)d characters.", limit))


def ticked(label, description, *, required=None) -> MultiCheckboxField:
    """Checkboxes whose every ticked value must be one of their choices (and at least one
    ticked, with the message ``required``)."""

    def from_the_list(_form, field) -> None:
        chosen = field.data or []
        if required and not chosen:
            raise ValidationError(required)
        if any(value not in {str(v) for v, _label in field.choices} for value in chosen):
            raise ValidationError(FROM_THE_LIST)

    return MultiCheckboxField(label, validate_choice=False, description=description,
                              validators=[from_the_list])


class EventForm(BaseForm):
    name = StringField(_l("Name of the event"), validators=[
        DataRequired(_l("Enter the name of the event")), _too_long(200)],
        description=_l("For example “Oak House big day”."))
    starts_on = PlanDateField(_l("Date"), validators=[InputRequired(
        _l("Enter the date of the event, for example 2027-03-31."))],
        description=_l("For example 2027-03-31."), when="future",
        past_ok=lambda form: form.already_held.data,
        too_soon=_l("This date has passed. Choose today (%(today)s) or a later date; for an "
                    "event that has already happened, tick “It has already happened”."))
    starts_time = StringField(_l("Time it starts"), validators=[
        DataRequired(_l("Enter the time it starts, for example 10:30"))],
        description=_l("On the 24-hour clock, for example 10:30 or 14:00."))
    already_held = BooleanField(_l("It has already happened"), description=_l(
        "Tick this to record an event held on an earlier day, with its paper votes or sticky "
        "dots."))
    place = StringField(_l("Place"), validators=[
        DataRequired(_l("Enter where the event is")), _too_long(300)],
        description=_l("The venue and its address, as people will look for it."))
    scope = SelectField(_l("Service or area"), validate_choice=False,
                        validators=[one_of_choices],
                        description=_l("The themes on the ballot come from here."))
    languages = ticked(_l("Languages offered on the day"), _l(
        "People vote in these languages; you can translate each item into them."),
        required=_l("Choose at least one language"))
    access = ticked(_l("Access at the venue"), _l("Tick what the venue will have. Staff see "
                                                  "what is missing."))
    access_notes = TextAreaField(_l("Access notes (optional)"), validators=[_too_long(2000)],
                                 description=_l("For example where the ramp is, or what to do "
                                                "about what is missing."))
    method = RadioField(_l("How people vote"), choices=list(METHOD_LABELS.items()),
                        default="dots", validate_choice=False, validators=[one_of_choices])
    dots = _count(_l("Dots for each person (dot voting)"), 1, 20, default=3,
                  description=_l("From 1 to 20. Three is usual."))
    several_on_one = BooleanField(_l("People may put several dots on one item"), default=True)
    codes_required = BooleanField(_l("Ask for a single-use code from a card (one vote a "
                                     "person)"))

    def __init__(self, *args, scopes, languages, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone or organisation_zone()  # the date and time typed are its clocks'
        self.scope.choices = [("", _l("Choose one")), *scopes]
        self.languages.choices = languages
        self.access.choices = [(k, label) for k, (label, _means) in ACCESS_LABELS.items()]

    def validate_starts_time(self, field) -> None:
        if field.data and not TIME.match(field.data):
            raise ValidationError(_l("Enter the time as hours and minutes, for example 10:30."))
        try:
            self.starts_at()
        except NoSuchTime as gap:
            raise ValidationError(_l(
                "The clocks go forward on %(date)s, so there is no %(time)s that day. Choose "
                "another time, for example %(later)s.", date=self.starts_on.data.isoformat(),
                time=self.starts_time.data, later=f"{gap.later:%H:%M}")) from None

    def validate_dots(self, field) -> None:
        if self.method.data == "dots" and field.data is None and not field.errors:
            raise ValidationError(_l("Enter how many dots each person has, from 1 to 20."))

    def validate_method(self, field) -> None:
        # the events service's rule, checked here too so that it comes with the other problems
        event = getattr(self, "event", None)
        if event is None or event.voting == VotingState.DRAFT.value or field.errors:
            return
        dots = (self.dots.data if field.data == "dots" else None) or 3
        if (field.data, dots, bool(self.several_on_one.data)) != (
                event.method, event.dots, event.several_on_one):
            raise ValidationError(_l("Voting has started, so how people vote cannot change."))

    def starts_at(self) -> datetime | None:
        """The instant the event starts: the date and time typed, on the organisation's
        clocks (:class:`NoSuchTime` for a time they skip)."""
        match = TIME.match(self.starts_time.data or "")
        if self.starts_on.data is None or match is None:
            return None
        return instant(self.starts_on.data, time(int(match[1]), int(match[2])), self.zone)

    def fields(self) -> dict:
        service_id, area_id = scope_ids(self.scope.data)
        return {"name": self.name.data, "starts_at": self.starts_at(), "place": self.place.data,
                "service_id": service_id, "area_id": area_id,
                "languages": self.languages.data or [], "access": self.access.data or [],
                "access_notes": self.access_notes.data, "method": self.method.data,
                "dots": self.dots.data if self.method.data == "dots" else 3,
                "several_on_one": self.several_on_one.data,
                "codes_required": self.codes_required.data}

    @classmethod
    def of(cls, event: Event, **kwargs) -> EventForm:
        """The form filled in from ``event`` (on a GET; what was typed on a POST)."""
        when = local_time(event.starts_at, event.organisation_id)  # as it was typed
        kwargs.setdefault("zone", when.tzinfo)
        kwargs.setdefault("scope", f"service:{event.service_id}" if event.service_id
                          else f"area:{event.area_id}")
        form = cls(obj=event, starts_on=when.date(), starts_time=f"{when:%H:%M}", **kwargs)
        form.event = event
        return form


class ThemesForm(BaseForm):
    themes = ticked(_l("Themes of the service or area"), _l(
        "The most talked about first. Each becomes an item on the ballot, with its name as it "
        "is today."), required=_l("Choose at least one theme"))


class ItemForm(BaseForm):
    """An item's words: its label and easy-read wording (and, made with :func:`item_form`,
    the same in each language of the event), and its picture."""

    label = StringField(_l("What people vote for"), validators=[
        DataRequired(_l("Write what people vote for")), _too_long(200)],
        description=_l("Short: people read it on a phone."))
    easy_read = TextAreaField(_l("Easy read (optional)"), validators=[_too_long(300)],
                              description=_l("Short sentences and everyday words."))
    picture = SelectField(_l("Picture (optional)"), validate_choice=False,
                          validators=[one_of_choices])
    LANGUAGES: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.picture.choices = [("", _l("No picture")), *PICTURES.items()]

    def translations(self) -> dict[str, dict[str, str]]:
        return {lang: {"label": self[f"label_{lang}"].data,
                       "easy_read": self[f"easy_read_{lang}"].data} for lang in self.LANGUAGES}


def item_form(languages: list[tuple[str, str]], item: BallotItem | None = None) -> ItemForm:
    """The form for an item of an event in ``languages`` (code, name) besides English."""
    fields = {"LANGUAGES": tuple(code for code, _name in languages)}
    for code, name in languages:
        fields[f"label_{code}"] = StringField(
            _l("What people vote for, in %(language)s (optional)", language=name),
            validators=[_too_long(200)])
        fields[f"easy_read_{code}"] = TextAreaField(
            _l("Easy read, in %(language)s (optional)", language=name),
            validators=[_too_long(300)])
    form_class = type("EventItemForm", (ItemForm,), fields)
    data = {}
    if item is not None:
        for code, _name in languages:
            own = (item.translations or {}).get(code) or {}
            data[f"label_{code}"] = own.get("label") or ""
            data[f"easy_read_{code}"] = own.get("easy_read") or ""
    return form_class(obj=item, data=data)


class CodesForm(BaseForm):
    count = _count(_l("How many codes"), 1, 500, required=True, default=30,
                   description=_l("One for each person who will vote on a phone. From 1 to "
                                  "500 at a time."))


class PlanForm(BaseForm):
    items = ticked(_l("The top priorities"), _l(
        "The items with the most votes are ticked. Each becomes an idea of the local plan, "
        "included, to get its actions."), required=_l("Choose at least one priority"))


def tally_form(event: Event) -> BaseForm:
    """A number for each item (dot voting), or for each item and place (ranking)."""
    fields = {key: _count("", 0, 100000) for key, _item, _rank in tally_cells(event)}
    fields["note"] = StringField(_l("Which sheet or wall (optional)"), validators=[
        _too_long(300)], description=_l("For example “Sticky dots on the wall by the door”."))
    form_class = type("TallyForm", (BaseForm,), fields)
    return form_class()


def tally_cells(event: Event) -> list[tuple[str, BallotItem, int | None]]:
    """(field name, item, place or None) for every number on the tally form."""
    if event.method == "rank":
        return [(f"item_{i.id}_{rank}", i, rank) for i in event.items
                for rank in range(1, RANKS + 1)]
    return [(f"item_{i.id}", i, None) for i in event.items]


def tally_counts(form, event: Event) -> dict[tuple[int, int | None], int]:
    return {(item.id, rank): form[key].data for key, item, rank in tally_cells(event)
            if form[key].data}


PLACES = (_l("First choice"), _l("Second choice"), _l("Third choice"))


def assisted_form(event: Event) -> BaseForm:
    """The choices a phone has: dots on each item, or a first, second and third choice."""
    fields: dict = {}
    if event.method == "rank":
        choices = [("", _l("Nothing"))] + [(str(i.id), i.label) for i in event.items]
        for n, label in enumerate(PLACES[:RANKS], start=1):
            fields[f"place_{n}"] = SelectField(label, choices=choices, validate_choice=False,
                                               validators=[one_of_choices])
    else:
        for item in event.items:
            fields[f"item_{item.id}"] = _count(item.label, 0, event.dots)
    return type("AssistedForm", (BaseForm,), fields)()


def assisted_choices(form, event: Event) -> dict[int, int] | list[int]:
    """What to :func:`~reviewkit.services.events.cast`: dots by item id, or item ids in order."""
    if event.method == "rank":
        return [int(form[f"place_{n}"].data) for n in range(1, RANKS + 1)
                if form[f"place_{n}"].data]
    return {item.id: form[f"item_{item.id}"].data for item in event.items
            if form[f"item_{item.id}"].data}
