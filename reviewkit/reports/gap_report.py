"""The gap analysis as plain data: its rows, its words and its score.

:func:`reviewkit.reports.gap.build_report` fills a :class:`GapReport`; the pages show it and
:mod:`reviewkit.reports.gap_downloads` turns it into tables. A hidden (suppressed) number is
``None`` here and never anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .audit import Key
from .filters import Filters

KINDS = ("working", "not_working", "idea", "other")
KIND_LABELS = {"working": "Working", "not_working": "Not working", "idea": "Ideas",
               "other": "Other"}
UNASSIGNED = "unassigned"  # statements in no theme (left over, hidden themes, not themed yet)
PREV = "prev"  # the quarter part of a key counted over the period before

# The report's words in the page's language, for the pages and the PDF (the data files keep
# the English ones above).
PAGE_WORDS = {
    "kind_labels": {"working": _l("Working"), "not_working": _l("Not working"),
                    "idea": _l("Ideas"), "other": _l("Other")},
    "hidden": _l("hidden"),
    "changes": {"new": _l("new"), "growing": _l("growing"), "steady": _l("steady"),
                "shrinking": _l("shrinking")},
    "note": _l("hidden: fewer than 5, or hidden so that a number under 5 cannot be worked "
               "out from the totals"),
}


@dataclass
class ThemeRow:
    id: str
    label: str
    counts: dict[str, int | None]  # kind -> count (None: hidden)
    total: int | None
    previous: int | None
    change: str  # new, growing, shrinking, steady, gone, ""
    gap: float | None
    examples: list[str] = field(default_factory=list)
    by_quarter: dict[str, int | None] = field(default_factory=dict)
    typical: str = ""  # the statement most typical of the theme, masked ("in people's words")
    i_statement: str = ""  # the "I statement" people wrote for the theme


@dataclass
class GapRow:
    theme_id: str
    theme: str
    place: str  # service or area name
    level: str  # "service" or "area"
    counts: dict[str, int | None]
    total: int | None
    gap: float | None
    rank: int = 0


@dataclass
class CellRow:
    """One row per theme × service × quarter (the CSV's rows)."""

    theme_id: str
    theme: str
    service: str
    area: str
    quarter: str
    counts: dict[str, int | None]
    total: int | None


@dataclass
class StatementRow:
    theme_id: str
    theme: str
    service: str
    area: str
    quarter: str
    kind: str
    text: str  # masked


@dataclass
class GapReport:
    filters: Filters
    since: date | None
    until: date | None
    quarters: list[str]
    previous_since: date | None
    previous_until: date | None
    themes: list[ThemeRow]
    cells: list[CellRow]
    by_service: list[GapRow]
    by_area: list[GapRow]
    services: list[str]
    areas: list[str]
    totals: dict[str, Any]  # kind -> n, "total", "services": {...}, "areas": {...}, "quarters"
    statements: list[StatementRow]
    theme_set_updated: Any = None
    not_themed: int | None = 0  # statements added since themes were last worked out
    problems: list[str] = field(default_factory=list)
    published: dict[Key, int | None] = field(default_factory=dict, repr=False)
    relations: list[tuple[Key, list[Key]]] = field(default_factory=list, repr=False)
    # the statements file's rows, made from this same build when first asked for
    make_statements: Callable[[], list[StatementRow]] | None = field(
        default=None, repr=False, compare=False)

    def with_statements(self) -> GapReport:
        """This report with its statements (masked; none from hidden cells)."""
        if self.make_statements is not None:
            self.statements = self.make_statements()
            self.make_statements = None
        return self

    @property
    def empty(self) -> bool:
        return not self.cells

    def theme(self, theme_id: str) -> ThemeRow | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def ranked_gaps(self, level: str = "service") -> list[GapRow]:
        return self.by_service if level == "service" else self.by_area

    def compare(self, place_a: str, place_b: str) -> list[tuple[ThemeRow, GapRow | None,
                                                                GapRow | None]]:
        """Side by side: every theme's row for two services (or two areas)."""
        rows = {(g.theme_id, g.place): g for g in self.by_service + self.by_area}
        return [(t, rows.get((t.id, place_a)), rows.get((t.id, place_b))) for t in self.themes]


def gap_score(counts: Mapping[str, int | None], total: int | None) -> float | None:
    """(not working + ideas − working) / all statements, from -1 to 1; None if any is hidden."""
    parts = [counts.get(k) for k in ("working", "not_working", "idea")]
    if total in (None, 0) or any(p is None for p in parts):
        return None
    return round((parts[1] + parts[2] - parts[0]) / total, 3)


def theme_order(tid: str) -> tuple:
    """Themes in the engine's order (t1, t2, … t10), statements in no theme last."""
    digits = "".join(ch for ch in tid if ch.isdigit())
    return (tid == UNASSIGNED, int(digits) if digits else 0, tid)


def shown(n: int | None) -> str:
    """A published number as words: the number, or "hidden" in the page's language."""
    return str(PAGE_WORDS["hidden"]) if n is None else str(n)


def summary_sentences(report: GapReport, page_lang: str | None = None) -> list[str]:
    """An executive summary in plain words, from the published numbers only, in the page's
    language (the theme names as people left them).

    For a page or a PDF in ``page_lang`` each sentence is HTML (``Markup``, the rest escaped)
    in which a theme's name in another language is marked with it, as in the tables (WCAG
    3.1.2: a screen reader reads a Welsh name in Welsh on an English page); without
    ``page_lang`` the sentences are plain text (spreadsheets)."""
    from markupsafe import Markup

    from ..localise import in_lang

    marked = page_lang is not None

    def name(label: str) -> str:
        return in_lang(label, page_lang) if marked else str(label)

    def say(words: str, **values: Any) -> str:
        return Markup.escape(words) % values if marked else words % values

    def listed(items: list[str], sep: str = ", ") -> str:
        return (Markup(sep) if marked else sep).join(items)

    if report.empty:
        return [_("There are no shared (consented) statements for this choice.")]
    services = ngettext("%(num)d service", "%(num)d services", len(report.services))
    areas = ngettext("%(num)d area", "%(num)d areas", len(report.areas))
    total = shown(report.totals["total"])
    if report.since and report.until:
        out = [_("%(total)s statements that people agreed to share, from %(services)s in "
                 "%(areas)s, from %(since)s to %(until)s.", total=total, services=services,
                 areas=areas, since=format_date(report.since, "d MMMM y"),
                 until=format_date(report.until, "d MMMM y"))]
    else:
        out = [_("%(total)s statements that people agreed to share, from %(services)s in "
                 "%(areas)s, over the whole time.", total=total, services=services,
                 areas=areas)]
    themed = [t for t in report.themes if t.id != UNASSIGNED and t.total is not None]
    if themed:
        out.append(say(_("The themes people spoke about most: %(themes)s."), themes=listed(
            [say("%(theme)s (%(n)s)", theme=name(t.label), n=t.total) for t in themed[:3]])))
    gaps = [g for g in report.by_service if g.gap is not None and g.gap > 0][:3]
    if gaps:
        places = listed([say(_("%(theme)s at %(place)s"), theme=name(g.theme), place=g.place)
                         for g in gaps], "; ")
        out.append(say(_("Where what is not working and ideas most outweigh what is working: "
                         "%(places)s."), places=places))
    working = sorted((t for t in themed if t.gap is not None and t.gap < 0),
                     key=lambda t: t.gap)[:3]
    if working:
        out.append(say(_("What is working best: %(themes)s."),
                       themes=listed([name(t.label) for t in working])))
    for change, words in (("new", _l("New since the period before: %(themes)s.")),
                          ("growing", _l("Growing: %(themes)s.")),
                          ("shrinking", _l("Shrinking: %(themes)s."))):
        names = [name(t.label) for t in themed if t.change == change][:5]
        if names:
            out.append(say(str(words), themes=listed(names)))
    return out


def method() -> list[str]:
    """How the numbers were made, in the page's language."""
    return [
        _("Only statements that people agreed to share (pooled, with consent) are counted; "
          "deleted statements are not."),
        _("Statements are grouped into themes by reviewkit's theming engine and then checked "
          "by people, who can rename, merge, split and hide themes and move statements; this "
          "report uses the themes as people left them."),
        _("Each statement is counted once, under its theme, service, area, quarter and kind "
          "(working, not working, idea, or other such as strengths and what is important)."),
        _("Gap score = (not working + ideas - working) / all statements in the theme, from -1 "
          "(all working) to 1 (all not working or ideas). Themes are ranked by it."),
        _("Change compares each theme with the period of the same length just before: new, "
          "growing (at least a fifth and 5 more), shrinking (at least a fifth and 5 fewer) or "
          "steady."),
        _("Small numbers: counts from 1 to 4 are hidden, and some other numbers are hidden as "
          "well so that a number under 5 cannot be worked out from totals (%(note)s).",
          note=PAGE_WORDS["note"]),
        _("Names, phone numbers, e-mail and street addresses are masked in quoted statements."),
    ]
