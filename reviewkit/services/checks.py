"""Is this install set up to serve people? The checks behind ``reviewkit check``, ``/healthz``
and the start-up warning of ``reviewkit.wsgi``; each says what is wrong in plain words and what
to do about it. See docs/deploy.md."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

PROBLEM, NOTE, OK = "problem", "note", "ok"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}
MIN_SECRET_KEY = 32  # characters; ``secrets.token_hex(32)`` gives 64


@dataclass(frozen=True)
class Finding:
    level: str  # PROBLEM (the install is wrong), NOTE (worth knowing) or OK
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def is_production(app: Flask) -> bool:
    """Served to people at a real address (REVIEWKIT_BASE_URL is not this computer)."""
    return urlsplit(app.config["BASE_URL"]).hostname not in LOCAL_HOSTS | {None}


def _safe_url(url: str) -> str:
    """A database or Redis address without its password, to print."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


# ---------------------------------------------------------------------------- reachable?


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def redis_error(url: str) -> str | None:
    """None when the Redis server at ``url`` answers, else why not (one line)."""
    try:
        _redis(url).ping()
    except Exception as exc:  # any failure means unreachable: say why
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def database_error() -> str | None:
    """None when the database answers a query, else why not (one line)."""
    from sqlalchemy import text

    from ..extensions import db

    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means unreachable: say why
        db.session.rollback()
        return str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return None


def limits_storage_error(app: Flask) -> str | None:
    """None when the limits' storage answers (memory always does), else why not."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return redis_error(uri)
    return None


def health(app: Flask) -> list[str]:
    """What is down, for ``/healthz``: empty when the database (and Redis, when set) answer."""
    down = []
    if error := database_error():
        app.logger.error("health check: the database does not answer: %s", error)
        down.append("database unreachable")
    for name, url in _redis_urls(app):
        if error := redis_error(url):
            app.logger.error("health check: %s at %s does not answer: %s", name,
                             _safe_url(url), error)
            down.append("redis unreachable")
    return sorted(set(down))


def _redis_urls(app: Flask) -> list[tuple[str, str]]:
    urls = []
    if app.config.get("REDIS_URL"):
        urls.append(("Redis (jobs)", app.config["REDIS_URL"]))
    limits = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if limits.startswith(("redis://", "rediss://")) and limits != app.config.get("REDIS_URL"):
        urls.append(("Redis (limits)", limits))
    return urls


# ---------------------------------------------------------------------------- the checks


def limits_in_memory(app: Flask) -> Finding | None:
    """Limits kept in each worker's memory on a production install: the start-up warning."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return Finding(PROBLEM if is_production(app) else NOTE,
                       "Limits are switched off (REVIEWKIT_RATELIMIT_ENABLED=0): sign-in "
                       "and finish-later codes can be tried without limit.")
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not uri.startswith("memory://") or not is_production(app):
        return None
    return Finding(PROBLEM, "Limits on sign-in and other tries are kept in each worker's "
                   "memory (REVIEWKIT_RATELIMIT_STORAGE_URI is memory://), so every worker and "
                   "server counts on its own: 4 workers allow 4 times the tries. Set "
                   "REVIEWKIT_REDIS_URL to your Redis server (the limits use it too).")


def _secret_key(app: Flask) -> list[Finding]:
    key = app.config.get("SECRET_KEY") or ""
    if os.environ.get("REVIEWKIT_SECRET_KEY"):
        if len(key) < MIN_SECRET_KEY:
            return [Finding(PROBLEM, f"REVIEWKIT_SECRET_KEY has {len(key)} characters: use at "
                            f"least {MIN_SECRET_KEY}, for example the output of "
                            "`python3 -c 'import secrets; print(secrets.token_hex(32))'`.")]
        return [Finding(OK, "The secret key is set (REVIEWKIT_SECRET_KEY).")]
    found = []
    path = Path(app.instance_path) / "secret_key"
    if path.exists() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        found.append(Finding(PROBLEM, f"{path} can be read by other users: "
                             f"run `chmod 600 {path}`."))
    if is_production(app):
        found.append(Finding(PROBLEM, "No REVIEWKIT_SECRET_KEY is set, so this server made its "
                             f"own key in {path}. Every server must have the same key, or people "
                             "are signed out and their forms refused when a request reaches "
                             "another server: set REVIEWKIT_SECRET_KEY to the same value on "
                             "all of them."))
    else:
        found.append(Finding(NOTE, f"The secret key is the one made for this computer ({path}); "
                             "set REVIEWKIT_SECRET_KEY when you run more than one server."))
    return found


def _base_url(app: Flask) -> list[Finding]:
    base = app.config["BASE_URL"]
    if not is_production(app):
        return [Finding(NOTE, f"Links and QR codes point at {base}, which works on this "
                        "computer only: set REVIEWKIT_BASE_URL to the address people will use "
                        "(https://…). Checks for a live install are skipped until then.")]
    if urlsplit(base).scheme != "https":
        return [Finding(PROBLEM, f"REVIEWKIT_BASE_URL is {base}: links, QR codes and staff "
                        "sign-in would go over plain http, readable on the way and without "
                        "secure cookies. Put TLS on the proxy and use https://.")]
    return [Finding(OK, f"Links and QR codes point at {base}.")]


