"""A server's own checks: ``reviewkit check``, ``/healthz``, the start-up warning about limits
kept in memory, limits kept in Redis when it is set, and people's own addresses behind a proxy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import form_token, initialised_app
from flask_migrate import stamp
from servers import app_env, free_port, redis_server

from reviewkit import create_app
from reviewkit.cli import main
from reviewkit.config import settings

KEY = "k" * 64
DEAD_REDIS = "redis://127.0.0.1:{port}/0"


def _check(app) -> tuple[int, list[str]]:
    result = app.test_cli_runner().invoke(main, ["check"], catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


def _line(lines: list[str], words: str) -> str:
    found = [ln for ln in lines if words in ln]
    assert found, f"no line with {words!r} in:\n" + "\n".join(lines)
    return found[0]


def test_check_says_in_plain_words_what_is_wrong_with_a_live_install(app, monkeypatch):
    monkeypatch.delenv("REVIEWKIT_SECRET_KEY", raising=False)
    app.config.update(BASE_URL="http://reviews.example.org", RATELIMIT_STORAGE_URI="memory://",
                      REDIS_URL=DEAD_REDIS.format(port=free_port()))
    code, lines = _check(app)
    assert code == 1
    assert _line(lines, "plain http").startswith("problem:")
    assert _line(lines, "No REVIEWKIT_SECRET_KEY").startswith("problem:")
    assert _line(lines, "Redis (jobs)").startswith("problem:")
    assert "does not answer" in _line(lines, "Redis (jobs)")
    assert _line(lines, "each worker's memory").startswith("problem:")
    assert _line(lines, "The database is up to date").startswith("ok:")


def test_check_finds_migrations_behind(app):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(app.root_path) / "migrations"))
    stamp(revision=script.get_revision(script.get_current_head()).down_revision)
    code, lines = _check(app)
    assert code == 1
    assert "run `reviewkit init`" in _line(lines, "this version needs")


def test_check_passes_a_live_install_set_up_as_the_guide_says(app, monkeypatch, tmp_path):
    with redis_server(tmp_path) as redis_url:
        monkeypatch.setenv("REVIEWKIT_SECRET_KEY", KEY)
        app.config.update(BASE_URL="https://reviews.example.org", SECRET_KEY=KEY,
                          REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url, PROXIES=1)
        code, lines = _check(app)
    assert code == 0, lines
    assert all(ln.startswith(("ok:", "note:")) for ln in lines), lines
    assert "answers" in _line(lines, "Redis (jobs)")


def test_check_on_a_machine_with_no_database_yet_says_to_run_init(tmp_path):
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'none.db'}"})
    code, lines = _check(app)
    assert code == 1 and "run `reviewkit init`" in _line(lines, "There is no database")
    assert not (tmp_path / "none.db").exists()  # checking made no empty database


def test_healthz_is_ok_when_the_database_and_redis_answer(app, tmp_path):
    with redis_server(tmp_path) as redis_url:
        app.config["REDIS_URL"] = redis_url
        r = app.test_client().get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}


def test_healthz_says_503_and_which_part_is_down(app, tmp_path):
    app.config["REDIS_URL"] = DEAD_REDIS.format(port=free_port())
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and r.mimetype == "text/plain"
    assert r.get_data(as_text=True) == "redis unreachable\n"
    (tmp_path / "gone").mkdir()
    broken = create_app({"INSTANCE_PATH": tmp_path / "other", "TESTING": True,
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'gone' / 'x' / 'db'}"})
    r = broken.test_client().get("/healthz")
    assert r.status_code == 503 and r.get_data(as_text=True) == "database unreachable\n"


def test_limits_are_kept_in_redis_when_redis_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv("REVIEWKIT_RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REVIEWKIT_REDIS_URL", raising=False)
    assert settings(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("REVIEWKIT_REDIS_URL", "redis://cache.internal:6379/0")
    assert settings(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
    monkeypatch.setenv("REVIEWKIT_RATELIMIT_STORAGE_URI", "redis://other:6379/1")
    assert settings(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://other:6379/1"


def _start_server_process(app, **env: str) -> str:
    """What a gunicorn worker logs as it loads reviewkit.wsgi (its standard error)."""
    done = subprocess.run([sys.executable, "-c", "import reviewkit.wsgi"], capture_output=True,
                          text=True, timeout=120, env=app_env(app, **env))
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.mark.slow
def test_a_live_server_warns_at_start_when_limits_are_kept_in_each_workers_memory(app):
    live = {"REVIEWKIT_BASE_URL": "https://reviews.example.org",
            "REVIEWKIT_RATELIMIT_STORAGE_URI": "", "REVIEWKIT_REDIS_URL": ""}
    warned = _start_server_process(app, **live)
    assert "WARNING" in warned and "each worker's memory" in warned
    assert "REVIEWKIT_REDIS_URL" in warned
    redis = "redis://127.0.0.1:6379/0"  # only named at start-up, never reached
    assert "each worker's memory" not in _start_server_process(
        app, **{**live, "REVIEWKIT_REDIS_URL": redis})
    assert "each worker's memory" not in _start_server_process(
        app, **{**live, "REVIEWKIT_BASE_URL": "http://localhost:5000"})


def _sign_in_statuses(client, address: str, n: int) -> list[int]:
    token = form_token(client, "/staff/login")
    return [client.post("/staff/login", headers={"X-Forwarded-For": address},
                        data={"email": "x@example.org", "password": "nope",
                              "csrf_token": token}).status_code for _ in range(n)]


def test_behind_a_proxy_each_person_has_their_own_limit(tmp_path):
    with initialised_app(tmp_path, PROXIES=1) as app:
        client = app.test_client()
        assert _sign_in_statuses(client, "203.0.113.7", 11)[-1] == 429
        assert _sign_in_statuses(client, "203.0.113.8", 1) == [400]  # another person


def test_without_a_proxy_a_forwarded_address_is_not_believed(app):
    client = app.test_client()
    assert _sign_in_statuses(client, "203.0.113.7", 11)[-1] == 429
    assert _sign_in_statuses(client, "203.0.113.8", 1) == [429]  # a made-up address gains nothing


def test_with_redis_gone_a_finish_later_code_is_still_looked_up(tmp_path):
    """Limits kept in a Redis that does not answer: the request goes on without its limit (the
    error is logged), rather than failing."""
    dead = DEAD_REDIS.format(port=free_port())
    with initialised_app(tmp_path, RATELIMIT_STORAGE_URI=dead, REDIS_URL=dead) as app:
        client = app.test_client()
        token = form_token(client, "/resume")
        r = client.post("/resume", data={"code": "K7PQ-4XR9-MN3T", "csrf_token": token})
        assert r.status_code == 400
        assert "We could not find that code" in r.get_data(as_text=True)
        staff = client.post("/staff/login", data={"email": "x@example.org", "password": "nope",
                                                  "csrf_token": form_token(client, "/staff/login")})
        assert staff.status_code == 400


def test_a_limit_counted_after_the_response_is_refused_when_declared():
    from reviewkit.extensions import limiter

    with pytest.raises(TypeError, match="deduct_when"):
        limiter.limit("1 per minute", deduct_when=lambda response: True)


def test_a_number_setting_with_a_typo_starts_the_app_and_check_says_what_is_wrong(
        app, monkeypatch, tmp_path):
    """REVIEWKIT_STAFF_IDLE_MINUTES=3O (a letter O) stopped every server from starting with
    'ValueError: invalid literal for int()'; now the app starts with the default and
    ``reviewkit check`` says which setting, what it holds and what is used instead."""
    monkeypatch.setenv("REVIEWKIT_STAFF_IDLE_MINUTES", "3O")
    monkeypatch.setenv("REVIEWKIT_PROXIES", "-1")
    values = settings(tmp_path)
    assert values["STAFF_IDLE_MINUTES"] == 30 and values["PROXIES"] == 0
    code, lines = _check(app)
    assert code == 1
    idle = _line(lines, "REVIEWKIT_STAFF_IDLE_MINUTES is '3O'")
    assert idle.startswith("problem:") and "from 1 to 1440 (minutes), so 30 is used" in idle
    assert _line(lines, "REVIEWKIT_PROXIES is '-1'").startswith("problem:")
    monkeypatch.setenv("REVIEWKIT_STAFF_IDLE_MINUTES", "45")
    monkeypatch.setenv("REVIEWKIT_PROXIES", "1")
    assert (settings(tmp_path)["STAFF_IDLE_MINUTES"], settings(tmp_path)["PROXIES"]) == (45, 1)
    assert not [ln for ln in _check(app)[1] if "REVIEWKIT_STAFF_IDLE" in ln]
