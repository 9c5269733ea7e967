"""Saving a staff form through a service: the one step every register and events page takes.

A service raises :class:`~reviewkit.services.clock.Refused` (a field and a message for a
person) for what it will not save; :func:`submitted` rolls back, puts the message on that field
and keeps what was typed, so the page is shown again with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..extensions import db
from ..forms.questions import BaseForm
from ..services.clock import Refused

T = TypeVar("T")


def refuse(form: BaseForm, error: Refused) -> None:
    """Show a rule the service refused on the field it belongs to (the first field when the
    form has no such field)."""
    field = form._fields.get(error.field) or next(
        f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors = [*field.errors, error.message]


def submitted(form, save: Callable[[], T]) -> T | None:
    """On a valid submit, ``save()``: one call of a service. A rule it refuses goes on the
    form's field, with the transaction rolled back and what was typed kept; None when nothing
    was saved."""
    if not form.validate_on_submit():
        return None
    try:
        return save()
    except Refused as error:
        db.session.rollback()
        refuse(form, error)
        return None
