"""Locale selection and the template context for languages and text direction."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale


def supported() -> dict[str, tuple[str, str]]:
    return current_app.config["LANGUAGES"]


def normalise_language(code: str | None) -> str | None:
    """A supported language code for ``code`` ('cy', 'CY', 'cy-GB' → 'cy'), else None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in supported() else None


def page_language() -> str:
    """The language of the page being made (a code such as 'cy'); English outside a request."""
    return str(get_locale() or "en")


def offered_by(codes: list[str] | None) -> dict[str, tuple[str, str]]:
    """Of the languages reviewkit has, those in ``codes`` (an organisation's setting, in
    reviewkit's order); all of them where it says none."""
    languages = supported()
    if not codes:
        return languages
    return {code: languages[code] for code in languages if code in codes} or languages


def language_choices(codes: list[str] | None) -> list[tuple[str, str]]:
    """(code, name) of each language in ``codes`` (an organisation's setting), for a form's
    list of languages to offer people."""
    return [(code, name) for code, (name, _dir) in offered_by(codes).items()]


def fallback_language(languages: dict[str, tuple[str, str]]) -> str:
    """What a page or an invitation is in when nothing asks for one of ``languages``: English
    where it is offered, else the first of them."""
    return "en" if "en" in languages else next(iter(languages))


def offered() -> dict[str, tuple[str, str]]:
    """The languages this page may be in: on the pages of an organisation's own invitations
    (the phone views set ``g.offered_languages`` from its settings), the ones it offers;
    everywhere else, every language reviewkit has."""
    return offered_by(g.get("offered_languages") if request else None)


def requested_language() -> str:
    """The page language: ?lang= choice, then the person's earlier choice, the invitation's,
    then the browser's Accept-Language, then English (or the first language offered), each
    only where the page offers it (:func:`offered`)."""
    languages = offered()
    if (lang := normalise_language(request.args.get("lang"))) in languages:
        session["lang"] = lang
        return lang
    for candidate in (g.get("forced_language"), session.get("lang"), g.get("invitation_language")):
        if (lang := normalise_language(candidate)) in languages:
            return lang
    return request.accept_languages.best_match(list(languages)) or fallback_language(languages)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def select_locale() -> Locale:
    """Flask-Babel's locale selector: the :func:`requested_language` as a Locale, parsed
    once per language rather than on every request. Outside a request (a command, a task
    checking a file), English."""
    if not has_request_context():
        return _locale("en")
    return _locale(requested_language())


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile ``source/<lang>/LC_MESSAGES/messages.po`` into ``target`` where the .mo is missing
    or older, so no compiled file is kept in the repository. Returns the files written."""
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parts[-3])
        mo.parent.mkdir(parents=True, exist_ok=True)
        # a name of this process's own: workers starting together each write their own file
        tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo)  # atomic, so another worker never reads half a file
        written.append(mo)
    return written


def init_i18n(app: Flask) -> None:
    source = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    compiled = Path(app.instance_path) / "locale"
    compile_catalogs(source, compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)

    from .localise import in_lang, ltr_codes

    @app.template_filter("in_lang")
    def in_lang_filter(value: object) -> object:
        return in_lang(value, page_language())

    app.add_template_filter(ltr_codes)

    @app.context_processor
    def language_context() -> dict:
        lang = page_language()
        name, direction = app.config["LANGUAGES"].get(lang, ("English", "ltr"))
        bad = request.args.get("lang") if request else None
        languages = offered()
        return {
            "page_lang": lang,
            "page_dir": direction,
            "languages": languages,
            "unknown_language": bad if bad and normalise_language(bad) not in languages
            else None,
        }
