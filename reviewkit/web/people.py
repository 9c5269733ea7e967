"""People supported: list, add, view (logged), consent, export and erase."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..forms.questions import BaseForm
from ..forms.staff import PersonForm, PhoneLinkForm, StaffConsentForm, StartReviewForm
from ..i18n import language_choices, offered_by
from ..models import Organisation, Review, Service
from ..services import people as svc
from ..services.banks import all_latest
from .auth import Permission, requires

bp = Blueprint("people", __name__, url_prefix="/staff/people")
CONVERSATION_BANKS = ("person-centred-review", "appreciative-inquiry")


def _person_form(**kwargs) -> PersonForm:
    form = PersonForm(**kwargs)
    allowed = current_user.service_ids()
    services = db.session.scalars(select(Service).where(
        Service.organisation_id == current_user.organisation_id).order_by(Service.name)).all()
    form.service_id.choices = [(s.id, s.name) for s in services
                               if allowed is None or s.id in allowed]
    # the languages the organisation offers people (its settings page), as invitations do
    org = db.session.get(Organisation, current_user.organisation_id)
    form.language.choices = language_choices(org.languages)
    return form


def _conversation_banks() -> list[tuple[str, str]]:
    return [(v.bank_id, v.title) for v in all_latest() if v.bank_id in CONVERSATION_BANKS]


def start_review_form() -> StartReviewForm:
    """The "start a review conversation" form, offering the conversation banks."""
    form = StartReviewForm(bank="person-centred-review")  # offered first: the usual one
    form.bank.choices = _conversation_banks()
    return form


def _person_or_404(person_id: int, action: str = "view"):
    try:
        person = svc.get_person(current_user, person_id, action=action)
    except svc.NotAllowed:
        abort(403)
    if person is None:
        abort(404)
    return person


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.PEOPLE)
def index():
    form = _person_form()
    if form.validate_on_submit():
        person = svc.create_person(current_user, display_name=form.display_name.data,
                                   reference=form.reference.data, service_id=form.service_id.data,
                                   language=form.language.data, easy_read=form.easy_read.data)
        flash(_("%(name)s added. Record their consent next.", name=person.display_name))
        return redirect(url_for(".show", person_id=person.id))
    return render_template("staff/people.html", people=svc.visible_people(current_user),
                           form=form), (400 if form.errors else 200)


def phone_link_form() -> PhoneLinkForm:
    """The "their part on their phone" form, offering the conversation banks."""
    form = PhoneLinkForm(bank="person-centred-review", prefix="phone")  # ids of its own
    form.bank.choices = _conversation_banks()
    return form


def _person_page(person, *, consent_form=None, link_form=None, link: str | None = None,
                 status: int = 200):
    reviews = db.session.scalars(select(Review).filter_by(person_id=person.id)
                                 .order_by(Review.held_on.desc())).all()
    return render_template("staff/person.html", person=person, reviews=reviews,
                           consent_form=consent_form or StaffConsentForm(),
                           start_form=start_review_form(), form=BaseForm(),
                           link_form=link_form or phone_link_form(), link=link), status


@bp.get("/<int:person_id>")
@requires(Permission.PEOPLE)
def show(person_id: int):
    return _person_page(_person_or_404(person_id))


@bp.post("/<int:person_id>/phone-link")
@requires(Permission.INVITE)
def phone_link(person_id: int):
    """A link (or a card) of the person's own to answer their part of a review on their
    phone, before the meeting: in their language and wording, with their reference on it, so
    that their answers come up in the review conversation started with the same questions."""
    from ..i18n import fallback_language
    from ..services import invitations as inv
    from ..services.banks import latest_version

    person = _person_or_404(person_id, action="edit")
    if not person.reference:  # the page offers no link then: it says why
        return _person_page(person, status=400)
    form = phone_link_form()
    if not form.validate_on_submit():
        return _person_page(person, link_form=form, status=400)
    org = db.session.get(Organisation, person.organisation_id)
    languages = offered_by(org.languages)
    language = person.preferred_language if person.preferred_language in languages \
        else fallback_language(languages)
    survey = inv.survey_for(latest_version(form.bank.data), person.service, org)
    invitation = inv.create_invitations(survey, language=language, easy_read=person.easy_read,
                                        person_ref=person.reference)[0]
    svc.log_access(current_user, "invite", "person", person.id)
    db.session.commit()
    if form.output.data == "a6":
        from ..cards import render_cards

        return Response(render_cards([invitation], size="a6"), mimetype="application/pdf",
                        headers={"Content-Disposition":
                                 f"attachment; filename=phone-link-{person.id}.pdf"})
    return _person_page(person, link=inv.invitation_url(invitation))


@bp.post("/<int:person_id>/consent")
@requires(Permission.PEOPLE)
def consent(person_id: int):
    person = _person_or_404(person_id, action="edit")
    form = StaffConsentForm()
    if form.validate_on_submit():
        svc.record_consent(current_user, person, scope=form.scope.data,
                           given=form.given.data == "yes", note=form.note.data)
        flash(_("Consent recorded."))
        return redirect(url_for(".show", person_id=person.id))
    return _person_page(person, consent_form=form, status=400)


@bp.post("/<int:person_id>/export")
@requires(Permission.PEOPLE)
def export(person_id: int):
    person = _person_or_404(person_id, action="export")
    if not BaseForm().validate():
        abort(400)
    data = svc.export_person(current_user, person)
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition":
                             f"attachment; filename=person-{person.id}.json"})


@bp.route("/<int:person_id>/erase", methods=["GET", "POST"])
@requires(Permission.PEOPLE)
def erase(person_id: int):
    """Erasing cannot be undone, so it is asked once more on a page of its own: one tap on
    the tablet beside "Download everything we hold" must not erase a person's record."""
    person = _person_or_404(person_id, action="erase-request")
    form = BaseForm()
    if request.method == "POST" and not form.validate():
        abort(400)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        reviews = db.session.scalar(select(func.count(Review.id)).filter_by(
            person_id=person.id)) or 0
        return render_template("staff/erase.html", person=person, reviews=reviews, form=form)
    svc.erase_person(current_user, person)
    flash(_("Their record, reviews and statements have been erased."))
    return redirect(url_for(".index"))
