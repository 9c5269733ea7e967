"""Printable invitation cards (A6) and posters (A4) as PDF, one page per invitation.

Each page has the QR code of the invitation's link, the link itself in full, a short easy-read
explanation with a pictogram, the bank's easy-read title and the organisation's name, in the
invitation's language (or the one asked for). Right-to-left languages get ``dir="rtl"``.

Nothing is fetched while rendering: the QR code, the pictogram and the CSS are inlined, and the
URL fetcher given to WeasyPrint refuses everything except ``data:`` URIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import segno
from flask import current_app
from flask_babel import force_locale, gettext
from markupsafe import Markup

from .i18n import normalise_language
from .localise import translate
from .models import Invitation
from .pdf import inline_pictogram, local_only_fetcher
from .services.invitations import invitation_url

SIZES = ("a6", "a4")
FIT_LEVELS = 3  # 0: as designed; 1 and 2: a smaller code and tighter lines


def N_(message: str) -> str:
    """Marks a string for ``pybabel extract`` (a default keyword); translated when used."""
    return message


SCAN = N_("Scan the code with your phone camera to tell us what you think.")
TIME = N_("It takes about 10 minutes. You can stop and finish later.")
TYPE_LINK = N_("Or type this link:")
DOC_TITLE = N_("Invitation cards")


class CardError(ValueError):
    """A request for cards that cannot be met, with a message for a person."""


@dataclass(frozen=True)
class Text:
    """A string and the language it is really in (English until a translation exists)."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Card:
    """What one printed page shows, already in its language."""

    lang: str
    dir: str
    url: str
    qr_svg: Markup
    link_html: Markup
    title: Text  # the bank's easy-read title; in English until the bank is translated
    organisation: str
    scan: Text
    time: Text
    type_link: Text


def qr_svg(url: str) -> Markup:
    qr = segno.make(url, error="m")
    # Quiet zone of 4 modules is part of the image; the size is set by CSS.
    svg = qr.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                        svgclass=None)
    return Markup(svg.replace("<svg ", '<svg class="qr-code" aria-hidden="true" ', 1))


LINK_LINE = 28  # characters of the link that always fit on a line of an A6 card


def _breakable_link(url: str) -> Markup:
    """The link in pieces that never break inside (a break at a '-' of the token would look like
    part of the link): the scheme, the rest up to ``/r/``, then each half of the token. A piece
    longer than a line is cut into line-long pieces."""
    head, sep, token = url.rpartition("/r/")
    if not sep:
        head, token = url, ""
    scheme, colon, rest = head.partition("://")
    pieces = [scheme + colon, rest + sep] if colon else [head + sep]
    if token:
        half = (len(token) + 1) // 2
        pieces += [token[:half], token[half:]]
    cut = [p[i:i + LINK_LINE] for p in pieces if p for i in range(0, len(p), LINK_LINE)]
    return Markup("<wbr>").join(Markup('<span class="nobreak">%s</span>') % p for p in cut)


def ui_text(message: str, lang: str) -> Text:
    """``message`` through Flask-Babel in ``lang``; call inside ``force_locale(lang)``."""
    translated = gettext(message)
    return Text(translated, lang if translated != message or lang == "en" else "en")


def _card(invitation: Invitation, lang: str) -> Card:
    bank = invitation.bank_version.bank
    survey = invitation.survey
    url = invitation_url(invitation)
    title = translate(bank, bank.easy_read_title, "easy_read_title", lang)
    where = survey.organisation.name if survey and survey.organisation else ""
    if survey and survey.service:
        where = f"{where} · {survey.service.name}" if where else survey.service.name
    direction = current_app.config["LANGUAGES"][lang][1]
    with force_locale(lang):
        scan = ui_text(SCAN, lang)
        time = ui_text(TIME, lang)
        type_link = ui_text(TYPE_LINK, lang)
    return Card(
        lang=lang,
        dir=direction,
        url=url,
        qr_svg=qr_svg(url),
        link_html=_breakable_link(url),
        title=Text(title.text, title.lang),
        organisation=where,
        scan=scan,
        time=time,
        type_link=type_link,
    )


def _language_of(invitation: Invitation, language: str | None) -> str:
    wanted = language or invitation.language or "en"
    lang = normalise_language(wanted)
    if lang is None:
        known = ", ".join(current_app.config["LANGUAGES"])
        raise CardError(f"'{wanted}' is not a language reviewkit has; use one of {known}")
    return lang


def render_cards_html(
    invitations: Iterable[Invitation], *, size: str = "a6", language: str | None = None,
    fit: dict[str, int] | None = None,
) -> str:
    """The HTML that :func:`render_cards` turns into a PDF (useful to check and to preview).

    ``fit`` maps a language to how much to tighten its cards (0, 1 or 2) so that they stay on
    one page when a translation runs long or its script needs tall lines."""
    size = size.lower()
    if size not in SIZES:
        raise CardError(f"a card size must be one of {', '.join(SIZES)}, not '{size}'")
    invitations = list(invitations)
    if not invitations:
        raise CardError("there are no invitations to print")
    cards = [_card(inv, _language_of(inv, language)) for inv in invitations]
    first = cards[0]
    with force_locale(first.lang):
        doc_title = gettext(DOC_TITLE)
    # Straight from the Jinja environment: the app's context processors expect a request.
    template = current_app.jinja_env.get_template("cards/card.html")
    return template.render(
        cards=cards,
        size=size,
        fit=fit or {},
        doc_lang=first.lang,
        doc_dir=first.dir,
        doc_title=doc_title,
        phone=inline_pictogram("phone"),
    )


def render_cards(
    invitations: Sequence[Invitation] | Iterable[Invitation], *, size: str = "a6",
    language: str | None = None,
) -> bytes:
    """A PDF with one page per invitation: an A6 card (``size="a6"``) or an A4 poster.

    ``language`` prints every card in that language; by default each invitation's own."""
    from weasyprint import HTML

    invitations = list(invitations)
    fetcher = local_only_fetcher()

    def render(batch: list[Invitation], fit: dict[str, int]):
        html = render_cards_html(batch, size=size, language=language, fit=fit)
        return HTML(string=html, url_fetcher=fetcher, base_url=None).render()

    document = render(invitations, {})
    if len(document.pages) != len(invitations):
        # Cards in one language have the same text: find, per language, the least tightening
        # that keeps a sample card on one page, then render them all again.
        samples: dict[str, Invitation] = {}
        for invitation in invitations:
            samples.setdefault(_language_of(invitation, language), invitation)
        fit: dict[str, int] = {}
        for lang, sample in samples.items():
            fits = (n for n in range(FIT_LEVELS) if len(render([sample], {lang: n}).pages) == 1)
            fit[lang] = next(fits, FIT_LEVELS - 1)
        document = render(invitations, fit)
    if len(document.pages) != len(invitations):
        raise CardError("the card text is too long to fit on one page; try --card-size a4")
    return document.write_pdf()
