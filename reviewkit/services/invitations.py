"""Surveys and invitations: unguessable links, QR codes."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path

import segno
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import BankVersion, Invitation, Organisation, Service, Survey
from ..models.base import utcnow

# Links are printed on cards and sometimes typed by hand: lower-case letters and digits without
# look-alikes (0/o, 1/l/i), 26 of them = 26 × log2(31) ≈ 128.8 bits, unguessable.
TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 26


class InvitationError(ValueError):
    """A request for invitations that cannot be met, with a message for a person."""


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def find_service(organisation: Organisation, slug_or_name: str) -> Service:
    service = db.session.scalar(
        select(Service).where(
            Service.organisation_id == organisation.id,
            (Service.slug == slug_or_name) | (Service.name == slug_or_name),
        )
    )
    if service is None:
        known = ", ".join(s.slug for s in organisation.services) or "none yet"
        raise InvitationError(f"there is no service called '{slug_or_name}' (known: {known})")
    return service


def survey_for(bank_version: BankVersion, service: Service | None, org: Organisation) -> Survey:
    """The open survey of this bank version and service, created when first needed."""
    survey = db.session.scalar(
        select(Survey).filter_by(
            bank_version_id=bank_version.id,
            service_id=service.id if service else None,
            organisation_id=org.id,
        )
    )
    if survey is None:
        where = f" – {service.name}" if service else ""
        survey = Survey(
            organisation=org,
            service=service,
            bank_version=bank_version,
            title=f"{bank_version.title}{where}",
            period_start=date.today(),
        )
        db.session.add(survey)
        db.session.flush()
    return survey


def create_invitations(
    survey: Survey,
    *,
    count: int = 1,
    language: str = "en",
    easy_read: bool = False,
    person_ref: str | None = None,
    single_use: bool = True,
    expires_in_days: int | None = None,
) -> list[Invitation]:
    if not 1 <= count <= 10_000:
        raise InvitationError("count must be between 1 and 10000")
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    invitations = [
        Invitation(
            token=new_token(),
            survey=survey,
            bank_version_id=survey.bank_version_id,
            person_ref=person_ref,
            language=language,
            easy_read=easy_read,
            single_use=single_use,
            expires_at=expires_at,
        )
        for _ in range(count)
    ]
    db.session.add_all(invitations)
    db.session.commit()
    return invitations


def invitation_url(invitation: Invitation) -> str:
    return f"{current_app.config['BASE_URL']}/r/{invitation.token}"


def write_qr(url: str, path: Path) -> Path:
    """Write a QR code for ``url`` as PNG or SVG (chosen by the file's suffix)."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InvitationError(
            f"a QR code file must end in .png or .svg, not '{suffix or path.name}'")
    qr = segno.make(url, error="m")
    qr.save(str(path), scale=10, border=4)
    return path


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Invitation).filter_by(token=token))
