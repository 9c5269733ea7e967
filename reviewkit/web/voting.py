"""Voting at a local event, in public with no account: a phone votes at ``/v/<code>`` (dot
voting or "rank your top 3", changed until voting closes), sees what it chose on a thank-you
page, and the room watches the projector page (``/v/<code>/live``), which a small JSON
endpoint keeps up to date; and, for staff, the event's A4 poster and its single-use code cards.

One ballot per phone per event: the phone keeps a random voter key in a long-lived cookie of
that event (never a person, an address or a review). Every page is in the page's language,
in easy read with pictures when asked (``?easy=1``), reads aloud where the browser can, and
works without JavaScript (the projector page then refreshes itself)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from ..cards import N_
from ..extensions import db, limiter
from ..forms.questions import BaseForm
from ..i18n import normalise_language
from ..models import Ballot, BallotItem, Event, Organisation, VotingCode, VotingMethod
from ..models.events import RANKS
from ..reports.event_results import EventResults, results
from ..services import events as ev
from ..services.clock import clean_code, shown_code
from .auth import Permission, public, requires
from .ideas import easy_read, of_organisation, page_language, public_link

bp = Blueprint("voting", __name__)

COOKIE_DAYS = 180  # the phone keeps its voter key this long (changed until voting closes)
PICTOGRAMS = frozenset(p.stem for p in (Path(__file__).parent.parent / "static" /
                                        "pictograms").glob("*.svg"))
ITEM_PICTURE = "star"  # an item with no picture of its own
PLACES = {1: _l("First choice"), 2: _l("Second choice"), 3: _l("Third choice")}
FORGED = _l("Choose from the list.")
#: The poster's and the cards' words (translated when they are printed).
POSTER_WORDS = {"ask": N_("Vote for what matters most to you."),
                "scan": N_("Scan the code with your phone camera."),
                "type": N_("Or type this link:"),
                "account": N_("You do not need an account."),
                "language": N_("You can vote in your own language or in easy read, and "
                               "hear it read aloud."),
                "last": N_("You can change your vote until voting closes.")}
CARD_WORDS = {"title": N_("Your voting code"),
              "scan": N_("Scan the code to vote. Your code is in the link."),
              "type": N_("Or type this link and the code:"),
              "once": N_("This code is for one person. It works once."),
              "none": N_("There are no codes to print: none has been made, or every one has "
                         "been used. Make new codes on the event's page.")}


class VoteForm(BaseForm):
    """What every ballot form carries besides the choices (which are read per item): the CSRF
    token, the key that makes a repeated submit count once, and the code of a card."""

    submit_key = HiddenField()
    code = StringField(_l("The code on your card"), validators=[Length(max=40)])


# ---------------------------------------------------------------------------- helpers


def _qr(link: str) -> Markup:
    """The QR code of ``link`` as inline SVG, with one class attribute (segno adds its own)."""
    from ..cards import qr_svg

    return Markup(str(qr_svg(link)).replace(' class="segno"', "", 1))


def event_or_404(code: str) -> Event:
    event = ev.event_by_code(code)
    if event is None:
        abort(404)
    of_organisation(event.organisation_id, event.languages)
    return event


def cookie_name(event: Event) -> str:
    return f"rkv-{event.public_code}"


def _keep_voter_key(response: Response, event: Event, key: str) -> Response:
    secure = request.is_secure or current_app.config.get("BASE_URL", "").startswith("https://")
    response.set_cookie(cookie_name(event), key, max_age=COOKIE_DAYS * 24 * 3600, path="/",
                        httponly=True, samesite="Lax", secure=secure)
    return response


def item_picture(item: BallotItem) -> str:
    return item.picture if item.picture in PICTOGRAMS else ITEM_PICTURE


def _item_words(event: Event, lang: str) -> dict[int, dict]:
    """Each item's label and easy-read words in ``lang``; ``lang`` is the language the words
    are really in ("en" where not translated yet), to mark them for the browser."""
    words = {}
    for item in event.items:
        label, easy, translated = item.words(lang)
        words[item.id] = {"label": label, "easy": easy, "picture": item_picture(item),
                          "lang": lang if translated else "en"}
    return words


def _chosen_of(event: Event, ballot: Ballot | None) -> dict[int, int]:
    """A stored ballot as the form shows it: dots per item id, or item id per place."""
    if ballot is None:
        return {}
    if event.method == VotingMethod.RANK.value:
        return {v.rank: v.item_id for v in ballot.votes if v.rank}
    return {v.item_id: v.dots for v in ballot.votes if v.dots}


def _posted_choices(event: Event) -> dict[int, int] | list[int]:
    """What to give :func:`cast` from the posted fields: ``dots-<item id>`` (a number of
    dots) or ``rank-1`` … ``rank-3`` (an item id each); anything else is refused."""
    form = request.form
    if event.method == VotingMethod.RANK.value:
        ranked = []
        for place in range(1, RANKS + 1):
            raw = form.get(f"rank-{place}", "").strip()
            if raw and not raw.isdigit():
                raise ev.EventError("choices", FORGED)
            if raw:
                ranked.append(int(raw))
        if ranked and not form.get("rank-1", "").strip():
            raise ev.EventError("choices", _l("Choose your first choice at least."))
        return ranked
    dots: dict[int, int] = {}
    for name, raw in form.items(multi=True):
        if not name.startswith("dots-"):
            continue
        item, value = name[5:], raw.strip() or "0"
        if not item.isdigit() or not value.lstrip("-").isdigit() or int(item) in dots:
            raise ev.EventError("choices", FORGED)
        dots[int(item)] = int(value)
    return dots


def _shown_again(event: Event) -> dict[int, int]:
    """What the person chose, to show again with a message: the posted choices that the form
    can show (an unknown item or a number not on the list is left out)."""
    items, form = {i.id for i in event.items}, request.form
    if event.method == VotingMethod.RANK.value:
        shown = {p: form.get(f"rank-{p}", "").strip() for p in range(1, RANKS + 1)}
        return {p: int(v) for p, v in shown.items() if v.isdigit() and int(v) in items}
    shown = {i: form.get(f"dots-{i}", "").strip() for i in items}
    return {i: int(v) for i, v in shown.items() if v.isdigit() and 0 < int(v) <= event.dots}


def _card_code(event: Event, ballot: Ballot | None) -> str:
    """The code to put in the code field: the card this phone used, or the one in the link."""
    if ballot is not None and ballot.code_id:
        row = db.session.get(VotingCode, ballot.code_id)
        if row is not None:
            return shown_code(row.code)
    return session.get(f"vote-code-{event.id}", "")


def _remember_card_code(event: Event) -> None:
    """A code in the card's link (``?code=``) is kept for this browser, so changing the page's
    language (whose links keep no other choice) does not lose it."""
    cleaned = clean_code(request.args.get("code"))
    if cleaned:
        session[f"vote-code-{event.id}"] = shown_code(cleaned)


def _one_phone() -> str:
    """The rate limit's key for one phone: its address and its voter key for this event
    (people in one room often share one address)."""
    code = clean_code((request.view_args or {}).get("code")) or ""
    return f"{request.remote_addr}|{code}|{request.cookies.get(f'rkv-{code}', '')}"


def _closed(event: Event, easy: bool):
    return render_template("voting/closed.html", event=event, easy_read=easy), (
        409 if request.method == "POST" else 200)


# ---------------------------------------------------------------------------- vote


@bp.route("/v/<code>", methods=["GET", "POST"])
@public
@limiter.limit("30 per minute", methods=["POST"], key_func=lambda: _one_phone())
@limiter.limit("1200 per minute", methods=["POST"])  # a room of phones on one network
def vote(code: str):
    event = event_or_404(code)
    easy = easy_read()
    if not event.is_open:
        return _closed(event, easy)
    voter_key = request.cookies.get(cookie_name(event), "")
    ballot = ev.ballot_of(event, voter_key)
    form = VoteForm()
    error = None
    if request.method == "GET":
        _remember_card_code(event)
        form.code.data = _card_code(event, ballot)
    elif not form.validate_on_submit():
        error = ev.EventError("csrf_token" if "csrf_token" in form.errors else "code",
                              _l("We could not check that this vote came from you, because "
                                 "the page was open for a long time. Your choices are still "
                                 "here: please press the button again.")
                              if "csrf_token" in form.errors else FORGED)
    else:
        try:
            ev.cast(event, voter_key=voter_key, choices=_posted_choices(event),
                    language=page_language(),
                    easy_read=easy, code=form.code.data,
                    submit_key=(form.submit_key.data or "")[:64] or None)
        except ev.EventError as refused:
            error = refused
        else:
            return redirect(url_for(".thanks", code=shown_code(event.public_code)), 303)
    chosen = _shown_again(event) if request.method == "POST" else _chosen_of(event, ballot)
    form.submit_key.data = secrets.token_urlsafe(18)
    page = render_template("voting/vote.html", event=event, form=form, easy_read=easy,
                           words=_item_words(event, page_language()), chosen=chosen,
                           error=error, changing=ballot is not None, places=PLACES)
    response = Response(page, status=400 if error else 200)
    if not voter_key or len(voter_key) > 64:
        _keep_voter_key(response, event, ev.new_voter_key())
    return response


@bp.get("/v/<code>/thanks")
@public
def thanks(code: str):
    event = event_or_404(code)
    ballot = ev.ballot_of(event, request.cookies.get(cookie_name(event)))
    if ballot is None:
        return redirect(url_for(".vote", code=shown_code(event.public_code)))
    return render_template("voting/thanks.html", event=event, easy_read=easy_read(),
                           words=_item_words(event, page_language()),
                           chosen=_chosen_of(event, ballot), places=PLACES)


# ---------------------------------------------------------------------------- the projector


def _amount(res: EventResults, n: int) -> str:
    if res.ranked:
        return ngettext("%(num)d point", "%(num)d points", n)
    return ngettext("%(num)d dot", "%(num)d dots", n)


def _who_voted(res: EventResults) -> str:
    text = ngettext("%(num)d person has voted.", "%(num)d people have voted.",
                    res.phones + res.assisted)
    if res.sheets:
        text += " " + ngettext("And %(num)d paper voting sheet.",
                               "And %(num)d paper voting sheets.", res.sheets)
    return text


def live_numbers(res: EventResults) -> dict:
    """The numbers the projector page shows, with their words, in the page's language."""
    most = res.most or 1
    return {"state": res.event.voting, "voted": _who_voted(res),
            "items": [{"id": r.item.id, "total": r.total, "words": _amount(res, r.total),
                       "width": round(100 * r.total / most, 1)}
                      for r in sorted(res.items, key=lambda r: (r.item.position, r.item.id))]}


