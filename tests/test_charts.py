"""The SVG charts in reviewkit.reports.charts: read back as XML and checked by their coordinates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from reviewkit.reports import formats
from reviewkit.reports.charts import Series, bar_chart_svg, line_chart_svg

NS = "{http://www.w3.org/2000/svg}"
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))  # fails unless the chart is well-formed XML
    assert root.tag == f"{NS}svg"
    return root


def all_(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter() if tag == "*" else root.iter(f"{NS}{tag}")
    return [e for e in found if cls is None or cls in (e.get("class") or "").split()]


def texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in all_(root, "text", cls)]


def points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in polyline.get("points", "").split()]


def marker_xy(marker: ET.Element) -> tuple[float, float]:
    """A marker's centre, whatever its shape."""
    if marker.tag == f"{NS}circle":
        return float(marker.get("cx")), float(marker.get("cy"))
    if marker.tag == f"{NS}rect":
        return (float(marker.get("x")) + float(marker.get("width")) / 2,
                float(marker.get("y")) + float(marker.get("height")) / 2)
    nums = [float(n) for n in re.findall(r"-?[\d.]+", marker.get("points") or marker.get("d"))]
    xs, ys = nums[0::2], nums[1::2]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def series_groups(root: ET.Element) -> list[ET.Element]:
    return all_(root, "g", "series")


def gridlines(root: ET.Element) -> dict[str, float]:
    """Each y-axis label's text and the y of its gridline."""
    lines = sorted(float(line.get("y1")) for g in all_(root, "g", "axes")
                   for line in g.iter(f"{NS}line"))
    labels = sorted(all_(root, "text", "y-label"), key=lambda t: float(t.get("y")))
    assert len(lines) == len(labels)
    return {t.text: y for t, y in zip(labels, lines, strict=True)}


def test_the_svg_is_labelled_by_its_title_and_desc_and_scales():
    root = parse(line_chart_svg(MONTHS, [Series("A", [1.0] * 12)], title="Goals met",
                                description="Goals went up."))
    assert root.get("role") == "img" and "chart" in root.get("class").split()
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{NS}title").get("id") == title_id
    assert root.find(f"{NS}title").text == "Goals met"
    assert root.find(f"{NS}desc").get("id") == desc_id
    assert root.find(f"{NS}desc").text == "Goals went up."
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert (root.get("width"), root.get("height")) == ("640", "260")
    assert all(t.get("font-size") in {"11", "12"} for t in all_(root, "text"))
    again = parse(line_chart_svg(MONTHS, [Series("A", [1.0] * 12)], title="Goals met"))
    assert again.get("aria-labelledby") != root.get("aria-labelledby")  # ids unique per chart


def test_a_gap_breaks_the_line_and_is_never_drawn_as_zero():
    values = [10.0, 20.0, None, 30.0, None, None, 40.0, 50.0, 60.0, None]
    periods = MONTHS[:10]
    root = parse(line_chart_svg(periods, [Series("A", values)], title="t", y_max=100))
    (group,) = series_groups(root)
    lines = all_(group, "polyline", "line")
    assert [len(points(p)) for p in lines] == [2, 1, 3]  # one segment per run, the lone one too
    markers = all_(group, "*", "marker")
    assert len(markers) == 6  # the lone point between two gaps still has its marker
    xs = sorted(marker_xy(m)[0] for m in markers)
    step = xs[1] - xs[0]  # periods 0 and 1 both have values
    assert [round((x - xs[0]) / step) for x in xs] == [0, 1, 3, 6, 7, 8]
    zero = gridlines(root)["0"]
    ys = [marker_xy(m)[1] for m in markers] + [y for p in lines for _x, y in points(p)]
    assert all(y < zero - 1 for y in ys)  # no None put on the 0 line
    # every point is where its value puts it on the scale
    top = gridlines(root)["100"]
    for m, v in zip(sorted(markers, key=lambda m: marker_xy(m)[0]),
                    [v for v in values if v is not None], strict=True):
        assert marker_xy(m)[1] == pytest.approx(zero - v / 100 * (zero - top), abs=0.2)


