"""Change history for the register, by SQLAlchemy-Continuum.

Why Continuum: it is the well-kept library for this (versions for inserts, updates and deletes,
only real changes stored, a transaction with who and when, Alembic-friendly tables), it works
with SQLAlchemy 2 and with SQLite and PostgreSQL alike, and it reads back as a changeset
(``{field: [before, after]}``) that a timeline can show as it is. sqlalchemy-history is a fork
of it with a smaller following; a hand-written log would have to catch every write itself.

Who made a change: :func:`acting_as` names the member of staff for code that runs outside a
request (the CLI, jobs, the demo); in a request it is the signed-in user. No address is kept
(least data): the transaction's ``remote_addr`` is always empty.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy_continuum import make_versioned, version_class, versioning_manager
from sqlalchemy_continuum.plugins import FlaskPlugin

_acting: ContextVar[int | None] = ContextVar("acting_user_id", default=None)


def _user_id() -> int | None:
    acting = _acting.get()
    if acting is not None:
        return acting
    from flask import has_request_context

    if has_request_context():
        from flask_login import current_user

        return getattr(current_user, "id", None)
    return None


@contextmanager
def acting_as(user_id: int | None):
    """Record the changes made inside as made by ``user_id``."""
    token = _acting.set(user_id)
    try:
        yield
    finally:
        _acting.reset(token)


# "subquery": a version row is written once and never updated (the default "validity"
# strategy updates the previous row's end_transaction_id), so the history is append-only.
make_versioned(user_cls="User", options={"strategy": "subquery"}, plugins=[
    FlaskPlugin(current_user_id_factory=_user_id, remote_addr_factory=lambda: None)])


def erase_from_history(model: type, ids, **values) -> None:
    """Erasure on request is the one change made to the history: ``values`` written over
    every version of the rows of ``model`` with these ids (the row's own change is already
    flushed, so its newest version has them too). Who changed what, and when, stays."""
    from sqlalchemy import update

    from ..extensions import db

    version = version_class(model)
    db.session.execute(update(version).where(version.id.in_(list(ids))).values(**values))


def configure() -> None:
    """Build the version classes once every model is defined."""
    sa.orm.configure_mappers()


__all__ = ["acting_as", "configure", "erase_from_history", "version_class",
           "versioning_manager"]
