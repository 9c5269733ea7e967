"""The public side of the register, with no account: send an idea from a piece of work's QR
code or short link (``/w/<code>``), follow it with its tracking code (``/t``, ``/t/<code>``);
and, for staff, the poster with that QR code.

Every page is in the page's language (``?lang=``, as the phone journey), in easy read with
pictures when asked (``?easy=1``, kept for the browser), reads aloud where the browser can,
and works without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..cards import N_
from ..extensions import db, limiter
from ..forms.ideas import CREDIT_PICTURES, IdeaForm, TrackForm
from ..i18n import page_language
from ..models import IdeaSource, Organisation, PlanAction, Work
from ..reports.you_said_we_did import LABELS
from ..services import register as reg
from .auth import Permission, public, requires

bp = Blueprint("ideas", __name__)

#: The picture of a piece of work, by its kind.
WORK_PICTURES = {"organisation_plan": "organisation", "local_plan": "place", "plan": "plan",
                 "policy": "write", "process": "repeat", "project": "tools"}
#: The picture of each answer and each state of an action.
ANSWER_PICTURES = {"waiting": "clock", "included": "yes", "partly": "thumbs-up",
                   "not_included": "no", "not_yet": "not-yet", "planned": "calendar",
                   "in_progress": "tools", "done": "check"}
#: The poster's words (translated when it is printed).
POSTER_WORDS = {"ask": N_("Do you have an idea? Tell us."),
                "scan": N_("Scan the code with your phone camera."),
                "type": N_("Or type this link:"),
                "account": N_("You do not need an account."),
                "language": N_("You can write in your own language."),
                "last": N_("We answer every idea, and say why.")}
NOT_FOUND = _l("We could not find an idea with that code. Check it and try again. It has 8 "
               "letters and numbers, like K7PQ-4XR9.")


def easy_read() -> bool:
    """Easy read on this page: ``?easy=1`` turns it on and ``?easy=0`` off, for this browser
    (so the language links, which keep no other choice, keep it too)."""
    choice = request.args.get("easy")
    if choice in ("0", "1"):
        session["easy_read"] = choice == "1"
    return bool(session.get("easy_read"))


def public_link(endpoint: str, **values) -> str:
    """A full link for paper and for writing down (the configured address)."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def picture(name: str, size: int = 48) -> Markup:
    """A pictogram for a page (decorative: the words beside it say the same)."""
    src = url_for("static", filename=f"pictograms/{name}.svg")
    return Markup('<img src="%s" alt="" width="%d" height="%d">') % (src, size, size)


def of_organisation(organisation_id: int, languages: list[str] | None = None) -> None:
    """A public page about one organisation's work: its times on the organisation's clocks,
    and only the languages it offers people (its settings; an event's own, given as
    ``languages``). Call it before anything is translated: that chooses the page's language."""
    g.organisation_id = organisation_id
    g.offered_languages = languages or db.session.get(Organisation, organisation_id).languages


def work_by_code(code: str) -> Work:
    cleaned = reg.clean_code(code)
    work = db.session.scalar(select(Work).filter_by(public_code=cleaned)) if cleaned else None
    if work is None:
        abort(404)
    of_organisation(work.organisation_id)
    return work


@bp.app_context_processor
def pictures() -> dict:
    return {"work_pictures": WORK_PICTURES, "answer_pictures": ANSWER_PICTURES,
            "answer_labels": LABELS,
            "credit_pictures": CREDIT_PICTURES, "shown_code": reg.shown_code}


# ---------------------------------------------------------------------------- send an idea


