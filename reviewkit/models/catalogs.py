"""PO files saved from the translator pages, kept in the database so that every app server
serves the same translations (each writes them to its own translations folder and compiles
them when the database holds a newer one than it has)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SavedCatalog(db.Model):
    __tablename__ = "saved_catalog"
    __table_args__ = (UniqueConstraint("lang", "domain"), UniqueConstraint("version"))
    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(16))
    domain: Mapped[str] = mapped_column(String(16))  # messages or banks
    # One number over every file, raised at each save: a server compares it with the highest
    # it has written out, one cheap query.
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the PO file as sent
    # The reviewkit release that took the save: servers of another release keep their own
    # files (a release brings its own messages; a translator merges and saves again).
    release: Mapped[str] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id",
                                                               ondelete="SET NULL"))
