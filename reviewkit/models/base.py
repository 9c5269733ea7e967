from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite (which stores naive ones) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SoftDeleted:
    """A row that Delete hides rather than erases, so that Undo brings it back as it was (same
    id, so the same place in its list). Whoever lists such rows leaves out deleted ones.

    A deleted row is still held: the person's export has it (with when it was deleted and
    when it goes), erasing the person purges it (``services/people.py``), and it is erased for
    good ``DELETED_KEPT_DAYS`` days after it was deleted (``services/deleted.py``)."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
