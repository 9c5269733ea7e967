"""Server-drawn charts for report pages and PDFs: no JavaScript, readable without colour.

An SVG chart (:func:`line_chart_svg`, :func:`bar_chart_svg`) is inline SVG with
``role="img"``, a ``<title>`` and a ``<desc>`` that say in words what it shows; the same numbers
are always in a table beside it. Colour is never the only cue: each line also has its own marker
shape and dash pattern, and the legend shows them. A value of ``None`` (hidden because it is
under 5, or no data) is never drawn as 0: it is a gap in a line, or a word in place of a bar.
Every text is escaped, so a chart is safe to put in a page as it is.

Positions are worked out left to right; with ``rtl=True`` they are mirrored (x becomes
width - x) and text anchors swapped, for Urdu and Arabic pages. The root says
``direction="ltr"`` so that an anchor means the same in a browser and in WeasyPrint. Axes and
text use ``currentColor`` (light and dark pages). The ``chart`` class lets a page's CSS scale it
(``max-width:100%; height:auto``): the Content-Security-Policy allows no inline style.

In a PDF every chart is an HTML table of names and bars instead (the ``*_html`` functions):
WeasyPrint sets SVG text one letter at a time, so an Urdu or Arabic name came out backwards
with its letters unjoined. As HTML each name is text, set right to left where it is, and the
table mirrors on a right-to-left page like the rest of it. The self-audit's pages draw their
charts this way too (``page=True``): an SVG scaled down to a 320 px phone has words a few
pixels high, where these are the page's own text at its size, wrapping beside their bars.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from ..localise import in_lang, other_language
from .table import SUPPRESSED_TEXT

SVG_NS = "http://www.w3.org/2000/svg"
CHAR_W = 6.2  # about the width of a character at font-size 11, to lay out labels
# Okabe-Ito, less yellow (too faint on white) and black (lost on a dark page).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
DASHES = ("none", "6 3", "2 3", "9 3 2 3", "12 4", "4 2 1 2")
MAX_X_LABELS = 12

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One line, or one bar in every group: a name and one value per period or category."""

    name: str  # shown in the legend and at the end of the line
    values: list[float | None]  # None = no value (hidden under 5, or no data): never drawn as 0


def _n(v: float) -> str:
    """A number, short: 12.0 -> "12", 12.345 -> "12.3"."""
    s = f"{v:.1f}"
    s = s[:-2] if s.endswith(".0") else s
    return "0" if s == "-0" else s


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: max(1, most - 1)] + "…"


class _Frame:
    """Left-to-right positions, mirrored on the way out when the chart is right to left."""

    def __init__(self, width: int, rtl: bool):
        self.width, self.rtl = width, rtl

    def xf(self, x: float) -> float:
        return self.width - x if self.rtl else x

    def x(self, x: float) -> str:
        return _n(self.xf(x))

    def anchor(self, anchor: str) -> str:
        if not self.rtl:
            return anchor
        return {"start": "end", "end": "start"}.get(anchor, anchor)

    def text(self, x: float, y: float, text: str, anchor: str = "start", cls: str = "") -> str:
        klass = f' class="{cls}"' if cls else ""
        return (f'<text x="{self.x(x)}" y="{_n(y)}" text-anchor="{self.anchor(anchor)}" '
                f'font-size="11"{klass}>{escape(text)}</text>')


def _svg(uid: str, width: int, height: float, title: str, desc: str, body: Sequence[str],
         kind: str) -> Markup:
    h = _n(height)
    return Markup(
        f'<svg xmlns="{SVG_NS}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {h}" width="{width}" height="{h}" class="chart {kind}" '
        f'direction="ltr" fill="currentColor" font-size="11">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def _legend(items: Sequence[tuple[str, Callable[[float, float], str]]], frame: _Frame,
            top: float) -> tuple[list[str], float]:
    """Each item's swatch (drawn in a 22 x 12 box) and name, in rows; and the rows' height."""
    if not items:
        return [], 0.0
    parts, x, y = ['<g class="legend">'], 8.0, top
    most = max(4, int((frame.width - 44) / CHAR_W))
    for name, swatch in items:
        label = _short(name, most)
        w = 28 + len(label) * CHAR_W + 14
        if x > 8 and x + w > frame.width - 8:
            x, y = 8.0, y + 18
        parts += [swatch(x, y), frame.text(x + 28, y + 10, label, cls="legend-name")]
        x += w
    return [*parts, "</g>"], y + 18 - top