@bp.get("/v/<code>/live")
@public
def live(code: str):
    event = event_or_404(code)
    if event.voting == "draft":
        abort(404)
    link = public_link(".vote", code=shown_code(event.public_code))
    still = request.args.get("still") == "1"
    response = Response(render_template(
        "voting/live.html", event=event, easy_read=easy_read(),
        words=_item_words(event, page_language()), link=link, qr=_qr(link),
        live=live_numbers(results(event)), still=still))
    if event.is_open and not still:
        # Without JavaScript the page refreshes itself every 5 seconds. A header rather than
        # <meta http-equiv="refresh">: the page's own script cancels it (window.stop() once
        # loaded) and keeps the numbers up to date instead, and a refresh in the page itself
        # is what axe-core's meta-refresh rule (WCAG 2.2.1) refuses. "Stop this page updating"
        # (?still=1) turns it off.
        response.headers["Refresh"] = "5"
    return response


@bp.get("/v/<code>/live.json")
@public
def live_json(code: str):
    """The projector's numbers; ``304`` while nothing has changed (the event's ``changed_at``,
    its state and its number of items, in one small query, make the ETag)."""
    cleaned = clean_code(code)
    row = db.session.execute(
        select(Event.id, Event.voting, Event.changed_at, func.count(BallotItem.id))
        .outerjoin(BallotItem, BallotItem.event_id == Event.id)
        .where(Event.public_code == cleaned).group_by(Event.id)).first() if cleaned else None
    if row is None or row.voting == "draft":
        abort(404)
    lang = normalise_language(request.args.get("l")) or "en"
    etag = f"{row.id}-{row[2].timestamp():.6f}-{row.voting}-{row[3]}-{lang}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        with force_locale(lang):
            response = jsonify(live_numbers(results(db.session.get(Event, row.id))))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


