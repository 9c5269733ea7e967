"""Statements from phone answers: each text answer becomes short statements under its heading,
with a kind (working, not working, idea …) and the person's consent to pool them."""

from __future__ import annotations

from sqlalchemy import delete

from ..banks import QuestionType
from ..banks.schema import TEXT_TYPES
from ..extensions import db
from ..models import Response, Statement
from .clock import local_time


def _pieces(question, value, language: str) -> list[str]:
    if question.type == QuestionType.STATEMENTS:
        return [v for v in (value or []) if str(v).strip()]
    if question.type == QuestionType.FREE_TEXT:
        from ..nlp import split_statements

        return split_statements(str(value or ""), language) or []
    text = str(value or "").strip()
    return [text] if text else []


def statements_from_response(response: Response) -> list[Statement]:
    """(Re)build the statements of a sent response. Only questions that feed statement kinds
    count (a name or a helper's name never becomes a statement)."""
    from ..nlp import infer_kind

    db.session.execute(delete(Statement).where(Statement.response_id == response.id))
    bank = response.bank_version.bank
    survey = response.survey
    made: list[Statement] = []
    for answer in response.answers:
        question = bank.question(answer.question_id)
        if question is None or answer.skipped or question.type not in TEXT_TYPES \
                or not question.kinds:
            continue
        section = bank.section_of(question.id)
        kinds = [k.value for k in question.kinds]
        for position, text in enumerate(_pieces(question, answer.value, answer.language)):
            guess = infer_kind(text, answer.language, kinds=kinds)
            made.append(Statement(
                organisation_id=survey.organisation_id, service_id=survey.service_id,
                response_id=response.id, bank_id=bank.id, section_id=section.id,
                question_id=question.id, kind=guess.kind, kind_confidence=guess.confidence,
                text=text[:2000], language=answer.language, pooled=bool(response.consent_pooled),
                position=position,
                said_on=local_time(response.submitted_at or answer.updated_at,
                                   survey.organisation_id).date(),  # the local day
            ))
    db.session.add_all(made)
    return made
