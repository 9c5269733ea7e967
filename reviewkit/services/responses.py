"""Responses and answers. Every answer is committed before the page says it is saved, and saving
the same answer again (a double tap, a retry after a dropped connection) updates one row."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..banks import Bank, Question
from ..db import Prepared
from ..extensions import db
from ..models import Answer, BankVersion, Invitation, Organisation, Response, Survey
from ..models.banks import frozen_bank
from ..models.base import utcnow


class ResponseClosed(Exception):
    """The response was already sent; answers can no longer change."""


class StoredAnswer(NamedTuple):
    id: int
    question_id: str
    value: Any
    skipped: bool


@dataclass(slots=True)
class Sheet:
    """A response as the phone journey sees it: read in one query as plain values, with its
    frozen bank from this process's cache. Every page of the journey starts from one, so a saved
    answer costs one read and one write, with no ORM objects built or flushed."""

    id: int
    resume_key: str
    language: str
    easy_read: bool
    consent_pooled: bool | None
    submitted_at: datetime | None
    bank: Bank
    answers: list[StoredAnswer]
    offered: list[str] | None  # the organisation's languages (None: every language)


def _sheet_query():
    r, a, v = Response.__table__.c, Answer.__table__.c, BankVersion.__table__.c
    s, o = Survey.__table__.c, Organisation.__table__.c
    return (
        select(r.id, r.resume_key, r.language, r.easy_read, r.consent_pooled, r.submitted_at,
               v.bank_id, v.version, v.checksum, v.id, o.languages,
               a.id, a.question_id, a.value, a.skipped)
        .select_from(Response.__table__.join(BankVersion.__table__, v.id == r.bank_version_id)
                     .join(Survey.__table__, s.id == r.survey_id)
                     .join(Organisation.__table__, o.id == s.organisation_id)
                     .outerjoin(Answer.__table__, a.response_id == r.id))
        .where(r.resume_key == bindparam("key"))
        .order_by(a.id)
    )


_SHEET_QUERY = Prepared(lambda _dialect: _sheet_query())


def find_response(resume_key: str) -> Sheet | None:
    """The response with this resume key, its bank and its answers (one query), or None."""
    if not resume_key or len(resume_key) > 64:
        return None
    rows = _SHEET_QUERY.run(db.engine, {"key": resume_key})
    if not rows:
        return None
    (rid, key, language, easy_read, pooled, submitted, bank_id, version, checksum,
     version_id, offered) = rows[0][:11]
    return Sheet(
        id=rid, resume_key=key, language=language, easy_read=easy_read, consent_pooled=pooled,
        submitted_at=submitted, bank=frozen_bank(version_id, bank_id, version, checksum),
        answers=[StoredAnswer(*row[11:]) for row in rows if row[11] is not None],
        offered=offered,
    )


def record(response: Sheet | Response) -> Response:
    """The ORM record of a response, for the few pages that need more than a :class:`Sheet`
    (sending it, its organisation, its finish-later code)."""
    if isinstance(response, Response):
        return response
    found = db.session.get(Response, response.id)
    assert found is not None
    return found


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
# 12 characters of 32: 2**60 codes, so that guessing one is hopeless even past the limits on
# tries (see ``respond.resume``). Codes made before had 8, and still work.
SHORT_CODE_LENGTH = 12
OLD_SHORT_CODE_LENGTH = 8


def shown_code(code: str) -> str:
    """A stored code as it is written on a card: groups of four, like ``K7PQ-4XR9-MN3T``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def short_code_for(response: Response) -> str:
    """The response's short "finish later" code (made on first request), like
    ``K7PQ-4XR9-MN3T``."""
    while response.short_code is None:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        response.short_code = code
        try:
            db.session.commit()
        except IntegrityError:  # a clash in 32^12: try another
            db.session.rollback()
            response.short_code = None
    return shown_code(response.short_code)


def find_by_short_code(code: str) -> Response | None:
    """The response with ``code`` as a person types it: any case, with or without spaces and
    dashes between the characters."""
    # as typed on any keyboard: full-width letters (a Chinese or Japanese keyboard) and
    # another script's digits (۲ on an Urdu keyboard) read as the code's own
    typed = unicodedata.normalize("NFKC", (code or "")[:100]).upper()
    cleaned = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
                      for ch in typed if ch.isalnum())
    if len(cleaned) not in (SHORT_CODE_LENGTH, OLD_SHORT_CODE_LENGTH) \
            or any(ch not in SHORT_CODE_ALPHABET for ch in cleaned):
        return None
    return db.session.scalar(select(Response).filter_by(short_code=cleaned))


def set_easy_read(response: Sheet | Response, easy_read: bool) -> None:
    if response.easy_read != easy_read:
        _update(response, easy_read=easy_read)


def _update(response: Sheet | Response, **values: Any) -> None:
    """Change columns of one response (Core UPDATE, commit) and the object in hand to match."""
    db.session.execute(update(Response).where(Response.id == response.id).values(**values))
    db.session.commit()
    for name, value in values.items():
        if isinstance(response, Response):
            set_committed_value(response, name, value)
        else:
            setattr(response, name, value)


def answers_by_question(response: Sheet | Response) -> dict[str, StoredAnswer | Answer]:
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
    if not bank.has_conditions:
        return list(bank.questions)
    shown: list[Question] = []
    for q in bank.questions:
        if is_visible(q, values):
            shown.append(q)
    return shown


