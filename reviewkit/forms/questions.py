"""One class per question type: how it becomes a form field, how a submitted value is stored,
and how a stored value reads back. Adding a type is one class here."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf import csrf as flask_wtf_csrf
from flask_wtf.csrf import _FlaskFormCSRF
from itsdangerous import URLSafeTimedSerializer
from wtforms import (
    Field,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from ..banks import Question, QuestionType
from ..banks.schema import number_text
from ..text import without_control
from .messages import messages, our_choice_message

# The most a text field takes when it declares nothing shorter (a Length max): a line, or a
# text area. A person can write a long story in a text area; a line holds a name or a title.
LONGEST_LINE = 500
LONGEST_TEXT = 10_000


def too_long(limit: int) -> LazyString:
    """What a field says when its text is longer than ``limit``, in the page's language."""
    return lazy_ngettext("Keep this under %(num)d character.",
                         "Keep this under %(num)d characters.", limit)


# Flask-WTF makes a new token serializer for every check (making one runs its JSON serializer
# to test it); the serializer keeps no state between calls, so one per secret key serves all.
flask_wtf_csrf.URLSafeTimedSerializer = lru_cache(maxsize=8)(URLSafeTimedSerializer)


class LazyCSRF(_FlaskFormCSRF):
    """Flask-WTF's CSRF check as it is, with the token a page shows signed only when the page
    is shown: a form that is sent, checked and answered with a redirect (every saved answer)
    never shows one, and signing it cost a twentieth of saving an answer."""

    def generate_csrf_token(self, csrf_token_field):
        return LazyString(super().generate_csrf_token, csrf_token_field)


class BaseForm(FlaskForm):
    """Every form strips surrounding whitespace, carries a CSRF token, and refuses a text longer
    than its field takes before any other check of that field (a slow check never sees it)."""

    class Meta:
        csrf_class = LazyCSRF

        def get_translations(self, form):
            return messages  # our words for WTForms' own messages (forms/messages.py)

        def bind_field(self, form, unbound_field, options):
            if (issubclass(unbound_field.field_class, (StringField, TextAreaField))
                    and not issubclass(unbound_field.field_class, PasswordField)):
                # A new filters tuple per binding: the unbound field is shared by every form of
                # its class and must not change.
                options = {**options, "filters": [_strip, *unbound_field.kwargs.get("filters", [])]}
            field = unbound_field.bind(form=form, **options)
            if isinstance(field, StringField):
                _length_first(field, unbound_field)
            our_choice_message(field)
            return field


def _strip(value: Any) -> Any:
    return without_control(value) if isinstance(value, str) else value


def _length_first(field: StringField, unbound: UnboundField) -> None:
    """Put the field's length check first, as a check that stops the others: the shortest
    Length max it declares (with its message), or LONGEST_LINE / LONGEST_TEXT. The field's
    ``max_length`` says which. Worked out once per field of a form class (on its unbound
    field, which every form of the class shares), not for every form made."""
    first = getattr(unbound, "length_first", None)
    if first is None:
        declared = sorted((v for v in field.validators if isinstance(v, Length) and v.max >= 0),
                          key=lambda v: v.max)
        limit = declared[0].max if declared else (
            LONGEST_TEXT if isinstance(field, TextAreaField) else LONGEST_LINE)
        # "is None", not "or": a lazy message would be translated just to test it
        message = declared[0].message if declared and declared[0].message is not None \
            else too_long(limit)
        first = unbound.length_first = _LengthFirst(limit, message)
    field.max_length = first.limit
    field.validators = [first, *field.validators]


class _LengthFirst:
    """Stops a field's checks at once when its text is longer than ``limit``. Holds nothing
    of one form: one is shared by every form of a class."""

    field_flags: ClassVar[dict] = {}

    def __init__(self, limit: int, message) -> None:
        self.limit = limit
        self.message = message

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.limit:
            if _said_as_written(self.message):
                raise StopValidation(self.message)
            raise StopValidation(str(self.message) % {"max": self.limit, "min": -1,
                                                      "length": len(field.data)})


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _said_as_written(message) -> bool:
    """A bank's own words that know their language (``InLanguage``, English where not
    translated yet): said as written (a % in them is not a placeholder), language kept."""
    return getattr(message, "lang", None) is not None


class _MaxLength(Length):
    def __init__(self, limit: int, message: str | None = None):
        super().__init__(max=limit, message=(
            message if _said_as_written(message) else message.replace("%", "%%")) if message
            else lazy_ngettext(
                "Your answer is too long. Please keep it under %(num)d character.",
                "Your answer is too long. Please keep it under %(num)d characters.", limit))

    def __call__(self, form, field):
        if not _said_as_written(self.message):
            return super().__call__(form, field)
        if len(field.data or "") > self.max:
            raise ValidationError(self.message)
        return None