def _marker(shape: str, x: float, y: float, colour: str, r: float = 4.0) -> str:
    paint = f'fill="{colour}" stroke="{colour}" class="marker" data-marker="{shape}"'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {paint}></circle>'
    if shape == "square":
        return (f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" '
                f'height="{_n(2 * r)}" {paint}></rect>')
    if shape == "cross":
        a, b, c, e = _n(x - r), _n(x + r), _n(y - r), _n(y + r)
        d = f"M{a} {c}L{b} {e}M{a} {e}L{b} {c}"
        return (f'<path d="{d}" stroke="{colour}" stroke-width="2" fill="none" class="marker" '
                f'data-marker="{shape}"></path>')
    k = 1.25 * r
    points = {"triangle": [(x, y - k), (x + k, y + r * 0.8), (x - k, y + r * 0.8)],
              "triangle-down": [(x, y + k), (x + k, y - r * 0.8), (x - k, y - r * 0.8)],
              "diamond": [(x, y - k), (x + k, y), (x, y + k), (x - k, y)]}[shape]
    return f'<polygon points="{" ".join(f"{_n(a)},{_n(b)}" for a, b in points)}" {paint}></polygon>'


def _scale(lo: float, hi: float | None, values: list[float],
           empty: float = 1.0) -> tuple[float, list[float]]:
    """The top of the y axis and its 4 or 5 gridlines' values (nice steps when hi is not given;
    a span of ``empty`` when there is nothing to show)."""
    if hi is not None:
        top = hi if hi > lo else lo + 1
        return top, [lo + (top - lo) * k / 4 for k in range(5)]
    span = max([v - lo for v in values] + [0]) or empty
    mag = 10 ** math.floor(math.log10(span / 5))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if math.ceil(span / (m * mag) - 1e-9) <= 5)
    count = math.ceil(span / step - 1e-9)
    return lo + count * step, [lo + k * step for k in range(count + 1)]


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """The indexes of each unbroken run of values (a None ends a run)."""
    runs: list[list[int]] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _describe_lines(periods: Sequence[str], series: Sequence[Series], target: float | None,
                    target_label: str, fmt: Callable[[float], str]) -> str:
    parts = []
    for s in series:
        shown = [(p, v) for p, v in zip(periods, s.values, strict=True) if v is not None]
        if not shown:
            parts.append(_("%(name)s: no values shown.", name=s.name))
            continue
        (start, first), (end, last) = shown[0], shown[-1]
        if len(shown) == 1:
            parts.append(_("%(name)s: %(value)s in %(period)s.", name=s.name, value=fmt(first),
                           period=start))
        else:
            parts.append(_("%(name)s: %(first)s in %(start)s, %(last)s in %(end)s.",
                           name=s.name, first=fmt(first), start=start, last=fmt(last), end=end))
        if missing := len(periods) - len(shown):
            parts.append(ngettext("No value for %(num)d period.", "No value for %(num)d periods.",
                                  missing))
    if target is not None:
        parts.append(_("%(label)s %(value)s.", label=target_label, value=fmt(target)))
    return " ".join(parts)


