"""The baseline for benchmarks/answers.py: a bare Flask app with one POST endpoint that inserts
one row into SQLite (WAL mode, same pragmas and busy timeout as reviewkit) and redirects, as
reviewkit does after saving an answer.

    BARE_DB=/tmp/bare.db gunicorn --chdir benchmarks bare_app:app -w 4

No ORM, no forms, no CSRF, no templates, no sessions: the floor for "parse a form, commit one
row, answer 302" through the same gunicorn and the same SQLite file settings.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from flask import Flask, redirect, request

DB_PATH = os.environ.get("BARE_DB", "bare.db")
_local = threading.local()


def _connect() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=NORMAL")  # as reviewkit.db
    return conn


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = _connect()
    return conn


def create_schema() -> None:
    conn = _connect()
    conn.execute(
        "CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY, key TEXT NOT NULL,"
        " question_id TEXT NOT NULL, value TEXT, created_at REAL NOT NULL)"
    )
    conn.close()


app = Flask(__name__)
create_schema()


@app.post("/a/<key>/q/<qid>")
def answer(key: str, qid: str):
    conn = connection()
    conn.execute(
        "INSERT INTO answer (key, question_id, value, created_at) VALUES (?, ?, ?, ?)",
        (key, qid, request.form.get("answer", ""), time.time()),
    )  # autocommit: one INSERT is one transaction
    return redirect(f"/a/{key}/q/next")


@app.get("/healthz")
def healthz():
    return "ok"
