"""Responses and answers. Every answer is committed before the page says it is saved, and saving
the same answer again (a double tap, a retry after a dropped connection) updates one row."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..banks import Bank, Question
from ..extensions import db
from ..models import Answer, Invitation, Response
from ..models.base import utcnow


class ResponseClosed(Exception):
    """The response was already sent; answers can no longer change."""


def find_response(resume_key: str) -> Response | None:
    """The response with its bank version and answers, in one query."""
    if not resume_key or len(resume_key) > 64:
        return None
    return db.session.execute(
        select(Response).filter_by(resume_key=resume_key)
        .options(joinedload(Response.bank_version), joinedload(Response.answers))
    ).unique().scalar_one_or_none()


def start_response(invitation: Invitation, *, language: str | None = None) -> Response:
    """The response for a single-use invitation (the same one every time the link is opened),
    or a new response for an open link."""
    if invitation.single_use:
        existing = db.session.scalar(
            select(Response).filter_by(invitation_id=invitation.id).order_by(Response.id).limit(1)
        )
        if existing is not None:
            return existing
    response = Response(
        resume_key=secrets.token_urlsafe(24),
        invitation=invitation,
        survey_id=invitation.survey_id,
        bank_version_id=invitation.bank_version_id,
        language=language or invitation.language,
        easy_read=invitation.easy_read,
        single_use_key=f"invitation:{invitation.id}" if invitation.single_use else None,
    )
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:  # the same single-use link opened twice at once: use the first
        db.session.rollback()
        return db.session.scalar(select(Response).filter_by(invitation_id=invitation.id))
    return response


SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to copy by hand


def short_code_for(response: Response) -> str:
    """The response's short "finish later" code (made on first request), like ``K7PQ-4XR9``."""
    while response.short_code is None:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))
        response.short_code = code
        try:
            db.session.commit()
        except IntegrityError:  # a clash in 32^8: try another
            db.session.rollback()
            response.short_code = None
    return f"{response.short_code[:4]}-{response.short_code[4:]}"


def find_by_short_code(code: str) -> Response | None:
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(cleaned) != 8 or any(ch not in SHORT_CODE_ALPHABET for ch in cleaned):
        return None
    return db.session.scalar(select(Response).filter_by(short_code=cleaned))


def set_easy_read(response: Response, easy_read: bool) -> None:
    if response.easy_read != easy_read:
        response.easy_read = easy_read
        db.session.commit()


def answers_by_question(response: Response) -> dict[str, Answer]:
    return {a.question_id: a for a in response.answers}


def is_visible(question: Question, values: dict[str, Any]) -> bool:
    cond = question.show_if
    if cond is None:
        return True
    given = values.get(cond.question)
    given = given if isinstance(given, list) else [given]
    return any(v in given for v in cond.values)


def visible_questions(bank: Bank, values: dict[str, Any]) -> list[Question]:
    """The questions a person sees, given their answers so far (conditions applied in order)."""
    shown: list[Question] = []
    for q in bank.questions:
        if is_visible(q, values):
            shown.append(q)
    return shown


def current_values(response: Response) -> dict[str, Any]:
    return {a.question_id: a.value for a in response.answers if not a.skipped}


def save_answer(
    response: Response, question_id: str, value: Any, *, skipped: bool = False
) -> None:
    """Insert or update the one answer row for this question, and commit."""
    if response.submitted_at is not None:
        raise ResponseClosed()
    now = utcnow()
    row = {
        "response_id": response.id,
        "question_id": question_id,
        "value": None if skipped else value,
        "skipped": skipped,
        "language": response.language,
        "easy_read": response.easy_read,
        "created_at": now,
        "updated_at": now,
    }
    upsert, touch = _save_statements(db.session.get_bind().dialect.name)
    # Two statements, then commit: the write lock is held for as short a time as possible.
    conn = db.session.connection()  # Core, not the ORM: nothing here needs the unit of work
    answer_id = conn.execute(upsert, row).scalar_one()
    conn.execute(touch, {"rid": response.id, "now": now})
    db.session.commit()
    _remember(response, answer_id, row)


@lru_cache(maxsize=4)
def _save_statements(dialect: str):
    """The upsert of one answer and the touch of its response, built once (bound parameters),
    so that saving an answer costs SQLAlchemy no statement building or cache-key work."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    columns = ("response_id", "question_id", "value", "skipped", "language", "easy_read",
               "created_at", "updated_at")
    stmt = insert(Answer).values({c: bindparam(c, type_=Answer.__table__.c[c].type)
                                  for c in columns})
    upsert = stmt.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={k: stmt.excluded[k] for k in ("value", "skipped", "language", "easy_read",
                                            "updated_at")},
    ).returning(Answer.id)
    touch = (update(Response).where(Response.id == bindparam("rid"))
             .values(updated_at=bindparam("now", type_=Response.__table__.c.updated_at.type)))
    return upsert, touch


def _remember(response: Response, answer_id: int, row: dict) -> None:
    """Bring the answers already loaded up to date without asking the database again: the row
    just written is known exactly, so the next question is worked out from memory."""
    from sqlalchemy.orm import make_transient_to_detached
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(response, "updated_at", row["updated_at"])
    if "answers" not in response.__dict__:
        return
    existing = next((a for a in response.answers if a.id == answer_id), None)
    if existing is not None:
        for key in ("value", "skipped", "language", "easy_read", "updated_at"):
            set_committed_value(existing, key, row[key])
        return
    answer = Answer(id=answer_id, **row)
    make_transient_to_detached(answer)  # persistent as far as the session knows: no INSERT
    db.session.add(answer)
    set_committed_value(response, "answers", [*response.answers, answer])


def next_question(response: Response, after: str | None = None) -> Question | None:
    """The next visible question after ``after`` (or the first unanswered one if None)."""
    bank = response.bank_version.bank
    answered = answers_by_question(response)
    shown = visible_questions(bank, current_values(response))
    if after is None:
        return next((q for q in shown if q.id not in answered), None)
    ids = [q.id for q in shown]
    if after in ids:
        idx = ids.index(after)
        return shown[idx + 1] if idx + 1 < len(shown) else None
    return next((q for q in shown if q.id not in answered), None)


def previous_question(response: Response, before: str) -> Question | None:
    shown = visible_questions(response.bank_version.bank, current_values(response))
    ids = [q.id for q in shown]
    if before in ids and ids.index(before) > 0:
        return shown[ids.index(before) - 1]
    return None


def missing_required(response: Response) -> list[Question]:
    values = current_values(response)
    shown = visible_questions(response.bank_version.bank, values)
    return [q for q in shown if q.required and values.get(q.id) in (None, "", [])]


def submit(response: Response) -> None:
    """Mark the response sent and turn its text answers into statements, in one transaction."""
    from .statements import statements_from_response

    if response.submitted_at is None:
        response.submitted_at = utcnow()
        statements_from_response(response)
        db.session.commit()


def set_language(response: Response, language: str) -> None:
    if response.language != language:
        response.language = language
        db.session.commit()


def set_consent(response: Response, pooled: bool) -> None:
    from ..models import Statement

    response.consent_pooled = pooled
    db.session.execute(
        update(Statement).where(Statement.response_id == response.id).values(pooled=pooled))
    db.session.commit()
