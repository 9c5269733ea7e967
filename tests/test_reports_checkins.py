"""Monthly check-ins by team: the page and its CSV, XLSX and PDF agree, a group of fewer than 5
answers shows no number anywhere, a manager of some services sees those only, and every
download is logged."""

from __future__ import annotations

import csv
import html
import io
import subprocess
from datetime import date, timedelta

import pytest
from conftest import PASSWORD, Page, add_checkins, sign_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import AccessLog, Organisation, Role, Service
from reviewkit.services.users import create_user

QUESTION = "listened-to"


@pytest.fixture
def checkin_app(staff_app):
    """Oak House: six check-ins this month and six last month; Elm Court: two this month; a
    second manager who manages Elm Court only."""
    with staff_app.app_context():
        org = db.session.scalar(select(Organisation))
        oak, elm = (db.session.scalar(select(Service).filter_by(slug=s)) for s in ("oak", "elm"))
        last_month = date.today().replace(day=1) - timedelta(days=1)
        for service, n, when in [(oak, 6, None), (oak, 6, last_month), (elm, 2, None)]:
            add_checkins(service, org, n, when)
        elm_manager = create_user(org, "elm-manager@example.org", "Elm Manager", PASSWORD,
                                  Role.MANAGER)
        elm_manager.services.append(elm)
        db.session.commit()
    return staff_app


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_downloads_agree_with_the_page_and_hide_small_groups(checkin_app, tmp_path):
    from openpyxl import load_workbook

    client = checkin_app.test_client()
    sign_in(client, "manager")
    page = client.get("/staff/reports/check-ins").get_data(as_text=True)
    assert "fewer than 5" in page and "Oak House" in page and "Elm Court" in page
    assert all(f'href="/staff/reports/check-ins.{f}"' in page for f in ("csv", "xlsx", "pdf"))
    r = client.get("/staff/reports/check-ins.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = [row for row in _rows(r.data) if row["question_id"] == QUESTION]
    this_month, last = date.today().strftime("%Y-%m"), (
        date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    by = {(row["service"], row["month"]): row for row in rows}
    assert set(by) == {("Oak House", this_month), ("Oak House", last), ("Elm Court", this_month)}
    elm = by[("Elm Court", this_month)]
    assert [elm[k] for k in ("answers", "average", "happy_face_share")] == ["hidden"] * 3
    oak = by[("Oak House", this_month)]
    assert oak["answers"] == "6"
    # the page shows the same average (one decimal) and share of happy faces
    assert f"<td>{float(oak['average']):.1f}</td>" in page
    assert f"<td>{round(float(oak['happy_face_share']) * 100)}%</td>" in page
    # the workbook has the same rows, numbers as numbers
    sheet = load_workbook(io.BytesIO(client.get("/staff/reports/check-ins.xlsx").data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = cells.index(list(_rows(r.data)[0].keys()))
    assert len(cells) - header - 1 == len(_rows(r.data))
    oak_cells = next(c for c in cells[header + 1:]
                     if c[:2] == ["Oak House", QUESTION] and c[3] == this_month)
    assert oak_cells[4] == 6 and oak_cells[5] == float(oak["average"])
    assert ["Elm Court", QUESTION] in [c[:2] for c in cells] and all(
        c[4] == "hidden" for c in cells[header + 1:] if c[0] == "Elm Court")
    # the PDF: each question, the Elm Court groups without a number
    pdf = client.get("/staff/reports/check-ins.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    (tmp_path / "c.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "c.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    elm_lines = [line for line in text.splitlines() if line.strip().startswith("Elm Court")]
    assert elm_lines and all("fewer than 5" in line for line in elm_lines)
    rest = [line.split(this_month)[-1].replace("fewer than 5", "") for line in elm_lines]
    assert not any(ch.isdigit() for line in rest for ch in line)
    assert client.get("/staff/reports/check-ins.docx").status_code == 404


def test_a_manager_of_some_services_sees_only_those(checkin_app):
    client = checkin_app.test_client()
    r = client.get("/staff/login")
    client.post("/staff/login", data={"email": "elm-manager@example.org", "password": PASSWORD,
                                      "csrf_token": Page(r).csrf})
    page = client.get("/staff/reports/check-ins").get_data(as_text=True)
    assert "Elm Court" in page and "Oak House" not in page
    for fmt in ("csv", "xlsx", "pdf"):
        data = client.get(f"/staff/reports/check-ins.{fmt}").data
        if fmt == "csv":
            assert {row["service"] for row in _rows(data)} == {"Elm Court"}
    with checkin_app.app_context():
        logs = db.session.scalars(select(AccessLog).filter_by(action="download")
                                  .order_by(AccessLog.id)).all()[-3:]
        elm = db.session.scalar(select(Service.id).filter_by(slug="elm"))
        assert [log.object_type for log in logs] == ["check-ins"] * 3
        assert [f'"format": "check-ins.{f}"' in log.detail
                for log, f in zip(logs, ("csv", "xlsx", "pdf"), strict=True)] == [True] * 3
        assert all(f'"services": [{elm}]' in log.detail for log in logs)


def test_people_without_the_reports_right_get_no_check_ins(checkin_app):
    client = checkin_app.test_client()
    sign_in(client, "facilitator")
    assert client.get("/staff/reports/check-ins.csv").status_code == 403


SAFE = {"en": "Do you feel safe, at home and when you go out?",
        "cy": "Ydych chi'n teimlo'n ddiogel, gartref a phan fyddwch chi'n mynd allan?",
        "ur": "کیا آپ گھر پر اور باہر جاتے وقت خود کو محفوظ محسوس کرتے ہیں؟"}


@pytest.mark.parametrize("lang", ["en", "cy", "ur"])
def test_the_page_shows_the_questions_in_the_staff_language(checkin_app, lang):
    """Each question is shown in the manager's page language, from the shipped banks.po, and
    as a heading of the page's own language (not marked as a part in another language)."""
    client = checkin_app.test_client()
    sign_in(client, "manager")
    page = html.unescape(client.get(f"/staff/reports/check-ins?lang={lang}")
                         .get_data(as_text=True))
    assert f"<h2>{SAFE[lang]}</h2>" in page
    assert all(SAFE[other] not in page for other in SAFE if other != lang)


def test_the_pdf_is_in_the_staff_language_and_the_data_files_keep_the_bank_words(
        checkin_app, tmp_path):
    client = checkin_app.test_client()
    sign_in(client, "manager")
    pdf = client.get("/staff/reports/check-ins.pdf?lang=cy")
    (tmp_path / "c.pdf").write_bytes(pdf.data)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "c.pdf"), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    assert SAFE["cy"] in text and SAFE["en"] not in text
    # the CSV and XLSX are data for other programs: the bank's own words, whatever the page
    rows = _rows(client.get("/staff/reports/check-ins.csv?lang=cy").data)
    assert {row["question"] for row in rows if row["question_id"] == "feel-safe"} == \
        {SAFE["en"]}
