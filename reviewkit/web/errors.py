"""Friendly error pages in the page language; no stack trace ever reaches a person."""

from __future__ import annotations

from flask import Flask, abort, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..extensions import db


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_nul():
        """A NUL character is never typed by a person, and PostgreSQL refuses it in any text:
        a request carrying one in its address or its form is refused before any work (400)."""
        if ("\x00" in request.path or b"\x00" in request.query_string
                or b"%00" in request.query_string):
            abort(400)
        if request.method == "POST" and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            if any("\x00" in key or "\x00" in value
                   for key, values in request.form.lists() for value in values):
                abort(400)

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
        return render_template("errors/error.html", title=title, body=body), exc.code or 500

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_template(
            "errors/error.html",
            title=_("Sorry, something went wrong on our side"),
            body=_("Your earlier answers are saved. Please try again in a few minutes."),
        ), 500
