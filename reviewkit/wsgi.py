"""WSGI entry point: ``gunicorn 'reviewkit.wsgi:app'``."""

import gc

from reviewkit import create_app
from reviewkit.services.checks import limits_in_memory

app = create_app()

# Served to people with limits in each worker's memory: say so at start-up (docs/deploy.md).
if (_limits := limits_in_memory(app)) is not None:
    app.logger.warning("%s", _limits.message)

# Everything made at start-up lives as long as the worker: take it out of the garbage
# collector's rounds, which otherwise walk it again and again (about 10 % of a worker's
# processor time per saved answer, benchmarks/answers.py).
gc.freeze()
