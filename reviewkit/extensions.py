"""Flask extensions, created once and bound to an app in :func:`reviewkit.create_app`."""

from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from itsdangerous import TimestampSigner, want_bytes
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay usable after a commit (no reload): a service commits, the view goes on with
# what it already has, which halves the queries of an answer being saved.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
babel = Babel()

from flask_babel import lazy_gettext as _l  # noqa: E402
from flask_login import LoginManager  # noqa: E402

login_manager = LoginManager()
login_manager.login_view = "staff.login"
# In the page's language, made into words when flashed (a session cannot keep a lazy text).
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.needs_refresh_message = _l("Please sign in again to see this page.")
login_manager.localize_callback = str

from flask_limiter import Limiter  # noqa: E402
from flask_limiter.util import get_remote_address  # noqa: E402


class RouteLimiter(Limiter):
    """Flask-Limiter for the few routes that declare a limit with ``@limiter.limit`` (sign-in,
    password reset); such a route checks its own limit when called. reviewkit sets no default or
    application-wide limits, so the check Flask-Limiter also runs before every request would only
    look for limits that are never there, and on the phone journey it cost about a tenth of
    saving an answer. It is taken out; give a route a limit with the decorator.

    Its hook after every response only adds rate-limit headers (off in reviewkit) and counts
    limits given ``deduct_when`` (which reviewkit does not use, and :meth:`limit` refuses), so
    with headers off it is taken out too."""

    def init_app(self, app) -> None:
        super().init_app(app)
        hooks = app.before_request_funcs.get(None, [])
        if self._check_request_limit in hooks:
            hooks.remove(self._check_request_limit)
        if not app.config.get("RATELIMIT_HEADERS_ENABLED", False):
            after = app.after_request_funcs.get(None, [])
            after[:] = [hook for hook in after
                        if getattr(hook, "func", None) is not Limiter._Limiter__inject_headers]

    def limit(self, *args, **kwargs):
        if kwargs.get("deduct_when") is not None:
            raise TypeError("reviewkit's limiter does not count limits after the response "
                            "(deduct_when)")
        return super().limit(*args, **kwargs)


# In memory per process by default; set REVIEWKIT_RATELIMIT_STORAGE_URI (e.g. redis://) to share.
limiter = RouteLimiter(key_func=get_remote_address, default_limits=[], application_limits=[])


class RememberingSigner(TimestampSigner):
    """itsdangerous's timestamp signer that remembers the signatures it has found good, so a
    phone sending the same session cookie again is not checked with HMAC again. Only good
    ones are kept, keyed by the secret keys, salt and method as well as the exact bytes, so a
    changed cookie or key is checked in full; the cookie's age is still checked every time (by
    :meth:`TimestampSigner.unsign`, after this)."""

    _good: set[tuple] = set()
    KEEP = 10_000

    def verify_signature(self, value: str | bytes, sig: str | bytes) -> bool:
        remembered = (tuple(self.secret_keys), self.salt, self.key_derivation,
                      self.digest_method, want_bytes(value), want_bytes(sig))
        if remembered in self._good:
            return True
        good = super().verify_signature(value, sig)
        if good:
            if len(self._good) >= self.KEEP:
                self._good.clear()
            self._good.add(remembered)
        return good


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session as it is, with its serializer made once for each secret
    key (and fallbacks) instead of on every request (making one runs its JSON serializer once
    to test it: a thirtieth of saving an answer), and a :class:`RememberingSigner`."""

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_serializer", None)
        if cached is None or cached[0] != key:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                serializer.signer = RememberingSigner
            cached = self._serializer = (key, serializer)
        return cached[1]
