"""Staff accounts, for organisation admins: add people, give a one-time password link, change
an account's name, role and services, and switch it off when someone leaves."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from ..extensions import db
from ..forms.organisation import whole_number
from ..forms.questions import BaseForm, MultiCheckboxField
from ..models import Role, Service, User
from ..services.users import change_account, issue_reset_link_token
from .auth import Permission, requires
from .saving import submitted

bp = Blueprint("users", __name__, url_prefix="/staff/users")
F = TypeVar("F", bound=BaseForm)
ROLE_NAMES = {Role.ADMIN.value: _l("Organisation admin"), Role.FACILITATOR.value: _l("Facilitator"),
              Role.MANAGER.value: _l("Manager or commissioner"),
              Role.TRANSLATOR.value: _l("Translator")}


class _AccountForm(BaseForm):
    """What an admin sets for an account: its name, role and services."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter their name")),
                                               Length(max=200)])
    # Facilitator first and chosen: an organisation admin sees everything, so making one is a
    # choice the admin makes, never what an untouched form sends.
    role = SelectField(_l("Role"), validate_choice=False, default=Role.FACILITATOR.value,
                       choices=[(r, ROLE_NAMES[r]) for r in (
                           Role.FACILITATOR.value, Role.MANAGER.value, Role.TRANSLATOR.value,
                           Role.ADMIN.value)])
    # Boxes to tick: a list box needs Ctrl-click or Shift and the arrows to choose two. The ids
    # sent are checked against this organisation's services (the choices), in words of ours.
    services = MultiCheckboxField(_l("Services (facilitators only see people in these)"),
                                  coerce=whole_number, validate_choice=False)

    def validate_role(self, field):
        if field.data not in ROLE_NAMES:
            raise ValidationError(_l("Choose one from the list."))

    def validate_services(self, field):
        offered = {value for value, _label in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError(_l("Choose a service from the list."))


class UserForm(_AccountForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter their email address")),
        Email(_l("Enter an email address like name@example.org")), Length(max=254)])

    def validate_email(self, field):
        if db.session.scalar(select(User.id).filter_by(email=field.data.strip().lower())):
            raise ValidationError(_l("There is already an account with that email address"))


class ChangeForm(_AccountForm):
    active = BooleanField(_l("This account can sign in"), description=_l(
        "Untick it when someone leaves: they are signed out at once and cannot sign in. "
        "What they recorded stays."))


def _with_services(form: F) -> F:
    form.services.choices = [(s.id, s.name) for s in db.session.scalars(
        select(Service).filter_by(organisation_id=current_user.organisation_id)
        .order_by(Service.name))]
    return form


def _form(**kwargs) -> UserForm:
    return _with_services(UserForm(**kwargs))


LINK_FOR = "password_link_for"  # the session key: whose link the next page view shows


def _link_once() -> str | None:
    """The one-time password link of the account just added (or given a new link), made for
    the one page view after the redirect: the session keeps only whose link it is, never
    the link, and forgets it as the link is shown, so a reload shows none."""
    user_id = session.pop(LINK_FOR, None)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.organisation_id != current_user.organisation_id:
        return None
    return url_for("staff.reset", token=issue_reset_link_token(user), _external=True)


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.USERS)
def index():
    form = _form()
    if form.validate_on_submit():
        user = User(organisation_id=current_user.organisation_id, name=form.name.data,
                    email=form.email.data.strip().lower(), role=form.role.data,
                    password_hash="!", services=[db.session.get(Service, i)
                                                 for i in form.services.data])
        db.session.add(user)
        db.session.commit()
        session[LINK_FOR] = user.id
        flash(_("Account made for %(name)s. Give them this link to set a password (it works "
                "once, for 24 hours).", name=user.name))
        return redirect(url_for(".index"), 303)  # a reload does not send the form again
    users = db.session.scalars(select(User).filter_by(
        organisation_id=current_user.organisation_id).order_by(User.name)).all()
    return render_template("staff/users.html", users=users, form=form, link=_link_once(),
                           roles=ROLE_NAMES, small=BaseForm()), (400 if form.errors else 200)


@bp.post("/<int:user_id>/reset")
@requires(Permission.USERS)
def reset_link(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    if not BaseForm().validate():
        abort(400)
    session[LINK_FOR] = user.id
    flash(_("Give %(name)s this link to set a new password (it works once, for 24 hours).",
            name=user.name))
    return redirect(url_for(".index"), 303)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.USERS)
def change(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    form = _with_services(ChangeForm())
    if not form.is_submitted():
        form = _with_services(ChangeForm(data={
            "name": user.name, "role": user.role, "active": user.active,
            "services": [s.id for s in user.services]}))
    if submitted(form, lambda: change_account(
            current_user, user, name=form.name.data, role=form.role.data,
            service_ids=form.services.data or [], active=form.active.data)):
        flash(_("The changes to %(name)s's account are saved.", name=user.name))
        return redirect(url_for("users.index"))
    return render_template("staff/user.html", form=form, user=user), (
        400 if form.errors else 200)
