"""The phone journey: open an invitation link, say how answers may be used, answer one question
per page, check, send. Every answer is saved when the person moves on."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..banks.schema import TEXT_TYPES, TYPED_TYPES
from ..extensions import limiter
from ..forms import question_type_for
from ..forms.questions import BaseForm
from ..i18n import normalise_language, offered, page_language
from ..localise import question_view
from ..models import Invitation, Response
from ..services import responses as svc
from ..services.invitations import find_invitation
from .auth import public
from .errors import forgives_nul, nul_removed

bp = Blueprint("respond", __name__)

NUL_TAKEN_OUT = _l("Your answer had a hidden character that we cannot keep. We took it out. "
                   "Please check your answer, then press Continue again.")
SKIP_WITH_WORDS = _l("You have written an answer here. To keep it, press Continue. To skip this "
                     "question, delete your answer first, then press Skip.")


class ConsentForm(BaseForm):
    share = RadioField(
        _l("Can we use your answers to help plan services?"),
        choices=[("yes", _l("Yes. You can use my answers, without my name, to help plan "
                            "services for everyone.")),
                 ("no", _l("No. Only use my answers for my own review."))],
        validators=[InputRequired(_l("Please choose yes or no."))],
    )


@bp.after_request
def _next_for_script(response):
    """A form sent by the page's script (respond.js) is told where to go next as JSON, not
    with a redirect: fetch would follow a redirect and load the next page only to throw it
    away, and on a weak signal every page counts."""
    if (request.method == "POST" and request.headers.get("X-Requested-With") == "respond.js"
            and response.status_code in (302, 303) and response.location):
        return jsonify(next=response.location)
    return response


def _response_or_404(key: str) -> svc.Sheet:
    response = svc.find_response(key)
    if response is None:
        abort(404)
    g.invitation_language = response.language
    g.offered_languages = response.offered  # before the page's language is chosen
    return response


def _go_on(response: svc.Sheet | Response, after: str | None = None, *, change: bool = False):
    if response.consent_pooled is None:
        return redirect(url_for(".start", key=response.resume_key))
    nxt = svc.next_question(response, after)
    answered = svc.answers_by_question(response)
    if nxt is None or (change and nxt.id in answered):
        return redirect(url_for(".check", key=response.resume_key))
    return redirect(url_for(".question", key=response.resume_key, qid=nxt.id,
                            change=1 if change else None))


def _remembered(invitation: Invitation) -> svc.Sheet | None:
    """An open link's response started earlier in this browser, if not yet sent."""
    key = session.get("open_links", {}).get(invitation.token)
    response = svc.find_response(key) if key else None
    return response if response and response.submitted_at is None else None


@bp.get("/r/<token>")
@public
def open_invitation(token: str):
    invitation = find_invitation(token)
    if invitation is None:
        abort(404)
    g.invitation_language = invitation.language
    g.offered_languages = invitation.survey.organisation.languages
    if invitation.is_expired():
        return render_template("respond/expired.html"), 410
    response = _remembered(invitation) or svc.start_response(invitation, language=page_language())
    if not invitation.single_use:
        session.permanent = True
        session["open_links"] = {**session.get("open_links", {}), token: response.resume_key}
    if response.submitted_at is not None:
        return redirect(url_for(".done", key=response.resume_key))
    return _go_on(response)


@bp.route("/a/<key>/start", methods=["GET", "POST"])
@public
def start(key: str):
    response = _response_or_404(key)
    pending = session.get("share_pending")
    chosen = pending[1] if pending and pending[0] == response.id else None
    form = ConsentForm(data={"share": chosen or {True: "yes", False: "no"}.get(
        response.consent_pooled)})
    if request.method == "POST" and _switch(response):
        # easy read or another language pressed after a choice: the choice is shown again on
        # the switched page, and not recorded (only Start records it)
        form.validate()
        if "csrf_token" not in form.errors:
            if form.share.data in ("yes", "no"):
                session["share_pending"] = [response.id, form.share.data]
            return redirect(url_for(".start", key=key))
        form.share.errors = []  # only "press the button again", with the choice still there
    elif form.validate_on_submit():
        session.pop("share_pending", None)
        svc.set_consent(response, form.share.data == "yes")
        return _go_on(response)
    # "skip any question" only where it is true: some banks need a few answers
    must_answer = any(q.required for q in response.bank.questions)
    return render_template("respond/start.html", response=response, form=form,
                           must_answer=must_answer), (400 if form.errors else 200)


