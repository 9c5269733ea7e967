"""The commissioner's gap analysis, built once as plain data (a :class:`GapReport`).

From pooled (consented), non-deleted statements (of the chosen banks; with none chosen, of
every bank about services, not the co-production self-audit's) and the current themes
(people's curation edits applied on top of the stored assignments:
:mod:`reviewkit.reports.themes`) this builds every number the analysis pages, CSV, XLSX and
PDF show: counts by theme, service, area, quarter and kind of statement; a gap score; masked
example statements; the change since the previous period.

Small numbers. Every published number is a sum of "atoms" (theme × service × quarter × kind)
and goes through :func:`reviewkit.reports.suppression.suppress` with the totals it belongs to,
so that no count under 5 is shown or can be worked out from the totals. Suppressed numbers never
leave this module: the report holds ``None`` in their place, and the downloads
(:mod:`reviewkit.reports.gap_downloads`) only ever see the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from functools import partial
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from ..extensions import db
from ..localise import InLanguage
from ..models import Area, Service, Statement, ThemeAssignment
from ..services.known_names import KnownNames
from ..services.themes import about_services
from . import suppression
from .audit import ALL, Key
from .filters import Filters, previous_period, quarter_bounds, quarter_of, quarters_between
from .gap_report import (
    KINDS,
    PREV,
    UNASSIGNED,
    CellRow,
    GapReport,
    GapRow,
    StatementRow,
    ThemeRow,
    gap_score,
    theme_order,
)
from .suppression import SMALL, suppress
from .themes import Curated, curate, store_suppression, stored_suppression, theme_set_for


def _kind(kind: str | None) -> str:
    return kind if kind in ("working", "not_working", "idea") else "other"


def default_period(organisation_id: int) -> tuple[date | None, date | None]:
    """The four quarters up to the latest one with a pooled statement about services (not
    the self-audit's: :func:`~reviewkit.services.themes.about_services`)."""
    latest = db.session.scalar(select(Statement.said_on).where(
        Statement.organisation_id == organisation_id, Statement.pooled.is_(True),
        Statement.deleted_at.is_(None), about_services())
        .order_by(Statement.said_on.desc()).limit(1))
    if latest is None:
        return None, None
    end = quarter_bounds(quarter_of(latest))[1]
    start_q = quarter_of(date(end.year - 1, end.month, 1) + timedelta(days=40))
    return quarter_bounds(start_q)[0], end


_CACHE: dict[tuple, tuple[float, GapReport]] = {}
CACHE_SECONDS = 120


def build_report(filters: Filters, *, examples: int = 3, with_statements: bool = True
                 ) -> GapReport:
    """Everything the pages and downloads show, for ``filters``. Kept for a short while per
    process, and made again at once when statements, consent, themes or edits change."""
    import time

    from sqlalchemy import func

    ts = theme_set_for(filters)
    state = db.session.execute(select(func.count(Statement.id), func.max(Statement.id)).where(
        Statement.organisation_id == filters.organisation_id, Statement.pooled.is_(True),
        Statement.deleted_at.is_(None))).one()
    key = (filters, examples, tuple(state),
           (ts.id, str(ts.updated_at), len(ts.edits)) if ts else None)
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1].with_statements() if with_statements else hit[1]
    report = make_report(filters, examples=examples, with_statements=with_statements)
    for old in [k for k, (t, _r) in _CACHE.items() if now - t >= CACHE_SECONDS]:
        _CACHE.pop(old, None)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (now, report)
    return report


def forget(*, answers: bool = True) -> None:
    """Forget the reports kept in this process and (``answers``) the suppression answers
    (tests, benchmarks)."""
    _CACHE.clear()
    if answers:
        suppression.forget()


def prepare(organisation_id: int, bank_id: str | None = None, since: date | None = None,
            until: date | None = None) -> int:
    """Right after the themes are worked out (the background job): build the report for the
    filters the analysis pages open with, and store its suppression in the theme set, so the
    first page does not wait for the audit. Returns how many reports were prepared."""
    banks = (bank_id,) if bank_id else ()
    choices = [Filters(organisation_id, banks=banks)]
    if since or until:
        choices.append(Filters(organisation_id, banks=banks, since=since, until=until))
    for filters in choices:
        make_report(filters, with_statements=False, persist=True)
    return len(choices)