def line_chart_svg(periods: list[str], series: list[Series], *, title: str, description: str = "",
                   target: float | None = None, target_label: str = "Target",
                   y_min: float = 0, y_max: float | None = None, percent: bool = False,
                   width: int = 640, height: int = 260, rtl: bool = False) -> Markup:
    """An indicator over time: one line per series over ``periods`` (None is a gap), an optional
    dashed target line, gridlines, a legend; ``description`` (if not given, one is written from
    each series' first and last values) is the text alternative. Percent values are 0..100."""
    if any(len(s.values) != len(periods) for s in series):
        raise ValueError("every series needs one value per period")
    uid, frame, count = f"chart{next(_ids)}", _Frame(width, rtl), len(periods)

    def fmt(v: float) -> str:
        return _n(v) + ("%" if percent else "")

    desc = description or _describe_lines(periods, series, target, target_label, fmt)
    known = [v for s in series for v in s.values if v is not None]
    top_v, ticks = _scale(y_min, y_max, known + ([target] if target is not None else []),
                          100 if percent else 1)
    styles = [(COLOURS[i % 6], MARKERS[i % 6], DASHES[i % 6]) for i in range(len(series))]

    def swatch(i: int) -> Callable[[float, float], str]:
        colour, shape, dash = styles[i]
        return lambda x, y: (f'<line x1="{frame.x(x)}" y1="{_n(y + 6)}" x2="{frame.x(x + 22)}" '
                             f'y2="{_n(y + 6)}" stroke="{colour}" stroke-width="2" '
                             f'stroke-dasharray="{dash}"></line>'
                             + _marker(shape, frame.xf(x + 11), y + 6, colour))

    legend, legend_h = _legend([(s.name, swatch(i)) for i, s in enumerate(series)], frame, 4)
    names = [_short(s.name, 16) for s in series]
    target_text = "" if target is None else _short(f"{target_label} {fmt(target)}", 18)
    left = 14 + max(len(fmt(t)) for t in ticks) * CHAR_W
    right = width - 10 - max(len(n) * CHAR_W + 8 for n in [*names, target_text])
    top, bottom = legend_h + 14, max(legend_h + 40, height - 24)

    def y_of(v: float) -> float:
        return bottom - (min(max(v, y_min), top_v) - y_min) / (top_v - y_min) * (bottom - top)

    def x_of(i: int) -> float:
        return (left + right) / 2 if count < 2 else left + 8 + (right - left - 16) * i / (count - 1)

    body = [*legend, '<g class="axes" stroke="currentColor">']
    for t in ticks:
        body.append(f'<line x1="{frame.x(left)}" x2="{frame.x(right)}" y1="{_n(y_of(t))}" '
                    f'y2="{_n(y_of(t))}" stroke-opacity="{0.6 if t == y_min else 0.2}"></line>')
    body.append("</g>")
    body += [frame.text(left - 6, y_of(t) + 4, fmt(t), "end", "y-label") for t in ticks]
    if count:
        spacing = (right - left - 16) / max(1, count - 1)
        widest = max(len(p) for p in periods) * CHAR_W + 8
        step = max(math.ceil(count / MAX_X_LABELS), math.ceil(widest / spacing))
        body += [frame.text(x_of(i), bottom + 16, periods[i], "middle", "x-label")
                 for i in range(0, count, step)]
    ends: list[tuple[float, str, str]] = []  # the texts beside the plot: y, text, class
    if target is not None and y_min <= target <= top_v:
        ty = _n(y_of(target))
        body.append(f'<line class="target" x1="{frame.x(left)}" x2="{frame.x(right)}" y1="{ty}" '
                    f'y2="{ty}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="6 4">'
                    "</line>")
        ends.append((y_of(target) + 4, target_text, "target-label"))
    r = 4.0 if count < 2 or (right - left) / count >= 12 else 3.0
    for i, s in enumerate(series):
        colour, shape, dash = styles[i]
        body.append(f'<g class="series" data-series="{i}">')
        for run in _runs(s.values):
            points = " ".join(f"{frame.x(x_of(j))},{_n(y_of(s.values[j] or 0))}" for j in run)
            body.append(f'<polyline class="line" points="{points}" fill="none" stroke="{colour}" '
                        f'stroke-width="2" stroke-dasharray="{dash}"></polyline>')
        for j, v in enumerate(s.values):
            if v is not None:
                body.append(_marker(shape, frame.xf(x_of(j)), y_of(v), colour, r))
        body.append("</g>")
        last = next((v for v in reversed(s.values) if v is not None), None)
        if last is not None:
            ends.append((y_of(last) + 4, names[i], "end-label"))
    ends.sort()
    for k in range(1, len(ends)):  # keep the texts beside the plot from overlapping
        if ends[k][0] < ends[k - 1][0] + 13:
            ends[k] = (ends[k - 1][0] + 13, *ends[k][1:])
    body += [frame.text(right + 6, y, text, "start", cls) for y, text, cls in ends]
    return _svg(uid, width, height, title, desc, body, "line-chart")


