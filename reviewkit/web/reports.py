"""Reports for managers: monthly check-ins by team, on the page and as CSV, XLSX and PDF."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..models import Role
from ..reports import checkins
from .analysis import visible_services
from .auth import Permission, requires
from .downloads import send_document
from .ideas import page_language

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


def _checkin_report(lang: str | None) -> tuple[checkins.CheckinReport, dict]:
    """The check-ins of the services this member of staff may see (a manager with named
    services sees those only), the questions in ``lang`` (None: the bank's own words), and
    what was chosen, for the access log."""
    if current_user.role == Role.ADMIN.value or not current_user.services:
        return checkins.build(current_user.organisation_id, lang=lang), {"services": "all"}
    ids = {s.id for s in visible_services()}
    return checkins.build(current_user.organisation_id, ids, lang=lang), {
        "services": sorted(ids)}


@bp.get("/check-ins", endpoint="checkins")
@requires(Permission.REPORTS)
def checkins_page():
    report, _chosen = _checkin_report(page_language())
    return render_template("staff/checkins.html", report=report)


@bp.get("/check-ins.<any(csv, xlsx, pdf):fmt>")
@requires(Permission.REPORTS)
def checkins_download(fmt: str):
    # the PDF is to read, in the page's language; the CSV and XLSX are data, in the bank's words
    report, chosen = _checkin_report(page_language() if fmt == "pdf" else None)
    document = checkins.pdf_document(report) if fmt == "pdf" else checkins.workbook(report)
    return send_document(fmt, document, "check-ins", what="check-ins", detail=chosen)
