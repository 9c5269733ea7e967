"""The co-production self-audit for staff: its rounds (open and past, with how many answered),
opening and closing a round, a round's page (its QR code and link, the A4 poster, a group
answering together on this tablet), and its results: per principle and group, over time, as
PDF and XLSX, with the examples people gave under each principle (masked, hidden where the
principle's numbers are).

Admins and facilitators run rounds (facilitators those of their own services); managers see
every round of the organisation and its results, and change nothing. Every round a URL names
is checked against the organisation and what the user may see (:func:`round_or_404`), and the
service a form sends is checked by the service (:func:`reviewkit.services.audit.open_round`)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..cards import N_
from ..extensions import db
from ..forms.audit import WHOLE_ORGANISATION, RoundForm
from ..forms.questions import BaseForm
from ..models import Organisation, Service, Survey
from ..reports import audit_rounds as ar
from ..reports.charts import Series, grouped_bar_html, lines_as_bars_html
from ..reports.table import HIDDEN
from ..services import audit as svc
from ..services.clock import Refused
from ..services.invitations import invitation_url
from .auth import Permission, requires
from .downloads import send_document
from .events import form_error, runs
from .ideas import page_language
from .saving import submitted

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")

#: The poster's words (translated when it is printed).
POSTER_WORDS = {"ask": N_("How well do we work together? Tell us."),
                "scan": N_("Scan the code with your phone camera."),
                "type": N_("Or type this link:"),
                "account": N_("You do not need an account. You do not give your name."),
                "language": N_("You can answer in your own language or in easy read, and "
                               "hear it read aloud."),
                "last": N_("We will tell you what we found, and what we will do.")}


def round_or_404(round_id: int) -> Survey:
    return svc.round_for(current_user, round_id) or abort(404)


# ---------------------------------------------------------------------------- rounds


@bp.get("/")
@requires(Permission.MEASURES)
def index():
    rounds = svc.rounds_for(current_user)
    opened = [r for r in rounds if svc.is_open(r)]
    return render_template("audit/index.html", opened=opened,
                           past=[r for r in rounds if r not in opened],
                           answered=svc.answered(rounds), can_run=_runner())


def _runner() -> bool:
    return current_user.role in svc.RUNNERS


def _round_form() -> RoundForm:
    form = RoundForm()
    allowed = current_user.service_ids()
    services = db.session.scalars(select(Service).where(
        Service.organisation_id == current_user.organisation_id).order_by(Service.name))
    form.service.choices = ([] if allowed is not None else
                            [(WHOLE_ORGANISATION, _("The whole organisation"))]) + [
        (str(s.id), s.name) for s in services if allowed is None or s.id in allowed]
    return form


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MEASURES)
@runs
def new():
    form = _round_form()
    if (made := submitted(form, lambda: svc.open_round(
            current_user, service_id=form.service_id(), closes_on=form.closes_on.data,
            title=form.title.data))):
        flash(_("Opened “%(title)s”. Share its link or print its poster.", title=made.title))
        return redirect(url_for(".round", round_id=made.id))
    return render_template("audit/new.html", form=form), 400 if form.errors else 200


@bp.get("/<int:round_id>")
@requires(Permission.MEASURES)
def round(round_id: int):  # noqa: A001 - the page of a round
    from ..cards import qr_svg

    survey = round_or_404(round_id)
    link = svc.link_of(survey)
    url = invitation_url(link) if link else None
    return render_template("audit/round.html", survey=survey, link=url,
                           qr=qr_svg(url) if url else None, is_open=svc.is_open(survey),
                           answered=svc.answered([survey])[survey.id], can_run=_runner(),
                           small=BaseForm())


def _changed(round_id: int, change):
    """``change(round)`` for a small form (a button) on a round's page: None when the form was
    out of date or the service refused (its message flashed)."""
    survey = round_or_404(round_id)
    if form_error(BaseForm()):
        return None
    try:
        return change(survey)
    except Refused as error:
        db.session.rollback()
        flash(str(error.message))
        return None


@bp.post("/<int:round_id>/close")
@requires(Permission.MEASURES)
@runs
def close(round_id: int):
    if _changed(round_id, lambda survey: svc.close_round(current_user, survey)):
        flash(_("The round is closed. Its link no longer works."))
    return redirect(url_for(".round", round_id=round_id))


@bp.post("/<int:round_id>/together")
@requires(Permission.MEASURES)
@runs
def together(round_id: int):
    """A group answers together on this tablet: the phone journey, in a new response."""
    started = _changed(round_id, lambda survey: svc.start_group_answer(
        current_user, survey, page_language()))
    if started is None:
        return redirect(url_for(".round", round_id=round_id))
    return redirect(url_for("respond.start", key=started.resume_key))


@bp.get("/<int:round_id>/poster.pdf")
@requires(Permission.MEASURES)
def poster(round_id: int):
    """An A4 poster of a round: its QR code and link, in easy read, in the page's language."""
    from ..cards import qr_svg, ui_text
    from ..pdf import html_to_pdf, inline_pictogram

    survey = round_or_404(round_id)
    link = svc.link_of(survey) or abort(404)
    url, lang = invitation_url(link), page_language()
    html = render_template(
        "audit/poster.html", survey=survey, link=url, qr=qr_svg(url),
        words={key: ui_text(message, lang) for key, message in POSTER_WORDS.items()},
        organisation=db.session.get(Organisation, survey.organisation_id),
        icon=inline_pictogram("handshake"), phone=inline_pictogram("phone"))
    return Response(html_to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="self-audit-poster-{survey.id}.pdf"',
        "Cache-Control": "no-store"})


