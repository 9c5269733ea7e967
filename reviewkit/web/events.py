"""Local events for staff: the list, making and changing an event, its page (what access is
missing, the ballot, voting opened and closed, the links to vote and to the projector page,
the results and their downloads), single-use codes and the local plan the top priorities
become. The ballot's items, paper tallies and votes with a person on the tablet are in
:mod:`reviewkit.web.events_ballot`.

Admins and facilitators run events (facilitators those of their services and of their
services' areas); managers see every event of the organisation, its results (counts under 5
hidden, as in every download for commissioners) and its local plan, and change nothing. Every
event a URL names is checked against the organisation and what the user may see
(:func:`event_or_404`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..forms.events import ACCESS_LABELS, METHOD_LABELS, CodesForm, EventForm, PlanForm
from ..forms.questions import BaseForm
from ..forms.register import scope_choices
from ..models import Area, Ballot, Event, Organisation, Service, VotingCode, Work
from ..reports import event_results
from ..services import events as ev
from ..services.clock import Refused, local_time, now_, organisation_zone, today_
from .auth import Permission, requires
from .downloads import send_document
from .saving import submitted

bp = Blueprint("events", __name__, url_prefix="/staff/events")
RUNNERS = ("admin", "facilitator")  # managers see events and their results, and run none


def runs(view: Callable) -> Callable:
    """For those who run events (admins and facilitators); 403 for anyone else with the
    events permission. Put it under :func:`requires`, which signs in and copies ``roles``
    for the permission walk (tests/test_permissions.py)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role not in RUNNERS:
            abort(403)
        return view(*args, **kwargs)

    wrapped.roles = RUNNERS  # type: ignore[attr-defined]
    return wrapped


def event_or_404(event_id: int) -> Event:
    return ev.event_for(current_user, event_id) or abort(404)


def runner() -> bool:
    return current_user.role in RUNNERS


def voting_links(event: Event) -> dict[str, str]:
    """The public voting page, the projector page and the printable poster and cards, where
    the app has them."""
    from .ideas import public_link

    code, have, links = ev.public_code(event), current_app.view_functions, {}
    for name in ("vote", "live", "poster", "cards"):
        if f"voting.{name}" in have:
            links[name] = (public_link(f"voting.{name}", code=code) if name in ("vote", "live")
                           else url_for(f"voting.{name}", event_id=event.id))
    return links


def form_error(form) -> bool:
    """A small form (a button) whose CSRF token is out of date: say so."""
    if form.validate():
        return False
    flash(_("That change could not be made: the form was out of date. Please try again."))
    return True


# ---------------------------------------------------------------------------- the list


@bp.get("/")
@requires(Permission.EVENTS)
def index():
    allowed = ev.visible_event_ids(current_user)
    query = select(Event).where(Event.organisation_id == current_user.organisation_id)
    if allowed is not None:
        query = query.where(Event.id.in_(allowed or {-1}))
    events = db.session.scalars(query.order_by(Event.starts_at, Event.id)).all()
    now, today = now_(), today_()  # instants compared; "never opened" on the local calendar
    groups = {"open": [e for e in events if e.voting == "open"],
              "upcoming": [e for e in events if e.voting == "draft" and e.starts_at >= now],
              "past": [e for e in reversed(events) if e.voting == "closed"
                       or (e.voting == "draft" and e.starts_at < now)]}
    never_opened = {e.id for e in groups["past"] if e.voting == "draft"
                    and local_time(e.starts_at, e.organisation_id).date() < today}
    return render_template("events/index.html", groups=groups, access=ACCESS_LABELS,
                           can_run=runner(), never_opened=never_opened)


# ---------------------------------------------------------------------------- an event


def _event_form(event: Event | None = None) -> EventForm:
    org = current_user.organisation_id
    services = db.session.scalars(select(Service).where(Service.organisation_id == org)
                                  .order_by(Service.name)).all()
    areas = db.session.scalars(select(Area).where(Area.organisation_id == org)
                               .order_by(Area.name)).all()
    if current_user.role == "facilitator":
        mine = {s.id for s in current_user.services}
        services = [s for s in services if s.id in mine]
        areas = [a for a in areas if a.id in {s.area_id for s in current_user.services}]
    scopes = scope_choices(areas, services, services_first=True)
    # The languages the organisation offers (its settings; all when it has not chosen), and
    # any an event has already, so changing it never drops one unasked.
    offered = db.session.get(Organisation, org).languages or current_app.config["LANGUAGES"]
    kept = event.languages if event is not None else []
    languages = [(code, name) for code, (name, _dir) in current_app.config["LANGUAGES"].items()
                 if code in offered or code in kept]
    if event is not None:
        return EventForm.of(event, scopes=scopes, languages=languages)
    return EventForm(scopes=scopes, languages=languages, zone=organisation_zone(org))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def new():
    form = _event_form()
    if request.method == "GET":
        form.languages.data = ["en"]
    if (event := submitted(form, lambda: ev.save_event(current_user, **form.fields()))):
        flash(_("Made “%(name)s”. Now choose what people vote on.", name=event.name))
        return redirect(url_for("events.ballot", event_id=event.id))
    return render_template("events/form.html", form=form, event=None, access=ACCESS_LABELS), (
        400 if form.errors else 200)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def edit(event_id: int):
    event = event_or_404(event_id)
    form = _event_form(event)
    if submitted(form, lambda: ev.save_event(current_user, event, **form.fields())):
        flash(_("Saved the changes to “%(name)s”.", name=event.name))
        return redirect(url_for(".event", event_id=event.id))
    return render_template("events/form.html", form=form, event=event, access=ACCESS_LABELS), (
        400 if form.errors else 200)


