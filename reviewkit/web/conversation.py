"""The guided review conversation on a tablet: contributors, headings, statements, actions,
and a one-page easy-read summary for the person."""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..forms.messages import CHOOSE_FROM_LIST
from ..forms.questions import BaseForm
from ..forms.staff import (
    KIND_LABELS,
    ROLE_LABELS,
    ActionForm,
    ContributorForm,
    StatementEditForm,
    StatementForm,
)
from ..i18n import page_language
from ..models import Review, Statement
from ..services import people as people_svc
from ..services import reviews as svc
from ..services.banks import latest_version
from ..services.clock import today_
from ..services.retention import kept_days_or_none
from .auth import Permission, requires
from .people import start_review_form

bp = Blueprint("conversation", __name__, url_prefix="/staff/reviews")


def _review_or_404(review_id: int) -> Review:
    review = svc.get_review(current_user, review_id)
    if review is None:
        abort(404)
    return review


def _statement_form(review: Review, heading: svc.Heading, form_cls=StatementForm, **kw):
    form = form_cls(**kw)
    # No maxlength on the box: a browser cuts a longer paste short without a word; the form
    # says to split it instead, and keeps every letter.
    form.text.render_kw = {"maxlength": False}
    form.contributor.choices = [(c.id, f"{c.name} ({ROLE_LABELS[c.role]})")
                                for c in review.contributors]
    form.kind.choices = [(k, KIND_LABELS[k]) for k in heading.kinds]
    if isinstance(form, StatementEditForm):
        form.section.choices = [(h.section.id, h.section.title) for h in svc.headings(review)]
    return form


@bp.post("/start/<int:person_id>")
@requires(Permission.REVIEWS)
def start(person_id: int):
    try:
        person = people_svc.get_person(current_user, person_id, action="review")
    except people_svc.NotAllowed:
        abort(403)
    form = start_review_form()
    if person is None:
        abort(404)
    version = latest_version(form.bank.data or "")
    if not form.validate_on_submit() or version is None:
        flash(_("Choose a conversation and a date to start."))
        return redirect(url_for("people.show", person_id=person_id))
    review = svc.start_review(current_user, person, version, form.held_on.data)
    return redirect(url_for(".contributors", review_id=review.id))


