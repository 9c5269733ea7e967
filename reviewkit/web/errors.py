"""Friendly error pages in the page language; no stack trace ever reaches a person."""

from __future__ import annotations

from flask import Flask, abort, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager

RETRY_AFTER = 60  # seconds: "try again in a minute"
# Words of SQLite's own "busy" errors (another writer held the file past the busy timeout).
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it came from) is the database not answering: a connection
    lost or refused (a PostgreSQL restart, a server down, a file that cannot be opened) or an
    SQLite file busy past its timeout. An error in a statement of ours is not; when SQLAlchemy
    cannot tell (a connection refused is an OperationalError like any other), the database is
    asked, as ``/healthz`` asks it."""
    from ..services.checks import database_error

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DisconnectionError):
            return True
        if isinstance(exc, (OperationalError, InterfaceError)):
            if exc.connection_invalidated or any(w in str(exc.orig) for w in SQLITE_BUSY):
                return True
            _rollback()
            return database_error() is not None
        exc = exc.__cause__ or exc.__context__
    return False


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone: nothing is left to roll back
        db.session.close()


def _kept_form() -> list[tuple[str, str]]:
    """What a form sent (not its files or passwords), for the busy page to send again."""
    if request.method != "POST" or request.mimetype not in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        return []
    return [(name, value) for name, values in request.form.lists() for value in values
            if "password" not in name]


def forgives_nul(view):
    """A page a person types into on their phone: a NUL character in what its form sends
    (it comes with some pasted text) is taken out rather than refused, and :func:`nul_removed`
    says so, for the page to show what was typed again, without it, and why."""
    view.forgives_nul = True
    return view


def nul_removed() -> bool:
    """Whether a NUL character was taken out of this request's form (see :func:`forgives_nul`)."""
    return bool(g.get("nul_removed"))


def _signed_in_staff() -> bool:
    """Whether a member of staff is signed in (without asking the database again if the
    request has not loaded them)."""
    user = g.get("_login_user")
    return bool(user is not None and getattr(user, "is_authenticated", False))


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_nul():
        """A NUL character is never typed by a person (it comes with some pasted text), and
        PostgreSQL refuses it in any text: a request with one in its address or a field's name
        is refused before any work (400). One in what a form sends is taken out: a phone's
        page (:func:`forgives_nul`) shows what was typed again and says why; any other page
        says so and offers to send the rest again."""
        if ("\x00" in request.path or b"\x00" in request.query_string
                or b"%00" in request.query_string):
            abort(400)
        if request.method == "POST" and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            if not any("\x00" in key or "\x00" in value
                       for key, values in request.form.lists() for value in values):
                return None  # every POST passes here: no copy of the form unless needed
            sent = [(key, value) for key, values in request.form.lists() for value in values]
            if any("\x00" in key for key, _value in sent):
                abort(400)
            request.form = request.parameter_storage_class(
                [(key, value.replace("\x00", "")) for key, value in sent])
            g.nul_removed = True
            if not getattr(app.view_functions.get(request.endpoint), "forgives_nul", False):
                return render_template(
                    "errors/error.html", title=_("What you sent had a character we cannot keep"),
                    body=_("It is a hidden character that sometimes comes with pasted text. "
                           "We took it out: you can send the rest again, or go back and check it."),
                    resend=_kept_form(), again=request.full_path.rstrip("?")), 400
        return None

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: (_("Something was wrong with that request"),
                  _("Please go back and try again.")),
            403: (_("You cannot see this page"),
                  _("Ask the person who gave you the link for help.")),
            404: (_("Page not found"),
                  _("The link may be wrong or may have been cut short. Check it, or ask the "
                    "person who gave it to you for a new one.")),
            413: (_("That was too much to send at once"),
                  _("Please make your answer shorter and try again.")),
            429: (_("Too many tries"),
                  _("Please wait a minute, then try again.")),
        }
        title, body = messages.get(
            exc.code or 500, (_("Something went wrong"), _("Please try again in a moment."))
        )
        if exc.code == 403 and _signed_in_staff():  # no link to ask about: their role
            body = _("Your account cannot do this. If you need to, ask an administrator of "
                     "your organisation.")
        return render_template("errors/error.html", title=title, body=body), exc.code or 500

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        if database_unreachable(exc):
            return busy(exc)
        app.logger.exception("Unhandled error")
        _rollback()
        return render_template(
            "errors/error.html",
            title=_("Sorry, something went wrong on our side"),
            body=_("Your earlier answers are saved. Please try again in a few minutes."),
        ), 500

    def busy(exc: Exception):
        """503 while the database does not answer (a restart takes seconds): a plain page that
        says so, and a button that sends again what the person typed."""
        app.logger.error("The database does not answer (%s: %s); the page says to try again",
                         type(exc).__name__, str(getattr(exc, "orig", None) or exc).splitlines()[0])
        _rollback()
        if "_login_user" not in g:  # the page is shown without asking the database who it is
            g._login_user = login_manager.anonymous_user()
        again = request.full_path.rstrip("?") if request.method == "POST" else None
        page = render_template(
            "errors/error.html", title=_("The service is busy for a moment"),
            body=_("Try again in a minute. What you typed is kept.") if again
            else _("Try again in a minute."),
            resend=_kept_form(), again=again)
        return page, 503, {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}