# ---------------------------------------------------------------------------- results


def _round_results(survey: Survey) -> tuple[ar.RoundResults, ar.Words]:
    rounds = ar.history(survey)
    return rounds[-1], ar.words(survey.bank_version.bank, page_language())


def round_chart(res: ar.RoundResults, w: ar.Words, *, for_pdf: bool = False):
    """The scores by principle and group, as an HTML chart on the page and in the PDF
    (WeasyPrint draws SVG text letter by letter, so an Urdu name came out backwards; a
    scaled SVG on a phone had words too small to read)."""
    groups = [g for g in (*ar.GROUPS, ar.EVERYONE)
              if any(res.cells[(p, g)].n for p in res.principles)]
    principles = [w.principles[p] for p in res.principles]
    series = [Series(w.groups[g], [res.score(p, g) for p in res.principles]) for g in groups]
    title = _("Scores by principle and group (1 = not yet, 4 = leading)")
    # as HTML on the page too: an SVG chart scaled to a 320 px phone had words a few pixels
    # high (see grouped_bar_html's page)
    return grouped_bar_html(principles, series, title=title, y_max=4, value_format="{:.2f}",
                            hidden_text=_("fewer than 5"), page=not for_pdf)


@bp.get("/<int:round_id>/results")
@requires(Permission.MEASURES)
def results(round_id: int):
    res, w = _round_results(round_or_404(round_id))
    # the examples under each principle's name, not as a table (the downloads have the table)
    return render_template("audit/results.html", survey=res.survey, res=res, words=w,
                           document=ar.round_document(res, w, examples=False),
                           chart=round_chart(res, w), examples_heading=ar.EXAMPLES(),
                           examples_note=ar.EXAMPLES_NOTE(),
                           next_heading=ar.NEXT_STEPS_HEADING(),
                           next_note=ar.NEXT_STEPS_NOTE(), HIDDEN=HIDDEN)


@bp.get("/<int:round_id>/results.<any(csv, xlsx, pdf):fmt>")
@requires(Permission.MEASURES)
def results_download(round_id: int, fmt: str):
    res, w = _round_results(round_or_404(round_id))
    document = ar.round_document(res, w)
    if fmt == "pdf":
        document.figures[document.tables[0].title] = (round_chart(res, w, for_pdf=True),
                                                      document.tables[0].caption)
    return send_document(fmt, document, f"self-audit-{round_id}", name="self-audit",
                         what="self-audit", detail={"round": round_id})


def _over_time(round_id: int, *, for_pdf: bool = False):
    """The rounds so far and everyone's score by principle, round by round: a group of bars per
    principle, a bar per round, as HTML on the page and in the PDF (see :func:`round_chart`)."""
    survey = round_or_404(round_id)
    rounds = ar.history(survey)
    w = ar.words(survey.bank_version.bank, page_language())
    periods = ar.round_names([r.survey for r in rounds])
    title = _("Everyone's score by principle, round by round (1 = not yet, 4 = leading)")
    series = [Series(w.principles[p], [r.score(p, ar.EVERYONE) for r in rounds])
              for p in rounds[-1].principles]
    chart = lines_as_bars_html(periods, series, title=title, y_max=4, value_format="{:.2f}",
                               hidden_text=_("fewer than 5"), page=not for_pdf)
    return survey, rounds, ar.history_document(rounds, w), chart


@bp.get("/<int:round_id>/over-time")
@requires(Permission.MEASURES)
def over_time(round_id: int):
    survey, rounds, document, chart = _over_time(round_id)
    return render_template("audit/over_time.html", survey=survey, rounds=rounds,
                           document=document, chart=chart, HIDDEN=HIDDEN)


@bp.get("/<int:round_id>/over-time.<any(csv, xlsx, pdf):fmt>")
@requires(Permission.MEASURES)
def over_time_download(round_id: int, fmt: str):
    _survey, _rounds, document, chart = _over_time(round_id, for_pdf=fmt == "pdf")
    if fmt == "pdf":
        document.figures[document.tables[0].title] = (chart, document.tables[0].caption)
    return send_document(fmt, document, f"self-audit-over-time-{round_id}",
                         name="self-audit-over-time", what="self-audit",
                         detail={"round": round_id})