class QuestionKind:
    """Base class: a free-text question."""

    type: ClassVar[QuestionType]
    registry: ClassVar[dict[QuestionType, type[QuestionKind]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            QuestionKind.registry[cls.type] = cls

    def __init__(self, question: Question,
                 bank_messages: tuple[str | None, str | None] = (None, None)):
        self.question = question
        # the bank's own words, in the page's language, for a broken limit / a missing answer
        self.constraint_message, self.required_message = bank_messages

    @property
    def missing(self) -> str:
        return self.required_message or _l("Please answer this question, or go back.")

    def required(self) -> list:
        # DataRequired looks at the text after stripping, so spaces alone are not an answer.
        if self.question.required:
            return [DataRequired(message=self.missing)]
        return [Optional()]

    def too_long(self) -> _MaxLength:
        return _MaxLength(self.question.default_max_length, self.constraint_message)

    def field(self, label: str, choices: list[tuple[str, str]]) -> Field:
        raise NotImplementedError

    def to_value(self, data: Any) -> Any:
        """The value to store for what the form received."""
        return data

    def to_form(self, value: Any) -> Any:
        """The form data that shows a stored value again."""
        return value

    def shown(self, value: Any) -> str:
        """A stored value as the person reads it back (check your answers), in the page's
        language. Exports keep the stored value."""
        return str(value)

    def is_empty(self, data: Any) -> bool:
        return data in (None, "", [])


class FreeText(QuestionKind):
    type = QuestionType.FREE_TEXT

    def field(self, label, choices):
        return TextAreaField(
            label, validators=[*self.required(), self.too_long()]
        )


class ShortText(QuestionKind):
    type = QuestionType.SHORT_TEXT

    def field(self, label, choices):
        return StringField(
            label, validators=[*self.required(), self.too_long()]
        )


class Statements(QuestionKind):
    """A list of short statements: one per line without JavaScript."""

    type = QuestionType.STATEMENTS

    def required(self) -> list:
        # "- •" is not an answer either: only its bullets, which to_value() takes away
        return [*super().required(), self._has_words] if self.question.required else \
            super().required()

    def _has_words(self, form, field):
        if not self.to_value(field.data):
            raise StopValidation(self.missing)

    def field(self, label, choices):
        return TextAreaField(
            label, validators=[*self.required(), self.too_long()]
        )

    def to_value(self, data):
        return [line.strip(" -•*\t") for line in (data or "").splitlines() if line.strip(" -•*\t")]

    def to_form(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class _Choice(QuestionKind):
    field_class: ClassVar[type[Field]] = RadioField

    def required(self):
        return [InputRequired(message=self.missing)] if self.question.required else [Optional()]

    def _valid_choice(self, form, field):
        allowed = {v for v, _ in field.choices}
        given = field.data if isinstance(field.data, list) else [field.data]
        if any(g not in allowed for g in given if g not in (None, "")):
            raise ValidationError(_l("Please choose one of the answers shown."))

    def field(self, label, choices):
        return self.field_class(label, choices=choices, validate_choice=False,
                                validators=[*self.required(), self._valid_choice])


class SingleChoice(_Choice):
    type = QuestionType.SINGLE_CHOICE


class Scale(_Choice):
    type = QuestionType.SCALE


class YesNo(_Choice):
    type = QuestionType.YES_NO


class MultipleChoice(_Choice):
    type = QuestionType.MULTIPLE_CHOICE
    field_class = MultiCheckboxField

    @property
    def missing(self) -> str:
        return self.required_message or _l("Please choose at least one answer, or go back.")


_NUMBER_MARKS = str.maketrans({"\u066b": ".", "\u066c": None, "\u2212": "-"})


def parse_number(text: str, locale: str = "en") -> Decimal | None:
    """A typed number: ``12``, ``-3.5``, or as the page's language writes it (``2,5`` in Polish,
    ``1,200`` in English, read by Babel); None when it is not one."""
    from babel.numbers import NumberFormatError, parse_decimal

    # the Arabic decimal and thousands marks (٢٫٥, ١٬٢٠٠) and the minus sign (−3) as an
    # Arabic or a phone's keyboard types them
    text = text.replace(" ", "").replace("\u00a0", "").translate(_NUMBER_MARKS)
    try:
        value = Decimal(text)
    except InvalidOperation:
        try:
            value = parse_decimal(text, locale=locale, strict=True)
        except (NumberFormatError, ValueError):
            return None
    return value if value.is_finite() else None


def _page_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


class Number(QuestionKind):
    """A number typed in a box (a number keypad on phones); whole or decimal, with optional
    smallest and largest answers. Stored as a JSON number."""

    type = QuestionType.NUMBER

    def field(self, label, choices):
        return StringField(label, validators=[*self.required(), self._check])

    def _check(self, form, field):
        q = self.question
        value = parse_number(field.data or "", _page_locale())
        if value is None or (not q.decimal and value != value.to_integral_value()):
            raise ValidationError(_l("Please enter a number, like 12 or 2.5.") if q.decimal else
                                  _l("Please enter a whole number, like 12."))
        low, high = (number_text(v) for v in (q.min, q.max))
        if (q.min is not None and value < Decimal(str(q.min))) or (
                q.max is not None and value > Decimal(str(q.max))):
            if self.constraint_message:
                raise ValidationError(self.constraint_message)
            if q.min is not None and q.max is not None:
                raise ValidationError(_l("Please enter a number from %(min)s to %(max)s.",
                                         min=low, max=high))
            if q.min is not None:
                raise ValidationError(_l("Please enter a number of %(min)s or more.", min=low))
            raise ValidationError(_l("Please enter a number of %(max)s or less.", max=high))

    def to_value(self, data):
        value = parse_number(data or "", _page_locale()) if data not in (None, "") else None
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    def to_form(self, value):
        return number_text(value)

    def shown(self, value):
        """As the page's language writes numbers (1,200.5; 1 200,5 in Polish), every digit kept
        (Babel would round to three decimals)."""
        from babel.numbers import format_decimal
        from flask_babel import get_locale

        if isinstance(value, bool) or not isinstance(value, int | float):
            return super().shown(value)
        return format_decimal(Decimal(number_text(value)), locale=get_locale() or "en",
                              decimal_quantization=False)


class _When(QuestionKind):
    """A date, time or both, typed in a text box as the page's example shows (25/12/2024,
    14:30). Stored as ISO text (2024-12-25, 14:30, 2024-12-25T14:30); read back in the page's
    language (25 December 2024)."""

    formats: ClassVar[tuple[str, ...]]
    message: ClassVar[Any]

    def field(self, label, choices):
        return StringField(label, validators=[*self.required(), self._check])

    def parse(self, text: str) -> str | None:
        # digits as an Urdu or Arabic keyboard types them (۲۵/۱۲/۲۰۲۴) read as 25/12/2024
        text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
        text = " ".join(text.replace("T", " ").split())
        for fmt in self.formats:
            try:
                moment = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if moment.year >= 1000:  # not 25/12/24 read as the year 24
                return self.iso(moment)
        return None

    def iso(self, moment: datetime) -> str:
        raise NotImplementedError

    def _check(self, form, field):
        if self.parse(field.data or "") is None:
            raise ValidationError(self.message)

    def to_value(self, data):
        return self.parse(data) if data else None

    def shown(self, value):
        try:
            return self.in_words(value)
        except (TypeError, ValueError):  # not ISO text: shown as stored
            return super().shown(value)

    def in_words(self, iso: str) -> str:
        raise NotImplementedError


# How a date reads on the phone pages: 5 March 2026, 5 Mawrth 2026 (as on the public pages).
DATE_PATTERN = "d MMMM y"


class DateAnswer(_When):
    type = QuestionType.DATE
    formats = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
    message = _l("Please enter a date, like 25/12/2024.")

    def iso(self, moment):
        return date.isoformat(moment.date())

    def in_words(self, iso):
        from flask_babel import format_date

        return format_date(date.fromisoformat(iso), DATE_PATTERN)


class TimeAnswer(_When):
    type = QuestionType.TIME
    formats = ("%H:%M", "%H:%M:%S", "%H.%M")
    message = _l("Please enter a time, like 14:30.")

    def iso(self, moment):
        return time.isoformat(moment.time(), "minutes")

    def in_words(self, iso):
        from flask_babel import format_time

        # a time of day as answered: no time zone to move it into
        return format_time(time.fromisoformat(iso), "short", rebase=False)


class DateTimeAnswer(_When):
    type = QuestionType.DATETIME
    formats = tuple(f"{d} {t}" for d in DateAnswer.formats for t in TimeAnswer.formats)
    message = _l("Please enter a date and a time, like 25/12/2024 14:30.")

    def iso(self, moment):
        return moment.isoformat(timespec="minutes")

    def in_words(self, iso):
        from babel.dates import get_datetime_format, get_time_format
        from flask_babel import format_datetime, get_locale

        # the language's own way of putting a date and a time together ("{1}, {0}")
        locale = get_locale() or "en"
        pattern = get_datetime_format("medium", locale).replace("{1}", DATE_PATTERN).replace(
            "{0}", get_time_format("short", locale).pattern)
        return format_datetime(datetime.fromisoformat(iso), pattern, rebase=False)


def question_type_for(question: Question, bank_messages: tuple[str | None, str | None] = (
        None, None)) -> QuestionKind:
    return QuestionKind.registry[question.type](question, bank_messages)


_FORM_CLASSES: dict[tuple, type[FlaskForm]] = {}


def answer_form(
    question: Question, label: str, choices: list[tuple[str, str]],
    bank_messages: tuple[str | None, str | None] = (None, None), **kwargs: Any
) -> FlaskForm:
    """A form with one field called ``answer`` for this question; ``bank_messages`` are the bank's
    own words (constraint, required) in the page's language, else reviewkit's. The class is
    built once per question, wording and language (parsed banks live as long as the process)."""
    key = (id(question), question.id, label, tuple(choices), bank_messages)
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        kind = question_type_for(question, bank_messages)

        class AnswerForm(BaseForm):
            answer = kind.field(label, choices)

        if len(_FORM_CLASSES) > 5000:
            _FORM_CLASSES.clear()
        form_class = _FORM_CLASSES[key] = AnswerForm
    return form_class(**kwargs)