@bp.post("/a/<key>/easy-read")
@public
def easy_read(key: str):
    response = _response_or_404(key)
    form = BaseForm()
    if form.validate():
        svc.set_easy_read(response, request.form.get("easy_read") == "1")
    return redirect(_own_page(key, request.form.get("next", "")))


_OWN_PAGE = re.compile(r"/a/(?P<key>[A-Za-z0-9_-]{1,64})/(?:q/[a-z0-9_-]{1,64}|[a-z-]{1,20})")
_OWN_QUERY = {"change": re.compile(r"1"), "needed": re.compile(r"1"),
              "lang": re.compile(r"[A-Za-z_-]{2,10}")}


def _own_page(key: str, back: str) -> str:
    """``back`` when it is one of this response's own pages (a question, with ``change`` and
    ``lang`` at most in its query), otherwise its check page: no text a person sent is copied
    into the redirect."""
    from urllib.parse import parse_qsl

    path, _sep, query = back.partition("?")
    own = _OWN_PAGE.fullmatch(path)
    args = parse_qsl(query[:100], keep_blank_values=True) if len(query) <= 100 else None
    if own is None or own["key"] != key or args is None or not all(
            name in _OWN_QUERY and _OWN_QUERY[name].fullmatch(value) for name, value in args):
        return url_for(".check", key=key)
    return back


@bp.route("/a/<key>/q/<qid>", methods=["GET", "POST"])
@public
@forgives_nul
def question(key: str, qid: str):
    response = _response_or_404(key)
    if response.submitted_at is not None:
        late = _not_added(response, qid) if request.method == "POST" else None
        if late:  # not a silent "Thank you": say this answer was not added, and show it
            return _thank_you(response, not_added=late), 409
        return redirect(url_for(".done", key=key))
    if response.consent_pooled is None:
        return redirect(url_for(".start", key=key))
    switched = request.method == "POST" and _switch(response)
    lang = page_language()
    svc.set_language(response, lang)
    shown = svc.visible_questions(response.bank, svc.current_values(response))
    q = next((s for s in shown if s.id == qid), None)
    if q is None:
        return _go_on(response)
    view = question_view(response.bank, q, response.easy_read, lang)
    kind = question_type_for(q)
    stored = svc.answers_by_question(response).get(qid)
    form = view.form(data={"answer": kind.to_form(stored.value)} if stored else None)
    change = request.args.get("change") == "1"

    def here() -> str:
        """This page again, with what it was asked with (not ?lang=: a language chosen on the
        page is the person's choice from then on). Made only when needed: not on a save."""
        return url_for(".question", key=key, qid=qid, change=1 if change else None,
                       needed=1 if request.args.get("needed") == "1" else None)

    if request.method == "POST":
        valid = form.validate()
        if nul_removed():  # pasted with a NUL: shown again without it, to be checked
            form.answer.errors.append(NUL_TAKEN_OUT)
            valid = False
        action = request.form.get("action")
        if action == "skip" and not q.required and "csrf_token" not in form.errors:
            if q.type not in TYPED_TYPES or kind.is_empty(form.answer.data):
                svc.save_answer(response, qid, None, skipped=True)
                return _go_on(response, qid, change=change)
            # Skip next to Continue, pressed with words in the box (by mistake, or to leave
            # them): the words are not thrown away unasked. A choice is one tap to make again.
            form.answer.errors = [SKIP_WITH_WORDS]
            valid = False
        if action == "later" and kind.is_empty(form.answer.data) \
                and "csrf_token" not in form.errors:
            # stopping with nothing typed here: not "Please answer this question", and not
            # "skipped" either (coming back starts at this question)
            return redirect(url_for(".later", key=key))
        if (switched or action == "back") and not nul_removed() \
                and _keep_typed(response, q, form, stored):
            if action == "back":
                # from a "Change" of the check page: still changing (Continue there goes
                # back to the check page rather than through every question after it)
                before = svc.previous_question(response, qid)
                return redirect(url_for(".question", key=key, qid=before.id,
                                        change=1 if change else None) if before else here())
            return redirect(here())
        if valid:
            _save(response, q, form)
            if action == "later":
                return redirect(url_for(".later", key=key))
            return _go_on(response, qid, change=change)
    ids = [s.id for s in svc.counted_questions(response)]
    previous = svc.previous_question(response, qid)
    return render_template(
        "respond/question.html", response=response, q=q, view=view, form=form, here=here(),
        position=ids.index(qid) + 1, total=len(ids), previous=previous, change=change,
        needed=request.args.get("needed") == "1" and qid not in svc.current_values(response),
    ), (400 if form.errors else 200)