def make_report(filters: Filters, *, examples: int = 3, with_statements: bool = True,
                persist: bool = False) -> GapReport:
    """:func:`build_report` without the cache (``persist``: keep the suppression answer in the
    theme set)."""
    from ..nlp import mask_personal

    since, until = filters.since, filters.until
    if since is None and until is None:
        since, until = default_period(filters.organisation_id)
    prev_since, prev_until = previous_period(since, until)
    services = {s.id: s for s in db.session.scalars(
        select(Service).where(Service.organisation_id == filters.organisation_id))}
    areas = {a.id: a.name for a in db.session.scalars(
        select(Area).where(Area.organisation_id == filters.organisation_id))}

    ts = theme_set_for(filters)
    query = (select(Statement.id, Statement.text, Statement.language, Statement.kind,
                    Statement.said_on, Statement.service_id, ThemeAssignment.theme_id,
                    ThemeAssignment.kind, ThemeAssignment.id, Statement.review_id)
             .outerjoin(ThemeAssignment, and_(ThemeAssignment.statement_id == Statement.id,
                                              ThemeAssignment.theme_set_id == (
                                                  ts.id if ts else -1)))
             .where(Statement.organisation_id == filters.organisation_id,
                    Statement.pooled.is_(True), Statement.deleted_at.is_(None)))
    if filters.banks:  # chosen on the analysis page: the self-audit too, when chosen
        query = query.where(Statement.bank_id.in_(filters.banks))
    else:  # every bank: the services, not the self-audit
        query = query.where(about_services())
    wanted = filters.service_ids_in({s.id: s.area_id for s in services.values()})
    if wanted:
        query = query.where(Statement.service_id.in_(wanted))
    if prev_since or since:
        query = query.where(Statement.said_on >= (prev_since or since))
    if until:
        query = query.where(Statement.said_on <= until)
    rows = db.session.execute(query).all()
    known = KnownNames(r[9] for r in rows)  # the names a review knows, out of every text

    assign = {r[0]: r[6] for r in rows}
    not_themed = sum(1 for r in rows if r[8] is None)
    curated = curate(ts, assign) if ts else Curated(labels={}, assign=assign)
    labels = curated.labels

    def place(service_id: int | None) -> tuple[str, str]:
        s = services.get(service_id)
        if s is None:
            return "s:0", "a:0"
        return f"s:{s.id}", f"a:{s.area_id or 0}"

    atoms: Counter[Key] = Counter()
    prev_atoms: Counter[str] = Counter()
    current: list[tuple] = []
    in_view: set[int] = set()  # statements this report counts (a typical one is shown if here)
    for sid, text, language, kind, said_on, service_id, _tid, akind, _aid, review_id in rows:
        tid = curated.assign.get(sid)
        tid = tid if tid in labels else UNASSIGNED
        if since and said_on < since:
            prev_atoms[tid] += 1
            continue
        s_key, _a = place(service_id)
        k = _kind(kind or akind)
        atoms[(tid, s_key, quarter_of(said_on), k)] += 1
        current.append((tid, s_key, quarter_of(said_on), k, known.mask(text, review_id),
                        language))
        in_view.add(sid)

    quarters = (quarters_between(since, until) if since and until
                else sorted({a[2] for a in atoms}))
    theme_ids = sorted({a[0] for a in atoms} | {t for t in prev_atoms}, key=theme_order)
    service_keys = sorted({a[1] for a in atoms})
    area_of = {s_key: place(int(s_key[2:]) or None)[1] for s_key in service_keys}
    area_keys = sorted(set(area_of.values()))

    # every published number, as a sum of atoms
    values: Counter[Key] = Counter()
    members: dict[Key, list[Key]] = defaultdict(list)
    for atom, n in atoms.items():
        t, s, q, k = atom
        a = area_of[s]
        for key in ((t, s, q, k), (t, s, q, ALL), (t, s, ALL, k), (t, s, ALL, ALL),
                    (t, a, ALL, k), (t, a, ALL, ALL), (t, ALL, q, ALL), (t, ALL, q, k),
                    (t, ALL, ALL, k), (t, ALL, ALL, ALL),
                    (ALL, s, ALL, ALL), (ALL, a, ALL, ALL), (ALL, ALL, q, ALL),
                    (ALL, ALL, ALL, k), (ALL, ALL, ALL, ALL)):
            values[key] += n
            members[key].append(atom)
    for t, n in prev_atoms.items():
        values[(t, ALL, PREV, ALL)] += n
        members[(t, ALL, PREV, ALL)].append((t, ALL, PREV, ALL))
    # publish the full grid (zeros too) for every pattern, so the relations are complete
    for t in theme_ids:
        for q in quarters:
            for k in (*KINDS, ALL):
                values.setdefault((t, ALL, q, k), 0)
        for k in (*KINDS, ALL):
            values.setdefault((t, ALL, ALL, k), 0)
            for p in (*service_keys, *area_keys):
                values.setdefault((t, p, ALL, k), 0)
        values.setdefault((t, ALL, PREV, ALL), 0)
        for s in service_keys:
            for q in quarters:
                if values.get((t, s, q, ALL)):
                    for k in KINDS:
                        values.setdefault((t, s, q, k), 0)
    for q in quarters:
        values.setdefault((ALL, ALL, q, ALL), 0)
    for k in (*KINDS, ALL):
        values.setdefault((ALL, ALL, ALL, k), 0)

    relations = _relations(values, theme_ids, service_keys, area_keys, area_of, quarters)
    keep = persist and ts is not None and isinstance(ts.result, dict)
    hidden = suppress(values, relations, members, area_of, stored=stored_suppression(ts),
                      store=partial(store_suppression, ts) if keep else None)
    published: dict[Key, int | None] = {k: (None if k in hidden else v)
                                        for k, v in values.items()}

    def kinds_of(t: str, p: str, q: str) -> dict[str, int | None]:
        return {k: published.get((t, p, q, k), 0) for k in KINDS}

    names = {f"s:{i}": s.name for i, s in services.items()} | {"s:0": "No service"}
    area_names = {f"a:{i}": n for i, n in areas.items()} | {"a:0": "No area"}
    label_of = dict(labels) | {UNASSIGNED: "Not in a theme"}

    by_theme_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for t, _s, _q, _k, text, language in current:
        by_theme_text[t].append((text, language))

    themes: list[ThemeRow] = []
    for t in theme_ids:
        counts = kinds_of(t, ALL, ALL)
        total = published[(t, ALL, ALL, ALL)]
        prev = published[(t, ALL, PREV, ALL)]
        raw_now, raw_prev = values[(t, ALL, ALL, ALL)], values[(t, ALL, PREV, ALL)]
        change = ""
        if prev_since and raw_now and not raw_prev:
            change = "new"
        elif prev_since and raw_prev and not raw_now:
            change = "gone"
        elif total is not None and prev is not None and prev_since:
            change = ("growing" if total >= prev * 1.2 and total - prev >= SMALL else
                      "shrinking" if total <= prev * 0.8 and prev - total >= SMALL else "steady")
        ex = (_examples(by_theme_text[t], examples, mask_personal)
              if total is not None and t != UNASSIGNED else [])
        themes.append(ThemeRow(
            id=t, label=label_of.get(t, t), counts=counts, total=total, previous=prev,
            change=change, gap=gap_score(counts, total), examples=ex,
            by_quarter={q: published[(t, ALL, q, ALL)] for q in quarters},
            typical=(curated.typical.get(t, "") if ex and curated.typical_ids.get(t) in in_view
                     else ex[0] if ex else ""),
            i_statement=curated.i_statements.get(t, "")))
    themes.sort(key=lambda r: (r.id == UNASSIGNED, -(values[(r.id, ALL, ALL, ALL)]),
                               theme_order(r.id)))

    def gap_rows(places: list[str], level: str, name_of: Mapping[str, str]) -> list[GapRow]:
        out = []
        for t in theme_ids:
            if t == UNASSIGNED:
                continue
            for p in places:
                if not values.get((t, p, ALL, ALL)):
                    continue
                counts = kinds_of(t, p, ALL)
                total = published[(t, p, ALL, ALL)]
                out.append(GapRow(theme_id=t, theme=label_of[t], place=name_of.get(p, p),
                                  level=level, counts=counts, total=total,
                                  gap=gap_score(counts, total)))
        out.sort(key=lambda g: (g.gap is None, -(g.gap or 0), -(g.total or 0), g.theme, g.place))
        for i, g in enumerate(out, 1):
            g.rank = i if g.gap is not None else 0
        return out

    cells = []
    for t in theme_ids:
        for s in service_keys:
            for q in quarters:
                if (t, s, q, ALL) not in values or not values[(t, s, q, ALL)]:
                    continue
                cells.append(CellRow(
                    theme_id=t, theme=label_of.get(t, t), service=names.get(s, s),
                    area=area_names.get(area_of[s], ""), quarter=q,
                    counts=kinds_of(t, s, q), total=published[(t, s, q, ALL)]))
    cells.sort(key=lambda c: (c.theme_id == UNASSIGNED, theme_order(c.theme_id), c.service,
                              c.quarter))

    def make_statements() -> list[StatementRow]:
        out = []
        for t, s, q, k, text, language in current:
            if published.get((t, s, q, k)) is None:
                continue  # in a hidden cell: leaving it out keeps the count hidden
            out.append(StatementRow(
                theme_id=t, theme=label_of.get(t, t), service=names.get(s, s),
                area=area_names.get(area_of[s], ""), quarter=q, kind=k,
                text=mask_personal(text[:1000], language)))
        out.sort(key=lambda r: (r.theme_id == UNASSIGNED, theme_order(r.theme_id),
                                r.service, r.quarter, r.kind, r.text))
        return out

    totals: dict[str, Any] = {k: published[(ALL, ALL, ALL, k)] for k in KINDS}
    totals["total"] = published[(ALL, ALL, ALL, ALL)]
    totals["services"] = {names.get(s, s): published[(ALL, s, ALL, ALL)] for s in service_keys}
    totals["areas"] = {area_names.get(a, a): published[(ALL, a, ALL, ALL)] for a in area_keys}
    totals["quarters"] = {q: published[(ALL, ALL, q, ALL)] for q in quarters}

    problems = []  # said on the page, in its language
    if ts is None:
        problems.append(_l("The themes have not been worked out yet."))
    if not atoms:
        problems.append(_l("There are no shared (consented) statements for this choice."))
    return GapReport(
        filters=filters, since=since, until=until, quarters=quarters,
        previous_since=prev_since, previous_until=prev_until, themes=themes, cells=cells,
        by_service=gap_rows(service_keys, "service", names),
        by_area=gap_rows(area_keys, "area", area_names),
        services=[names.get(s, s) for s in service_keys],
        areas=[area_names.get(a, a) for a in area_keys], totals=totals,
        statements=make_statements() if with_statements else [],
        make_statements=None if with_statements else make_statements,
        theme_set_updated=ts.updated_at if ts else None,
        not_themed=not_themed if ts else None, problems=problems, published=published,
        relations=relations)


