"""Indicators people chose, for staff: the list, making and changing one, its page (a chart
drawn on the server with the same numbers in a table, who chose it and with whom, numbers
entered by hand and their history), the one-page report (PDF, XLSX, CSV) and its easy-read
version.

Everyone with the measures permission sees the indicators of their services and of the whole
organisation (small numbers hidden); admins and managers change any, facilitators those of
their services (:mod:`reviewkit.services.indicators`). Every id a form or URL sends is checked
against what the user may see."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms.indicators import (
    BREAKDOWN_LABELS,
    FREQUENCY_LABELS,
    MEASURES_LABELS,
    IndicatorForm,
    ValueForm,
)
from ..forms.questions import BaseForm
from ..forms.register import scope_choices
from ..models import Area, Event, Indicator, Organisation, Partner, User, Work
from ..reports import indicators as report
from ..reports.charts import Series, line_chart_svg
from ..services import indicators as svc
from ..services.indicator_values import FIGURES, compute, recent_periods
from ..services.register import credit_line, linkable_works
from .analysis import visible_services
from .auth import Permission, requires
from .downloads import send_document
from .events import form_error
from .saving import submitted

bp = Blueprint("indicators", __name__, url_prefix="/staff/indicators")
SPANS = (12, 24, 60)
HISTORY = 50  # numbers entered shown on the page, newest first


def _indicator_or_404(indicator_id: int) -> Indicator:
    ind = svc.indicator_for(current_user, indicator_id)
    if ind is None:
        abort(404)
    return ind


@bp.get("/")
@requires(Permission.MEASURES)
def index():
    archived = request.args.get("archived") == "1"
    rows = report.rows(svc.visible(current_user, archived=archived))
    return render_template("indicators/index.html", rows=rows, archived=archived,
                           can_make=svc.may_change(current_user), formatted=report.formatted,
                           measures=MEASURES_LABELS)


def _form(ind: Indicator | None = None) -> IndicatorForm:
    org = current_user.organisation_id
    services = visible_services()
    if current_user.role == "facilitator":
        mine = {s.id for s in current_user.services}
        services = [s for s in services if s.id in mine]
        areas = []
    else:
        areas = db.session.scalars(select(Area).where(Area.organisation_id == org)
                                   .order_by(Area.name)).all()
    scopes = scope_choices(areas, services)
    kwargs: dict = {}
    if ind is not None:
        kwargs.update(
            scope=f"service:{ind.service_id}" if ind.service_id else (
                f"area:{ind.area_id}" if ind.area_id else ""),
            question=f"{ind.bank_id}/{ind.question_id}" if ind.bank_id else "",
            event=str(ind.event_id or ""), work=str(ind.work_id or ""),
            owner=str(ind.owner_id or ""), pictogram=ind.pictogram or "")
    return IndicatorForm(
        obj=ind, questions=svc.questions(),
        figures=[(k, str(words)) for k, (_unit, words) in FIGURES.items()], scopes=scopes,
        events=_kept(svc.linkable_events(current_user), Event, ind and ind.event_id),
        works=_kept(linkable_works(current_user), Work, ind and ind.work_id),
        staff=db.session.scalars(select(User).where(
            User.organisation_id == org, User.role.in_(("admin", "manager", "facilitator")))
            .order_by(User.name)).all(), **kwargs)


def _kept(rows: list, model, kept_id: int | None) -> list:
    """``rows`` a form offers, with the one the indicator has already (kept as it is)."""
    if kept_id and kept_id not in {r.id for r in rows}:
        rows.append(db.session.get(model, kept_id))
    return rows


def _edit(ind: Indicator | None):
    if not svc.may_change(current_user, ind):
        abort(403)
    form = _form(ind)
    shown_for = request.form.get("options_for")
    if request.method == "POST" and form.source.data == "answers" and form.question.data \
            and shown_for != form.question.data and form.options.choices:
        # without JavaScript: the question was chosen, so now show which answers can count
        form.validate()
        form.options.errors = [_("Choose which answers count for this question.")]
        return render_template("indicators/form.html", form=form, indicator=ind), 400
    saved = submitted(form, lambda: svc.save_indicator(current_user, ind, **form.fields()))
    if saved is not None:
        flash(_("The indicator is saved."))
        return redirect(url_for(".indicator", indicator_id=saved.id))
    return render_template("indicators/form.html", form=form, indicator=ind), (
        400 if form.errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MEASURES)
def new():
    return _edit(None)


@bp.route("/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires(Permission.MEASURES)
def edit(indicator_id: int):
    return _edit(_indicator_or_404(indicator_id))


def _places(ind: Indicator) -> list[tuple[str, str]]:
    """Where a hand-entered number can be for: the whole, or each service or area."""
    whole = [("", ind.service.name if ind.service else _("The whole organisation"))]
    if ind.breakdown == "service":
        services = [s for s in visible_services()
                    if (ind.service_id is None or s.id == ind.service_id)
                    and (ind.area_id is None or s.area_id == ind.area_id)]
        return whole + [(f"service:{s.id}", s.name) for s in services]
    if ind.breakdown == "area":
        areas = db.session.scalars(select(Area).where(
            Area.organisation_id == ind.organisation_id).order_by(Area.name)).all()
        return whole + [(f"area:{a.id}", a.name) for a in areas]
    return whole


def _page(ind: Indicator, value_form: ValueForm | None = None, status: int = 200):
    try:
        span = int(request.args.get("periods", "12"))
    except ValueError:
        span = 12
    span = span if span in SPANS else 12
    result = compute(ind, recent_periods(ind, span))
    percent = ind.unit == "percent"
    chart = line_chart_svg(
        result.periods, [Series(str(line.name), [p.value for p in line.points])
                         for line in result.lines[:6]],
        title=ind.name, target=ind.target, target_label=_("Target"), percent=percent,
        y_max=100 if percent else None, rtl=get_locale().character_order == "right-to-left")
    partners = db.session.scalars(select(Partner).where(Partner.work_id == ind.work_id)
                                  ).all() if ind.work_id else []
    can_enter = svc.may_enter(current_user, ind)
    entered = svc.history(ind) if ind.source == "entered" else []
    if can_enter and value_form is None:
        value_form = ValueForm(places=_places(ind))
    return render_template(
        "indicators/indicator.html", indicator=ind, result=result, chart=chart, span=span,
        asked=svc.asked(ind) if ind.source == "answers" else None,
        spans=SPANS, formatted=report.formatted, figure=FIGURES.get(ind.figure or ""),
        measures=MEASURES_LABELS, frequency=FREQUENCY_LABELS, breakdown=BREAKDOWN_LABELS,
        event=db.session.get(Event, ind.event_id) if ind.event_id else None,
        work=db.session.get(Work, ind.work_id) if ind.work_id else None,
        credits=[c for c in (credit_line(p) for p in partners) if c],
        value_form=value_form if can_enter else None,
        history=entered[:HISTORY], entered_count=len(entered),
        can_change=svc.may_change(current_user, ind), archive_form=BaseForm()), status


@bp.get("/<int:indicator_id>")
@requires(Permission.MEASURES)
def indicator(indicator_id: int):
    return _page(_indicator_or_404(indicator_id))


@bp.post("/<int:indicator_id>/values")
@requires(Permission.MEASURES)
def enter(indicator_id: int):
    ind = _indicator_or_404(indicator_id)
    if not svc.may_enter(current_user, ind):
        abort(403)
    form = ValueForm(places=_places(ind), indicator=ind)
    if (form.where.data or "") not in {value for value, _label in form.where.choices}:
        form.validate()
        form.where.errors = [_("Choose one from the list.")]
        return _page(ind, form, 400)
    if submitted(form, lambda: svc.enter_value(current_user, ind, **form.fields())):
        flash(_("The number is saved."))
        return redirect(url_for(".indicator", indicator_id=ind.id))
    return _page(ind, form, 400)


@bp.post("/<int:indicator_id>/archive")
@requires(Permission.MEASURES)
def archive(indicator_id: int):
    ind = _indicator_or_404(indicator_id)
    if not svc.may_change(current_user, ind):
        abort(403)
    if form_error(BaseForm()):
        return redirect(url_for(".indicator", indicator_id=ind.id))
    svc.set_archived(current_user, ind, ind.archived_at is None)
    flash(_("The indicator is archived: it keeps its numbers.") if ind.archived_at
          else _("The indicator is back in the list."))
    return redirect(url_for(".indicator", indicator_id=ind.id))


def _organisation() -> str:
    return db.session.get(Organisation, current_user.organisation_id).name


@bp.get("/report.<any(pdf, xlsx, csv):fmt>")
@requires(Permission.MEASURES)
def download(fmt: str):
    rows = report.rows(svc.visible(current_user), report.VALUES_PERIODS, lines=True) \
        if fmt == "xlsx" else report.rows(svc.visible(current_user))
    document = report.document(rows, organisation=_organisation(), for_pdf=fmt == "pdf")
    return send_document(fmt, document, "indicators", what="indicators",
                         detail={"indicators": [r.indicator.id for r in rows]})


@bp.get("/easy-read")
@requires(Permission.MEASURES)
def easy_read():
    rows = report.rows(svc.visible(current_user))
    return render_template("indicators/easy_read.html", rows=rows, formatted=report.formatted,
                           organisation=_organisation())