def _switch(response: svc.Sheet) -> bool:
    """Do what the easy-read or a language button on a question asked for. They send the
    question's answer form (so that what is typed goes with them, with or without JavaScript):
    True when one of them was pressed; the switch is made only with this page's own token."""
    easy, lang = request.form.get("easy_read"), request.form.get("lang")
    if easy is None and lang is None:
        return False
    if BaseForm().validate():
        if easy in ("0", "1"):
            svc.set_easy_read(response, easy == "1")
        _choose_language(lang)
    return True


def _choose_language(lang: str | None) -> None:
    """The language a phone page's language button asked for, if it is one offered; this page
    is in it already (it may show a problem)."""
    if (lang := normalise_language(lang)) in offered():
        session["lang"] = lang
        refresh()


def _save(response: svc.Sheet, q, form) -> None:
    kind = question_type_for(q)
    value = kind.to_value(form.answer.data)
    # nothing but spaces or bullets: as skipped, so "Check your answers" says so
    svc.save_answer(response, q.id, value, skipped=kind.is_empty(value))


def _keep_typed(response: svc.Sheet, q, form, stored) -> bool:
    """Keep what is in the answer box when the person leaves the question by Back, easy read
    or another language (as a draft is kept while typing): True when it is saved, or there is
    nothing to keep; False when it cannot be saved (too long, not a date…, or the page's token
    too old), so that the page shows it again and says why, rather than lose it."""
    kind = question_type_for(q)
    if kind.is_empty(form.answer.data) and "csrf_token" not in form.errors \
            and (stored is None or q.required):
        return True  # nothing typed, nothing to clear: no answer, and not "skipped" either
    if form.errors:
        return False
    _save(response, q, form)
    return True


def _not_added(response: svc.Sheet, qid: str) -> list[str] | None:
    """The answer sent from a page left open after the answers were sent (another tab, or
    the back button), as the person reads it, when it is not what was sent; else None. It is
    never saved: what was sent stays as it was sent."""
    q = response.bank.question(qid)
    if q is None or request.form.get("action") == "skip":
        return None
    view = question_view(response.bank, q, response.easy_read, page_language())
    kind = question_type_for(q)
    form = view.form()
    form.validate()
    data = form.answer.data
    if "csrf_token" in form.errors or kind.is_empty(data):  # not from this person's page
        return None
    stored = svc.answers_by_question(response).get(qid)
    if stored is not None and not stored.skipped and stored.value == kind.to_value(data):
        return None  # the same answer again (a double tap): nothing was lost
    given = data if isinstance(data, list) else [data]
    if view.choices:
        return [view.choice_label(v) for v in given]
    return [line for line in "\n".join(given).splitlines() if line.strip()]


@bp.post("/a/<key>/q/<qid>/draft")
@public
@forgives_nul
def draft(key: str, qid: str):
    """Save text while the person types (JavaScript only); the same checks as Continue."""
    response = _response_or_404(key)
    q = response.bank.question(qid)
    if response.submitted_at is not None or q is None or q.type not in TEXT_TYPES:
        return {"saved": False}, 409
    if nul_removed():  # not saved: Continue shows the answer without it, and says why
        return {"saved": False, "errors": {"answer": [str(NUL_TAKEN_OUT)]}}, 400
    form = question_view(response.bank, q, response.easy_read, page_language()).form()
    if not form.validate():
        errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
        return {"saved": False, "errors": errors}, 400
    svc.save_answer(response, qid, question_type_for(q).to_value(form.answer.data))
    return {"saved": True}


