"""The co-production register for staff: pieces of work, their ideas, answers, actions,
investigations and reviews, with their history."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/staff/register")
