"""Who may do what. Every route declares a permission (or that it is public); a test walks
every route for every role."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..models import Role


class Permission(StrEnum):
    DASHBOARD = "dashboard"  # see the staff home page
    PEOPLE = "people"  # personal records and consent (facilitators: their services only)
    REVIEWS = "reviews"  # run review conversations, record actions
    INVITE = "invite"  # make invitation links, cards and QR codes
    REPORTS = "reports"  # themes, check-in trends and downloads (no personal details)
    BANKS = "banks"  # question banks and translations
    USERS = "users"  # staff accounts
    REGISTER = "register"  # the co-production register (facilitators: their services' work)
    EVENTS = "events"  # local events, ballots, votes and tallies (facilitators: their events)
    MEASURES = "measures"  # indicators people chose and the repeated self-audit (aggregates)
    ORGANISATION = "organisation"  # the organisation's settings, services and areas (admins)


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.FACILITATOR: frozenset({Permission.DASHBOARD, Permission.PEOPLE, Permission.REVIEWS,
                                 Permission.INVITE, Permission.REGISTER, Permission.EVENTS,
                                 Permission.MEASURES}),
    Role.MANAGER: frozenset({Permission.DASHBOARD, Permission.REPORTS, Permission.REGISTER,
                             Permission.EVENTS, Permission.MEASURES}),
    Role.TRANSLATOR: frozenset({Permission.DASHBOARD, Permission.BANKS}),
}


def can(permission: Permission, user=None) -> bool:
    user = user or current_user
    return bool(user and user.is_authenticated
                and permission in ROLE_PERMISSIONS.get(user.role, frozenset()))


def requires(permission: Permission) -> Callable:
    """Sign-in needed, and a role that has ``permission``; otherwise 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(wrapped)
        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Open to anyone (the phone journey, sign-in, error and about pages)."""
    view.permission = "public"  # type: ignore[attr-defined]
    return view


def signed_in(view: Callable) -> Callable:
    """Any signed-in member of staff (sign out, their own account)."""
    guarded = login_required(view)
    guarded.permission = "signed_in"  # type: ignore[attr-defined]
    return guarded


def init_idle_timeout(app) -> None:
    """Sign staff out after REVIEWKIT_STAFF_IDLE_MINUTES without a request."""
    import time

    from flask import flash, request, session
    from flask_babel import gettext
    from flask_login import logout_user

    @app.before_request
    def idle_timeout():
        # "_user_id" is Flask-Login's mark of a signed-in session: without it (a phone, a
        # visitor) there is no one to sign out, and no user is loaded.
        if "_user_id" not in session or request.endpoint == "static" \
                or not current_user.is_authenticated:
            return None
        now = time.time()
        seen = session.get("staff_seen", now)
        if now - seen > app.config["STAFF_IDLE_MINUTES"] * 60:
            logout_user()
            session.pop("staff_seen", None)
            flash(gettext("You were signed out because nothing happened for a while. "
                          "Please sign in again."))
            return None
        session["staff_seen"] = now
        return None
