"""The organisation-wide action plan (Working Together for Change), on the analysis blueprint:
start an action from a theme, the plan by status, edit, mark done, download."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms.plans import STATUS_LABELS, PlanActionForm, scope_value
from ..forms.questions import BaseForm
from ..forms.register import scope_choices
from ..models import PlanAction
from ..reports import plan as plan_report
from ..reports.gap import build_report
from ..reports.gap_report import UNASSIGNED
from ..reports.themes import theme_set_for
from ..services import plans as svc
from ..services.clock import today_
from .analysis import (
    bp,
    page_names,
    page_query,
    read_filters,
    render_bad_filter,
    visible_services,
)
from .auth import Permission, requires
from .downloads import send_document


def _scopes() -> list[tuple[str, str]]:
    """Areas, then services, that this member of staff can see."""
    services = visible_services()
    areas = sorted({s.area.id: s.area for s in services if s.area}.values(),
                   key=lambda a: a.name)
    return scope_choices(areas, services)


def _status(code: int, form: PlanActionForm) -> int:
    return code if not form.errors else 400


@bp.route("/action", methods=["GET", "POST"])
@requires(Permission.REPORTS)
def action():
    """Start an action from a theme: the theme's counts and examples as context, then a form
    that adds the action to the plan."""
    filter_form, filters = read_filters()
    if filters is None:
        return render_bad_filter(filter_form)
    report = build_report(filters, with_statements=False)
    theme = report.theme(request.args.get("theme", ""))
    if theme is None or theme.id == UNASSIGNED:
        return render_template("analysis/action.html", theme=None, form=None, query=page_query(),
                               **page_names()), (400 if request.method == "POST" else 200)
    one = filters.service_ids[0] if len(filters.service_ids) == 1 else None
    form = PlanActionForm(scopes=_scopes(), scope=scope_value(one, None))
    if form.validate_on_submit():
        ts = theme_set_for(filters)
        saved = svc.create_action(current_user, svc.ThemeRef(ts.id if ts else None, theme.id,
                                                             theme.label), **form.fields())
        flash(_("Added to the action plan: “%(change)s”.", change=saved.change[:80]))
        return redirect(url_for(".plan") + f"#action-{saved.id}")
    return render_template("analysis/action.html", theme=theme, report=report, form=form,
                           query=page_query(), **page_names()), _status(200, form)


@bp.get("/plan")
@requires(Permission.REPORTS)
def plan():
    actions, today = svc.plan(current_user.organisation_id), today_()
    return render_template("analysis/plan.html", groups=svc.by_status(actions),
                           overdue=svc.overdue(actions, today), statuses=STATUS_LABELS,
                           where=svc.where, small=BaseForm(), today=today)


def _action_or_404(plan_action_id: int) -> PlanAction:
    action = svc.get_action(current_user.organisation_id, plan_action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/plan/<int:plan_action_id>/edit", methods=["GET", "POST"])
@requires(Permission.REPORTS)
def plan_edit(plan_action_id: int):
    action = _action_or_404(plan_action_id)
    form = PlanActionForm(scopes=_scopes(), obj=action,
                          scope=scope_value(action.service_id, action.area_id))
    if form.validate_on_submit():
        svc.update_action(action, **form.fields())
        flash(_("Saved the changes to “%(change)s”.", change=action.change[:80]))
        return redirect(url_for(".plan") + f"#action-{action.id}")
    return render_template("analysis/plan_edit.html", action=action, form=form,
                           where=svc.where), _status(200, form)


@bp.post("/plan/<int:plan_action_id>/status")
@requires(Permission.REPORTS)
def plan_status(plan_action_id: int):
    action = _action_or_404(plan_action_id)
    status = request.form.get("status", "")
    if not BaseForm().validate() or status not in STATUS_LABELS:
        flash(_("That change could not be made: the form was out of date. Please try again."))
    else:
        svc.set_status(action, status)
        flash(_("“%(change)s” is now: %(status)s.", change=action.change[:80],
                status=STATUS_LABELS[status]))
    return redirect(url_for(".plan") + f"#action-{action.id}")


@bp.get("/plan.<any(csv, xlsx, pdf):fmt>")
@requires(Permission.REPORTS)
def plan_download(fmt: str):
    """The whole plan: CSV and XLSX with every field (English column names), PDF by status
    in the page's language."""
    actions = svc.plan(current_user.organisation_id)
    if fmt == "pdf":
        document = plan_report.pdf_document(svc.by_status(actions), title=_("Action plan"),
                                            labels=STATUS_LABELS, today=today_())
    else:
        document = plan_report.workbook(actions, today_())
    return send_document(fmt, document, "action-plan", name="plan")
