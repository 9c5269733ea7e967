"""Staff accounts: argon2 password hashes, lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..extensions import db
from ..models import Organisation, Role, Service, User
from ..models.base import utcnow

_hasher = PasswordHasher()
MAX_FAILURES = 5
LOCK_MINUTES = 15


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(org: Organisation, email: str, name: str, password: str, role: Role) -> User:
    user = User(organisation=org, email=email.strip().lower(), name=name,
                password_hash=hash_password(password), role=role.value)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account is not locked; counts failures."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        _hasher.hash(password)  # same work either way, so timing does not tell who exists
        return None
    if user.locked_until and user.locked_until > utcnow():
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = utcnow() + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        db.session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


RESET_HOURS = 24
MIN_PASSWORD = 12


class AccountError(ValueError):
    """An account change that cannot be made, with a message for a person."""


def _digest(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset_link_token(user: User) -> str:
    """A one-time token for a password reset link (an admin passes the link on). Only its hash
    is stored; it works once, within 24 hours."""
    import secrets

    token = secrets.token_urlsafe(32)
    user.reset_token_hash = _digest(token)
    user.reset_expires_at = utcnow() + timedelta(hours=RESET_HOURS)
    db.session.commit()
    return token


def user_for_reset(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(User).filter_by(reset_token_hash=_digest(token)))
    if user is None or not user.reset_expires_at or user.reset_expires_at < utcnow():
        return None
    return user


def _end_sessions(user: User) -> None:
    """Every session the user signed in before now stops working (on the next commit)."""
    user.session_version = (user.session_version or 0) + 1


def revoke_sessions(user: User) -> None:
    """Sign the user out everywhere."""
    _end_sessions(user)
    db.session.commit()


def change_account(admin: User, user: User, *, name: str, role: str,
                   service_ids: list[int], active: bool) -> User:
    """An admin changes a staff account of their organisation: name, role, services and
    whether it may sign in. A new role or a switched-off account signs the person out
    everywhere (their sessions are revoked); an admin cannot take away their own admin role
    or switch off their own account, so every organisation keeps an admin. Logged."""
    from flask_babel import lazy_gettext as _l

    from .clock import Refused
    from .people import log_access

    if user.organisation_id != admin.organisation_id:
        raise Refused("name", _l("That account is not in your organisation."))
    if user.id == admin.id and (role != Role.ADMIN.value or not active):
        raise Refused("role" if role != Role.ADMIN.value else "active", _l(
            "You cannot take away your own admin role or switch off your own account. "
            "Ask another admin."))
    services = [db.session.get(Service, i) for i in service_ids]
    if any(s is None or s.organisation_id != admin.organisation_id for s in services):
        raise Refused("services", _l("Choose a service from the list."))
    changes = [what for what, changed in (
        ("name", user.name != name), ("role", user.role != role),
        ("services", {s.id for s in user.services} != set(service_ids)),
        ("active", user.active != active)) if changed]
    if role != user.role or active != user.active:
        _end_sessions(user)
    user.name, user.role, user.active, user.services = name, role, active, services
    if changes:
        log_access(admin, "change", "user", user.id, detail=", ".join(changes))
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """A new password; every session signed in with the old one stops working."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"use at least {MIN_PASSWORD} characters")
    _end_sessions(user)
    user.password_hash = hash_password(password)
    user.reset_token_hash = None
    user.reset_expires_at = None
    user.failed_logins = 0
    user.locked_until = None
    db.session.commit()


DEMO_USERS = [
    ("admin@riverside.example.org", "Alex Admin", Role.ADMIN),
    ("facilitator@riverside.example.org", "Fran Facilitator", Role.FACILITATOR),
    ("manager@riverside.example.org", "Morgan Manager", Role.MANAGER),
    ("translator@riverside.example.org", "Tam Translator", Role.TRANSLATOR),
]
DEMO_PASSWORD = "demo-password-1"


def ensure_demo_users(org: Organisation) -> list[tuple[str, str, str]]:
    """Demo staff accounts (the same fixed demo password; never use it outside the demo)."""
    for email, name, role in DEMO_USERS:
        if db.session.scalar(select(User).filter_by(email=email)) is None:
            create_user(org, email, name, DEMO_PASSWORD, role)
    return [(email, DEMO_PASSWORD, role.value) for email, _, role in DEMO_USERS]
