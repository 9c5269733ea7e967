"""The co-production register for staff: pieces of work, their parts, partners and
signatures, the yearly review and the history. Ideas, answers, actions and investigations are
in :mod:`reviewkit.web.register_ideas`; the register as a whole (every idea, the charter's
promises) in :mod:`reviewkit.web.register_report`.

Every piece of work a URL names is checked against what the signed-in member of staff may see
(:func:`work_or_404`): facilitators work on the pieces of work of their services and those they
facilitate, everyone else with the register's permission on all of the organisation's.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms.questions import BaseForm
from ..forms.register import (
    PartForm,
    PartnerForm,
    ReviewForm,
    SignatureForm,
    WorkForm,
    scope_choices,
)
from ..models import Area, Organisation, Service, User, Work, WorkKind, WorkPart, WorkReview
from ..reports import works as overview
from ..services import register as reg
from ..services import register_history as history
from .auth import Permission, can, requires
from .saving import submitted

bp = Blueprint("register", __name__, url_prefix="/staff/register")


def with_names() -> bool:
    """Names of people (who sent an idea, partners who are people) only for roles that may see
    personal details."""
    return can(Permission.PEOPLE)


def work_or_404(work_id: int) -> Work:
    return reg.work_for(current_user, work_id) or abort(404)


def _rows(work_ids: set[int] | None = None) -> list[overview.WorkRow]:
    allowed = reg.visible_work_ids(current_user)
    if work_ids is not None:
        allowed = work_ids if allowed is None else allowed & work_ids
    return overview.overview(current_user.organisation_id, today=reg.today_(),
                             answer_days=reg.answer_days(current_user.organisation_id),
                             work_ids=allowed)


@bp.get("/")
@requires(Permission.REGISTER)
def index():
    rows = _rows()
    return render_template("register/index.html", rows=rows,
                           reviews=[r for r in rows if r.review_due], today=reg.today_(),
                           labels=history.KIND_LABELS)


# ---------------------------------------------------------------------------- a piece of work


def _work_form(work: Work | None = None, **kwargs) -> WorkForm:
    org = current_user.organisation_id
    staff = db.session.scalars(select(User).where(
        User.organisation_id == org, User.active.is_(True)).order_by(User.name)).all()
    services = db.session.scalars(select(Service).where(Service.organisation_id == org)
                                  .order_by(Service.name)).all()
    if current_user.role == "facilitator":
        mine = {s.id for s in current_user.services}
        services = [s for s in services if s.id in mine or (work and s.id == work.service_id)]
        areas = []
    else:
        areas = db.session.scalars(select(Area).where(Area.organisation_id == org)
                                   .order_by(Area.name)).all()
    scopes = scope_choices(areas, services)
    kinds = [k.value for k in WorkKind if k != WorkKind.ORGANISATION_PLAN
             or (work is not None and work.kind == k.value)]
    parents = [w for w in reg.linkable_works(current_user) if work is None or w.id != work.id]
    if work is not None and work.parent_id and work.parent_id not in {w.id for w in parents}:
        parents.append(db.session.get(Work, work.parent_id))  # kept as it is
    if work is not None:
        kwargs.setdefault("scope", f"service:{work.service_id}" if work.service_id
                          else f"area:{work.area_id}" if work.area_id else "")
        for name in ("facilitator", "manager", "parent"):
            value = getattr(work, f"{name}_id")
            kwargs.setdefault(name, str(value) if value else "")
    elif current_user.role == "facilitator":
        kwargs.setdefault("facilitator", str(current_user.id))
    return WorkForm(obj=work, kinds=kinds, scopes=scopes, parents=parents,
                    facilitators=[u for u in staff if u.role in ("facilitator", "manager",
                                                                  "admin")],
                    managers=[u for u in staff if u.role in ("manager", "admin")], **kwargs)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def new():
    form = _work_form(review_on=reg.a_year_on(reg.today_()))
    if (work := submitted(form, lambda: reg.save_work(current_user, **form.fields()))):
        flash(_("Made “%(title)s”. Add its parts, partners and ideas below.", title=work.title))
        return redirect(url_for(".work", work_id=work.id))
    return render_template("register/work_form.html", form=form, work=None), (
        400 if form.errors else 200)


@bp.route("/<int:work_id>/edit", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def edit(work_id: int):
    work = work_or_404(work_id)
    form = _work_form(work)
    if submitted(form, lambda: reg.save_work(current_user, work, **form.fields())):
        flash(_("Saved the changes to “%(title)s”.", title=work.title))
        return redirect(url_for(".work", work_id=work.id))
    return render_template("register/work_form.html", form=form, work=work), (
        400 if form.errors else 200)


def made_at(work: Work):
    """The local event whose votes made ``work`` (a local plan), where the user may see it."""
    from ..models import Event
    from ..services.events import visible_event_ids

    event = db.session.scalar(select(Event).filter_by(work_id=work.id))
    if event is None or not can(Permission.EVENTS):
        return None
    allowed = visible_event_ids(current_user)
    return event if allowed is None or event.id in allowed else None


@bp.get("/<int:work_id>")
@requires(Permission.REGISTER)
def work(work_id: int):
    work = work_or_404(work_id)
    rows, today = _rows(), reg.today_()
    row = next(r for r in rows if r.work.id == work.id)
    ideas, idea_count = _ideas(work)
    return render_template(
        "register/work.html", work=work, row=row, today=today, made_at=made_at(work),
        work_org=db.session.get(Organisation, work.organisation_id),
        stalled=lambda item: reg.is_stalled(item, today),
        children=[r for r in rows if r.work.parent_id == work.id],
        ideas=ideas, idea_count=idea_count, actions=overview.actions_of(work),
        reviews=db.session.scalars(select(WorkReview).where(WorkReview.work_id == work.id)
                                   .order_by(WorkReview.reviewed_on.desc())).all(),
        with_names=with_names(), credit_line=reg.credit_line, labels=history, small=BaseForm())


HISTORY_PAGE = 100  # entries a page, newest first
WORK_PAGE_IDEAS = 50  # the rest are on the register page, filtered to this piece of work


def _ideas(work: Work):
    """The ideas to show on the piece's page: those waiting for an answer or stalled first
    (the most pressing), then the newest."""
    from ..reports import register as report

    rows = report.build(report.RegisterFilters(work.organisation_id, work_ids=(work.id,)),
                        today=reg.today_(), answer_days=reg.answer_days(work.organisation_id),
                        with_names=with_names()).rows  # newest first
    rows.sort(key=lambda r: not (r.overdue or r.stalled or r.status in ("awaiting", "not_yet")))
    return rows[:WORK_PAGE_IDEAS], len(rows)


# ---------------------------------------------------------------------------- parts, partners…

ADD = {
    "part": (PartForm, reg.add_part, _l("Add a part or milestone"),
             _l("Added the part “%(name)s”.")),
    "partner": (PartnerForm, reg.add_partner, _l("Add a partner"),
                _l("Added the partner “%(name)s”.")),
    "signature": (SignatureForm, reg.add_signature, _l("Add a signature"),
                  _l("Added the signature of “%(name)s”.")),
}


@bp.route("/<int:work_id>/add/<any(part, partner, signature):what>", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def add(work_id: int, what: str):
    """One form for a part, a partner or a signature of a piece of work."""
    work = work_or_404(work_id)
    form_class, save, title, done = ADD[what]
    form = form_class()
    fields = {k: v for k, v in form.data.items() if k != "csrf_token"}
    if (made := submitted(form, lambda: save(current_user, work, **fields))):
        flash(str(done) % {"name": getattr(made, "title", None) or made.name})
        return redirect(url_for(".work", work_id=work.id) + f"#{what}s")
    return render_template("register/add.html", form=form, work=work, what=what,
                           title=title), (400 if form.errors else 200)


@bp.post("/<int:work_id>/status")
@requires(Permission.REGISTER)
def status(work_id: int):
    """Close a piece of work, or open it again."""
    work = work_or_404(work_id)
    wanted = request.form.get("status", "")
    if not BaseForm().validate() or wanted not in ("open", "closed"):
        flash(_("That change could not be made: the form was out of date. Please try again."))
    else:
        reg.set_work_open(current_user, work, wanted == "open")
        flash(_("“%(title)s” is open for ideas again.", title=work.title) if work.is_open
              else _("“%(title)s” is closed: it takes no new ideas.", title=work.title))
    return redirect(url_for(".work", work_id=work.id))


@bp.post("/<int:work_id>/parts/<int:part_id>/done")
@requires(Permission.REGISTER)
def part_done(work_id: int, part_id: int):
    """Mark a part or milestone done, or not done."""
    work = work_or_404(work_id)
    part = db.session.get(WorkPart, part_id)
    if part is None or part.work_id != work.id:
        abort(404)
    if not BaseForm().validate() or request.form.get("done") not in ("yes", "no"):
        flash(_("That change could not be made: the form was out of date. Please try again."))
    else:
        reg.set_part_done(current_user, part, request.form["done"] == "yes")
        flash(_("“%(title)s” is marked done.", title=part.title) if part.done
              else _("“%(title)s” is marked not done.", title=part.title))
    return redirect(url_for(".work", work_id=work.id) + "#parts")


@bp.route("/<int:work_id>/review", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def review(work_id: int):
    """The yearly review: what changed, until when it takes new ideas, the next review."""
    work = work_or_404(work_id)
    today = reg.today_()
    form = ReviewForm(reviewed_on=today, next_review_on=reg.a_year_on(today))
    if submitted(form, lambda: reg.review_work(
            current_user, work, reviewed_on=form.reviewed_on.data,
            what_changed=form.what_changed.data, ideas_until=form.ideas_until.data,
            next_review_on=form.next_review_on.data)):
        flash(_("Recorded the review of “%(title)s”. The next review is on %(date)s.",
                title=work.title, date=work.review_on.isoformat()))
        return redirect(url_for(".work", work_id=work.id) + "#reviews")
    return render_template("register/review.html", form=form, work=work), (
        400 if form.errors else 200)


@bp.get("/<int:work_id>/history")
@requires(Permission.REGISTER)
def work_history(work_id: int):
    """Every change to the piece of work and everything in it, newest first; read only."""
    work = work_or_404(work_id)
    entries = history.timeline(work, with_names=with_names())
    pages = max(1, -(-len(entries) // HISTORY_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    return render_template("register/history.html", work=work, page=page, pages=pages,
                           entries=entries[(page - 1) * HISTORY_PAGE:page * HISTORY_PAGE])