def bar_chart_svg(items: list[tuple[str, int | None]], *, title: str, width: int = 640,
                  hidden: str = SUPPRESSED_TEXT, page_lang: str | None = None) -> Markup:
    """A horizontal bar chart as inline SVG with a text alternative (hidden bars are left out
    and said so); the same numbers are always in a table beside it. Safe to put in a page:
    every text in it is escaped. On a page in ``page_lang``, a label in another language (an
    ``InLanguage`` theme name) is marked with its language, in the text alternative too (WCAG
    3.1.2; the HTML parser reads a ``desc`` in a page as HTML, so it is a ``span`` there)."""

    shown = [(label, n) for label, n in items if n is not None]
    top = max((n for _l, n in shown), default=0) or 1
    bar_h, gap, label_w = 18, 6, 220
    height = max(1, len(items)) * (bar_h + gap) + 10
    def other_lang(label: str) -> str:
        lang = other_language(label, page_lang) if page_lang else None
        return f' lang="{escape(lang)}"' if lang else ""

    desc = "; ".join(f"{in_lang(label, page_lang) if page_lang else escape(label)}: "
                     f"{escape(hidden if n is None else n)}" for label, n in items)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title><desc>{desc}</desc>"]
    for i, (label, n) in enumerate(items):
        y = i * (bar_h + gap) + 5
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" '
                     f'font-size="11"{other_lang(label)}>{escape(short)}</text>')
        if n is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 13}" font-size="11">'
                         f"{escape(hidden)}</text>")
            continue
        w = round((width - label_w - 50) * n / top)
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" '
                     f'class="bar" fill="#1d70b8"></rect>'
                     f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="11">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _lang_attr(text: str) -> str:
    lang = getattr(text, "lang", None)
    return f' lang="{escape(lang)}"' if lang else ""


def _bar_cell(value: float | None, top: float, text: str, colour: str = "",
              page: bool = False) -> str:
    """A bar as long as ``value`` is of ``top`` (0 to 85% of its cell) and its number
    (``text``), or only ``text`` when the value is hidden (``None``): never a bar of 0.
    On a web ``page`` the bar is a small SVG of its own across the cell (its length a share of
    that track; the page's Content-Security-Policy takes no style attribute), mirrored by the
    style sheet on a right-to-left page."""
    if value is None:
        return f'<td><span class="bar-n">{escape(text)}</span></td>'
    if page:
        share = max(0.5, round(100 * min(max(value, 0), top) / top, 1))
        return (f'<td><svg xmlns="{SVG_NS}" class="bar" viewBox="0 0 100 10" '
                f'preserveAspectRatio="none" aria-hidden="true" focusable="false">'
                f'<rect class="track" width="100" height="10"></rect>'
                f'<rect width="{_n(share)}" height="10" fill="{colour or COLOURS[0]}"></rect>'
                f'</svg> <span class="bar-n">{escape(text)}</span></td>')
    width = max(0.5, round(85 * min(max(value, 0), top) / top, 1))
    paint = f"; background: {colour}" if colour else ""
    return (f'<td><span class="bar" style="width: {width}%{paint}"></span>'
            f'<span class="bar-n">{escape(text)}</span></td>')


