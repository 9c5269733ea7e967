"""Exports of stored answers."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Answer, Response, Survey
from ..reports.cells import neutralise

RESPONSE_COLUMNS = [
    "response_id", "survey_id", "service", "bank", "bank_version", "question_id", "question",
    "language", "easy_read", "answer", "skipped", "consent_pooled", "answered_at", "updated_at",
    "response_started_at", "response_submitted_at",
]


def iter_answer_rows():
    query = (
        select(Answer)
        .join(Answer.response)
        .options(
            joinedload(Answer.response).joinedload(Response.survey).joinedload(Survey.service),
            joinedload(Answer.response).joinedload(Response.bank_version),
        )
        .order_by(Answer.response_id, Answer.id)
        .execution_options(yield_per=500)
    )
    for answer in db.session.scalars(query):
        r = answer.response
        question = r.bank_version.bank.question(answer.question_id)
        yield {
            "response_id": r.id,
            "survey_id": r.survey_id,
            "service": r.survey.service.name if r.survey.service else "",
            "bank": r.bank_version.bank_id,
            "bank_version": r.bank_version.version,
            "question_id": answer.question_id,
            "question": question.text if question else "",
            "language": answer.language,
            "easy_read": answer.easy_read,
            "answer": answer.value,
            "skipped": answer.skipped,
            "consent_pooled": "" if r.consent_pooled is None else r.consent_pooled,
            "answered_at": answer.created_at.isoformat(),
            "updated_at": answer.updated_at.isoformat(),
            "response_started_at": r.created_at.isoformat(),
            "response_submitted_at": r.submitted_at.isoformat() if r.submitted_at else "",
        }


def export_responses(out: Path) -> int:
    """Write every answer to ``out`` as UTF-8 CSV with a BOM (so Excel reads it correctly)."""
    n = 0
    with out.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=RESPONSE_COLUMNS)
        writer.writeheader()
        for row in iter_answer_rows():
            writer.writerow({k: neutralise(v) for k, v in row.items()})
            n += 1
    return n
