"""WSGI entry point: ``gunicorn 'reviewkit.wsgi:app'``."""

from reviewkit import create_app
from reviewkit.services.checks import limits_in_memory

app = create_app()

# Served to people with limits in each worker's memory: say so at start-up (docs/deploy.md).
if (_limits := limits_in_memory(app)) is not None:
    app.logger.warning("%s", _limits.message)
