"""Pages that are not part of a journey: home, about (credits), health check, and "you said, we
did" for an organisation and for each of its pieces of work."""

from datetime import date, timedelta

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation
from ..services.register import months_before, today_
from .auth import public
from .translate import without_saved_files_check

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home():
    return render_template("home.html")


@bp.get("/about")
@public
def about():
    return render_template("about.html")


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page links to: send them to our icon."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
@public
@without_saved_files_check
def healthz():
    """For the load balancer: 200 when the database (and Redis, when set) answer; 503 with a
    plain line for each part that does not (details go to the log, not to the caller)."""
    from flask import current_app

    from ..services.checks import health

    down = health(current_app)
    if down:
        return Response("".join(f"{part}\n" for part in down), 503, mimetype="text/plain")
    return {"status": "ok"}


# ---------------------------------------------------------------------------- you said, we did
# "You said, we did" for everyone, with no account: the organisation's over a period, and one
# piece of work's; each as a page, a PDF (?easy=1: the easy-read one with pictures).

PAGE_LIMIT = 30  # items a page lists of each kind (the PDFs have them all)


def _organisation(slug: str) -> Organisation:
    from .ideas import of_organisation

    organisation = db.session.scalar(select(Organisation).filter_by(slug=slug))
    if organisation is None:
        abort(404)
    of_organisation(organisation.id)
    return organisation


def _period() -> tuple[date, date, dict, str | None]:
    """The period asked for (``?from=`` and ``?to=``: a date or a quarter), the last 12
    months by default; what was typed, and a message when it cannot be read."""
    from ..reports.filters import FilterError, parse_when

    typed = {k: request.args.get(k, "").strip()[:40] for k in ("from", "to")}
    until = today_()
    since = months_before(until, 12) + timedelta(days=1)
    try:
        since = parse_when(typed["from"], end=False) or since
        until = parse_when(typed["to"], end=True) or until
    except FilterError:
        return since, until, typed, gettext("Write a date like 2026-03-31 or a quarter like "
                                            "2026-Q1.")
    if since > until:
        return until, until, typed, gettext("The start must be before the end.")
    return since, until, typed, None


def _organisation_record(slug: str):
    from ..reports import you_said_we_did as ysw

    organisation = _organisation(slug)
    since, until, typed, error = _period()
    return ysw.for_organisation(organisation, since, until), typed, error


def _work_record(slug: str, code: str):
    from ..reports import you_said_we_did as ysw
    from .ideas import work_by_code

    organisation = _organisation(slug)
    work = work_by_code(code)
    if work.organisation_id != organisation.id:
        abort(404)
    return ysw.for_work(work)


def _page(record, typed: dict | None = None, error: str | None = None):
    from .ideas import easy_read, picture

    return render_template("you_said_we_did.html", record=record,
                           organisation=record.organisation, work=record.work,
                           easy_read=easy_read(), pic=picture, limit=PAGE_LIMIT,
                           typed=typed or {}, error=error), 400 if error else 200


def _pdf(record):
    """The record as a PDF: the easy-read one with pictures (``?easy=1``), else the report
    document every report prints."""
    from ..pdf import html_to_pdf, inline_pictogram
    from ..reports import you_said_we_did as ysw
    from ..reports.formats import pdf_bytes
    from .ideas import easy_read

    title = gettext("You said, we did") + ": " + (record.work.title if record.work
                                                   else record.organisation.name)
    easy = easy_read()
    if easy:
        body = html_to_pdf(render_template(
            "you_said_we_did_pdf.html", record=record, organisation=record.organisation,
            work=record.work, easy_read=True, printing=True, title=title, limit=None,
            pic=lambda name, size=48: inline_pictogram(name)))
    else:
        body = pdf_bytes(ysw.document(record, title, meta=_meta(record)))
    stem = f"you-said-we-did-{record.work.public_code if record.work else record.organisation.slug}"
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{stem}{"-easy-read" if easy else ""}.pdf"'})


def _meta(record) -> str:
    from flask_babel import format_date

    if record.since is None:
        return format_date(today_(), "d MMMM y")
    return gettext("From %(start)s to %(end)s", start=format_date(record.since, "d MMMM y"),
                   end=format_date(record.until, "d MMMM y"))


@bp.get("/o/<slug>/you-said-we-did")
@public
def you_said_we_did(slug: str):
    """An organisation's public "you said, we did" over a period: what people said, what was
    done and when, what is in progress, what will not be done and why, and who is thanked."""
    record, typed, error = _organisation_record(slug)
    return _page(record, typed, error)


@bp.get("/o/<slug>/you-said-we-did.pdf")
@public
def you_said_we_did_pdf(slug: str):
    return _pdf(_organisation_record(slug)[0])


@bp.get("/o/<slug>/you-said-we-did/<code>")
@public
def you_said_we_did_work(slug: str, code: str):
    """One piece of work's "you said, we did", from its first idea to today."""
    return _page(_work_record(slug, code))


@bp.get("/o/<slug>/you-said-we-did/<code>.pdf")
@public
def you_said_we_did_work_pdf(slug: str, code: str):
    return _pdf(_work_record(slug, code))
