"""Indicators that people chose, and the numbers their owners enter by hand.

An indicator is a name in the words people chose ("People feel listened to"), what it measures
(an outcome, or how the work is done), where its value comes from (answers to a bank's
question, a figure reviewkit already holds, or a number entered each period), a target and
which way is good, and how often it is counted. Its values are never stored, apart from the
hand-entered ones: :mod:`reviewkit.services.indicator_values` works them out from stored data
each time they are asked for.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps, UTCDateTime, utcnow
from .org import Area, Service
from .users import User


class Measures(StrEnum):
    OUTCOME = "outcome"  # what is done: what changes for people
    PROCESS = "process"  # how it is done


class Source(StrEnum):
    ANSWERS = "answers"  # the share of answers to a bank's question in chosen options
    FIGURE = "figure"  # a figure reviewkit holds (ideas answered in time, …)
    ENTERED = "entered"  # a number its owner enters each period


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"  # of people or things: 1 to 4 is never shown
    NUMBER = "number"  # any other number (entered only): shown as it is


class Frequency(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class Breakdown(StrEnum):
    NONE = "none"
    SERVICE = "service"
    AREA = "area"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Indicator(Timestamps, db.Model):
    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(_in("measures", Measures), name="measures"),
        CheckConstraint(_in("source", Source), name="source"),
        CheckConstraint(_in("unit", Unit), name="unit"),
        CheckConstraint(_in("frequency", Frequency), name="frequency"),
        CheckConstraint(_in("breakdown", Breakdown), name="breakdown"),
        CheckConstraint("good IN ('up', 'down')", name="good"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))  # in the words people chose
    easy_read: Mapped[str | None] = mapped_column(String(300))
    pictogram: Mapped[str | None] = mapped_column(String(40))
    measures: Mapped[str] = mapped_column(String(8), default=Measures.OUTCOME.value)
    source: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(8), default=Unit.PERCENT.value)
    bank_id: Mapped[str | None] = mapped_column(String(64))  # source "answers"
    question_id: Mapped[str | None] = mapped_column(String(64))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)  # the answers that count
    figure: Mapped[str | None] = mapped_column(String(32))  # source "figure"
    target: Mapped[float | None] = mapped_column(Float)
    good: Mapped[str] = mapped_column(String(4), default="up")  # which way is better
    frequency: Mapped[str] = mapped_column(String(8), default=Frequency.MONTH.value)
    breakdown: Mapped[str] = mapped_column(String(8), default=Breakdown.NONE.value)
    service_id: Mapped[int | None] = mapped_column(  # None: the whole organisation
        ForeignKey("service.id", ondelete="SET NULL"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    chosen_by: Mapped[str | None] = mapped_column(Text)  # who chose it, in words
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    work_id: Mapped[int | None] = mapped_column(ForeignKey("work.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id",
                                                            ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service | None] = relationship()
    area: Mapped[Area | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="IndicatorValue.id")


class IndicatorValue(db.Model):
    """A number entered by hand for one period (and one service, when split by service).
    Rows are only added: the newest for a period counts, the earlier ones are its history."""

    __tablename__ = "indicator_value"
    __table_args__ = (Index("ix_indicator_value_period", "indicator_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(String(8))  # 2026-03 or 2026-Q1
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(300))
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    service: Mapped[Service | None] = relationship()
    area: Mapped[Area | None] = relationship()
    entered_by: Mapped[User | None] = relationship()
