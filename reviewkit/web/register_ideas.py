"""Ideas, answers, actions and investigations of a piece of work, on the register blueprint.

The idea or action a URL names must belong to the piece of work it names, and the piece of
work must be one the member of staff may see (:func:`reviewkit.web.register.work_or_404`).
Investigations of stalled work are recorded by managers and admins (the charter's
commitment 9); facilitators read them.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..config import LANGUAGES
from ..extensions import db
from ..forms.register import (
    AnswerForm,
    InvestigationForm,
    StaffIdeaForm,
    WorkActionForm,
)
from ..models import Idea, IdeaSource, PlanAction, Statement, Work
from ..services import register as reg
from ..services import register_history as history
from .auth import Permission, can, requires
from .register import bp, made_at, with_names, work_or_404
from .saving import submitted

INVESTIGATORS = ("manager", "admin")


def _idea_or_404(work: Work, idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.work_id != work.id:
        abort(404)
    return idea


def _action_or_404(work: Work, action_id: int) -> PlanAction:
    action = db.session.get(PlanAction, action_id)
    if action is None or action.work_id != work.id:
        abort(404)
    return action


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.route("/<int:work_id>/ideas/new", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def new_idea(work_id: int):
    """An idea typed by staff for someone (at a meeting, on the phone, from a letter)."""
    work = work_or_404(work_id)
    languages = [(code, name) for code, (name, _dir) in LANGUAGES.items()]
    form = StaffIdeaForm(languages=languages, raised_on=reg.today_(),
                         language=request.accept_languages.best_match(LANGUAGES) or "en")
    form.ensure_key()
    if not reg.open_for_ideas(work, reg.today_()):
        flash(_("This piece of work is not taking new ideas just now. Record a yearly review "
                "to open it again."))
        return redirect(url_for(".work", work_id=work.id))
    if (idea := submitted(form, lambda: reg.raise_idea(
            work, form.text.data, source=IdeaSource.STAFF.value, today=form.raised_on.data,
            language=form.language.data, raised_by=form.raised_by.data,
            name_agreed=form.name_agreed.data, credit=form.credit.data,
            credit_as=form.credit_as.data, entered_by=current_user,
            client_key=form.client_key.data))):
        flash(_("Added the idea. Its tracking code is %(code)s: give it to the person so they "
                "can follow it.", code=reg.shown_code(idea.tracking_code)))
        return redirect(url_for(".idea", work_id=work.id, idea_id=idea.id))
    return render_template("register/idea_new.html", form=form, work=work), _status(form)


@bp.route("/<int:work_id>/ideas/<int:idea_id>", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def idea(work_id: int, idea_id: int):
    """An idea: its answers, its actions and investigations; the form to answer it."""
    work = work_or_404(work_id)
    idea = _idea_or_404(work, idea_id)
    form = AnswerForm()
    if submitted(form, lambda: reg.answer_idea(
            current_user, idea, decision=form.decision.data, reason=form.reason.data,
            decide_by=form.decide_by.data, cost=reg.parse_cost(form.cost.data),
            cost_note=form.cost_note.data)):
        flash(_("Answered: %(answer)s. The person who sent it sees the answer and its reason "
                "on their tracking link.", answer=history.DECISION_LABELS[idea.decision]))
        return redirect(url_for(".idea", work_id=work.id, idea_id=idea.id))
    today = reg.today_()
    return render_template(
        "register/idea.html", work=work, idea=idea, form=form, with_names=with_names(),
        actions=db.session.scalars(select(PlanAction).where(PlanAction.idea_id == idea.id)
                                   .order_by(PlanAction.due_on, PlanAction.id)).all(),
        investigations=history.investigations(idea),
        overdue=reg.answer_overdue(idea, reg.answer_days(work.organisation_id), today),
        stalled=reg.is_stalled(idea, today), labels=history,
        statement=db.session.get(Statement, idea.statement_id) if idea.statement_id else None,
        made_at=made_at(work) if idea.ballot_item_id else None, theme_link=_theme_link(idea),
        can_investigate=current_user.role in INVESTIGATORS), _status(form)


def _theme_link(idea: Idea) -> str | None:
    """Where the statements of the theme an idea came from are, for those who see themes."""
    from ..models import ThemeSet

    ts = db.session.get(ThemeSet, idea.theme_set_id) if idea.theme_set_id else None
    if ts is None or not idea.theme_id or not can(Permission.REPORTS):
        return None
    return url_for("analysis.curation", scope=ts.scope, theme=idea.theme_id)


@bp.route("/<int:work_id>/ideas/<int:idea_id>/action", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def new_action(work_id: int, idea_id: int):
    """An action for an included or partly included idea, with a named owner and dates."""
    work = work_or_404(work_id)
    idea = _idea_or_404(work, idea_id)
    form = WorkActionForm(starts_on=reg.today_())
    if (action := submitted(form, lambda: reg.add_action(current_user, work, idea,
                                                         **_action_fields(form)))):
        flash(_("Added the action “%(change)s”, owned by %(owner)s.",
                change=action.change[:80], owner=action.owner))
        return redirect(url_for(".idea", work_id=work.id, idea_id=idea.id) + "#actions")
    return render_template("register/action_form.html", form=form, work=work, idea=idea,
                           action=None), _status(form)


def _action_fields(form: WorkActionForm) -> dict:
    return {name: form[name].data for name in ("change", "root_cause", "success", "owner",
                                               "starts_on", "due_on", "status",
                                               "public_sentence")}


@bp.route("/<int:work_id>/actions/<int:plan_action_id>", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def action(work_id: int, plan_action_id: int):
    """An action: change its status, dates or owner (any change is movement); its
    investigations."""
    work = work_or_404(work_id)
    action = _action_or_404(work, plan_action_id)
    form = WorkActionForm(obj=action)
    if submitted(form, lambda: reg.change_action(current_user, action, **_action_fields(form))):
        flash(_("Saved the changes to “%(change)s”.", change=action.change[:80]))
        return redirect(url_for(".work", work_id=work.id) + f"#action-{action.id}")
    idea = db.session.get(Idea, action.idea_id) if action.idea_id else None
    return render_template(
        "register/action_form.html", form=form, work=work, idea=idea, action=action,
        stalled=reg.is_stalled(action, reg.today_()),
        investigations=history.investigations(action),
        can_investigate=current_user.role in INVESTIGATORS), _status(form)


def _investigate(work: Work, item: Idea | PlanAction, back: str):
    form = InvestigationForm()
    allowed = current_user.role in INVESTIGATORS
    if not allowed and request.method == "POST":
        abort(403)
    if allowed and submitted(form, lambda: reg.investigate(
            current_user, item, why=form.why.data, next_steps=form.next_steps.data,
            new_date=form.new_date.data)):
        flash(_("Recorded the investigation. It is in the history; the flag clears when the "
                "work moves again."))
        return redirect(back)
    subject = item.text if isinstance(item, Idea) else item.change
    return render_template("register/investigate.html", form=form, work=work, subject=subject,
                           back=back, allowed=allowed,
                           stalled=reg.is_stalled(item, reg.today_())), _status(form)


@bp.route("/<int:work_id>/ideas/<int:idea_id>/investigate", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def investigate_idea(work_id: int, idea_id: int):
    work = work_or_404(work_id)
    idea = _idea_or_404(work, idea_id)
    return _investigate(work, idea, url_for(".idea", work_id=work.id, idea_id=idea.id))


@bp.route("/<int:work_id>/actions/<int:plan_action_id>/investigate", methods=["GET", "POST"])
@requires(Permission.REGISTER)
def investigate_action(work_id: int, plan_action_id: int):
    work = work_or_404(work_id)
    action = _action_or_404(work, plan_action_id)
    return _investigate(work, action, url_for(".action", work_id=work.id,
                                              plan_action_id=action.id))
