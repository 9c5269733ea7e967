"""WTForms built at run time from bank questions (one small class per question type)."""

from .questions import answer_form, question_type_for

__all__ = ["answer_form", "question_type_for"]
