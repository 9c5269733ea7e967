"""Files saved through one app server that every server must have in its own folder: the PO
files saved from the translator pages and the question banks imported from an XLSForm. Each is
kept in the database; every server writes it to its folder when the database holds a newer one
than it has written (see ``reviewkit.services.saved_files``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class SavedFile(db.Model):
    __tablename__ = "saved_file"
    __table_args__ = (UniqueConstraint("kind", "name"), UniqueConstraint("version"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # Which folder it belongs in: "po" (translations/) or "bank" (REVIEWKIT_BANKS_PATH).
    kind: Mapped[str] = mapped_column(String(16))
    # Its path inside that folder: cy/LC_MESSAGES/banks.po, home-support.yaml.
    name: Mapped[str] = mapped_column(String(200))
    # One number over every file, raised at each save: a server compares it with the highest
    # it has written out, one cheap query.
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the file as saved
    # The reviewkit release that took the save: servers of another release keep their own PO
    # files (a release brings its own messages; a translator merges and saves again).
    release: Mapped[str] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id",
                                                               ondelete="SET NULL"))
