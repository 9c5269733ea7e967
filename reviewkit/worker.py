"""The background worker's entry point: ``huey_consumer reviewkit.worker.huey -w 2``.

Importing this module makes the app (from the same environment and instance folder as the web
app), so every job runs inside its app context; ``reviewkit.tasks`` holds the jobs themselves.
"""

from __future__ import annotations

from . import create_app
from .tasks import huey

app = create_app()

__all__ = ["app", "huey"]
