"""Question banks: schema, loading and validation."""

from .loader import BankError, Problem, bank_files, check_paths, load_bank, parse_bank
from .schema import Bank, Choice, Condition, Question, QuestionType, Section, StatementKind

__all__ = [
    "Bank", "BankError", "Choice", "Condition", "Problem", "Question", "QuestionType", "Section",
    "StatementKind", "bank_files", "check_paths", "load_bank", "parse_bank",
]
