"""Sending a report's files: every download is logged with who, when, the format and the
filter, and never cached."""

from __future__ import annotations

import json
from datetime import date

from flask import Response, abort
from flask_login import current_user

from ..extensions import db
from ..reports.filters import Filters
from ..reports.formats import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, pdf_bytes, xlsx_bytes
from ..reports.table import Document

FORMATS = ("csv", "xlsx", "pdf")


def send_download(kind: str, body: bytes, mimetype: str, filename: str,
                  filters: Filters | None, *, what: str = "analysis",
                  detail: dict | None = None) -> Response:
    """Send a download, logged with who, when, the format and the filter (``filters`` None:
    a report of the whole organisation, or ``detail`` says what was chosen)."""
    from ..services.people import log_access

    described = json.loads(filters.describe()) if filters is not None else (detail or {})
    log_access(current_user, "download", what, None,
               detail=json.dumps({"format": kind, "filter": described}, sort_keys=True))
    db.session.commit()
    # content_type as given: as a mimetype, werkzeug adds its own charset to a text/ type
    # ("text/csv; charset=utf-8; charset=utf-8")
    return Response(body, content_type=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


def send_document(fmt: str, document: Document, stem: str, filters: Filters | None = None, *,
                  name: str = "", what: str = "analysis", detail: dict | None = None
                  ) -> Response:
    """A report's document as CSV (its first table), XLSX (a sheet per table) or PDF, named
    ``<stem>-<today>.<fmt>`` and logged as ``<name>.<fmt>``; any other format is not
    found."""
    if fmt not in FORMATS:
        abort(404)
    if fmt == "csv":
        body, mimetype = csv_bytes(document.tables[0]), CSV_MIMETYPE
    elif fmt == "xlsx":
        body, mimetype = xlsx_bytes(document), XLSX_MIMETYPE
    else:
        body, mimetype = pdf_bytes(document), "application/pdf"
    return send_download(f"{name or stem}.{fmt}", body, mimetype,
                         f"{stem}-{date.today()}.{fmt}", filters, what=what, detail=detail)
