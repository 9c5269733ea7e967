"""(being written)"""

from flask import Blueprint, render_template_string

from .auth import Permission, requires

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")


@bp.get("/")
@requires(Permission.MEASURES)
def index():
    return render_template_string('{% extends "staff/_layout.html" %}{% block content %}<h1>reviewkit</h1>{% endblock %}')
