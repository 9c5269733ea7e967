"""Staff accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from ..extensions import db
from .base import Timestamps, UTCDateTime
from .org import Organisation, Service


class Role(StrEnum):
    ADMIN = "admin"  # organisation admin
    FACILITATOR = "facilitator"  # runs reviews for their services
    MANAGER = "manager"  # manager or commissioner: reports, no personal details
    TRANSLATOR = "translator"  # question banks only


user_service = Table(
    "user_service",
    db.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, Timestamps, db.Model):
    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    # The services a facilitator works in (admins and managers see the whole organisation).
    services: Mapped[list[Service]] = relationship(secondary=user_service)
    # One-time password reset link, issued by an admin (only its hash is kept).
    reset_token_hash: Mapped[str | None] = mapped_column(String(64))
    reset_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stored in the session at sign-in; raised on sign-out, password reset and role change, so
    # every session signed in before (a copied cookie, another device) stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def service_ids(self) -> set[int] | None:
        """The services a facilitator works in; None (all) for admins, and for managers, who see
        the whole organisation but never personal details (their role has no PEOPLE right)."""
        if self.role != Role.FACILITATOR.value:
            return None
        return {s.id for s in self.services}

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active


@event.listens_for(User.role, "set", active_history=True)
def _role_changed(user: User, value, oldvalue, initiator) -> None:
    """A change of role signs the person out everywhere (their rights changed)."""
    if oldvalue not in (NO_VALUE, NEVER_SET, None) and value != oldvalue:
        user.session_version = (user.session_version or 0) + 1