@bp.route("/<int:review_id>/people", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def contributors(review_id: int):
    review = _review_or_404(review_id)
    form = ContributorForm(role="family")  # the person is there already: others come next
    all_headings = svc.headings(review)
    # Reached from a heading (someone arrived late): the way back is to that heading.
    back = next((h for h in all_headings if h.section.id == request.args.get("back")), None)
    if form.validate_on_submit():
        svc.add_contributor(review, form.name.data, form.role.data)
        return redirect(url_for(".contributors", review_id=review.id,
                                back=back.section.id if back else None))
    return render_template("staff/review_people.html", review=review, form=form,
                           roles=ROLE_LABELS, first=all_headings[0].section.id, back=back), (
        400 if form.errors else 200)


@bp.route("/<int:review_id>/people/<int:contributor_id>", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def edit_contributor(review_id: int, contributor_id: int):
    review = _review_or_404(review_id)
    contributor = next((c for c in review.contributors if c.id == contributor_id), None)
    if contributor is None:
        abort(404)
    form = ContributorForm(obj=contributor)
    back = request.args.get("back") or None
    if form.validate_on_submit():
        svc.update_contributor(contributor, form.name.data, form.role.data)
        return redirect(url_for(".contributors", review_id=review.id, back=back))
    return render_template("staff/review_contributor.html", review=review, form=form,
                           back=back), (400 if form.errors else 200)


@bp.route("/<int:review_id>/h/<section_id>", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def heading(review_id: int, section_id: str):
    review = _review_or_404(review_id)
    all_headings, index = _headings_at(review, section_id)
    current = all_headings[index]
    form = _statement_form(review, current, data={
        "contributor": request.args.get("who", type=int), "kind": request.args.get("kind"),
        "key": uuid.uuid4().hex})
    statement = None
    if form.validate_on_submit():
        try:
            statement = svc.add_statement(review, section_id, form.contributor.data,
                                          form.kind.data, form.text.data,
                                          client_key=(form.key.data or "")[:64] or None)
        except svc.ReviewError:
            form.contributor.errors = [str(CHOOSE_FROM_LIST)]
    if statement is None:
        added = request.args.get("added", type=int)
        return _heading_page(review, all_headings, index, form, added=next(
            (s for s in current.statements if s.id == added), None))
    who, kind = form.contributor.data, form.kind.data
    if request.headers.get("X-Requested-With") == "fetch":
        # Added without a page load (conversation.js): the page as it now is, which the
        # script takes the problem summary, counts, list and status line from.
        fresh = _statement_form(review, current, formdata=None, data={
            "contributor": who, "kind": kind, "key": uuid.uuid4().hex})
        page, _status = _heading_page(review, *_headings_at(review, section_id), fresh,
                                      added=statement)
        return page, 201
    return redirect(url_for(".heading", review_id=review.id, section_id=section_id,
                            who=who, kind=kind, added=statement.id) + "#text")


def _headings_at(review: Review, section_id: str) -> tuple[list[svc.Heading], int]:
    """The review's headings (with their statements as stored now) and where ``section_id`` is."""
    all_headings = svc.headings(review)
    index = next((i for i, h in enumerate(all_headings) if h.section.id == section_id), None)
    if index is None:
        abort(404)
    return all_headings, index


def _heading_page(review: Review, all_headings: list[svc.Heading], index: int, form,
                  added=None):
    """A heading's page; ``added``, the statement just added, is named in the status line."""
    return render_template(
        "staff/review_heading.html", review=review, heading=all_headings[index], form=form,
        headings=all_headings, index=index, roles=ROLE_LABELS, kinds=KIND_LABELS,
        previous=all_headings[index - 1] if index else None,
        next=all_headings[index + 1] if index + 1 < len(all_headings) else None,
        undo=_just_deleted(review, svc.review_statement, "undo_statement"),
        small=BaseForm(), added=added,
    ), (400 if form.errors else 200)


@bp.route("/<int:review_id>/s/<int:statement_id>", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def edit_statement(review_id: int, statement_id: int):
    review = _review_or_404(review_id)
    statement = _statement_or_404(review, statement_id)
    current = next(h for h in svc.headings(review) if h.section.id == statement.section_id)
    form = _statement_form(review, current, StatementEditForm, obj=None, data={
        "text": statement.text, "contributor": statement.contributor_id,
        "kind": statement.kind, "section": statement.section_id})
    if request.method == "POST":
        target = next((h for h in svc.headings(review) if h.section.id == form.section.data),
                      current)
        form.kind.choices = [(k, KIND_LABELS[k]) for k in target.kinds]
        if form.validate():
            was_deleted = statement.deleted_at is not None
            try:
                svc.update_statement(statement, text=form.text.data,
                                     section_id=form.section.data,
                                     contributor_id=form.contributor.data, kind=form.kind.data)
            except svc.ReviewError:
                form.contributor.errors = [str(CHOOSE_FROM_LIST)]
            else:
                if was_deleted:
                    flash(_("This statement had been deleted (in another tab or on another "
                            "device). Saving your change brought it back."))
                return redirect(url_for(".heading", review_id=review.id,
                                        section_id=form.section.data))
    return render_template("staff/review_statement.html", review=review, statement=statement,
                           form=form), (400 if form.errors else 200)


def _statement_or_404(review: Review, statement_id: int):
    try:
        return svc.review_statement(review, statement_id)
    except svc.ReviewError:
        abort(404)


def _just_deleted(review: Review, find, undo_endpoint: str) -> dict | None:
    """After Delete: what went (this review's statement or action named by ``?undo=``, if it
    is still deleted) and where its Undo button posts, for ``staff/_undo.html``."""
    undo = request.args.get("undo", type=int)
    try:  # an id column's range, as DatabaseInt's for <int:...> in routes
        row = find(review, undo) if undo and 0 < undo < 2**31 else None
    except svc.ReviewError:
        row = None
    if row is None or not row.is_deleted:
        return None
    what, key = ((row.text, "statement_id") if isinstance(row, Statement)
                 else (row.what, "action_id"))
    return {"what": what, "kind": "statement" if isinstance(row, Statement) else "action",
            "kept_days": kept_days_or_none(),  # then erased for good; None: no promise
            "url": url_for(f".{undo_endpoint}", review_id=review.id, **{key: row.id})}


STALE_FORM = _l("We could not check that this came from you, because the page was open for a "
               "long time. Nothing was changed: please press the button again.")


def _delete_or_undo(row, undo: bool, back: str, **args):
    """Delete (then the page offers Undo) or undo a deletion of a row already checked to be
    the review's own; without a valid form token nothing changes, and the page says so."""
    if not BaseForm().validate():
        flash(STALE_FORM)
    else:
        (svc.undo_delete if undo else svc.delete)(row)
        if not undo:
            args["undo"] = row.id
    return redirect(url_for(back, **args))


@bp.post("/<int:review_id>/s/<int:statement_id>/delete")
@requires(Permission.REVIEWS)
def delete_statement(review_id: int, statement_id: int):
    review = _review_or_404(review_id)
    statement = _statement_or_404(review, statement_id)
    return _delete_or_undo(statement, False, ".heading", review_id=review.id,
                           section_id=statement.section_id)


@bp.post("/<int:review_id>/s/<int:statement_id>/undo")
@requires(Permission.REVIEWS)
def undo_statement(review_id: int, statement_id: int):
    review = _review_or_404(review_id)
    statement = _statement_or_404(review, statement_id)
    return _delete_or_undo(statement, True, ".heading", review_id=review.id,
                           section_id=statement.section_id)


@bp.route("/<int:review_id>/actions", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def actions(review_id: int):
    review = _review_or_404(review_id)
    form = ActionForm(held_on=review.held_on)
    if form.validate_on_submit():
        svc.add_action(review, what=form.what.data, who=form.who.data, due_on=form.due_on.data)
        return redirect(url_for(".actions", review_id=review.id) + "#what")
    return render_template("staff/review_actions.html", review=review, form=form,
                           small=BaseForm(), last=svc.headings(review)[-1],
                           undo=_just_deleted(review, svc.review_action, "undo_action"),
                           today=today_(review.organisation_id)), (
        400 if form.errors else 200)


def _action_or_404(review: Review, action_id: int):
    try:
        return svc.review_action(review, action_id)
    except svc.ReviewError:
        abort(404)


@bp.route("/<int:review_id>/actions/<int:action_id>", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def edit_action(review_id: int, action_id: int):
    """The form and rules of adding an action; a date that has passed since is kept when
    only what or who changes."""
    review = _review_or_404(review_id)
    action = _action_or_404(review, action_id)
    form = ActionForm(obj=action, held_on=review.held_on)
    if form.validate_on_submit():
        svc.update_action(action, what=form.what.data, who=form.who.data,
                          due_on=form.due_on.data)
        return redirect(url_for(".actions", review_id=review.id))
    return render_template("staff/review_action.html", review=review, action=action,
                           form=form), (400 if form.errors else 200)


@bp.route("/<int:review_id>/actions/<int:action_id>/delete", methods=["GET", "POST"])
@requires(Permission.REVIEWS)
def delete_action(review_id: int, action_id: int):
    """Asked once more on a page of its own: one tap beside "Mark done" must not delete it.
    After Delete the actions page says what went, with Undo."""
    review = _review_or_404(review_id)
    action = _action_or_404(review, action_id)
    form = BaseForm()
    if request.method == "GET" or not form.validate() or request.form.get("confirm") != "yes":
        # a page open too long (its form token no longer checks) is asked again, and says so
        return render_template("staff/review_action_delete.html", review=review,
                               action=action, form=form), (400 if form.errors else 200)
    return _delete_or_undo(action, False, ".actions", review_id=review.id)


@bp.post("/<int:review_id>/actions/<int:action_id>/undo")
@requires(Permission.REVIEWS)
def undo_action(review_id: int, action_id: int):
    review = _review_or_404(review_id)
    action = _action_or_404(review, action_id)
    return _delete_or_undo(action, True, ".actions", review_id=review.id)


@bp.post("/<int:review_id>/actions/<int:action_id>/done")
@requires(Permission.REVIEWS)
def action_done(review_id: int, action_id: int):
    review = _review_or_404(review_id)
    action = _action_or_404(review, action_id)
    if BaseForm().validate():
        svc.set_action_done(action, request.form.get("done") == "1")
    return redirect(url_for(".actions", review_id=review.id))


def _summary_context(review: Review) -> dict:
    from ..localise import translate

    bank = review.bank_version.bank
    titles = {s.id: translate(bank, s.easy_read, f"{s.id}.easy_read", review.language)
              for s in bank.sections}
    return {"review": review, "headings": svc.headings(review), "roles": ROLE_LABELS,
            "kinds": KIND_LABELS, "titles": titles}


@bp.get("/<int:review_id>/summary")
@requires(Permission.REVIEWS)
def summary(review_id: int):
    review = _review_or_404(review_id)
    people_svc.log_access(current_user, "view", "review", review.id)
    # The summary is the person's, in their language; the page around it (the menu, the
    # buttons, "Add as an idea") stays in the language the support worker reads.
    staff = {"idea_label": _("Add as an idea"), "staff_lang": page_language()}
    with force_locale(review.language):
        body = Markup(render_template("staff/_summary_body.html", **staff,
                                      **_summary_context(review)))
        lang = page_language()
    return render_template("staff/review_summary.html", review=review, body=body,
                           small=BaseForm(),
                           body_lang=lang, body_dir=current_app.config["LANGUAGES"].get(
                               lang, ("", "ltr"))[1])


@bp.post("/<int:review_id>/finish")
@requires(Permission.REVIEWS)
def finish(review_id: int):
    review = _review_or_404(review_id)
    if BaseForm().validate():
        svc.finish_review(review)
        flash(_("The review is finished. Its summary is below, to print or download for them."))
    return redirect(url_for(".summary", review_id=review.id))


@bp.get("/<int:review_id>/summary.pdf")
@requires(Permission.REVIEWS)
def summary_pdf(review_id: int):
    from ..pdf import html_to_pdf, inline_pictogram

    review = _review_or_404(review_id)
    people_svc.log_access(current_user, "download", "review", review.id)
    with force_locale(review.language):
        html = render_template("staff/review_summary_print.html", picto=inline_pictogram,
                               **_summary_context(review))
    return Response(html_to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=review-{review.id}-summary.pdf"})