@bp.route("/w/<code>", methods=["GET", "POST"])
@public
@limiter.limit("60 per minute", methods=["POST"])
def send(code: str):
    work = work_by_code(code)
    easy = easy_read()
    if not reg.open_for_ideas(work, reg.today_()):
        return render_template("ideas/closed.html", work=work, easy_read=easy,
                               organisation=db.session.get(Organisation, work.organisation_id)), (
            409 if request.method == "POST" else 200)
    form = IdeaForm()
    form.ensure_key()
    if form.validate_on_submit():
        try:
            idea = reg.raise_idea(
                work, form.text.data, source=IdeaSource.PHONE.value, language=page_language(),
                raised_by=form.raised_by.data, name_agreed=form.name_agreed.data,
                credit=form.credit.data or "", credit_as=form.credit_as.data,
                client_key=form.client_key.data)
        except reg.RegisterError as error:
            getattr(form, error.field, form.text).errors.append(error.message)
        else:
            return redirect(url_for(".sent", code=reg.shown_code(idea.tracking_code)), 303)
    return render_template("ideas/send.html", work=work, form=form, easy_read=easy), (
        400 if form.errors else 200)


@bp.get("/t/<code>/sent")
@public
def sent(code: str):
    idea = reg.find_idea(code)
    if idea is None:
        abort(404)
    of_organisation(idea.organisation_id)
    code = reg.shown_code(idea.tracking_code)
    return render_template("ideas/sent.html", idea=idea, work=idea.work, easy_read=easy_read(),
                           code=code, link=public_link(".track_idea", code=code),
                           answer_by=_answer_by(idea))


# ---------------------------------------------------------------------------- follow an idea


@bp.route("/t", methods=["GET", "POST"])
@public
@limiter.limit("30 per minute", methods=["POST"])
def track():
    form = TrackForm()
    if form.validate_on_submit():
        idea = reg.find_idea(form.code.data)
        if idea is not None:
            return redirect(url_for(".track_idea", code=reg.shown_code(idea.tracking_code)), 303)
        form.code.errors.append(NOT_FOUND)
    return render_template("ideas/track.html", form=form, easy_read=easy_read()), (
        400 if form.errors else 200)


@bp.get("/t/<code>")
@public
def track_idea(code: str):
    idea = reg.find_idea(code)
    easy = easy_read()
    if idea is None:
        form = TrackForm(formdata=None, code=code[:40])
        form.code.errors = [NOT_FOUND]
        return render_template("ideas/track.html", form=form, easy_read=easy), 404
    of_organisation(idea.organisation_id)
    actions = db.session.scalars(select(PlanAction).where(PlanAction.idea_id == idea.id)
                                 .order_by(PlanAction.due_on, PlanAction.id)).all()
    return render_template("ideas/idea.html", idea=idea, work=idea.work, actions=actions,
                           answers=idea.answers, answer_by=_answer_by(idea), easy_read=easy,
                           organisation=db.session.get(Organisation, idea.organisation_id))


def _answer_by(idea) -> date:
    """The day the organisation promised to answer by."""
    return idea.raised_on + timedelta(days=reg.answer_days(idea.organisation_id))


# ---------------------------------------------------------------------------- the poster


@bp.get("/staff/register/<int:work_id>/poster.pdf")
@requires(Permission.REGISTER)
def poster(work_id: int):
    """An A4 poster of a piece of work: its QR code and short link, in easy read, in the
    page's language; for the pieces of work this member of staff may see."""
    from ..cards import qr_svg, ui_text
    from ..pdf import html_to_pdf, inline_pictogram

    work = reg.work_for(current_user, work_id) or abort(404)
    link = public_link(".send", code=reg.shown_code(work.public_code))
    lang = page_language()  # a line not translated yet is marked English (fonts, direction)
    words = {key: ui_text(message, lang) for key, message in POSTER_WORDS.items()}
    html = render_template("ideas/poster.html", work=work, link=link, qr=qr_svg(link),
                           words=words,
                           organisation=db.session.get(Organisation, work.organisation_id),
                           icon=inline_pictogram("lightbulb"),
                           phone=inline_pictogram("phone"))
    return Response(html_to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="ideas-poster-{work.public_code}.pdf"',
        "Cache-Control": "no-store"})