# ---------------------------------------------------------------------------- staff: paper


def _staff_event(event_id: int) -> Event:
    return ev.event_for(current_user, event_id) or abort(404)


def _pdf(html: str, name: str) -> Response:
    from ..pdf import html_to_pdf

    return Response(html_to_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/staff/events/<int:event_id>/poster.pdf")
@requires(Permission.EVENTS)
def poster(event_id: int):
    """An A4 poster of an event: its QR code and short link, in easy read, in the page's
    language; for the events this member of staff may see."""
    from ..cards import qr_svg, ui_text
    from ..pdf import inline_pictogram

    event = _staff_event(event_id)
    link = public_link(".vote", code=shown_code(event.public_code))
    lang = page_language()  # a line not translated yet is marked English (fonts, direction)
    html = render_template(
        "voting/poster.html", event=event, link=link, qr=qr_svg(link),
        words={key: ui_text(message, lang) for key, message in POSTER_WORDS.items()},
        organisation=db.session.get(Organisation, event.organisation_id),
        icon=inline_pictogram("choose"), phone=inline_pictogram("phone"))
    return _pdf(html, f"voting-poster-{event.public_code}.pdf")


@bp.get("/staff/events/<int:event_id>/cards.pdf")
@requires(Permission.EVENTS)
def cards(event_id: int):
    """The event's single-use codes not used yet, eight cards to an A4 page: each with its
    code, and a QR code whose link carries it (a page that says so when there are none)."""
    from ..cards import ui_text

    event = _staff_event(event_id)
    used = select(Ballot.code_id).where(Ballot.code_id.is_not(None))
    codes = db.session.scalars(select(VotingCode).where(
        VotingCode.event_id == event.id, VotingCode.id.not_in(used)).order_by(
        VotingCode.id)).all()
    lang = page_language()
    link = public_link(".vote", code=shown_code(event.public_code))
    cards = [{"code": shown_code(c.code), "qr": _qr(f"{link}?code={c.code}")}
             for c in codes]
    html = render_template(
        "voting/cards.html", event=event, link=link, cards=cards,
        words={key: ui_text(message, lang) for key, message in CARD_WORDS.items()},
        title=gettext("Voting codes"))
    return _pdf(html, f"voting-codes-{event.public_code}.pdf")