def _database(app: Flask) -> list[Finding]:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from ..extensions import db

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    shown = _safe_url(uri)
    file = db.engine.url.database if uri.startswith("sqlite") else None
    if file and file != ":memory:" and not Path(file).exists():  # connecting would make it
        return [Finding(PROBLEM, f"There is no database at {file} yet: run `reviewkit init`, "
                        "then `reviewkit setup`.")]
    if error := database_error():
        return [Finding(PROBLEM, f"The database at {shown} does not answer: {error}")]
    found = [Finding(OK, f"The database at {shown} answers.")]
    script = ScriptDirectory(str(Path(__file__).resolve().parent.parent / "migrations"))
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    heads = set(script.get_heads())
    if not current:
        found.append(Finding(PROBLEM, "The database is empty: run `reviewkit init`, then "
                             "`reviewkit setup`."))
    elif current - {r.revision for r in script.walk_revisions()}:
        found.append(Finding(PROBLEM, f"The database is at {', '.join(sorted(current))}, which "
                             "this version of reviewkit does not know: it was upgraded by a newer "
                             "version. Install that version here too."))
    elif current != heads:
        found.append(Finding(PROBLEM, f"The database is at {', '.join(sorted(current))} and this "
                             f"version needs {', '.join(sorted(heads))}: run `reviewkit init` "
                             "(once, from one server) to upgrade it."))
    else:
        found.append(Finding(OK, "The database is up to date."))
    if uri.startswith("sqlite") and is_production(app):
        found.append(Finding(NOTE, "The database is an SQLite file: fine for one server; for "
                             "several servers use PostgreSQL (REVIEWKIT_DATABASE_URL)."))
    return found


def _redis_findings(app: Flask) -> list[Finding]:
    found = []
    for name, url in _redis_urls(app):
        if error := redis_error(url):
            found.append(Finding(PROBLEM, f"{name} at {_safe_url(url)} does not answer: {error}"))
        else:
            found.append(Finding(OK, f"{name} at {_safe_url(url)} answers."))
    if not app.config.get("REDIS_URL") and is_production(app):
        found.append(Finding(NOTE, "No REVIEWKIT_REDIS_URL: background jobs are queued in "
                             f"{Path(app.instance_path) / 'huey.db'}, which only this machine "
                             "sees, so run the job worker here. With several servers, use Redis."))
    if app.config.get("HUEY_IMMEDIATE") and is_production(app):
        found.append(Finding(NOTE, "Background jobs run inside the web server "
                             "(REVIEWKIT_RUN_JOBS_INLINE=1): a long theming run holds a worker "
                             "until it ends. Run `huey_consumer reviewkit.worker.huey` instead."))
    if limited := limits_in_memory(app):
        found.append(limited)
    return found


def _proxies(app: Flask) -> list[Finding]:
    if is_production(app) and not app.config.get("PROXIES"):
        return [Finding(NOTE, "REVIEWKIT_PROXIES is 0: if nginx or a load balancer is in front "
                        "of this server, set it to 1 (the number of proxies), or everyone seems "
                        "to come from the proxy's address and shares one set of limits.")]
    return []


def _instance(app: Flask) -> list[Finding]:
    folder = Path(app.instance_path)
    if not os.access(folder, os.W_OK):
        return [Finding(PROBLEM, f"The instance folder {folder} cannot be written: the "
                        "translations are compiled there and uploads kept while they are read.")]
    return []


def _deleted_kept_days(app: Flask) -> list[Finding]:
    """How long deleted statements and actions are kept (REVIEWKIT_DELETED_KEPT_DAYS)."""
    from .retention import KeptDaysError, parse_kept_days

    try:
        days = parse_kept_days(app.config.get("DELETED_KEPT_DAYS"))
    except KeptDaysError as exc:
        return [Finding(PROBLEM, str(exc))]
    return [Finding(OK, f"Statements and actions deleted on the tablet are erased for good "
                    f"after {days} day(s) (REVIEWKIT_DELETED_KEPT_DAYS), by the job worker each "
                    "night or `reviewkit purge-deleted`.")]


def _numbers(_app: Flask) -> list[Finding]:
    from ..config import number_problems

    return [Finding(PROBLEM, problem) for problem in number_problems()]


def check_install(app: Flask) -> list[Finding]:
    """Everything ``reviewkit check`` looks at: address, key, database, Redis and limits,
    proxies, instance folder, how long deleted rows are kept, number settings."""
    return [*_base_url(app), *_secret_key(app), *_database(app), *_redis_findings(app),
            *_proxies(app), *_instance(app), *_deleted_kept_days(app), *_numbers(app)]
