"""Ideas from what people already said, on the register blueprint: a theme of the gap analysis
or a (shared) review statement becomes an idea for a piece of work, linked both ways."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from ..extensions import db
from ..forms.questions import BaseForm
from ..models import Statement, Work
from ..nlp.masking import mask_personal
from ..reports.themes import curate
from ..services import register as reg
from ..services.reviews import get_review
from .auth import Permission, requires
from .register import bp


class IdeaFromForm(BaseForm):
    work = SelectField(_l("Piece of work"), validate_choice=False,
                       description=_l("The plan, policy or process this idea is for."))
    text = TextAreaField(_l("The idea"), validators=[InputRequired(_l("Write the idea."))])
    client_key = HiddenField()


def _open_works() -> list[Work]:
    allowed = reg.visible_work_ids(current_user)
    today = reg.today_()
    works = db.session.scalars(select(Work).where(
        Work.organisation_id == current_user.organisation_id).order_by(Work.title)).all()
    return [w for w in works if (allowed is None or w.id in allowed)
            and reg.open_for_ideas(w, today)]


def _raise(source: str, text: str, **links):
    """The form, and on a valid submit the idea: every id checked against what the user may
    see; the text kept on any error."""
    works = _open_works()
    form = IdeaFromForm(text=text, client_key=secrets.token_urlsafe(16))
    form.work.choices = [(str(w.id), w.title) for w in works]
    if request.method == "POST" and form.validate_on_submit():
        work = next((w for w in works if str(w.id) == form.work.data), None)
        if work is None:
            form.work.errors = [_("Choose a piece of work from the list.")]
        else:
            try:
                idea = reg.raise_idea(work, form.text.data, source=source, today=reg.today_(),
                                      entered_by=current_user, client_key=form.client_key.data
                                      or None, **links)
            except reg.RegisterError as e:
                getattr(form, e.field, form.text).errors = [str(e.message)]
            else:
                flash(_("Added to “%(work)s” as an idea.", work=work.title))
                return None, idea
    return form, None


@bp.route("/ideas/from-theme", methods=["GET", "POST"])
@requires(Permission.REPORTS)  # every role that sees themes also has the register
def idea_from_theme():
    """?scope=all|bank:<id>&theme=<theme id>: a theme of the gap analysis as an idea."""
    from ..models import ThemeSet

    ts = db.session.scalar(select(ThemeSet).filter_by(
        organisation_id=current_user.organisation_id, scope=request.args.get("scope", "all")))
    theme_id = request.args.get("theme", "")
    if not theme_id:  # choose a theme first
        return redirect(url_for("analysis.index"))
    labels = curate(ts, {}).labels if ts is not None and ts.result else {}
    if theme_id not in labels:
        abort(404)
    form, idea = _raise("theme", str(labels[theme_id]), theme=(ts.id, theme_id))
    if idea is not None:
        return redirect(url_for(".ideas"))
    return render_template("reports/idea_from.html", form=form, source=labels[theme_id],
                           kind="theme", earlier=reg.ideas_from(theme=(ts.id, theme_id))), (
        400 if form.errors else 200)


@bp.route("/ideas/from-statement/<int:statement_id>", methods=["GET", "POST"])
@requires(Permission.REVIEWS)  # every role that runs reviews also has the register
def idea_from_statement(statement_id: int):
    """A review statement that the person agreed to share (pooled), as an idea; names and
    contact details masked."""
    statement = db.session.get(Statement, statement_id)
    if (statement is None or statement.deleted_at is not None
            or statement.organisation_id != current_user.organisation_id
            or statement.review_id is None
            or get_review(current_user, statement.review_id) is None):
        abort(404)
    if not statement.pooled:
        flash(_("This statement was not agreed to be shared, so it cannot become an idea."))
        return redirect(url_for("conversation.summary", review_id=statement.review_id))
    text = mask_personal(statement.text, statement.language)
    form, idea = _raise("statement", text, statement_id=statement.id,
                        language=statement.language)
    if idea is not None:
        return redirect(url_for("conversation.summary", review_id=statement.review_id))
    return render_template("reports/idea_from.html", form=form, source=text, kind="statement",
                           earlier=reg.ideas_from(statement_id=statement.id)), (
        400 if form.errors else 200)