@bp.get("/<int:event_id>")
@requires(Permission.EVENTS)
def event(event_id: int):
    event = event_or_404(event_id)
    res = event_results.results(event)
    return render_template(
        "events/event.html", event=event, res=res, top=event_results.TOP,
        access=ACCESS_LABELS, methods=METHOD_LABELS, links=voting_links(event),
        code=ev.public_code(event), can_run=runner(), small=BaseForm(),
        hide=(lambda n: 0 < n < 5) if not runner() else (lambda n: False),
        codes=db.session.scalar(select(func.count(VotingCode.id)).where(
            VotingCode.event_id == event.id)),
        plan=db.session.get(Work, event.work_id) if event.work_id else None)


@bp.post("/<int:event_id>/voting")
@requires(Permission.EVENTS)
@runs
def voting(event_id: int):
    """Open voting, close it, or open it again."""
    event = event_or_404(event_id)
    if not form_error(BaseForm()):
        try:
            ev.set_voting(current_user, event, request.form.get("state", ""))
        except Refused as error:
            db.session.rollback()
            flash(str(error.message))
        else:
            flash(_("Voting is open.") if event.is_open else
                  _("Voting is closed. Nobody can vote or change their vote now."))
    return redirect(url_for(".event", event_id=event.id))


@bp.route("/<int:event_id>/codes", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def codes(event_id: int):
    """Single-use codes for cards: make some, see them and which have been used."""
    event = event_or_404(event_id)
    form = CodesForm()
    if (made := submitted(form, lambda: ev.make_codes(current_user, event, form.count.data))):
        flash(ngettext("Made %(num)d code.", "Made %(num)d codes.", len(made)))
        return redirect(url_for(".codes", event_id=event.id))
    used = set(db.session.scalars(select(Ballot.code_id).where(
        Ballot.event_id == event.id, Ballot.code_id.is_not(None))))
    rows = db.session.scalars(select(VotingCode).where(VotingCode.event_id == event.id)
                              .order_by(VotingCode.id)).all()
    return render_template("events/codes.html", event=event, form=form, links=voting_links(event),
                           rows=[(ev.shown_code(c.code), c.id in used) for c in rows]), (
        400 if form.errors else 200)


@bp.get("/<int:event_id>/results.<any(csv, xlsx):fmt>")
@requires(Permission.EVENTS)
def results_download(event_id: int, fmt: str):
    """The results as CSV or XLSX: counts under 5 hidden for managers (what commissioners
    get), every number for those who run the event."""
    event = event_or_404(event_id)
    suppress = not runner()
    document = event_results.workbook(event_results.results(event), suppress_small=suppress)
    return send_document(fmt, document, f"event-{event.id}-results", name="event-results",
                         what="events", detail={"event": event.id, "suppressed": suppress})


# ---------------------------------------------------------------------------- the local plan


@bp.route("/<int:event_id>/plan", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def plan(event_id: int):
    """After voting closes: the chosen top priorities become the local plan, a piece of work
    of the register where each priority gets its actions."""
    event = event_or_404(event_id)
    if event.work_id is not None:
        return redirect(url_for("register.work", work_id=event.work_id))
    if event.voting != "closed":
        flash(_("Close voting first: then the top priorities become the local plan."))
        return redirect(url_for(".event", event_id=event.id))
    res = event_results.results(event)
    form = PlanForm(items=[str(r.item.id) for r in res.top()])
    form.items.choices = [(str(r.item.id), r.item.label) for r in res.items]
    if (work := submitted(form, lambda: ev.make_local_plan(
            current_user, event, [int(i) for i in form.items.data]))):
        flash(_("Made the local plan “%(title)s”. Give each priority its actions: what will "
                "change, the root cause, what success looks like, who owns it and the dates.",
                title=work.title))
        return redirect(url_for("register.work", work_id=work.id))
    return render_template("events/plan.html", event=event, form=form, res=res), (
        400 if form.errors else 200)
