"""The gap analysis downloads as a commissioner gets them.

With a theme named in Urdu (a facilitator renamed it at an event), the PDF chart's label reads
as written, right to left, as in the tables: WeasyPrint draws SVG text one letter at a time, so
the SVG chart printed it backwards ("یکاریت وک لگنم"). Each download says its type once."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import Page, make_app, sign_in, themed_organisation

from reviewkit.extensions import db

URDU = "منگل کو تیراکی"
WHEN = "from=2020-01-01&to=2030-12-31"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from reviewkit.services.setup import init_database

    app = make_app(tmp_path_factory.mktemp("gap-pdf"), RATELIMIT_ENABLED=False)
    with app.app_context():
        assert not init_database().problems
        themed_organisation(3, "pdf-org", 200, seed=3,
                            manager=("pdf@example.org", "Parveen Manager"))
    client = app.test_client()
    sign_in(client, "pdf")
    page = Page(client.get("/staff/analysis/curate"))
    first = page.html.split('<select id="rename-theme" name="theme"><option value="')[1]
    r = client.post("/staff/analysis/curate", data={
        "scope": "all", "csrf_token": page.csrf, "op": "rename", "theme": first.split('"')[0],
        "label": URDU})
    assert r.status_code == 302
    yield client
    with app.app_context():
        db.engine.dispose()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils)")
def test_urdu_theme_name_reads_right_to_left_in_the_pdf_chart(client):
    pdf = client.get(f"/staff/analysis/download.pdf?{WHEN}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.data,
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert URDU[::-1] not in text  # drawn backwards, letter by letter
    # the chart, the themes table, the examples and the quarters table all read it as written
    assert text.count(URDU) >= 3, text


def test_each_download_says_its_type_once(client):
    from reviewkit.reports.formats import XLSX_MIMETYPE

    expected = {"download.csv": "text/csv; charset=utf-8",
                "statements.csv": "text/csv; charset=utf-8",
                "download.xlsx": XLSX_MIMETYPE, "download.pdf": "application/pdf"}
    for path, content_type in expected.items():
        r = client.get(f"/staff/analysis/{path}?{WHEN}")
        assert r.status_code == 200
        assert r.headers["Content-Type"] == content_type, (path, r.headers["Content-Type"])
