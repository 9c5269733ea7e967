"""The organisation's settings, services and areas, for organisation admins.

Every service and area a URL names is checked against the admin's organisation (404 for any
other); a rule the organisation service refuses goes on its field, with what was typed kept."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms.organisation import AreaForm, ServiceForm, SettingsForm
from ..models import Area, Organisation, Service
from ..services import organisation as orgs
from .auth import Permission, requires
from .saving import submitted

bp = Blueprint("organisation", __name__, url_prefix="/staff/organisation")


def _status(form) -> int:
    return 400 if form.errors else 200


def _areas() -> list[Area]:
    return db.session.scalars(select(Area).where(
        Area.organisation_id == current_user.organisation_id).order_by(Area.name)).all()


def _area_choices() -> list[tuple[int, str]]:
    return [(a.id, a.name) for a in _areas()]


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.ORGANISATION)
def settings():
    org = db.session.get(Organisation, current_user.organisation_id)
    languages = [(code, name) for code, (name, _dir) in current_app.config["LANGUAGES"].items()]
    form = SettingsForm(languages=languages)
    if not form.is_submitted():
        form = SettingsForm.of(org, languages)
    if submitted(form, lambda: orgs.save_settings(current_user, **form.fields())):
        flash(_("The organisation's settings are saved."))
        return redirect(url_for("organisation.settings"))
    return render_template("organisation/settings.html", form=form), _status(form)


@bp.route("/services", methods=["GET", "POST"])
@requires(Permission.ORGANISATION)
def services():
    form = ServiceForm(areas=_area_choices(), user=current_user)
    if (service := submitted(form, lambda: orgs.save_service(current_user, **form.fields()))):
        flash(_("%(name)s is added.", name=service.name))
        return redirect(url_for("organisation.services"))
    listed = db.session.scalars(select(Service).where(
        Service.organisation_id == current_user.organisation_id).order_by(Service.name)).all()
    return render_template("organisation/services.html", form=form, services=listed,
                           areas=_areas()), _status(form)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@requires(Permission.ORGANISATION)
def service(service_id: int):
    found = orgs.service_of(current_user, service_id) or abort(404)
    form = ServiceForm(areas=_area_choices(), user=current_user, service=found)
    if not form.is_submitted():
        form = ServiceForm.of(found, _area_choices(), user=current_user)
    if submitted(form, lambda: orgs.save_service(current_user, found, **form.fields())):
        flash(_("The changes to %(name)s are saved.", name=found.name))
        return redirect(url_for("organisation.services"))
    return render_template(
        "organisation/edit.html", form=form, fields=("name", "slug", "area_id"),
        heading=_("Change “%(name)s”", name=found.name), button=_("Save the changes"),
        back=url_for("organisation.services")), _status(form)


@bp.route("/areas", methods=["GET", "POST"])
@requires(Permission.ORGANISATION)
def areas():
    form = AreaForm()
    if (area := submitted(form, lambda: orgs.save_area(current_user, name=form.name.data))):
        flash(_("%(name)s is added.", name=area.name))
        return redirect(url_for("organisation.areas"))
    return render_template("organisation/areas.html", form=form, areas=_areas()), \
        _status(form)


@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@requires(Permission.ORGANISATION)
def area(area_id: int):
    found = orgs.area_of(current_user, area_id) or abort(404)
    form = AreaForm(data={"name": found.name})
    if submitted(form, lambda: orgs.save_area(current_user, found, name=form.name.data)):
        flash(_("The area is now called %(name)s.", name=found.name))
        return redirect(url_for("organisation.areas"))
    return render_template(
        "organisation/edit.html", form=form, fields=("name",),
        heading=_("Rename “%(name)s”", name=found.name), button=_("Save the name"),
        back=url_for("organisation.areas")), _status(form)
