"""WSGI entry point: ``gunicorn 'reviewkit.wsgi:app'``."""

from reviewkit import create_app

app = create_app()
