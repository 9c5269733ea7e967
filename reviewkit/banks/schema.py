"""The question-bank schema: what a bank YAML file may contain (see docs/question-banks.md).

Banks are data, not code. These pydantic models are the single definition of that data; the
loader turns validation errors into ``file:line: reason`` messages.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

SLUG = r"^[a-z0-9][a-z0-9_-]*$"
Slug = Annotated[str, Field(pattern=SLUG, max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class QuestionType(StrEnum):
    FREE_TEXT = "free_text"
    SHORT_TEXT = "short_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"
    STATEMENTS = "statements"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"


class StatementKind(StrEnum):
    WORKING = "working"
    NOT_WORKING = "not_working"
    IDEA = "idea"
    IMPORTANT_TO = "important_to"
    IMPORTANT_FOR = "important_for"
    STRENGTH = "strength"


TEXT_TYPES = {QuestionType.FREE_TEXT, QuestionType.SHORT_TEXT, QuestionType.STATEMENTS}
CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
# Answers typed in a box of their own kind: a number, or a date and time (stored as ISO text).
WHEN_TYPES = {QuestionType.DATE, QuestionType.TIME, QuestionType.DATETIME}
# Answers typed rather than chosen: a box a person can empty again.
TYPED_TYPES = TEXT_TYPES | WHEN_TYPES | {QuestionType.NUMBER}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Choice(_Strict):
    value: Slug
    label: Text
    easy_read: Text | None = None
    pictogram: Slug | None = None


class Condition(_Strict):
    """Show a question only when an earlier question has one of the given answers."""

    question: Slug
    equals: str | None = None
    any_of: list[str] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.equals is None) == (self.any_of is None):
            raise ValueError("give exactly one of 'equals' or 'any_of'")
        return self

    @property
    def values(self) -> list[str]:
        return [self.equals] if self.equals is not None else list(self.any_of or [])


# The picture-face scales: value, English label, pictogram.
FACE_SCALES: dict[int, list[tuple[str, str, str]]] = {
    3: [("3", "Happy", "face-happy"), ("2", "OK", "face-ok"), ("1", "Sad", "face-sad")],
    5: [
        ("5", "Very happy", "face-very-happy"),
        ("4", "Happy", "face-happy"),
        ("3", "OK", "face-ok"),
        ("2", "Sad", "face-sad"),
        ("1", "Very sad", "face-very-sad"),
    ],
}
YES_NO_CHOICES = [("yes", "Yes", "yes"), ("no", "No", "no")]


class Question(_Strict):
    id: Slug
    type: QuestionType
    text: Text
    easy_read: Text
    pictogram: Slug
    help: Text | None = None
    easy_read_help: Text | None = None
    prompt: Text | None = None  # what a facilitator might ask, on the tablet
    required: bool = False
    kinds: list[StatementKind] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)
    scale_points: Literal[3, 5] = 3
    max_length: Annotated[int, Field(gt=0, le=20000)] | None = None
    decimal: bool = False  # a number question: True allows decimals, False whole numbers
    min: float | None = None  # a number question's smallest and largest allowed answers
    max: float | None = None
    # What the person reads when the answer breaks max_length, min or max, and when a required
    # question is left unanswered, as the bank's author wrote it (an XLSForm's
    # constraint_message and required_message); reviewkit's own message when there is none.
    constraint_message: Text | None = None
    easy_read_constraint_message: Text | None = None
    required_message: Text | None = None
    easy_read_required_message: Text | None = None
    show_if: Condition | None = None

    @model_validator(mode="after")
    def _type_rules(self) -> Question:
        if self.type in CHOICE_TYPES:
            if len(self.choices) < 2:
                raise ValueError(f"a {self.type.value} question needs at least two choices")
            values = [c.value for c in self.choices]
            if len(set(values)) != len(values):
                raise ValueError("choice values must be different from each other")
            missing = [c.value for c in self.choices if not c.easy_read or not c.pictogram]
            if missing:
                raise ValueError(f"choices need easy_read and pictogram: {', '.join(missing)}")
        elif self.choices:
            raise ValueError(f"a {self.type.value} question cannot have choices")
        if self.kinds and self.type not in TEXT_TYPES:
            raise ValueError("only text and statements questions can feed statement kinds")
        if self.type != QuestionType.NUMBER and (self.decimal or self.min is not None
                                                 or self.max is not None):
            raise ValueError("only number questions can have decimal, min or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be more than max")
        if not self.decimal and any(v is not None and v != int(v) for v in (self.min, self.max)):
            raise ValueError("a whole-number question needs whole-number min and max")
        if (self.constraint_message or self.easy_read_constraint_message) and not (
                self.max_length or self.min is not None or self.max is not None):
            raise ValueError("a constraint_message needs max_length, min or max to be about")
        if (self.required_message or self.easy_read_required_message) and not self.required:
            raise ValueError("a required_message needs required: true")
        return self

    @property
    def default_max_length(self) -> int:
        if self.max_length:
            return self.max_length
        return 200 if self.type == QuestionType.SHORT_TEXT else 5000

    def effective_choices(self) -> list[Choice]:
        """Choices as a person sees them: explicit ones, faces for scales, yes/no."""
        if self.type == QuestionType.SCALE:
            rows = FACE_SCALES[self.scale_points]
        elif self.type == QuestionType.YES_NO:
            rows = YES_NO_CHOICES
        else:
            return list(self.choices)
        return [Choice(value=v, label=lab, easy_read=lab, pictogram=p) for v, lab, p in rows]


class Section(_Strict):
    id: Slug
    title: Text
    easy_read: Text
    pictogram: Slug
    intro: Text | None = None
    prompt: Text | None = None
    questions: list[Question] = Field(min_length=1)


class Bank(_Strict):
    id: Slug
    version: Annotated[int, Field(ge=1)]
    title: Text
    easy_read_title: Text
    description: Text
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = "en"
    purpose: Literal["review", "conversation", "check_in", "audit"]
    sections: list[Section] = Field(min_length=1)

    @field_validator("sections")
    @classmethod
    def _unique_sections(cls, sections: list[Section]) -> list[Section]:
        ids = [s.id for s in sections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"section ids must be unique: {', '.join(dupes)}")
        return sections

    @model_validator(mode="after")
    def _questions_and_conditions(self, info: ValidationInfo) -> Bank:
        # The loader asks to defer these, so it can report each one at its own line.
        if not (info.context or {}).get("defer_cross_checks"):
            for _loc, message in cross_checks(self):
                raise ValueError(message)
        return self

    # Worked out once per bank: a bank never changes once read (its model is frozen), and the
    # phone journey asks these several times on every request.
    @cached_property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    @cached_property
    def _places(self) -> dict[str, tuple[Question, Section]]:
        places: dict[str, tuple[Question, Section]] = {}
        for s in self.sections:
            for q in s.questions:
                places.setdefault(q.id, (q, s))
        return places

    @cached_property
    def has_conditions(self) -> bool:
        """Whether any question is shown only after certain answers."""
        return any(q.show_if is not None for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        place = self._places.get(question_id)
        return place[0] if place else None

    def section_of(self, question_id: str) -> Section | None:
        place = self._places.get(question_id)
        return place[1] if place else None


def cross_checks(bank: Bank):
    """Rules that span questions: unique ids, conditions on earlier questions and real answers.
    Yields (location in the YAML, message)."""
    seen: dict[str, Question] = {}
    for si, section in enumerate(bank.sections):
        for qi, q in enumerate(section.questions):
            loc = ("sections", si, "questions", qi)
            if q.id in seen:
                yield (*loc, "id"), f"question id '{q.id}' is used twice"
            if q.show_if:
                cond = q.show_if
                target = seen.get(cond.question)
                if target is None:
                    yield (*loc, "show_if", "question"), (
                        f"question '{q.id}' depends on '{cond.question}', "
                        "which is not an earlier question")
                else:
                    allowed = {c.value for c in target.effective_choices()}
                    wrong = [v for v in cond.values if v not in allowed]
                    if not allowed:
                        yield (*loc, "show_if", "question"), (
                            f"question '{q.id}' depends on '{target.id}', which has no choices")
                    elif wrong:
                        field = "equals" if cond.equals is not None else "any_of"
                        yield (*loc, "show_if", field), (
                            f"question '{q.id}' depends on answer(s) {', '.join(wrong)} that "
                            f"'{target.id}' does not offer ({', '.join(sorted(allowed))})")
            seen.setdefault(q.id, q)


def number_text(value: Any) -> str:
    """A stored number as a person would type it: 12, 2.5 (never 12.0 or 1e+01)."""
    from decimal import Decimal

    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return str(int(value)) if float(value).is_integer() else format(Decimal(repr(value)), "f")


def version_label(bank: Bank) -> str:
    return f"{bank.id}@{bank.version}"


