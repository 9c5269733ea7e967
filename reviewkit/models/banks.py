"""Frozen bank versions: the exact questions a survey or invitation was answered against."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..banks.schema import Bank
from ..extensions import db
from .base import Timestamps


class BankVersion(Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("bank_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    # Loaded only when this process has not parsed this version yet (see ``bank``).
    content: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)

    @property
    def bank(self) -> Bank:
        # A frozen version never changes, so each process parses it once.
        key = (self.bank_id, self.version, self.checksum)
        bank = _PARSED.get(key)
        if bank is None:
            bank = _PARSED[key] = Bank.model_validate(self.content)
        return bank

    @property
    def label(self) -> str:
        return f"{self.bank_id}@{self.version}"


_PARSED: dict[tuple[str, int, str], Bank] = {}