def counted_questions(response: Sheet | Response) -> list[Question]:
    """The questions "Question n of m" counts: those shown, and those whose condition waits on
    a question not answered (or skipped) yet. So the total never grows as a person answers
    (it said 14 of 19, then 15 of 20, when an answer brought a follow-up question); it only
    shrinks when an answer leaves a follow-up out."""
    bank = response.bank
    if not bank.has_conditions:
        return list(bank.questions)
    answered = answers_by_question(response)
    values = current_values(response)
    counted: list[Question] = []
    ids: set[str] = set()
    for q in bank.questions:
        cond = q.show_if
        waiting = cond is not None and cond.question in ids and cond.question not in answered
        if cond is None or waiting or is_visible(q, values):
            counted.append(q)
            ids.add(q.id)
    return counted


def current_values(response: Sheet | Response) -> dict[str, Any]:
    return {a.question_id: a.value for a in response.answers if not a.skipped}


def save_answer(
    response: Sheet | Response, question_id: str, value: Any, *, skipped: bool = False
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
    if isinstance(response, Response):  # a script's or a test's record, in their session
        db.session.execute(_upsert_statement(db.session.get_bind().dialect.name), row)
        db.session.commit()
        db.session.expire(response, ["answers"])  # the rest of the script reads them again
        return
    # The phone journey: one statement, committed at once on a connection of its own, so the
    # write lock is held for as short a time as possible; no ORM unit of work. (The response
    # row is not touched: each answer carries its own times, and the response's are those of
    # its own settings.)
    answer_id = _UPSERT.run(db.engine, row, commit=True)[0][0]
    stored = StoredAnswer(answer_id, question_id, row["value"], skipped)
    response.answers = [a for a in response.answers if a.question_id != question_id] + [stored]


@lru_cache(maxsize=4)
def _upsert_statement(dialect: str):
    """The upsert of one answer, built once (bound parameters), so that saving an answer costs
    SQLAlchemy no statement building or cache-key work."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    columns = ("response_id", "question_id", "value", "skipped", "language", "easy_read",
               "created_at", "updated_at")
    stmt = insert(Answer).values({c: bindparam(c, type_=Answer.__table__.c[c].type)
                                  for c in columns})
    return stmt.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={k: stmt.excluded[k] for k in ("value", "skipped", "language", "easy_read",
                                            "updated_at")},
    ).returning(Answer.id)


_UPSERT = Prepared(_upsert_statement)


def next_question(response: Sheet | Response, after: str | None = None) -> Question | None:
    """The next visible question after ``after`` (or the first unanswered one if None)."""
    bank = response.bank
    answered = answers_by_question(response)
    shown = visible_questions(bank, current_values(response))
    if after is None:
        return next((q for q in shown if q.id not in answered), None)
    ids = [q.id for q in shown]
    if after in ids:
        idx = ids.index(after)
        return shown[idx + 1] if idx + 1 < len(shown) else None
    return next((q for q in shown if q.id not in answered), None)


def previous_question(response: Sheet | Response, before: str) -> Question | None:
    shown = visible_questions(response.bank, current_values(response))
    ids = [q.id for q in shown]
    if before in ids and ids.index(before) > 0:
        return shown[ids.index(before) - 1]
    return None


def missing_required(response: Sheet | Response) -> list[Question]:
    values = current_values(response)
    shown = visible_questions(response.bank, values)
    return [q for q in shown if q.required and values.get(q.id) in (None, "", [])]


def submit(response: Sheet | Response) -> None:
    """Mark the response sent and turn its text answers into statements, in one transaction.
    Sending twice at once (a double tap, or "Send" pressed again on another server while the
    first was being saved) makes the statements once: only the send that finds the response
    not yet sent, in the database itself, makes them."""
    from .statements import statements_from_response

    if response.submitted_at is not None:
        return
    now = utcnow()
    claimed = db.session.execute(
        update(Response).where(Response.id == response.id, Response.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed:
        sent = record(response)
        sent.submitted_at = now
        statements_from_response(sent)
    db.session.commit()
    if not claimed:  # sent meanwhile by another request: say when, as that one stored it
        now = db.session.scalar(select(Response.submitted_at).where(Response.id == response.id))
    if isinstance(response, Response):
        set_committed_value(response, "submitted_at", now)
    else:
        response.submitted_at = now


def set_language(response: Sheet | Response, language: str) -> None:
    if response.language != language:
        _update(response, language=language)


def set_consent(response: Sheet | Response, pooled: bool) -> None:
    from ..models import Statement

    db.session.execute(
        update(Statement).where(Statement.response_id == response.id).values(pooled=pooled))
    _update(response, consent_pooled=pooled)


def insert_sent(responses: list[dict], answers: list[tuple]) -> int:
    """Sent responses (rows of :class:`Response`, each with its own ``resume_key``) and their
    answers ((resume key, {question: value}, sent, language)) added in bulk: one transaction,
    for a demo's or a benchmark's hundreds of phones (people's answers go one at a time
    through :func:`save_answer`). Returns how many responses."""
    if not responses:
        return 0
    db.session.execute(insert(Response), responses)
    ids = dict(db.session.execute(select(Response.resume_key, Response.id).where(
        Response.survey_id.in_({r["survey_id"] for r in responses}))).all())
    db.session.execute(insert(Answer), [
        {"response_id": ids[key], "question_id": qid, "value": value, "skipped": False,
         "language": lang, "easy_read": False, "created_at": sent, "updated_at": sent}
        for key, values, sent, lang in answers for qid, value in values.items()])
    db.session.commit()
    return len(responses)
