"""Setting up an organisation: the organisation itself (``reviewkit setup``), its staff accounts
(``reviewkit users add``), its settings (name, time zone, languages offered, the charter's
answer time) and its services and areas (the admin pages).

Every rule refuses with :class:`OrganisationError` (a field and a message for a person), so the
command line prints it and a staff page puts it on its field."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Area, Organisation, Role, Service, User
from ..text import without_control
from .clock import Refused
from .users import MIN_PASSWORD, hash_password, issue_reset_link_token

#: The zones offered first in the settings' list (any other IANA name may be typed).
COMMON_ZONES = ["Europe/London", "Europe/Dublin", "Europe/Warsaw", "Europe/Bucharest",
                "Europe/Paris", "Asia/Karachi", "Asia/Kolkata", "UTC"]
NO_PASSWORD = "!"  # not an argon2 hash: nobody can sign in until they set a password


class OrganisationError(Refused):
    """Something the organisation's set-up cannot save, with a message for a person."""


def slugify(name: str) -> str:
    """``Tŷ Celyn & Co`` -> ``ty-celyn-co``: a short name for URLs and the command line."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:64]


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.id)))


def organisation_named(slug: str | None = None) -> Organisation:
    """The organisation with short name ``slug``, or the only one; refuses when there is none
    yet, or several and no ``slug``."""
    orgs = organisations()
    if not orgs:
        raise OrganisationError("organisation", "there is no organisation yet: run "
                                "'reviewkit setup' first")
    chosen = [o for o in orgs if slug is None or o.slug == slug]
    if len(chosen) != 1:
        known = ", ".join(o.slug for o in orgs)
        raise OrganisationError("organisation", (
            f"there is no organisation {slug!r}" if slug else
            "there are several organisations: choose one with --organisation")
            + f" (organisations: {known})")
    return chosen[0]


def clean_name(name: str | None) -> str:
    """``name`` without control characters and the spaces around it, as the web forms clean
    what is typed (so a name from the command line cannot recolour a terminal or a log)."""
    return without_control(name or "")


def _name(field: str, name: str | None, what) -> str:
    name = clean_name(name)
    if not name:
        raise OrganisationError(field, what)
    if len(name) > 200:
        raise OrganisationError(field, _l("Use 200 characters or fewer."))
    return name


def checked_email(email: str | None) -> str:
    """The address, lower case, if it is a valid one nobody uses yet."""
    try:
        address = validate_email((email or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise OrganisationError("email", _l("Enter an email address like name@example.org"
                                            )) from None
    address = address.lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == address)):
        raise OrganisationError("email", _l("There is already an account with that email "
                                            "address"))
    return address


def create_organisation(name: str, *, another: bool = False) -> Organisation:
    """A new organisation (its short name made from its name). Refuses when there is one
    already, unless ``another``."""
    name = _name("name", name, _l("Enter the organisation's name"))
    if organisations() and not another:
        raise OrganisationError("name", "an organisation is set up already: "
                                + ", ".join(f"{o.name} ({o.slug})" for o in organisations()))
    slug = slugify(name)
    if not slug:  # no Latin letters (an Urdu or Arabic name): organisation, organisation-2, …
        taken = set(db.session.scalars(select(Organisation.slug)))
        slug = next(s for n in range(1, len(taken) + 2)
                    if (s := "organisation" if n == 1 else f"organisation-{n}") not in taken)
    if db.session.scalar(select(Organisation.id).filter_by(slug=slug)):
        raise OrganisationError("name", f"there is already an organisation called {slug!r}")
    org = Organisation(name=name, slug=slug, languages=None)  # None: every language
    db.session.add(org)
    db.session.flush()
    return org


def add_user(org: Organisation, *, email: str, name: str | None, role: str,
             services: tuple[str, ...] = (), password: str | None = None) -> User:
    """A staff account in ``org`` (committed): with ``password`` it can sign in at once,
    without one only after its one-time link (:func:`password_link`)."""
    if role not in {r.value for r in Role}:
        raise OrganisationError("role", f"there is no role {role!r} (roles: "
                                + ", ".join(r.value for r in Role) + ")")
    address = checked_email(email)
    known = {s.slug: s for s in org.services}
    unknown = [s for s in services if s not in known]
    if unknown:
        raise OrganisationError("services", f"there is no service {unknown[0]!r} (services: "
                                + (", ".join(sorted(known)) or "none yet") + ")")
    if password is not None and len(password) < MIN_PASSWORD:
        raise OrganisationError("password", f"use at least {MIN_PASSWORD} characters")
    name = clean_name(name)
    if len(name) > 200:
        raise OrganisationError("name", _l("Use 200 characters or fewer."))
    user = User(organisation=org, email=address, name=name or address.split("@")[0], role=role,
                password_hash=hash_password(password) if password else NO_PASSWORD,
                services=[known[s] for s in services])
    db.session.add(user)
    db.session.commit()
    return user


def password_link(user: User) -> str:
    """The one-time link (24 hours) to the page where ``user`` sets a password."""
    return f"{current_app.config['BASE_URL']}/staff/reset/{issue_reset_link_token(user)}"


# ---------------------------------------------------------------------------- settings


def checked_timezone(zone: str | None) -> str:
    zone = (zone or "").strip()
    try:
        if zone and zone in available_timezones():
            ZoneInfo(zone)
            return zone
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise OrganisationError("other_zone", _l("Enter a time zone like Europe/London"))


def zone_choices() -> list[str]:
    """Europe/London first, then the other common zones, then every other zone by name."""
    rest = sorted(z for z in available_timezones() if "/" in z and not z.startswith(
        ("Etc/", "SystemV/", "US/")) and z not in COMMON_ZONES)
    return COMMON_ZONES + rest


def save_settings(user: User, *, name: str, timezone: str, languages: list[str],
                  answer_days: int | None) -> Organisation:
    org = db.session.get(Organisation, user.organisation_id)
    name = _name("name", name, _l("Enter the organisation's name"))
    zone = checked_timezone(timezone)
    known = current_app.config["LANGUAGES"]
    if any(code not in known for code in languages or []):
        raise OrganisationError("languages", _l("Choose at least one language from the list."))
    offered = [code for code in known if code in (languages or [])]
    if not offered:
        raise OrganisationError("languages", _l("Choose at least one language"))
    if answer_days is None or not 1 <= answer_days <= 365:
        raise OrganisationError("answer_days", _l("Enter a number of days from 1 to 365."))
    org.name, org.timezone, org.languages, org.answer_days = name, zone, offered, answer_days
    db.session.commit()
    return org


# ---------------------------------------------------------------------------- services, areas


def service_of(user: User, service_id: int) -> Service | None:
    service = db.session.get(Service, service_id)
    return service if service and service.organisation_id == user.organisation_id else None


def area_of(user: User, area_id: int) -> Area | None:
    area = db.session.get(Area, area_id)
    return area if area and area.organisation_id == user.organisation_id else None


def _area_id(user: User, area_id: int | None) -> int | None:
    if area_id and area_of(user, area_id) is None:
        raise OrganisationError("area_id", _l("Choose an area from the list"))
    return area_id or None


def _unique(model, user: User, field: str, value: str, own_id: int | None, message) -> None:
    column = getattr(model, field)
    clash = db.session.scalar(select(model.id).where(
        model.organisation_id == user.organisation_id, func.lower(column) == value.lower(),
        model.id != (own_id or -1)))
    if clash:
        raise OrganisationError(field, message)


SERVICE_CLASH = {"slug": _l("Another service has that short name"),
                 "name": _l("Another service has that name")}


def check_service_unique(user: User, service: Service | None, field: str, value: str) -> None:
    """No other service of the organisation has this name (or short name), in any case."""
    _unique(Service, user, field, value, service.id if service else None, SERVICE_CLASH[field])


def save_service(user: User, service: Service | None = None, *, name: str, slug: str | None,
                 area_id: int | None) -> Service:
    """A new service, or a change to one: its name, short name (made from the name when left
    empty) and area."""
    name = _name("name", name, _l("Enter the service's name"))
    slug = (slug or "").strip().lower() or slugify(name)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", slug):
        raise OrganisationError("slug", _l("Use lower-case letters, digits and hyphens only, "
                                           "like oak-house"))
    check_service_unique(user, service, "slug", slug)
    check_service_unique(user, service, "name", name)
    area = _area_id(user, area_id)
    if service is None:
        service = Service(organisation_id=user.organisation_id)
        db.session.add(service)
    service.name, service.slug, service.area_id = name, slug, area
    db.session.commit()
    return service


def save_area(user: User, area: Area | None = None, *, name: str) -> Area:
    name = _name("name", name, _l("Enter the area's name"))
    _unique(Area, user, "name", name, area.id if area else None,
            _l("There is already an area with that name"))
    if area is None:
        area = Area(organisation_id=user.organisation_id)
        db.session.add(area)
    area.name = name
    db.session.commit()
    return area
