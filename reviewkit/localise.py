"""Bank text in the page language and variant (standard or easy read).

A text that is not translated falls back to the bank's source language and says so, so that a
question never shows blank."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .banks import Bank, Choice, Question, QuestionType

# The fixed answers of face scales and yes/no questions are part of the interface, so they are
# translated once in messages.po rather than in every bank.
FIXED_LABELS = {
    "Very happy": _l("Very happy"), "Happy": _l("Happy"), "OK": _l("OK"), "Sad": _l("Sad"),
    "Very sad": _l("Very sad"), "Yes": _l("Yes"), "No": _l("No"),
}


class InLanguage(str):
    """A string that knows which language it is in (a theme's label, a person's statement), so
    that a page can mark it with ``lang`` (see the ``in_lang`` template filter). It is a plain
    string everywhere else: in sorting, comparisons, CSV and spreadsheet cells."""

    lang: str | None

    def __new__(cls, text: str, lang: str | None = None) -> InLanguage:
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj


def other_language(value: object, page_lang: str | None) -> str | None:
    """The language ``value`` (an ``InLanguage``) is in, when it is known and not the page's."""
    lang = getattr(value, "lang", None)
    return lang if lang and lang != page_lang else None


def in_lang(value: object, page_lang: str) -> Markup:
    """``value`` escaped for HTML, wrapped in ``<span lang="…">`` when it is in another language
    than the page (WCAG 3.1.2, language of parts: a screen reader then reads it right)."""
    if lang := other_language(value, page_lang):
        return Markup('<span lang="{}">{}</span>').format(lang, value)
    return Markup.escape(value)


_CODE = re.compile(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){1,2}\b")


def ltr_codes(value: object) -> Markup:
    """``value`` escaped for HTML, with each code in it written as on a card (K7PQ-4XR9-MN3T)
    kept whole and left to right: on an Arabic or Urdu page it would otherwise break at a hyphen
    and show its groups in the wrong order."""
    return Markup(_CODE.sub(lambda m: f'<bdi dir="ltr" class="nowrap">{m[0]}</bdi>',
                            str(Markup.escape(value))))


@dataclass(frozen=True)
class Localised:
    text: str
    lang: str  # the language the text is really in

    def __str__(self) -> str:
        return self.text

    def as_text(self) -> InLanguage:
        """The text as a string that still knows its language (for tables and filters)."""
        return InLanguage(self.text, self.lang)


@dataclass(frozen=True)
class ChoiceView:
    value: str
    label: Localised
    pictogram: str | None


@dataclass(frozen=True)
class QuestionView:
    question: Question
    title: Localised
    help: Localised | None
    section_title: Localised
    section_pictogram: str
    choices: list[ChoiceView] = field(default_factory=list)
    easy_read: bool = False
    # the bank author's own words when the answer breaks its limits / a required one is empty
    constraint_message: Localised | None = None
    required_message: Localised | None = None

    @property
    def text(self) -> str:
        return self.title.text

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        return [(c.value, c.label.text) for c in self.choices]

    @property
    def fell_back(self) -> bool:
        return self.title.lang != self.page_lang

    page_lang: str = "en"

    def form(self, **kwargs):
        """The answer form of this question as the person sees it: its wording, choices and
        the bank's own messages for a broken limit or a missing answer (each an
        ``InLanguage``: the page marks one not translated yet with its language)."""
        from .forms.questions import answer_form

        return answer_form(self.question, self.text, self.choice_pairs, bank_messages=(
            self.constraint_message.as_text() if self.constraint_message else None,
            self.required_message.as_text() if self.required_message else None), **kwargs)

    def choice(self, value: object) -> ChoiceView | None:
        return next((c for c in self.choices if c.value == value), None)

    def choice_label(self, value: str) -> str:
        c = self.choice(value)
        return c.label.text if c else value

    def answer_text(self, value: str | int | float) -> str:
        """One stored answer as the person reads it back: a choice's label, or a number, date
        or time written in the page's language (5 March 2026)."""
        if self.choices:
            return self.choice_label(value)
        from .forms.questions import question_type_for

        return question_type_for(self.question).shown(value)


def translate(bank: Bank, text: str, context: str, lang: str) -> Localised:
    """``text`` from ``bank`` in ``lang`` where a translation exists, else in the source
    language."""
    from .translations import lookup

    if lang != bank.language and (translated := lookup(lang, bank.id, context, text)):
        return Localised(translated, lang)
    return Localised(text, bank.language)


def _choice(bank: Bank, q: Question, c: Choice, easy_read: bool, lang: str,
            interface: Callable[[str], str] | None) -> ChoiceView:
    if interface is not None:  # a face scale's or a yes/no question's fixed answers
        translated = interface(c.label)
        return ChoiceView(c.value, Localised(translated, lang if translated != c.label or
                                             lang == "en" else "en"), c.pictogram)
    text = (c.easy_read or c.label) if easy_read else c.label
    ctx = f"{q.id}.{c.value}.{'easy_read' if easy_read else 'label'}"
    return ChoiceView(c.value, translate(bank, text, ctx, lang), c.pictogram)


def question_view(bank: Bank, q: Question, easy_read: bool, lang: str) -> QuestionView:
    section = bank.section_of(q.id)
    assert section is not None
    variant = "easy_read" if easy_read else "text"
    help_text = (q.easy_read_help or q.help) if easy_read else q.help

    def message(part: str) -> Localised | None:
        text = (getattr(q, f"easy_read_{part}") or getattr(q, part)) if easy_read else \
            getattr(q, part)
        return translate(bank, text, f"{q.id}.{part}.{variant}", lang) if text else None

    choices = q.effective_choices()
    # the page's catalogue, looked up once per question, and only where a choice needs it
    interface = get_translations().gettext if choices and q.type in (
        QuestionType.SCALE, QuestionType.YES_NO) else None
    return QuestionView(
        question=q,
        title=translate(bank, q.easy_read if easy_read else q.text, f"{q.id}.{variant}", lang),
        help=translate(bank, help_text, f"{q.id}.help.{variant}", lang) if help_text else None,
        section_title=translate(
            bank, section.easy_read if easy_read else section.title, f"{section.id}.{variant}", lang
        ),
        section_pictogram=section.pictogram,
        choices=[_choice(bank, q, c, easy_read, lang, interface) for c in choices],
        easy_read=easy_read,
        constraint_message=message("constraint_message"),
        required_message=message("required_message"),
        page_lang=lang,
    )