@bp.get("/a/<key>/check")
@public
def check(key: str):
    response = _response_or_404(key)
    if response.submitted_at is not None:
        return redirect(url_for(".done", key=key))
    bank = response.bank
    answers = svc.answers_by_question(response)
    rows = [
        (question_view(bank, q, response.easy_read, page_language()), answers.get(q.id))
        for q in svc.visible_questions(bank, svc.current_values(response))
    ]
    return render_template("respond/check.html", response=response, rows=rows,
                           missing=svc.missing_required(response), form=BaseForm())


@bp.post("/a/<key>/send")
@public
def send(key: str):
    response = _response_or_404(key)
    if not BaseForm().validate():
        return redirect(url_for(".check", key=key))
    missing = svc.missing_required(response)
    if missing:  # the question says why the person was brought to it
        return redirect(url_for(".question", key=key, qid=missing[0].id, change=1, needed=1))
    svc.submit(response)
    return redirect(url_for(".done", key=key))


@bp.get("/a/<key>/done")
@public
def done(key: str):
    return _thank_you(_response_or_404(key))


def _thank_you(response: svc.Sheet, not_added: list[str] | None = None) -> str:
    return render_template("respond/done.html", response=response, not_added=not_added,
                           organisation=svc.record(response).survey.organisation)


@bp.get("/a/<key>/later")
@public
def later(key: str):
    response = _response_or_404(key)
    return render_template("respond/later.html", response=response,
                           code=svc.short_code_for(svc.record(response)),
                           link=url_for(".resume_link", key=key, _external=True))


@bp.get("/k/<key>")
@public
def resume_link(key: str):
    response = _response_or_404(key)
    if response.submitted_at is not None:
        return redirect(url_for(".done", key=key))
    return _go_on(response)


class ResumeForm(BaseForm):
    code = StringField(_l("Your code"), validators=[DataRequired(_l("Enter your code.")),
                                                    Length(max=40)])


def _resume_miss_limits() -> list[tuple]:
    """The limits on codes that did not match, with the keys they are counted under: this client,
    and everyone together (so that many clients cannot share out the guessing)."""
    from flask import current_app
    from flask_limiter.util import get_remote_address
    from limits import parse

    config = current_app.config
    return [(parse(config["RESUME_MISSES_PER_CLIENT"]), "client", get_remote_address()),
            (parse(config["RESUME_MISSES_OVERALL"]), "all", "all")]


def _resume_locked() -> bool:
    if not limiter.enabled:
        return False
    try:
        return any(not limiter.limiter.test(item, "resume-miss", *keys)
                   for item, *keys in _resume_miss_limits())
    except Exception:  # the limits' Redis is gone: go on without them, as the routes' limits do
        _storage_gone()
        return False


def _resume_missed() -> None:
    if limiter.enabled:
        try:
            for item, *keys in _resume_miss_limits():
                limiter.limiter.hit(item, "resume-miss", *keys)
        except Exception:  # as above
            _storage_gone()


def _storage_gone() -> None:
    from flask import current_app

    current_app.logger.exception("finish-later code limits: their storage does not answer")


@bp.route("/resume", methods=["GET", "POST"])
@public
@forgives_nul  # a code pasted with a NUL: looked up without it
@limiter.limit("20 per minute", methods=["POST"])
def resume():
    form = ResumeForm()
    if request.method == "POST" and request.form.get("lang") is not None:
        # another language pressed with a code typed: the page again in that language, with
        # the code still in the box (not looked up, and not put in the address or the session)
        form.validate()
        if "csrf_token" not in form.errors:
            form.code.errors = []
            _choose_language(request.form["lang"])
        return render_template("respond/resume.html", form=form), (400 if form.errors else 200)
    if form.validate_on_submit():
        if _resume_locked():  # checked before the code, so a locked-out guesser learns nothing
            form.code.errors.append(_l(
                "Too many codes that did not match were tried, so finding answers by code is "
                "paused for a while. Please try again later, or use the link you were given."))
            return render_template("respond/resume.html", form=form), 429
        response = svc.find_by_short_code(form.code.data)
        if response is not None:
            return redirect(url_for(".resume_link", key=response.resume_key))
        _resume_missed()
        form.code.errors.append(_l("We could not find that code. Check it and try again. "
                                   "It has 12 letters and numbers, like K7PQ-4XR9-MN3T."))
    return render_template("respond/resume.html", form=form), (400 if form.errors else 200)
