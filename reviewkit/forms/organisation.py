"""The organisation admin's forms: the settings, a service and an area.

The forms check what a browser sends (something typed, a number, a choice from the list); the
rules are the organisation service's own (:mod:`reviewkit.services.organisation`), whose
:class:`~reviewkit.services.organisation.OrganisationError` is put on the field it names."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..models import Organisation, Service
from ..services.organisation import (
    COMMON_ZONES,
    OrganisationError,
    check_service_unique,
    checked_timezone,
)
from .questions import BaseForm, MultiCheckboxField

OTHER_ZONE = "other"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # as the organisation service takes it


def whole_number(value) -> int:
    """A choice's id as a number: 0 for none, -1 (no such id) for anything not a number or
    beyond any id (a database cannot even look such a number up), so the organisation service
    refuses it with its own message rather than WTForms' words."""
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 <= number < 2**31 else -1


class SettingsForm(BaseForm):
    name = StringField(_l("Organisation's name"), validators=[
        DataRequired(_l("Enter the organisation's name")), Length(max=200)])
    zone = SelectField(_l("Local time zone"), validate_choice=False, description=_l(
        "Months and quarters in reports are counted in this time zone."))
    other_zone = StringField(_l("Another time zone (optional)"), description=_l(
        "If it is not in the list: its name, like America/New_York. A time zone typed here is "
        "used instead of the one chosen in the list."),
        validators=[Optional(), Length(max=64)])
    languages = MultiCheckboxField(_l("Languages offered"), validate_choice=False, description=_l(
        "The languages people can choose on their phones and at events."))
    answer_days = StringField(_l("Days to answer every idea"), description=_l(
        "The charter's promise: every idea gets a dated answer within this many days."),
        validators=[DataRequired(_l("Enter a number of days from 1 to 365.")),
                    Regexp(r"^\d{1,3}$", message=_l("Enter a number of days from 1 to 365, "
                                                     "like 28."))])

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.zone.choices = [(z, z) for z in COMMON_ZONES] + [
            (OTHER_ZONE, _l("Another time zone (type it below)"))]
        self.languages.choices = languages

    @classmethod
    def of(cls, org: Organisation, languages: list[tuple[str, str]]) -> SettingsForm:
        common = org.timezone in COMMON_ZONES
        return cls(languages=languages, data={
            "name": org.name, "zone": org.timezone if common else OTHER_ZONE,
            "other_zone": "" if common else org.timezone, "answer_days": str(org.answer_days),
            "languages": org.languages or [code for code, _name in languages]})

    # Every rule of the organisation service that what is typed can break is checked here
    # too, so that all the problems are shown at once (the service's own checks run only
    # when the form passes, and stop at the first).

    def validate_zone(self, field):
        if field.data not in [*COMMON_ZONES, OTHER_ZONE]:
            raise ValidationError(_l("Choose one from the list."))

    def validate_other_zone(self, field):
        if self.zone.data == OTHER_ZONE and not field.data:
            raise ValidationError(_l("Enter a time zone like Europe/London"))
        if field.data:
            try:
                checked_timezone(field.data)
            except OrganisationError as error:
                raise ValidationError(error.message) from None

    def validate_languages(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one language"))
        if any(code not in dict(field.choices) for code in field.data):
            raise ValidationError(_l("Choose at least one language from the list."))

    def validate_answer_days(self, field):
        if field.data and field.data.isdigit() and not 1 <= int(field.data) <= 365:
            raise ValidationError(_l("Enter a number of days from 1 to 365."))

    def fields(self) -> dict:
        """What to save: a time zone typed wins over the list (whatever the list says)."""
        return {"name": self.name.data,
                "timezone": self.other_zone.data or self.zone.data,
                "languages": self.languages.data, "answer_days": int(self.answer_days.data)}


class ServiceForm(BaseForm):
    name = StringField(_l("Name of the service or team"), validators=[
        DataRequired(_l("Enter the service's name")), Length(max=200)])
    slug = StringField(_l("Short name (optional)"), description=_l(
        "Used in links and on the command line, like oak-house. Left empty, it is made from "
        "the name."), validators=[Optional(), Length(max=64)])
    area_id = SelectField(_l("Area"), coerce=whole_number, validate_choice=False)

    def __init__(self, *args, areas: list[tuple[int, str]], user=None,
                 service: Service | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = [(0, _l("No area"))] + areas
        self.user, self.service = user, service  # to check the names are not taken

    @classmethod
    def of(cls, service: Service, areas: list[tuple[int, str]], **kwargs) -> ServiceForm:
        return cls(areas=areas, service=service, **kwargs, data={
            "name": service.name, "slug": service.slug, "area_id": service.area_id or 0})

    def _not_taken(self, field) -> None:
        if self.user is not None and field.data:
            try:
                check_service_unique(self.user, self.service, field.name,
                                     field.data.lower() if field.name == "slug" else field.data)
            except OrganisationError as error:
                raise ValidationError(error.message) from None

    def validate_name(self, field):
        self._not_taken(field)

    def validate_slug(self, field):
        if field.data and not SLUG.fullmatch(field.data.lower()):
            raise ValidationError(_l("Use lower-case letters, digits and hyphens only, like "
                                     "oak-house"))
        self._not_taken(field)

    def validate_area_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose an area from the list"))

    def fields(self) -> dict:
        return {"name": self.name.data, "slug": self.slug.data, "area_id": self.area_id.data}


class AreaForm(BaseForm):
    name = StringField(_l("Name of the area"), validators=[
        DataRequired(_l("Enter the area's name")), Length(max=200)])
