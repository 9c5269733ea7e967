"""Local events where people vote on their top priorities (the Big Plan's local events): the
event with its place and access, the ballot's items, each phone's (or assisted) ballot and its
votes, paper tallies, and single-use voting codes.

Votes are anonymous: a ballot holds a random key that the voter's browser keeps (so one phone
has one ballot and can change it), never a person, a review or an address. Assisted ballots and
paper tallies keep the member of staff who entered them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Timestamps, UTCDateTime, utcnow
from .org import Area, Service
from .users import User


class VotingMethod(StrEnum):
    DOTS = "dots"  # N dots to spread over the items (several on one item, if allowed)
    RANK = "rank"  # "rank your top 3"


class VotingState(StrEnum):
    DRAFT = "draft"  # not open yet: the ballot can be changed
    OPEN = "open"
    CLOSED = "closed"


class Channel(StrEnum):
    PHONE = "phone"  # on the voter's own phone
    ASSISTED = "assisted"  # a facilitator voted with the person on the tablet


#: What a venue may offer; staff see which are missing (the seed's meeting standard).
ACCESS = ("step_free", "hearing_loop", "quiet_room", "easy_read", "interpreter", "bsl")
RANKS = 3  # "rank your top 3"


class Event(Timestamps, db.Model):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("method IN ('dots', 'rank')", name="method"),
        CheckConstraint("voting IN ('draft', 'open', 'closed')", name="voting"),
        CheckConstraint("dots BETWEEN 1 AND 20", name="dots"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(300))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # offered on the day
    access: Mapped[list[str]] = mapped_column(JSON, default=list)  # of ACCESS, what is there
    access_notes: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8), default=VotingMethod.DOTS.value)
    dots: Mapped[int] = mapped_column(Integer, default=3)
    several_on_one: Mapped[bool] = mapped_column(Boolean, default=True)
    voting: Mapped[str] = mapped_column(String(8), default=VotingState.DRAFT.value)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    codes_required: Mapped[bool] = mapped_column(Boolean, default=False)
    public_code: Mapped[str] = mapped_column(String(16), unique=True)  # QR and short link
    theme_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme_set.id", ondelete="SET NULL"))
    work_id: Mapped[int | None] = mapped_column(ForeignKey("work.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last vote/tally

    service: Mapped[Service | None] = relationship()
    area: Mapped[Area | None] = relationship()
    items: Mapped[list[BallotItem]] = relationship(
        back_populates="event", order_by="BallotItem.position, BallotItem.id",
        cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.voting == VotingState.OPEN.value

    @property
    def missing_access(self) -> list[str]:
        return [a for a in ACCESS if a not in (self.access or [])]


class BallotItem(Timestamps, db.Model):
    """One thing to vote on: a theme of the service or area (its label as it was, with its
    stable id) or an item added on the day; its words can be changed for this event."""

    __tablename__ = "ballot_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    easy_read: Mapped[str | None] = mapped_column(Text)
    picture: Mapped[str | None] = mapped_column(String(64))  # a pictogram's name
    # lang: {"label": …, "easy_read": …}, for this event
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    theme_id: Mapped[str | None] = mapped_column(String(32))
    added_on_day: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="items")

    def words(self, lang: str) -> tuple[str, str | None, bool]:
        """(label, easy read, translated?) in ``lang``, English where not translated yet."""
        own = (self.translations or {}).get(lang) or {}
        if own.get("label"):
            return own["label"], own.get("easy_read") or self.easy_read, True
        return self.label, self.easy_read, lang == "en"


class VotingCode(db.Model):
    """A single-use code printed on a card, for events that want exactly one vote a person."""

    __tablename__ = "voting_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)


class Ballot(db.Model):
    """One voter's choices at one event (a phone, or a person voting with a facilitator)."""

    __tablename__ = "ballot"
    __table_args__ = (
        UniqueConstraint("event_id", "voter_key"),
        UniqueConstraint("code_id"),
        CheckConstraint("channel IN ('phone', 'assisted')", name="channel"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    voter_key: Mapped[str] = mapped_column(String(64))  # random, kept by the voter's browser
    channel: Mapped[str] = mapped_column(String(16), default=Channel.PHONE.value)
    language: Mapped[str | None] = mapped_column(String(16))
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("voting_code.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))  # assisted ballots only
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_submit: Mapped[str | None] = mapped_column(String(64))  # a repeated submit counts once

    votes: Mapped[list[Vote]] = relationship(back_populates="ballot",
                                             cascade="all, delete-orphan")
    entered_by: Mapped[User | None] = relationship()


class Vote(db.Model):
    """Dots on an item (dot voting) or the item's place, 1 to 3 (ranking)."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("ballot_id", "item_id"),
        CheckConstraint("(dots IS NULL) != (rank IS NULL)", name="dots_or_rank"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"),
                                           index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ballot_item.id", ondelete="CASCADE"),
                                         index=True)
    dots: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)

    ballot: Mapped[Ballot] = relationship(back_populates="votes")


class TallySheet(db.Model):
    """Paper votes or sticky dots counted at the event and entered by a facilitator: who and
    when is kept; a sheet entered by mistake is withdrawn, never deleted."""

    __tablename__ = "tally_sheet"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(String(300))
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    counts: Mapped[list[TallyCount]] = relationship(back_populates="sheet",
                                                    cascade="all, delete-orphan")
    entered_by: Mapped[User | None] = relationship()


class TallyCount(db.Model):
    """On one sheet, the dots on an item, or (ranking) how many put it in place ``rank``."""

    __tablename__ = "tally_count"
    __table_args__ = (CheckConstraint("count >= 0", name="count"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheet.id", ondelete="CASCADE"),
                                          index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ballot_item.id", ondelete="CASCADE"),
                                         index=True)
    rank: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    sheet: Mapped[TallySheet] = relationship(back_populates="counts")
