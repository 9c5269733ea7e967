"""The register as a whole, on the register blueprint: every idea to filter and sort (the
charter's "master copy"), its CSV and XLSX, and the charter's promises as numbers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange

from ..extensions import db
from ..forms.questions import BaseForm, MultiCheckboxField
from ..models import Work
from ..reports import register as report
from ..reports import register_dashboard as promises
from ..reports.filters import FilterError, parse_when
from ..services.register import answer_days, set_answer_days, today_, visible_work_ids
from .auth import Permission, can, requires
from .downloads import send_document
from .register import bp

PAGE_SIZE = 100
STATUS_LABELS = {"awaiting": _l("Waiting for an answer"), "included": _l("Included"),
                 "partly": _l("Partly included"), "not_included": _l("Not included"),
                 "not_yet": _l("Not yet decided")}
FLAG_LABELS = {"overdue": _l("Answer overdue"), "stalled": _l("Stalled")}
SOURCE_LABELS = {"phone": _l("From a phone"), "staff": _l("Typed by staff"),
                 "statement": _l("From a review"), "theme": _l("From a theme"),
                 "ballot": _l("From an event")}
SORT_LABELS = {"raised": _l("Date sent"), "answered": _l("Date answered"),
               "work": _l("Piece of work"), "status": _l("Answer")}


class RegisterFilterForm(Form):
    """The filter, read from the query string (GET: nothing changes)."""

    work = MultiCheckboxField(_l("Pieces of work"), validate_choice=False)
    status = MultiCheckboxField(_l("Answer"), choices=list(STATUS_LABELS.items()),
                                validate_choice=False)
    flag = MultiCheckboxField(_l("Flags"), choices=list(FLAG_LABELS.items()),
                              validate_choice=False)
    source = MultiCheckboxField(_l("Where it came from"), choices=list(SOURCE_LABELS.items()),
                                validate_choice=False)
    start = StringField(_l("Sent from"), name="from",
                        description=_l("A date (2026-01-01) or a quarter (2026-Q1)"))
    end = StringField(_l("Sent up to"), name="to",
                      description=_l("A date (2026-12-31) or a quarter (2026-Q4)"))
    sort = SelectField(_l("Sort by"), choices=list(SORT_LABELS.items()), default="raised",
                       validate_choice=False)
    order = SelectField(_l("Order"), choices=[("desc", _l("Newest first")),
                                              ("asc", _l("Oldest first"))],
                        default="desc", validate_choice=False)


def _works() -> list[Work]:
    allowed = visible_work_ids(current_user)
    works = db.session.scalars(select(Work).where(
        Work.organisation_id == current_user.organisation_id).order_by(Work.title)).all()
    return [w for w in works if allowed is None or w.id in allowed]


def _read() -> tuple[RegisterFilterForm, report.RegisterFilters | None]:
    form = RegisterFilterForm(request.args)
    works = _works()
    form.work.choices = [(str(w.id), w.title) for w in works]
    ok = True
    ids = {str(w.id): w.id for w in works}
    chosen = []
    for raw in form.work.data or []:
        if raw not in ids:
            form.work.errors = [_l("You cannot see one of the pieces of work you chose. "
                                   "Choose from the list.")]
            ok = False
            break
        chosen.append(ids[raw])
    for f, allowed in ((form.status, STATUS_LABELS), (form.flag, FLAG_LABELS),
                       (form.source, SOURCE_LABELS)):
        if any(v not in allowed for v in f.data or []):
            f.errors = [_l("Choose from the list.")]
            ok = False
    dates = {}
    for name, end in (("start", False), ("end", True)):
        try:
            dates[name] = parse_when(getattr(form, name).data, end=end)
        except FilterError:
            getattr(form, name).errors = [_l("Enter a date like 2026-03-31 or a quarter like "
                                             "2026-Q1.")]
            ok = False
    if not ok:
        return form, None
    return form, report.RegisterFilters(
        current_user.organisation_id,
        work_ids=tuple(chosen) if chosen else tuple(ids.values()),
        statuses=tuple(form.status.data or ()), flags=tuple(form.flag.data or ()),
        sources=tuple(form.source.data or ()), since=dates["start"], until=dates["end"],
        sort=form.sort.data if form.sort.data in SORT_LABELS else "raised",
        descending=form.order.data != "asc")


def _register(filters: report.RegisterFilters) -> report.Register:
    return report.build(filters, today=today_(), answer_days=answer_days(
        current_user.organisation_id), with_names=can(Permission.PEOPLE))


@bp.get("/ideas")
@requires(Permission.REGISTER)
def ideas():
    form, filters = _read()
    if filters is None:
        return render_template("reports/register_ideas.html", form=form, register=None,
                               labels=_labels(), query=""), 400
    register = _register(filters)
    pages = max(1, -(-len(register.rows) // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    args = [(k, v) for k, values in request.args.lists() if k != "page" for v in values]
    return render_template(
        "reports/register_ideas.html", form=form, register=register, page=page, pages=pages,
        rows=register.rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], labels=_labels(),
        query=request.query_string.decode("utf-8", "replace"), args=args)


def _labels() -> dict:
    return {"status": STATUS_LABELS, "flag": FLAG_LABELS, "source": SOURCE_LABELS}


@bp.get("/ideas.<any(csv, xlsx):fmt>")
@requires(Permission.REGISTER)
def ideas_download(fmt: str):
    form, filters = _read()
    if filters is None:
        return render_template("reports/register_ideas.html", form=form, register=None,
                               labels=_labels(), query=""), 400
    register = _register(filters)
    detail = {"works": list(filters.work_ids or ()), "names": register.with_names,
              "statuses": list(filters.statuses), "flags": list(filters.flags)}
    return send_document(fmt, report.workbook(register), "register", name="register",
                         what="register", detail=detail)


def _promises() -> list[promises.Promises]:
    allowed = visible_work_ids(current_user)
    return promises.build(current_user.organisation_id, today=today_(),
                          answer_days=answer_days(current_user.organisation_id),
                          work_ids=allowed, suppress_small=current_user.role == "manager")


class DaysField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:  # WTForms' own message is English only
            raise ValueError(_l("Enter a number of days from 1 to 365.")) from exc


class AnswerTimeForm(BaseForm):
    days = DaysField(_l("Days to answer an idea"), validators=[
        InputRequired(_l("Enter a number of days from 1 to 365.")),
        NumberRange(1, 365, _l("Enter a number of days from 1 to 365."))],
        description=_l("Ideas waiting longer are flagged overdue. The charter asks for an "
                       "answer within a set time; 28 days is usual."))


def _render_promises(form: AnswerTimeForm | None = None):
    days = answer_days(current_user.organisation_id)
    if form is None and can(Permission.USERS):
        form = AnswerTimeForm(days=days)
    return render_template("reports/register_promises.html", rows=_promises(), days=days,
                           form=form)


@bp.get("/promises")
@requires(Permission.REGISTER)
def promises_page():
    return _render_promises()


@bp.post("/answer-time")
@requires(Permission.USERS)  # organisation settings: admins
def answer_time():
    form = AnswerTimeForm()
    if form.validate_on_submit():
        set_answer_days(current_user, form.days.data)
        flash(ngettext("Ideas are now answered within %(num)d day.",
                       "Ideas are now answered within %(num)d days.", form.days.data))
        return redirect(url_for(".promises_page"))
    return _render_promises(form), 400


@bp.get("/promises.<any(csv, xlsx):fmt>")
@requires(Permission.REGISTER)
def promises_download(fmt: str):
    return send_document(fmt, promises.workbook(_promises()), "charter-promises",
                         what="register")
