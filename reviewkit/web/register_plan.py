"""The organisation plan from the local events of a period (the Big Plan Day), on the register
blueprint: themes ranked by votes and by top-three places, the local priorities and their
actions under each, the organisation-wide actions agreed; as a page, PDF, XLSX and CSV. An
organisation-wide action is agreed here for a theme, and so linked to its local priorities."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import Form, StringField

from ..forms.register import WorkActionForm
from ..reports import event_plan
from ..reports.filters import FilterError, parse_when
from ..services import register as reg
from .auth import Permission, requires
from .downloads import send_document
from .register import bp
from .saving import submitted


class PeriodForm(Form):
    start = StringField(_l("Events from"), name="from",
                        description=_l("A date (2026-01-01) or a quarter (2026-Q1)"))
    end = StringField(_l("Events up to"), name="to",
                      description=_l("A date (2026-12-31) or a quarter (2026-Q4)"))


def _period() -> tuple[PeriodForm, tuple[date, date] | None]:
    """The period from the query string: the last twelve months unless chosen."""
    form = PeriodForm(request.args)
    today = reg.today_()
    try:
        since = parse_when(form.start.data, end=False) or today - timedelta(days=365)
        until = parse_when(form.end.data, end=True) or today
    except FilterError:
        form.start.errors = [_l("Enter a date like 2026-03-31 or a quarter like 2026-Q1.")]
        return form, None
    if until < since:
        form.end.errors = [_l("The end of the period must be on or after its start.")]
        return form, None
    return form, (since, until)


def _suppress() -> bool:
    """Commissioners and managers read small numbers hidden; staff who ran the events not."""
    return current_user.role == "manager"


@bp.get("/organisation-plan")
@requires(Permission.REGISTER)
def organisation_plan():
    form, period = _period()
    if period is None:
        return render_template("register/organisation_plan.html", form=form, plan=None), 400
    plan = event_plan.build(current_user.organisation_id, *period)
    return render_template("register/organisation_plan.html", form=form, plan=plan,
                           suppress=_suppress(),
                           published=event_plan.Published(plan, _suppress()),
                           query=request.query_string.decode("utf-8", "replace"))


@bp.get("/organisation-plan.<any(csv, xlsx, pdf):fmt>")
@requires(Permission.REGISTER)
def organisation_plan_download(fmt: str):
    form, period = _period()
    if period is None:
        return render_template("register/organisation_plan.html", form=form, plan=None), 400
    plan = event_plan.build(current_user.organisation_id, *period)
    return send_document(fmt, event_plan.workbook(plan, suppress_small=_suppress()),
                         "organisation-plan", what="organisation plan",
                         detail={"from": period[0].isoformat(), "to": period[1].isoformat(),
                                 "hidden": _suppress()})


@bp.route("/organisation-plan/action", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def organisation_action():
    """?theme=<key>&label=<words>: an organisation-wide action for a theme of the roll-up."""
    key, label = request.args.get("theme", ""), request.args.get("label", "").strip()
    if not key or not label:  # choose a theme first
        return redirect(url_for(".organisation_plan"))
    if len(label) > 200 or len(key) > 240:
        abort(404)
    theme_id = None if key.startswith("words:") else key[:32]
    form = WorkActionForm(starts_on=reg.today_())
    fields = {k: v for k, v in form.data.items() if k != "csrf_token"}
    if submitted(form, lambda: reg.add_plan_action(current_user, theme_id=theme_id,
                                                   label=label, **fields)):
        flash(_("Agreed for the whole organisation: “%(change)s”.", change=form.change.data[:80]))
        return redirect(url_for(".organisation_plan"))
    return render_template("register/organisation_action.html", form=form, label=label), (
        400 if form.errors else 200)
