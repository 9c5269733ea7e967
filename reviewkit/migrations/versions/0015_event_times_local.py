"""events start at the instant staff meant: the date and time typed are the organisation's

Until now the event form stored the date and time it was given as if they were UTC, so an
event typed as 14:00 in British Summer Time was kept as 14:00 UTC (15:00 in London). Each
event's stored time is read back as the wall-clock time it was typed and stored again as the
true instant, in its organisation's time zone. A time that is there twice (the clocks going
back) is taken as the first of the two, as the form takes it; one the clocks skip (going
forward) becomes the instant just after the gap. The downgrade gives back the times as typed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00

"""
from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

DEFAULT_TIMEZONE = 'Europe/London'  # the organisation's default (models/org.py)
event = sa.table('event', sa.column('id', sa.Integer()),
                 sa.column('organisation_id', sa.Integer()),
                 sa.column('starts_at', sa.DateTime(timezone=True)))
organisation = sa.table('organisation', sa.column('id', sa.Integer()),
                        sa.column('timezone', sa.String()))


def _zone(name):
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _utc_wall(value):
    """The stored value's UTC wall-clock time, naive (SQLite gives it naive, PostgreSQL in
    the connection's zone)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _convert(to_instant: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(event.c.id, event.c.starts_at, organisation.c.timezone)
                        .join(organisation, organisation.c.id == event.c.organisation_id)
                        ).all()
    for id_, starts_at, timezone in rows:
        zone, wall = _zone(timezone), _utc_wall(starts_at)
        if to_instant:  # fold=0: the first of two times, as the form's instant() takes it
            new = wall.replace(tzinfo=zone).astimezone(UTC)
        else:
            new = wall.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=UTC)
        conn.execute(event.update().where(event.c.id == id_).values(starts_at=new))


def upgrade():
    _convert(to_instant=True)


def downgrade():
    _convert(to_instant=False)