def bar_chart_html(items: list[tuple[str, int | None]], *, title: str,
                   hidden: str = SUPPRESSED_TEXT) -> Markup:
    """:func:`bar_chart_svg` as an HTML table of labels and bars, for PDFs: WeasyPrint lays out
    SVG text one letter at a time, so an Urdu or Arabic label came out backwards with its
    letters unjoined; as HTML each label is set as text (right to left where it is, letters
    joined), and on a right-to-left page the chart is mirrored like the page. A label that
    knows its language (``InLanguage``) is marked with it. Every text is escaped. Every chart
    in a PDF is drawn this way (see :func:`grouped_bar_html` and :func:`lines_as_bars_html`)."""
    top = max((n for _l, n in items if n is not None), default=0) or 1
    rows = []
    for label, n in items:
        short = label if len(label) <= 34 else label[:33] + "…"
        rows.append(f'<tr><th scope="row"{_lang_attr(label)}>{escape(short)}</th>'
                    + _bar_cell(n, top, hidden if n is None else str(n)) + "</tr>")
    return Markup(f'<table class="bar-chart" aria-label="{escape(title)}"><tbody>'
                  + "".join(rows) + "</tbody></table>")


def grouped_bar_html(categories: list[str], series: list[Series], *, title: str,
                     y_max: float | None = None, value_format: str = "{:.1f}",
                     hidden_text: str = SUPPRESSED_TEXT, page: bool = False) -> Markup:
    """Horizontal bars for PDFs, drawn as :func:`bar_chart_html` draws its bars: a
    group of rows per category (its name a heading across the chart), a row per series with
    the series' name, its bar (the series' colour) and its value; ``None`` is ``hidden_text``
    in place of a bar. Every name is written out, so colour is never the only cue.

    With ``page``, for a web page: the title is the table's visible caption, and the words are
    the page's own text, at its size, wrapping on a narrow phone and right to left on an Urdu
    or Arabic page (an SVG chart is scaled down whole: at 320 px its words were a few pixels
    high and long names cut short)."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    top = y_max or max([v for s in series for v in s.values if v is not None] + [0]) or 1
    groups = []
    for g, category in enumerate(categories):
        rows = [f'<tr><th colspan="2" scope="rowgroup" class="group"{_lang_attr(category)}>'
                f"{escape(category)}</th></tr>"]
        for i, s in enumerate(series):
            v = s.values[g]
            rows.append(f'<tr><th scope="row"{_lang_attr(s.name)}>{escape(s.name)}</th>'
                        + _bar_cell(v, top, hidden_text if v is None else value_format.format(v),
                                    COLOURS[i % len(COLOURS)], page) + "</tr>")
        groups.append("<tbody>" + "".join(rows) + "</tbody>")
    if page:
        return Markup(f'<table class="bar-chart grouped page"><caption>{escape(title)}'
                      "</caption>" + "".join(groups) + "</table>")
    return Markup(f'<table class="bar-chart grouped" aria-label="{escape(title)}">'
                  + "".join(groups) + "</table>")


def lines_as_bars_html(periods: list[str], series: list[Series], *, title: str,
                       y_max: float | None = None, value_format: str = "{:.1f}",
                       hidden_text: str = SUPPRESSED_TEXT, page: bool = False) -> Markup:
    """:func:`line_chart_svg`'s numbers as :func:`grouped_bar_html` (``page`` for a web page,
    readable on a 320 px phone): a group per series (a line), a bar per period in order, so
    each line's rise and fall reads down its group; a period without a value says
    ``hidden_text``."""
    if any(len(s.values) != len(periods) for s in series):
        raise ValueError("every series needs one value per period")
    by_period = [Series(p, [s.values[k] for s in series]) for k, p in enumerate(periods)]
    return grouped_bar_html([s.name for s in series], by_period, title=title, y_max=y_max,
                            value_format=value_format, hidden_text=hidden_text, page=page)
