"""reviewkit: person-centred reviews, easy-read questionnaires and themes for care services."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from .version import __version__  # noqa: F401  (reviewkit.__version__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory. ``config`` overrides settings (tests pass INSTANCE_PATH here)."""
    from . import config as settings_mod
    from .db import configure_engine
    from .extensions import SessionInterface, babel, db, limiter, login_manager, migrate
    from .i18n import init_i18n, select_locale
    from .services.clock import timezone_name
    from .web import register_blueprints
    from .web.errors import register_error_handlers

    overrides = dict(config or {})
    instance = Path(overrides.pop("INSTANCE_PATH", None) or settings_mod.instance_path_from_env())
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance.resolve()))
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = DatabaseInt  # before any route is added
    app.config.update(settings_mod.settings(instance))
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings_mod.load_secret_key(instance)
    configure_engine(app)
    if proxies := app.config.get("PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    init_i18n(app)  # compiles catalogues first: Flask-Babel reads their folder in init_app
    babel.init_app(app, locale_selector=select_locale, timezone_selector=timezone_name)
    login_manager.init_app(app)
    limiter.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    from . import tasks

    tasks.init_app(app)
    register_security_headers(app)
    return app


class DatabaseInt(IntegerConverter):
    """``<int:...>`` for database ids: a number too large for an id column matches no route (404)
    rather than reaching the database and failing there (500). Ids are ``Integer`` columns, which
    PostgreSQL keeps in 32 bits (SQLite in 64), so the bound is PostgreSQL's."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_security_headers(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    app.jinja_env.globals["csrf_token"] = generate_csrf

    headers = SECURITY_HEADERS

    @app.after_request
    def security_headers(response):
        for name, value in headers:
            if name not in response.headers:  # a page may set its own (the translator preview)
                response.headers[name] = value
        return response


SECURITY_HEADERS = (
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    # Invitation links carry their token: never send them on to another site.
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