def _pattern(key: Key) -> tuple[str, str, str, str]:
    t, p, q, k = key
    period = "all" if q == ALL else ("prev" if q == PREV else "quarter")
    return ("all" if t == ALL else "theme", "all" if p == ALL else p[:2], period,
            "all" if k == ALL else "kind")


def _relations(values, theme_ids, service_keys, area_keys, area_of, quarters
               ) -> list[tuple[Key, list[Key]]]:
    """Every "total = sum of parts" that the published numbers satisfy. A part of a published
    kind that is not published at all is zero (every non-zero sum is published), so it is left
    out of the relation."""
    patterns = {_pattern(k) for k in values}
    rels: list[tuple[Key, list[Key]]] = []

    def add(parent: Key, children: list[Key]) -> None:
        if not children or _pattern(children[0]) not in patterns:
            return
        present = [c for c in children if c in values]
        if present:
            rels.append((parent, present))

    for key in values:
        t, p, q, k = key
        if q == PREV:
            continue
        if k == ALL:
            add(key, [(t, p, q, kk) for kk in KINDS])
        if q == ALL:
            add(key, [(t, p, qq, k) for qq in quarters])
        if p == ALL:
            add(key, [(t, s, q, k) for s in service_keys])
            add(key, [(t, a, q, k) for a in area_keys])
        elif p.startswith("a:"):
            add(key, [(t, s, q, k) for s in service_keys if area_of[s] == p])
        if t == ALL:
            add(key, [(tt, p, q, k) for tt in theme_ids])
    return rels


def _examples(texts: list[tuple[str, str]], n: int, mask) -> list[str]:
    """Masked example statements: the most often said first, then readable ones (each an
    :class:`InLanguage` in the language it was said in)."""
    if not texts or n <= 0:
        return []
    counts = Counter(text.strip() for text, _lang in texts)
    language = {text.strip(): lang for text, lang in texts}
    order = sorted(counts, key=lambda t: (-counts[t], not 15 <= len(t) <= 200, len(t), t))
    out: list[str] = []
    for text in order:
        shown = mask(text[:300], language[text])
        if shown.lower() not in {o.lower() for o in out}:
            out.append(InLanguage(shown, language[text]))
        if len(out) >= n:
            break
    return out
