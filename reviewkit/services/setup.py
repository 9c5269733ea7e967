"""Create or upgrade the database, then load the shipped banks."""

from __future__ import annotations

from flask_migrate import upgrade

from .banks import SyncReport, sync_banks


def init_database() -> SyncReport:
    upgrade()
    return sync_banks()
