"""The respondent journey: open an invitation link, answer one question per page, check, send."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale

from ..forms import answer_form, question_type_for
from ..forms.questions import BaseForm
from ..localise import question_view
from ..models import Response
from ..services import responses as svc
from ..services.invitations import find_invitation

bp = Blueprint("respond", __name__)


def _page_language() -> str:
    return str(get_locale() or "en")


def _response_or_404(key: str) -> Response:
    response = svc.find_response(key)
    if response is None:
        abort(404)
    g.invitation_language = response.language
    return response


def _go_on(response: Response, after: str | None = None):
    nxt = svc.next_question(response, after)
    if nxt is None:
        return redirect(url_for(".check", key=response.resume_key))
    return redirect(url_for(".question", key=response.resume_key, qid=nxt.id))


@bp.get("/r/<token>")
def open_invitation(token: str):
    invitation = find_invitation(token)
    if invitation is None:
        abort(404)
    g.invitation_language = invitation.language
    if invitation.is_expired():
        return render_template("respond/expired.html", invitation=invitation), 410
    response = svc.start_response(invitation, language=_page_language())
    if response.submitted_at is not None:
        return redirect(url_for(".done", key=response.resume_key))
    return _go_on(response)


@bp.route("/a/<key>/q/<qid>", methods=["GET", "POST"])
def question(key: str, qid: str):
    response = _response_or_404(key)
    if response.submitted_at is not None:
        return redirect(url_for(".done", key=key))
    svc.set_language(response, _page_language())
    shown = svc.visible_questions(response.bank_version.bank, svc.current_values(response))
    q = next((s for s in shown if s.id == qid), None)
    if q is None:
        return _go_on(response)
    view = question_view(response.bank_version.bank, q, response.easy_read, _page_language())
    kind = question_type_for(q)
    stored = svc.answers_by_question(response).get(qid)
    form = answer_form(q, view.text, view.choice_pairs,
                       data={"answer": kind.to_form(stored.value)} if stored else None)
    if request.method == "POST":
        valid = form.validate()
        if request.form.get("action") == "skip" and not q.required and "csrf_token" not in form.errors:
            svc.save_answer(response, qid, None, skipped=True)
            return _go_on(response, qid)
        if valid:
            svc.save_answer(response, qid, kind.to_value(form.answer.data))
            return _go_on(response, qid)
    position = [s.id for s in shown].index(qid) + 1
    previous = svc.previous_question(response, qid)
    return render_template(
        "respond/question.html", response=response, q=q, view=view, form=form,
        position=position, total=len(shown), previous=previous,
    ), (400 if form.errors else 200)


@bp.get("/a/<key>/check")
def check(key: str):
    response = _response_or_404(key)
    if response.submitted_at is not None:
        return redirect(url_for(".done", key=key))
    bank = response.bank_version.bank
    answers = svc.answers_by_question(response)
    rows = [
        (question_view(bank, q, response.easy_read, _page_language()), answers.get(q.id))
        for q in svc.visible_questions(bank, svc.current_values(response))
    ]
    return render_template("respond/check.html", response=response, rows=rows,
                           missing=svc.missing_required(response), form=BaseForm())


@bp.post("/a/<key>/send")
def send(key: str):
    response = _response_or_404(key)
    form = BaseForm()
    if not form.validate():
        return redirect(url_for(".check", key=key))
    missing = svc.missing_required(response)
    if missing:
        return redirect(url_for(".question", key=key, qid=missing[0].id))
    svc.submit(response)
    return redirect(url_for(".done", key=key))


@bp.get("/a/<key>/done")
def done(key: str):
    response = _response_or_404(key)
    return render_template("respond/done.html", response=response)
