"""“You said, we did” (the charter's commitment 7) as plain data: for one piece of work (its
whole life) or for the whole organisation over a period.

A :class:`Record` says what people said (the ideas, counted by their answer, and the themes
they came from), what was done and when (done actions with their public sentence), what is in
progress (actions planned or started, with what will change), what will not be done and why
(ideas not included or only partly, with the reason), and who is thanked: the partners as
each chose (:func:`~reviewkit.services.register.credit_line`) and the people who sent ideas
and asked to be credited. Nobody who chose "not at all" appears.

It is public, so nothing personal is in it: no names but those credits, texts written by
people or staff masked (:func:`~reviewkit.nlp.mask_personal`), no owner, no staff, and an idea
that came from a person's review is shown by its theme, never its words.

Counts from 1 to 4 (of ideas by answer, of ideas by theme) are hidden
(:func:`~reviewkit.reports.suppression.is_small`; "fewer than 5"). Where an answer's count is
hidden, the total of ideas is published as "at least" the shown counts and one for each
hidden one, so no hidden count can be worked out by subtraction and every word stays true;
the secondary suppression of :func:`~reviewkit.reports.suppression.suppress` would hide
counts of 5 and more too, which "fewer than 5" could not say.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..i18n import page_language
from ..localise import InLanguage
from ..models import (
    BallotItem,
    Decision,
    Idea,
    IdeaAnswer,
    IdeaSource,
    Organisation,
    PlanAction,
    PlanStatus,
    ThemeSet,
    Work,
)
from ..services.clock import local_time
from ..services.register import credit_line
from .suppression import is_small
from .table import HIDDEN, Column, Document, Table

#: The answers ideas are counted by, in the order a page shows them.
ANSWERS = ("waiting", Decision.INCLUDED.value, Decision.PARTLY.value,
           Decision.NOT_INCLUDED.value, Decision.NOT_YET.value)
NOT_DOING = (Decision.NOT_INCLUDED.value, Decision.PARTLY.value)
#: What a person reads for each answer and each state of an action.
LABELS = {"waiting": _l("Waiting for an answer"), "included": _l("Yes, we will do it"),
          "partly": _l("We will do part of it"), "not_included": _l("No, we will not do it"),
          "not_yet": _l("Not decided yet"), "planned": _l("Planned"),
          "in_progress": _l("Started"), "done": _l("Done")}


@dataclass(frozen=True)
class Item:
    """One line of the record: what people said, and what came of it."""

    said: str  # the idea (masked) or the theme it came from
    outcome: str  # done: the public sentence; in progress: what will change; else the reason
    on: date | None  # done: the day it was done; in progress: the finish date; else answered
    status: str  # planned, in_progress, done, not_included or partly
    work: str  # the piece of work's title
    code: str  # the piece of work's public code (its page)
    starts_on: date | None = None


@dataclass(frozen=True)
class Theme:
    label: str
    ideas: int  # how many ideas came from it (0: only actions did)
    hidden: bool  # the count is small: "fewer than 5"


@dataclass
class Record:
    organisation: Organisation
    work: Work | None  # None: the whole organisation
    since: date | None = None
    until: date | None = None
    total: int | None = 0  # ideas; None: fewer than 5
    at_least: bool = False  # the total is "at least" (some answer's count is hidden)
    answers: dict[str, int | None] = field(default_factory=dict)  # None: hidden
    themes: list[Theme] = field(default_factory=list)
    done: list[Item] = field(default_factory=list)  # the most recently done first
    doing: list[Item] = field(default_factory=list)  # the soonest due first
    not_doing: list[Item] = field(default_factory=list)  # the most recently answered first
    partners: list[str] = field(default_factory=list)
    credited: list[str] = field(default_factory=list)  # people who sent ideas, as they chose
    works: list[Work] = field(default_factory=list)  # the pieces of work it covers

    @property
    def empty(self) -> bool:
        return not (self.total or self.total is None or self.done or self.doing
                    or self.not_doing)

    def done_by_month(self, limit: int | None = None) -> list[tuple[date, list[Item]]]:
        """The done items (the first ``limit``) by the month they were done (its first day),
        newest first."""
        months: dict[date, list[Item]] = {}
        for item in self.done[:limit]:
            months.setdefault(item.on.replace(day=1), []).append(item)
        return list(months.items())


def for_work(work: Work) -> Record:
    """Everything of one piece of work, from its first idea to today."""
    organisation = db.session.get(Organisation, work.organisation_id)
    return _build(Record(organisation, work, works=[work]), None, None)


def for_organisation(organisation: Organisation, since: date | None, until: date | None
                     ) -> Record:
    """The whole organisation over ``since``–``until`` (either open): the ideas sent, the
    actions done and the ideas answered in the period, and what is in progress now."""
    works = list(db.session.scalars(select(Work).where(
        Work.organisation_id == organisation.id).order_by(Work.kind != "organisation_plan",
                                                          Work.title, Work.id)))
    return _build(Record(organisation, None, since, until, works=works), since, until)


def _within(day: date | None, since: date | None, until: date | None) -> bool:
    return day is not None and (since is None or day >= since) and (until is None
                                                                     or day <= until)


def _build(record: Record, since: date | None, until: date | None) -> Record:
    from ..nlp import mask_personal

    works = {w.id: w for w in record.works}
    if not works:
        return record
    ideas = {i.id: i for i in db.session.scalars(select(Idea).where(
        Idea.work_id.in_(works)).order_by(Idea.id))}
    actions = list(db.session.scalars(select(PlanAction).where(
        PlanAction.work_id.in_(works)).order_by(PlanAction.id)))
    labels = _theme_labels(ideas.values())

    def said(idea: Idea | None, action: PlanAction | None = None) -> str:
        if idea is not None and idea.ballot_item is not None:  # a local event's priority
            return _item_words(idea.ballot_item)
        theme = labels.get((idea.theme_set_id, idea.theme_id)) if idea else None
        if idea is not None and idea.source != IdeaSource.STATEMENT.value:
            return mask_personal(idea.text, idea.language or "en")
        if theme or (action and action.theme_label):
            return mask_personal(theme or action.theme_label)
        return _("An idea from a person's review")

    sent = [i for i in ideas.values() if _within(i.raised_on, since, until)]
    _count(record, sent)
    themes = Counter(labels[(i.theme_set_id, i.theme_id)] for i in sent
                     if (i.theme_set_id, i.theme_id) in labels)
    for action in actions:
        work = works[action.work_id]
        idea = ideas.get(action.idea_id) if action.idea_id else None
        day = (local_time(action.done_at or action.updated_at, action.organisation_id).date()
               if action.done else None)  # the day it was done where the organisation is
        if day is not None and not (action.public_sentence and _within(day, since, until)):
            continue  # done, but not published or not in the period
        if day is not None:
            record.done.append(Item(said(idea, action), mask_personal(action.public_sentence),
                                    day, action.status, work.title, work.public_code))
        else:
            record.doing.append(Item(said(idea, action), mask_personal(action.change),
                                     action.due_on, action.status, work.title,
                                     work.public_code, action.starts_on))
        if action.theme_label:  # a theme the action answers (no idea of its own counted)
            themes.setdefault(mask_personal(action.theme_label), 0)
    record.themes = [Theme(label, n, is_small(n)) for label, n in sorted(
        themes.items(), key=lambda t: (-t[1], t[0].casefold()))]
    record.done.sort(key=lambda i: i.on, reverse=True)
    record.doing.sort(key=lambda i: (i.status != PlanStatus.IN_PROGRESS.value, i.on))

    refused = [i for i in ideas.values()
               if i.decision in NOT_DOING and _within(i.answered_on, since, until)]
    reasons = _reasons([i.id for i in refused])
    for idea in sorted(refused, key=lambda i: (i.answered_on, i.id), reverse=True):
        work = works[idea.work_id]
        record.not_doing.append(Item(said(idea), mask_personal(reasons.get(idea.id) or ""),
                                     idea.answered_on, idea.decision, work.title,
                                     work.public_code))

    record.partners = _unique(credit_line(p) for w in record.works for p in w.partners)
    record.credited = _unique(i.credit_as for i in sent if i.credit != "none")
    return record


def _item_words(item: BallotItem) -> InLanguage:
    """A priority as its event's ballot put it, in the page's language where the event has
    it in that language (else English, marked so), names masked."""
    from ..nlp import mask_personal

    lang = page_language()
    label, _easy, translated = item.words(lang)
    lang = lang if translated else "en"
    return InLanguage(mask_personal(label, lang), lang)


def _count(record: Record, ideas: list[Idea]) -> None:
    """The ideas by answer, each from 1 to 4 hidden; and their total, exact only when no
    answer's count is hidden (else "at least" the shown ones and one for each hidden), so
    no hidden count can be worked out by subtraction."""
    by_answer = Counter(i.decision or "waiting" for i in ideas)
    record.answers = {a: None if is_small(by_answer[a]) else by_answer[a] for a in ANSWERS}
    hidden = [a for a, n in record.answers.items() if n is None]
    record.total = None if is_small(len(ideas)) else len(ideas)
    if hidden and record.total is not None:
        record.total = sum(n or 0 for n in record.answers.values()) + len(hidden)
        record.at_least = True


def _reasons(idea_ids: list[int]) -> dict[int, str | None]:
    """The reason of each idea's latest answer."""
    if not idea_ids:
        return {}
    rows = db.session.execute(select(IdeaAnswer.idea_id, IdeaAnswer.reason).where(
        IdeaAnswer.idea_id.in_(idea_ids)).order_by(IdeaAnswer.id))
    return dict(rows.all())  # the last answer of each idea wins


