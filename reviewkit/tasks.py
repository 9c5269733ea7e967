"""Long runs as background jobs on Huey: theming a whole organisation's year; and one nightly
job, erasing for good what was deleted on the tablet long enough ago (``purge_deleted_daily``).

Storage: SQLite in the instance folder (``huey.db``) by default, Redis when
``REVIEWKIT_REDIS_URL`` is set (needs the ``redis`` package). Run a worker beside the web app:

    huey_consumer reviewkit.worker.huey -w 2

(``reviewkit/worker.py`` makes the app the jobs run in; this module never imports the app
factory, which imports it.)

Tests (and ``HUEY_IMMEDIATE=True`` in the app config) run tasks at once, in the calling
process, with Huey's in-memory storage: Huey's own test mode.

A job's progress is kept in Huey's key/value store under ``progress:<job id>``, and who asked
for it under ``job:<job id>``, so the progress page can show it to that organisation only.
The progress is a dict: ``stage`` (one of ``STAGES``, then "done" or "failed"), ``done`` and
``total`` (statements read so far, of all), ``at`` (when it was written) and ``stages`` (each
stage reached so far, in order, with when it began).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date
from typing import Any

from huey import RedisHuey, SqliteHuey, crontab

from .config import instance_path_from_env
from .models.base import utcnow


def _make_huey():
    url = os.environ.get("REVIEWKIT_REDIS_URL")
    if url:
        return RedisHuey("reviewkit", url=url)
    path = instance_path_from_env()
    path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("reviewkit", filename=str(path / "huey.db"))


huey = _make_huey()
# The steps of an organisation-wide theming run, in order, as the progress page counts them:
# vectors made for the statements, grouped into themes, the themes named, their assignments
# saved, the gap analysis's numbers counted and checked (small numbers hidden).
STAGES = ("reading", "grouping", "naming", "saving", "counting")
_worker_app = None


def init_app(app) -> None:
    """Follow the app's HUEY_IMMEDIATE setting: jobs run at once, in the calling process (the
    demo, small services without a worker, and Huey's own test mode). Set both ways, because
    the one Huey object outlives any one app. The app is kept for jobs that run outside any app
    context (in the worker, see ``reviewkit/worker.py``)."""
    global _worker_app
    _worker_app = app
    immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    if huey.immediate != immediate:
        huey.immediate = immediate


@contextmanager
def _app_context():
    """The caller's app context when there is one (immediate mode), else a worker app."""
    from flask import has_app_context

    if has_app_context():
        yield
        return
    if _worker_app is None:
        raise RuntimeError("no app for this job: run the worker as "
                           "'huey_consumer reviewkit.worker.huey'")
    with _worker_app.app_context():
        yield


def _set(key: str, value: Any) -> None:
    huey.put(key, value)  # replaces an earlier value


def job_info(job_id: str) -> dict | None:
    return huey.get(f"job:{job_id}", peek=True)


def job_progress(job_id: str) -> dict | None:
    return huey.get(f"progress:{job_id}", peek=True)


def job_result(job_id: str) -> tuple[str, Any]:
    """("done", result) | ("failed", message) | ("running", None)."""
    from huey.exceptions import TaskException

    try:
        value = huey.result(job_id, preserve=True)
    except TaskException as exc:
        return "failed", str(exc.metadata.get("error") or exc)
    if value is None:
        return "running", None
    if isinstance(value, dict) and value.get("error"):
        return "failed", value["error"]
    return "done", value


@huey.task(context=True)
def theme_organisation(organisation_id: int, bank_id: str | None = None,
                       since: str | None = None, until: str | None = None, task=None):
    """Theme every pooled statement of an organisation (optionally one bank and period),
    then prepare the gap analysis's numbers (``reports.gap.prepare``)."""
    with _app_context():
        from .extensions import db
        from .models import Organisation
        from .services.themes import Scope, ThemingError, pooled_count, run_themes

        job = task.id if task else "immediate"
        scope = Scope(organisation_id, bank_id=bank_id,
                      since=date.fromisoformat(since) if since else None,
                      until=date.fromisoformat(until) if until else None)
        total = pooled_count(scope)  # the statements run_themes reads
        now: dict[str, Any] = {"stage": None, "done": 0, "total": total, "stages": []}

        def stage(name: str) -> None:
            at = utcnow().isoformat()
            now["stages"] = [*now["stages"], {"stage": name, "at": at}]
            if name not in ("reading", "failed"):  # the statements are all read by then
                now["done"] = total
            now.update(stage=name, at=at)
            _set(f"progress:{job}", dict(now))

        def progress(n: int) -> None:
            now.update(done=min(now["done"] + n, total), at=utcnow().isoformat())
            _set(f"progress:{job}", dict(now))

        stage("reading")

        org = db.session.get(Organisation, organisation_id)
        try:
            ts = run_themes(org, scope, progress=progress, stage=stage)
        except ThemingError as exc:
            stage("failed")
            return {"error": str(exc)}
        # count and audit the small numbers now, so the analysis page opens at once
        stage("counting")
        try:
            from .reports.gap import prepare

            prepare(organisation_id, bank_id, scope.since, scope.until)
        except Exception:  # the pages work it out themselves; never fail the job for it
            db.session.rollback()
            import logging

            logging.getLogger(__name__).exception("preparing the gap analysis failed")
        stage("done")
        return {"themes": len((ts.result or {}).get("themes", [])), "statements": total,
                "scope": ts.scope}


def enqueue_theming(user, bank_id: str | None = None, since: date | None = None,
                    until: date | None = None) -> str:
    """Queue a theming run for the user's organisation; returns the job id."""
    result = theme_organisation(user.organisation_id, bank_id,
                                since.isoformat() if since else None,
                                until.isoformat() if until else None)
    _set(f"job:{result.id}", {"organisation_id": user.organisation_id, "user_id": user.id,
                              "bank": bank_id, "since": since.isoformat() if since else None,
                              "until": until.isoformat() if until else None,
                              "queued_at": utcnow().isoformat()})
    return result.id


@huey.periodic_task(crontab(hour="3", minute="40"))
def purge_deleted_daily() -> dict:
    """Every night at 03:40 (UTC), in the worker: erase for good the statements and actions
    deleted more than REVIEWKIT_DELETED_KEPT_DAYS days ago (``services/deleted.py``). The
    consumer runs it (``huey_consumer`` schedules periodic tasks unless started with ``-n``);
    an install with no worker runs ``reviewkit purge-deleted`` from cron (docs/backups.md).
    A wrong setting erases nothing and is logged (``reviewkit check`` says so too)."""
    import logging

    from .services.deleted import purge_deleted
    from .services.retention import KeptDaysError

    with _app_context():
        try:
            done = purge_deleted()
        except KeptDaysError as exc:
            logging.getLogger(__name__).error("deleted rows not erased: %s", exc)
            return {"error": str(exc)}
        return {"statements": done.statements, "actions": done.actions, "days": done.days}
