"""Settings from ``REVIEWKIT_*`` environment variables, with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

LANGUAGES = {
    # code: (name in its own language, text direction)
    "en": ("English", "ltr"),
    "cy": ("Cymraeg", "ltr"),
    "pl": ("Polski", "ltr"),
    "ur": ("اردو", "rtl"),
    "pa": ("ਪੰਜਾਬੀ", "ltr"),
    "ar": ("العربية", "rtl"),
    "ro": ("Română", "ltr"),
}
REPO_ROOT = Path(__file__).resolve().parent.parent


def instance_path_from_env() -> Path:
    return Path(os.environ.get("REVIEWKIT_INSTANCE_PATH", "instance")).resolve()


def load_secret_key(instance_path: Path) -> str:
    """``REVIEWKIT_SECRET_KEY``, else a key generated once and kept in the instance folder
    (0600)."""
    if key := os.environ.get("REVIEWKIT_SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


# Settings that are whole numbers: (default, lowest, highest, what the number counts).
NUMBERS = {
    "REVIEWKIT_STAFF_IDLE_MINUTES": (30, 1, 24 * 60, "minutes"),
    "REVIEWKIT_PROXIES": (0, 0, 5, "proxies in front of this server"),
}


def _usable(raw: str, low: int, high: int) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and low <= int(raw) <= high else None


def whole_number(name: str) -> int:
    """The environment variable ``name`` of :data:`NUMBERS` as a number, or its default when it
    is unset or not a whole number in its range: a typo must not stop every server from
    starting with a traceback. ``reviewkit check`` reports it (:func:`number_problems`)."""
    default, low, high, _what = NUMBERS[name]
    value = _usable(os.environ.get(name, "").strip(), low, high)
    return default if value is None else value


def number_problems() -> list[str]:
    """Plain words for each number setting that is set but cannot be used."""
    problems = []
    for name, (default, low, high, what) in NUMBERS.items():
        raw = os.environ.get(name, "").strip()
        if raw and _usable(raw, low, high) is None:
            problems.append(f"{name} is {raw!r}: it must be a whole number from {low} to "
                            f"{high} ({what}), so {default} is used.")
    return problems


def settings(instance_path: Path) -> dict:
    """Configuration for a Flask app whose instance folder is ``instance_path``."""
    db_url = (os.environ.get("REVIEWKIT_DATABASE_URL")
              or f"sqlite:///{instance_path / 'reviewkit.db'}")
    if db_url.startswith("postgres://"):  # the spelling some hosts use
        db_url = "postgresql://" + db_url.removeprefix("postgres://")
    if db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url.removeprefix("postgresql://")
    redis_url = os.environ.get("REVIEWKIT_REDIS_URL", "").strip()
    return {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "BASE_URL": os.environ.get("REVIEWKIT_BASE_URL", "http://localhost:5000").rstrip("/"),
        "BANKS_PATH": os.environ.get("REVIEWKIT_BANKS_PATH", str(REPO_ROOT / "question_banks")),
        "BABEL_TRANSLATION_DIRECTORIES": str(REPO_ROOT / "translations"),
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": LANGUAGES,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("REVIEWKIT_BASE_URL", "").startswith("https://"),
        "WTF_CSRF_TIME_LIMIT": None,  # a person may take all afternoon over one question
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 90,  # a phone remembers an open link
        # Run background jobs in the web process (small services with no job worker).
        "HUEY_IMMEDIATE": os.environ.get("REVIEWKIT_RUN_JOBS_INLINE", "0") == "1",
        "STAFF_IDLE_MINUTES": whole_number("REVIEWKIT_STAFF_IDLE_MINUTES"),
        # Days a statement or action deleted on the tablet is kept for Undo before it is erased
        # for good (services/deleted.py). Kept as written: a wrong value is reported by
        # ``reviewkit check`` and erases nothing, rather than stopping the app.
        "DELETED_KEPT_DAYS": os.environ.get("REVIEWKIT_DELETED_KEPT_DAYS", "").strip() or 30,
        # Redis for the job queue (reviewkit/tasks.py reads the same variable) and, unless
        # REVIEWKIT_RATELIMIT_STORAGE_URI says otherwise, for the limits: kept in Redis, every
        # worker and server counts the same tries; in memory, each worker keeps its own count.
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": (os.environ.get("REVIEWKIT_RATELIMIT_STORAGE_URI")
                                  or redis_url or "memory://"),
        # Redis gone for a moment: the request goes on without its limit (and the error is
        # logged) rather than failing; sign-in lock-outs are kept in the database regardless.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Proxies in front of the app (nginx: 1). Their X-Forwarded-For and -Proto are then
        # believed, so each person's address is their own (limits per client need it), not the
        # proxy's. Leave 0 when gunicorn faces the internet, or anyone could claim any address.
        "PROXIES": whole_number("REVIEWKIT_PROXIES"),
        "RATELIMIT_HEADERS_ENABLED": False,
        # "Finish later" codes that did not match: per client, and from everyone together. Past
        # either, finding answers by code pauses (the person's own link still works).
        "RESUME_MISSES_PER_CLIENT": os.environ.get("REVIEWKIT_RESUME_MISSES_PER_CLIENT",
                                                   "10 per 10 minutes"),
        "RESUME_MISSES_OVERALL": os.environ.get("REVIEWKIT_RESUME_MISSES_OVERALL",
                                                "100 per hour"),
        # Explicit, because Flask-Limiter keeps the last app's choice on its one shared Limiter.
        "RATELIMIT_ENABLED": os.environ.get("REVIEWKIT_RATELIMIT_ENABLED", "1") != "0",
    }
