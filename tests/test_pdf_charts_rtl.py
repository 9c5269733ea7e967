"""The self-audit and indicator PDFs on an Urdu page: the principle and group names in the
charts read as written, right to left, as in the tables below them. WeasyPrint draws SVG text
one letter at a time, so the SVG charts printed them backwards ("زوکرم رپ ںوگول"); in a PDF
every chart is now an HTML table of names and bars, as the gap analysis's is
(tests/test_gap_pdf_rtl.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from conftest import post_form, signed_in
from test_audit import org, round_a, user  # noqa: F401 (org: a fixture)

from reviewkit.services.clock import today_

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils)")

PRINCIPLE = "لوگوں پر مرکوز"  # people-centred
OTHER = "حدوں سے آگے مل کر کام"  # working across boundaries: no score (fewer than 5)
GROUPS = ("وہ لوگ جن کی ہم مدد کرتے ہیں", "عملہ اور رضاکار")  # people supported, staff
HIDDEN = "سے کم"  # (5) fewer than: pdftotext moves the spaces around a number


def pdf_words(data: bytes) -> str:
    """The PDF's text in its reading order (pdftotext without -layout), as the gap test reads
    it, without the marks pdftotext puts around each run of one direction (U+202A to U+202C)."""
    assert data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode("utf-8")
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)


def assert_reads_right_to_left(text: str, *words: str) -> None:
    for word in words:
        assert word[::-1] not in text, word  # drawn backwards, letter by letter
        assert word in text, word


def test_self_audit_pdfs_charts_read_right_to_left_on_an_urdu_page(staff_app, org):  # noqa: F811
    admin = user("admin")
    round_a(admin, date(2026, 3, 2))
    survey = round_a(admin, today_())
    manager = signed_in(staff_app, "manager")

    results = manager.get(f"/staff/audit/{survey.id}/results.pdf?lang=ur")
    assert results.status_code == 200
    text = pdf_words(results.data)
    assert_reads_right_to_left(text, PRINCIPLE, OTHER, *GROUPS, HIDDEN)
    # the chart writes each principle once as its heading, the table beside it once a group
    chart, table = text.split("اصول", 1)  # the table's first column: "principle"
    assert chart.count(OTHER) == 1 and table.count(OTHER) >= 4
    assert chart.count(GROUPS[0]) == 7  # once under each of the seven principles
    assert "1.73" in chart and "3.55" in chart

    over = manager.get(f"/staff/audit/{survey.id}/over-time.pdf?lang=ur")
    assert over.status_code == 200
    text = pdf_words(over.data)
    assert_reads_right_to_left(text, PRINCIPLE, OTHER, "مارچ", "دسمبر")
    chart = text.split("اصول", 1)[0]
    # each principle once, as a heading, and the first round's bar under each of them
    assert chart.count(PRINCIPLE) == 1 and chart.count("مارچ") >= 7
    assert "2.57" in chart

    # the web pages keep their SVG charts, drawn right to left by the browser
    assert "<svg" in manager.get(f"/staff/audit/{survey.id}/results?lang=ur").text
    assert "<svg" in manager.get(f"/staff/audit/{survey.id}/over-time?lang=ur").text


def test_indicators_pdf_reads_an_urdu_indicator_right_to_left(staff_app):
    name = "لوگ جن کی بات سنی گئی"  # people who were listened to (no لا: pdftotext splits it)
    admin = signed_in(staff_app, "admin")
    r = post_form(admin, "/staff/indicators/new?lang=ur", {
        "name": name, "measures": "outcome", "source": "entered", "unit": "count",
        "target": "10", "good": "up", "frequency": "quarter", "breakdown": "none"})
    assert r.status == 302, r.html[:2000]
    pdf = admin.get("/staff/indicators/report.pdf?lang=ur")
    assert pdf.status_code == 200
    assert_reads_right_to_left(pdf_words(pdf.data), name, "اشاریے")
