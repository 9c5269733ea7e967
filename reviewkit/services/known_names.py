"""The names a review knows — the person's and those of the people taking part — taken out of
statements before they are pooled into themes and reports, where the general rules of
``mask_personal`` cannot tell that "Zuri" or "JT" at the start of a sentence is a name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import Contributor, Person, Review
from ..nlp.masking import mask_known_names

BATCH = 500  # review ids to one query


def names_by_review(review_ids: Iterable[int | None]) -> dict[int, tuple[str, ...]]:
    """Review id -> the names it knows (its person's display name, its contributors')."""
    ids = sorted({i for i in review_ids if i})
    found: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        for rid, name in db.session.execute(
                select(Review.id, Person.display_name).join(Person, Person.id == Review.person_id)
                .where(Review.id.in_(part))):
            found[rid].add(name)
        for rid, name in db.session.execute(
                select(Contributor.review_id, Contributor.name)
                .where(Contributor.review_id.in_(part))):
            found[rid].add(name)
    return {rid: tuple(sorted(n for n in names if n)) for rid, names in found.items()}


class KnownNames:
    """Masks each statement's text with the names its review knows."""

    def __init__(self, review_ids: Iterable[int | None]):
        self.names = names_by_review(review_ids)

    def mask(self, text: str, review_id: int | None) -> str:
        names = self.names.get(review_id) if review_id else None
        return mask_known_names(text, names) if names else text
