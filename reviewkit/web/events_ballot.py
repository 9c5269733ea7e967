"""An event's ballot, paper tallies and votes with a person on the tablet, on the events
blueprint (:mod:`reviewkit.web.events`).

The item or tally sheet a URL names must belong to the event it names, and the event must be
one the member of staff may see (:func:`reviewkit.web.events.event_or_404`). Only those who run
events (admins and facilitators) change anything here."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms.events import (
    PICTURES,
    PLACES,
    ItemForm,
    ThemesForm,
    assisted_choices,
    assisted_form,
    item_form,
    tally_cells,
    tally_counts,
    tally_form,
)
from ..forms.questions import BaseForm
from ..models import BallotItem, Event, TallySheet
from ..services import events as ev
from ..services.clock import Refused
from .auth import Permission, requires
from .events import bp, event_or_404, form_error, runs
from .saving import submitted

ASSISTED = "assisted-"  # the start of the key of a ballot entered on the tablet


def _item_or_404(event: Event, item_id: int) -> BallotItem:
    item = db.session.get(BallotItem, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _other_languages(event: Event) -> list[tuple[str, str]]:
    names = current_app.config["LANGUAGES"]
    return [(code, names[code][0]) for code in event.languages or [] if code != "en"
            and code in names]


def _status(form) -> int:
    return 400 if form.errors else 200


# ---------------------------------------------------------------------------- the ballot


@bp.route("/<int:event_id>/ballot", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def ballot(event_id: int):
    """The ballot's items, and the service's or area's themes to add as items."""
    event = event_or_404(event_id)
    on_ballot = {i.theme_id for i in event.items if i.theme_id}
    choices = [c for c in ev.theme_choices(event) if c.id not in on_ballot]
    form = ThemesForm()
    form.themes.choices = [(c.id, c.label) for c in choices]  # in their own language
    if (made := submitted(form, lambda: ev.add_theme_items(current_user, event,
                                                           form.themes.data))) is not None:
        flash(ngettext("Added %(num)d item from themes.", "Added %(num)d items from themes.",
                       len(made)))
        return redirect(url_for(".ballot", event_id=event.id))
    return render_template("events/ballot.html", event=event, form=form, choices=choices,
                           translated=_other_languages(event), pictures=PICTURES,
                           small=BaseForm()), _status(form)


@bp.route("/<int:event_id>/items/new", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def new_item(event_id: int):
    """An item typed by hand: before the day, or on the day while voting is open."""
    event = event_or_404(event_id)
    form = ItemForm()
    if (item := submitted(form, lambda: ev.add_item(
            current_user, event, label=form.label.data, easy_read=form.easy_read.data,
            picture=form.picture.data))):
        flash(_("Added “%(label)s” to the ballot.", label=item.label))
        return redirect(url_for(".ballot", event_id=event.id))
    return render_template("events/item.html", event=event, form=form, item=None,
                           translated=[]), _status(form)


@bp.route("/<int:event_id>/items/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def item(event_id: int, item_id: int):
    """An item's words for this event, in English and in each language the event offers."""
    event = event_or_404(event_id)
    item = _item_or_404(event, item_id)
    languages = _other_languages(event)
    form = item_form(languages, item)
    if submitted(form, lambda: ev.change_item(
            current_user, item, label=form.label.data, easy_read=form.easy_read.data,
            picture=form.picture.data, translations=form.translations())):
        flash(_("Saved the words of “%(label)s”.", label=item.label))
        return redirect(url_for(".ballot", event_id=event.id))
    return render_template("events/item.html", event=event, form=form, item=item,
                           translated=languages), _status(form)


@bp.post("/<int:event_id>/items/<int:item_id>/remove")
@requires(Permission.EVENTS)
@runs
def remove_item(event_id: int, item_id: int):
    event = event_or_404(event_id)
    item = _item_or_404(event, item_id)
    if not form_error(BaseForm()):
        label = item.label
        try:
            ev.remove_item(current_user, item)
        except Refused as error:
            db.session.rollback()
            flash(str(error.message))
        else:
            flash(_("Took “%(label)s” off the ballot.", label=label))
    return redirect(url_for(".ballot", event_id=event.id))


# ---------------------------------------------------------------------------- paper tallies


@bp.route("/<int:event_id>/tally", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def tally(event_id: int):
    """Paper votes and sticky dots, counted: a number for each item (and place, when people
    rank), and every sheet entered so far with who entered it and when."""
    event = event_or_404(event_id)
    form = tally_form(event)
    if submitted(form, lambda: ev.add_tally(current_user, event, tally_counts(form, event),
                                            note=form.note.data)):
        flash(_("Added the paper votes. They are in the results now."))
        return redirect(url_for(".tally", event_id=event.id))
    sheets = db.session.scalars(select(TallySheet).where(TallySheet.event_id == event.id)
                                .order_by(TallySheet.entered_at.desc(), TallySheet.id.desc())
                                ).all()
    labels = {i.id: i.label for i in event.items}
    return render_template("events/tally.html", event=event, form=form, sheets=sheets,
                           cells=tally_cells(event), labels=labels, places=PLACES,
                           small=BaseForm()), _status(form)


@bp.post("/<int:event_id>/tally/<int:sheet_id>/withdraw")
@requires(Permission.EVENTS)
@runs
def withdraw(event_id: int, sheet_id: int):
    """A sheet entered by mistake: kept, and no longer counted."""
    event = event_or_404(event_id)
    sheet = db.session.get(TallySheet, sheet_id)
    if sheet is None or sheet.event_id != event.id:
        abort(404)
    if not form_error(BaseForm()) and sheet.withdrawn_at is None:
        ev.withdraw_tally(current_user, sheet)
        flash(_("Withdrew the sheet. It is kept, and no longer counted."))
    return redirect(url_for(".tally", event_id=event.id))


# ---------------------------------------------------------------------------- assisted votes


@bp.route("/<int:event_id>/assisted", methods=["GET", "POST"])
@requires(Permission.EVENTS)
@runs
def assisted(event_id: int):
    """A person votes on the tablet with a facilitator: the choices a phone has, marked as
    an assisted vote. The key made when the form is shown is the ballot's, so pressing the
    button twice counts once."""
    event = event_or_404(event_id)
    form = assisted_form(event)
    key = request.form.get("ballot_key", "")
    if not key.startswith(ASSISTED) or len(key) > 64 or not key[len(ASSISTED):].replace(
            "-", "").replace("_", "").isalnum():
        key = ASSISTED + secrets.token_urlsafe(24)
    if submitted(form, lambda: ev.cast(
            event, voter_key=key, choices=assisted_choices(form, event),
            channel="assisted", entered_by=current_user, submit_key=key)):
        flash(_("Counted the vote, marked as assisted. Ready for the next person."))
        return redirect(url_for(".assisted", event_id=event.id))
    return render_template("events/assisted.html", event=event, form=form, key=key,
                           places=PLACES), _status(form)
