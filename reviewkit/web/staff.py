"""Staff sign-in and a first dashboard (the full staff side is its own issue)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from ..extensions import db, limiter, login_manager
from ..forms.questions import BaseForm
from ..models import Response, Survey, User
from ..services.users import authenticate, revoke_sessions, set_password, user_for_reset
from .auth import Permission, can, public, requires, signed_in

bp = Blueprint("staff", __name__, url_prefix="/staff")


SESSION_VERSION = "_sv"  # the user's session version when this session signed in


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The signed-in user, unless their sessions were revoked after this one signed in (sign-out,
    password reset, role change raise the version)."""
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or session.get(SESSION_VERSION) != user.session_version:
        return None
    return user


LONGEST_NEXT = 500  # the longest page address kept to go on to after signing in


@login_manager.unauthorized_handler
def _to_sign_in():
    """The sign-in page, then on to the page asked for when its address is short: a long one
    (a filter's typed text) is not copied into the redirect, as a proxy may refuse it."""
    flash(str(login_manager.login_message))
    asked = request.full_path.rstrip("?")
    return redirect(url_for("staff.login", next=asked if len(asked) <= LONGEST_NEXT else None))


class LoginForm(BaseForm):
    email = EmailField(_l("Email address"), validators=[
        InputRequired(_l("Enter your email address")),
        Email(_l("Enter an email address like name@example.org")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        InputRequired(_l("Enter your password")), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session[SESSION_VERSION] = user.session_version
            login_user(user)
            target = request.args.get("next", "")
            safe = (target.startswith("/") and not urlsplit(target).netloc and "//" not in target
                    and len(target) <= LONGEST_NEXT)
            return redirect(target if safe else url_for(".dashboard"))
        form.password.errors.append(_("That email and password do not match an account, or the "
                                      "account is locked for 15 minutes after 5 tries."))
    return render_template("staff/login.html", form=form), (400 if form.errors else 200)


@bp.post("/logout")
@signed_in
def logout():
    form = BaseForm()
    if form.validate():
        revoke_sessions(current_user)
        logout_user()
        session.pop(SESSION_VERSION, None)
        flash(_("You have signed out."))
    return redirect(url_for(".login"))


@bp.get("/")
@requires(Permission.DASHBOARD)
def dashboard():
    counts = db.session.execute(
        select(Survey, func.count(Response.id), func.count(Response.submitted_at))
        .outerjoin(Response, Response.survey_id == Survey.id)
        .where(Survey.organisation_id == current_user.organisation_id)
        .group_by(Survey.id).order_by(Survey.title)
    ).all()
    overdue = []
    if can(Permission.REVIEWS) or can(Permission.REPORTS):
        from ..services.reviews import overdue_actions

        overdue = overdue_actions(current_user)
    return render_template("staff/dashboard.html", rows=counts, overdue=overdue,
                           personal=can(Permission.PEOPLE))


class NewPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[
        InputRequired(_l("Enter a new password")), Length(min=12, max=200, message=_l(
            "Use at least 12 characters. A few words you will remember works well."))])
    confirm = PasswordField(_l("Type it again"), validators=[
        InputRequired(_l("Type the new password again")),
        EqualTo("password", _l("The two passwords are not the same"))])


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("10 per minute", methods=["POST"])
def reset(token: str):
    user = user_for_reset(token)
    if user is None:
        return render_template("errors/error.html", title=_("This link does not work"),
                               body=_("It may have been used already or be more than a day "
                                      "old. Ask your administrator for a new one.")), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data)
        flash(_("Your password is set. Please sign in."))
        return redirect(url_for(".login"))
    return render_template("staff/reset.html", form=form), (400 if form.errors else 200)
