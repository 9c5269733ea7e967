"""Invitation links, QR codes and printable cards, from the staff side."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange

from ..extensions import db
from ..forms.events import Count
from ..forms.questions import BaseForm
from ..i18n import language_choices
from ..models import Organisation, Service
from ..services import invitations as inv
from ..services.banks import all_latest
from .auth import Permission, requires

bp = Blueprint("invitations", __name__, url_prefix="/staff/invitations")


class InviteForm(BaseForm):
    bank = SelectField(_l("Questions"))
    service = SelectField(_l("Service"), coerce=int)
    language = SelectField(_l("First language"))
    easy_read = BooleanField(_l("Start in easy read"))
    open_link = BooleanField(_l("One link for everyone (for a poster)"),
                             description=_l("Otherwise each link is for one person."))
    count = Count(_l("How many"), default=1, validators=[
        InputRequired(_l("Enter how many")),
        NumberRange(1, 500, _l("Make between 1 and 500 at a time"))])
    output = RadioField(_l("What do you want?"), default="links", choices=[
        ("links", _l("Links to copy")), ("a6", _l("Cards to print (A6, PDF)")),
        ("a4", _l("Posters to print (A4, PDF)"))])


def _form() -> InviteForm:
    form = InviteForm()
    form.bank.choices = [(v.bank_id, v.title) for v in all_latest()]
    allowed = current_user.service_ids()
    form.service.choices = [(s.id, s.name) for s in db.session.scalars(
        select(Service).filter_by(organisation_id=current_user.organisation_id))
        if allowed is None or s.id in allowed]
    # the languages the organisation offers people (its settings page)
    org = db.session.get(Organisation, current_user.organisation_id)
    form.language.choices = language_choices(org.languages)
    return form


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.INVITE)
def index():
    from ..services.banks import latest_version

    form = _form()
    links: list[str] = []
    if form.validate_on_submit():
        service = db.session.get(Service, form.service.data)
        survey = inv.survey_for(latest_version(form.bank.data), service, service.organisation)
        made = inv.create_invitations(
            survey, count=1 if form.open_link.data else form.count.data,
            language=form.language.data, easy_read=form.easy_read.data,
            single_use=not form.open_link.data)
        if form.output.data in ("a6", "a4"):
            from ..cards import render_cards

            pdf = render_cards(made, size=form.output.data)
            return Response(pdf, mimetype="application/pdf", headers={
                "Content-Disposition": f"attachment; filename=invitations-{form.output.data}.pdf"})
        links = [inv.invitation_url(i) for i in made]
    return render_template("staff/invitations.html", form=form, links=links), (
        400 if form.errors else 200)