def test_the_target_line_sits_at_its_value_on_the_scale():
    root = parse(line_chart_svg(MONTHS[:3], [Series("A", [40.0, 55.0, 62.0])], title="t",
                                target=70, percent=True))
    grid = gridlines(root)
    assert set(grid) == {"0%", "20%", "40%", "60%", "80%"}  # 4 steps up to above the target
    (target,) = all_(root, "line", "target")
    assert target.get("stroke-dasharray")
    expected = grid["0%"] - 70 / 80 * (grid["0%"] - grid["80%"])
    assert float(target.get("y1")) == pytest.approx(expected, abs=0.2)
    assert texts(root, "target-label") == ["Target 70%"]

    explicit = parse(line_chart_svg(MONTHS[:3], [Series("A", [4.0, 5.0, 6.0])], title="t",
                                    target=7.5, target_label="Goal", y_min=2, y_max=10))
    grid = gridlines(explicit)
    assert list(grid) == ["10", "8", "6", "4", "2"]
    (target,) = all_(explicit, "line", "target")
    expected = grid["2"] - (7.5 - 2) / 8 * (grid["2"] - grid["10"])
    assert float(target.get("y1")) == pytest.approx(expected, abs=0.2)
    assert texts(explicit, "target-label") == ["Goal 7.5"]


def test_every_series_has_its_own_marker_dash_and_colour_and_is_in_the_legend():
    names = ["Riverside", "Hill House", "Oak Lodge", "Elm Court", "Ash Grove", "Birch Way"]
    series = [Series(n, [float(i), float(i + 1)]) for i, n in enumerate(names)]
    root = parse(line_chart_svg(MONTHS[:2], series, title="t"))
    assert texts(root, "legend-name") == names
    assert sorted(texts(root, "end-label")) == sorted(names)
    shapes, dashes, colours = [], [], []
    for group in series_groups(root):
        (shape,) = {m.get("data-marker") for m in all_(group, "*", "marker")}
        (line,) = all_(group, "polyline", "line")
        shapes.append(shape)
        dashes.append(line.get("stroke-dasharray"))
        colours.append(line.get("stroke"))
    assert len(set(shapes)) == len(set(dashes)) == len(set(colours)) == 6
    legend = all_(root, "g", "legend")[0]
    assert {m.get("data-marker") for m in all_(legend, "*", "marker")} == set(shapes)


def test_a_description_is_written_from_the_first_and_last_values():
    series = [Series("Riverside", [None, 40.0, 50.0, None, 62.0]),
              Series("Hill", [None, None, 33.0, None, None]),
              Series("Oak", [None] * 5)]
    root = parse(line_chart_svg(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"], series,
                                title="t", target=70, percent=True))
    desc = root.find(f"{NS}desc").text
    assert "Riverside: 40% in 2026-02, 62% in 2026-05. No value for 2 periods." in desc
    assert "Hill: 33% in 2026-03." in desc
    assert "Oak: no values shown." in desc
    assert desc.endswith("Target 70%.")


def test_right_to_left_puts_the_first_period_on_the_right():
    series = [Series("A", [10.0, 20.0, 30.0])]
    ltr = parse(line_chart_svg(MONTHS[:3], series, title="t"))
    rtl = parse(line_chart_svg(MONTHS[:3], series, title="t", rtl=True))
    for root, first_on_right in ((ltr, False), (rtl, True)):
        labels = {t.text: float(t.get("x")) for t in all_(root, "text", "x-label")}
        assert (labels["2026-01"] > labels["2026-03"]) is first_on_right
        (line,) = all_(root, "polyline", "line")
        xs = [x for x, _y in points(line)]
        assert (xs[0] > xs[-1]) is first_on_right
        y_anchor = {t.get("text-anchor") for t in all_(root, "text", "y-label")}
        assert y_anchor == ({"start"} if first_on_right else {"end"})
    # mirrored exactly: x becomes width - x
    width = float(ltr.get("width"))
    ltr_x = [x for x, _y in points(all_(ltr, "polyline", "line")[0])]
    rtl_x = [x for x, _y in points(all_(rtl, "polyline", "line")[0])]
    assert rtl_x == pytest.approx([width - x for x in ltr_x], abs=0.2)


def test_many_periods_show_at_most_twelve_labels():
    periods = [f"{2021 + i // 12}-{i % 12 + 1:02d}" for i in range(60)]
    root = parse(line_chart_svg(periods, [Series("A", [float(i) for i in range(60)])],
                                title="t"))
    labels = texts(root, "x-label")
    assert 6 <= len(labels) <= 12 and labels[0] == "2021-01"
    assert all(p in periods for p in labels)
    assert len(all_(root, "*", "marker")) == 60 + 1  # every point, and one in the legend


def test_names_and_titles_are_escaped():
    svg = line_chart_svg(MONTHS[:2], [Series("<b>Bold</b> & co", [1.0, 2.0])],
                         title='Goals "met" <i>', target=1, target_label="<Target>")
    root = parse(svg)
    assert "&lt;b&gt;Bold" in svg and "<b>" not in svg
    assert not list(root.iter("b")) and not list(root.iter(f"{NS}b"))
    assert texts(root, "legend-name") == ["<b>Bold</b> & co"]
    assert root.find(f"{NS}title").text == 'Goals "met" <i>'
    assert "<b>Bold</b> & co: 1 in 2026-01, 2 in 2026-02." in root.find(f"{NS}desc").text


