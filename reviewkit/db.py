"""Database engine settings: SQLite in WAL mode with a busy timeout; PostgreSQL as it comes.
And :class:`Prepared`, for the few statements run on every request of the phone journey."""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def configure_engine(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {}).update(
            {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    app.teardown_appcontext(release_request_connection)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL + NORMAL: a committed answer survives the process being killed (not a power cut).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Prepared:
    """A Core statement compiled once per dialect and run straight on a pooled DBAPI
    connection (one per request, shared by its Prepared statements), with the column types'
    own bind and result processors (so values go in and come out exactly as through
    SQLAlchemy). For the statements of the phone journey's every request: there SQLAlchemy's
    per-execution work (session, execution context, result objects) cost several times the
    statement itself. Errors come out as SQLAlchemy's (``sqlalchemy.exc.DBAPIError``
    subclasses), and a lost connection is dropped from the pool, as through a Connection.
    Anywhere else, use the session."""

    def __init__(self, build: Callable[[str], Any]) -> None:
        """``build(dialect_name)`` makes the statement (an upsert differs between dialects)."""
        self.build = build
        self._by_dialect: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def run(self, engine: Engine, values: dict, *, commit: bool = False) -> list[tuple]:
        """Execute with ``values`` (by bind name), commit if asked, and return the rows."""
        compiled = self._by_dialect.get(engine.dialect)
        if compiled is None:
            compiled = self._by_dialect[engine.dialect] = _Compiled(
                self.build(engine.dialect.name), engine.dialect)
        dialect = engine.dialect
        conn = _request_connection(engine)
        cursor = None
        try:
            cursor = conn.cursor()
            cursor.execute(compiled.sql, compiled.params(values))
            rows = cursor.fetchall() if cursor.description else []
            cursor.close()
            if commit:
                conn.commit()
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, conn.dbapi_connection, cursor)
            if lost:
                conn.invalidate(error)
            release_request_connection()
            raise DBAPIError.instance(compiled.sql, values, error, dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost, dialect=dialect) from error
        return compiled.rows(rows)


def _request_connection(engine: Engine):
    """The pooled DBAPI connection this request's :class:`Prepared` statements share (one
    checkout, and on PostgreSQL one ping, per request instead of one per statement)."""
    held = g.get("_prepared_connection")
    if held is None or held[0] is not engine:
        release_request_connection()
        try:
            conn = engine.raw_connection()
        except engine.dialect.loaded_dbapi.Error as error:  # the database refused or is gone
            raise DBAPIError.instance(None, None, error, engine.dialect.loaded_dbapi.Error,
                                      dialect=engine.dialect) from error
        held = g._prepared_connection = (engine, conn)
    return held[1]


def release_request_connection(_exc: BaseException | None = None) -> None:
    """Give the request's connection back to the pool, which rolls back whatever was not
    committed (run when the app context ends)."""
    held = g.pop("_prepared_connection", None)
    if held is not None:
        held[1].close()


class _Compiled:
    def __init__(self, statement, dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = compiled.positional
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        self.binds = [(name, compiled.binds[name].type.dialect_impl(dialect)
                       .bind_processor(dialect)) for name in names]
        self.results = [(i, proc) for i, col in enumerate(statement.exported_columns)
                        if (proc := col.type.dialect_impl(dialect)
                            .result_processor(dialect, None)) is not None]

    def params(self, values: dict):
        if self.positional:
            return tuple(values[n] if p is None else p(values[n]) for n, p in self.binds)
        return {n: values[n] if p is None else p(values[n]) for n, p in self.binds}

    def rows(self, rows: list) -> list[tuple]:
        if not self.results:
            return [tuple(row) for row in rows]
        out = []
        for row in rows:
            row = list(row)
            for i, proc in self.results:
                row[i] = proc(row[i])
            out.append(tuple(row))
        return out