def _theme_labels(ideas) -> dict[tuple[int, str], str]:
    """(theme set, theme id) -> the theme's label as people curated it, for ideas from a
    theme (a theme that was hidden or merged away has none)."""
    from .themes import curate

    wanted = {(i.theme_set_id, i.theme_id) for i in ideas if i.theme_set_id and i.theme_id}
    labels: dict[tuple[int, str], str] = {}
    for set_id in {s for s, _t in wanted}:
        ts = db.session.get(ThemeSet, set_id)
        if ts is None:
            continue
        curated = curate(ts, {}).labels
        labels.update({(s, t): str(curated[t]) for s, t in wanted
                       if s == set_id and t in curated})
    return labels


def _unique(names) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        if name and name.strip():
            seen.setdefault(name.strip(), None)
    return list(seen)


def document(record: Record, title: str, meta: str = "") -> Document:
    """The record to print, in the page's language: a section per part, a hidden count written
    "fewer than 5"; sections with nothing in them are left out."""
    many = record.work is None

    def where(item: Item) -> list[str]:
        return [item.work] if many else []

    work_col = [Column(_("Piece of work"))] if many else []
    counted = [[str(LABELS[a]), HIDDEN if n is None else n] for a, n in record.answers.items()]
    total = HIDDEN if record.total is None else _("at least %(n)d", n=record.total) \
        if record.at_least else record.total
    tables = [Table(_("What people told us"), [Column(_("Answer"), key=True),
                                               Column(_("Ideas"), numeric=True)],
                    [*counted, [_("All ideas"), total]])]
    if record.themes:
        tables.append(Table(_("Where the ideas came from"), [
            Column(_("Theme"), key=True), Column(_("Ideas"), numeric=True)],
            [[t.label, HIDDEN if t.hidden else (t.ideas or "")] for t in record.themes]))
    parts = [
        (_("What we did"), [_("You said"), _("We did"), _("When")], record.done,
         lambda i: [i.said, i.outcome, format_date(i.on, "MMMM y")]),
        (_("What we are doing now"), [_("You said"), _("What will change"), _("Now"),
                                      _("To finish by")], record.doing,
         lambda i: [i.said, i.outcome, str(LABELS[i.status]), format_date(i.on, "d MMMM y")]),
        (_("What we will not do, and why"), [_("You said"), _("Answer"), _("Why"),
                                             _("When")], record.not_doing,
         lambda i: [i.said, str(LABELS[i.status]), i.outcome, format_date(i.on, "d MMMM y")]),
    ]
    for heading, titles, items, row in parts:
        if items:
            tables.append(Table(heading, [Column(titles[0], key=True),
                                          *map(Column, titles[1:]), *work_col],
                                [row(i) + where(i) for i in items]))
    thanks = [[_("Partner"), name] for name in record.partners] + [
        [_("Sent an idea"), name] for name in record.credited]
    if thanks:
        tables.append(Table(_("Thank you"), [Column(_("Who"), key=True),
                                             Column(_("Name"))], thanks))
    return Document(title, tables, meta=meta, hidden_text=_("fewer than 5"),
                    note=_("Where fewer than 5 ideas had an answer, we do not say how many."),
                    words={"summary": _("About the numbers"), "method": ""})