def test_series_and_periods_must_match():
    with pytest.raises(ValueError):
        line_chart_svg(MONTHS[:3], [Series("A", [1.0, 2.0])], title="t")


def test_bar_chart_moved_to_charts_and_still_says_what_is_hidden():
    assert not hasattr(formats, "bar_chart_svg")
    root = parse(bar_chart_svg([("Food", 6), ("Trips <b>", None), ("Staff", 12)],
                               title="Statements by theme"))
    assert root.find(f"{NS}desc").text == "Food: 6; Trips <b>: hidden; Staff: 12"
    widths = [float(r.get("width")) for r in all_(root, "rect", "bar")]
    assert len(widths) == 2 and widths[1] == pytest.approx(2 * widths[0], abs=1)


def test_charts_for_pdfs_are_html_tables_of_names_and_bars():
    """In a PDF every chart is HTML (WeasyPrint sets SVG text letter by letter, so Urdu came
    out backwards): grouped bars and a line chart's numbers as a group of rows per category,
    a row per series with its name, its bar and its value; hidden is a word, never a bar."""
    from reviewkit.localise import InLanguage
    from reviewkit.reports.charts import grouped_bar_html, lines_as_bars_html

    people = Series(InLanguage("وہ لوگ", "ur"), [4.0, None])
    staff = Series("Staff <b>", [2.0, 1.0])
    html = str(grouped_bar_html(["Respect", InLanguage("احترام", "ur")], [people, staff],
                                title='Scores "by" <i>', y_max=4, value_format="{:.2f}",
                                hidden_text="fewer than 5"))
    root = ET.fromstring(html)  # well-formed, every text escaped
    assert root.tag == "table" and root.get("aria-label") == 'Scores "by" <i>'
    groups = root.findall("tbody")
    assert [g.find("tr/th").text for g in groups] == ["Respect", "احترام"]
    assert groups[1].find("tr/th").get("lang") == "ur"
    rows = [[(r.find("th").text, r.find("th").get("lang"),
              [s.text for s in r.iter("span") if s.get("class") == "bar-n"],
              [s.get("style") for s in r.iter("span") if s.get("class") == "bar"])
             for r in g.findall("tr")[1:]] for g in groups]
    assert [[(name, lang, n) for name, lang, n, _bar in g] for g in rows] == [
        [("وہ لوگ", "ur", ["4.00"]), ("Staff <b>", None, ["2.00"])],
        [("وہ لوگ", "ur", ["fewer than 5"]), ("Staff <b>", None, ["1.00"])]]
    assert rows[0][0][3][0].startswith("width: 85.0%")  # 4 of 4
    assert rows[0][1][3][0].startswith("width: 42.5%")  # 2 of 4
    assert rows[1][0][3] == []  # hidden: no bar at all
    assert rows[0][0][3][0].split("background: ")[1] != rows[0][1][3][0].split("background: ")[1]
    with pytest.raises(ValueError):
        grouped_bar_html(["a", "b"], [Series("A", [1.0])], title="t")

    lines = ET.fromstring(str(lines_as_bars_html(
        ["Mar", "Dec"], [Series("Respect", [1.5, None]), Series("Power", [2.0, 3.0])],
        title="t", y_max=4, hidden_text="hidden")))
    assert [[(r.find("th").text, [s.text for s in r.iter("span") if s.get("class") == "bar-n"])
             for r in g.findall("tr")] for g in lines.findall("tbody")] == [
        [("Respect", []), ("Mar", ["1.5"]), ("Dec", ["hidden"])],
        [("Power", []), ("Mar", ["2.0"]), ("Dec", ["3.0"])]]
    # on a web page (the self-audit's round by round): a visible caption, each bar a small SVG
    # (no style attribute: the page's Content-Security-Policy takes none)
    page = ET.fromstring(str(lines_as_bars_html(
        ["Mar", "Dec"], [Series("Respect", [1.5, None])], title="Round <by> round", y_max=4,
        hidden_text="hidden", page=True)))
    assert page.get("class") == "bar-chart grouped page"
    assert page.find("caption").text == "Round <by> round"
    assert [r.get("width") for r in page.iter(f"{NS}rect") if r.get("class") != "track"] == ["37.5"]
    assert not [e for e in page.iter() if e.get("style")]
