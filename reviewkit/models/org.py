"""Organisations, the areas they work in and their services or teams."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps


class Organisation(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    you_said_we_did_url: Mapped[str | None] = mapped_column(String(500))
    # the charter's "specified timeframe": days within which every idea gets an answer
    answer_days: Mapped[int] = mapped_column(Integer, default=28, server_default="28")
    # periods (months, quarters) are counted in this time zone; times are stored in UTC
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London",
                                          server_default="Europe/London")
    # the languages it offers people (codes of app.config["LANGUAGES"]); None: all of them
    languages: Mapped[list[str] | None] = mapped_column(JSON)

    areas: Mapped[list[Area]] = relationship(back_populates="organisation")
    services: Mapped[list[Service]] = relationship(back_populates="organisation")


class Area(Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="areas")


class Service(Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64))

    organisation: Mapped[Organisation] = relationship(back_populates="services")
    area: Mapped[Area | None] = relationship()
