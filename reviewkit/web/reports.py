"""Reports for managers: monthly check-ins by team."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..services.checkins import checkin_report
from .auth import Permission, requires

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


@bp.get("/check-ins")
@requires(Permission.REPORTS)
def checkins():
    report = checkin_report(current_user.organisation_id)
    return render_template("staff/checkins.html", report=report)
