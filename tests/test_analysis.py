"""Commissioner gap analysis: pages, curation, downloads, suppression, background jobs.

One organisation with 10 services in 3 areas and 2,000 generated pooled statements over the four
quarters of 2026 (plus unpooled and deleted ones that must never count) is themed once for the
module; a second, small organisation (300 statements) is where small numbers are most common.
"""

from __future__ import annotations

import csv
import html
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import PASSWORD, Page, make_app, sign_in, staff_per_role
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import AccessLog, Organisation, Role, Service, ThemeSet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from analysis import INJECTION, generate, make_organisation  # noqa: E402

Q = "from=2026-Q1&to=2026-Q4"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from reviewkit.services.setup import init_database
    from reviewkit.services.themes import Scope, run_themes
    from reviewkit.services.users import create_user
    from reviewkit.tasks import huey

    huey.immediate = True
    app = make_app(tmp_path_factory.mktemp("analysis"), RATELIMIT_ENABLED=False,
                   HUEY_IMMEDIATE=True)
    with app.app_context():
        assert not init_database().problems
        org = make_organisation(10)
        generate(org, 2000)
        run_themes(org, Scope(org.id))
        small = make_organisation(6, slug="small-org")
        generate(small, 300, seed=11, special=False)
        run_themes(small, Scope(small.id))
        staff_per_role(org)
        local = create_user(org, "local@example.org", "Local Manager", PASSWORD,
                            Role.MANAGER)
        local.services.append(sorted(org.services, key=lambda s: s.id)[0])
        create_user(small, "small@example.org", "Small Manager", PASSWORD,
                    Role.MANAGER)
        db.session.commit()
        ids = {"org": org.id, "small": small.id,
               "services": [s.id for s in sorted(org.services, key=lambda s: s.id)],
               "small_services": [s.id for s in small.services]}
    yield app, ids
    huey.immediate = False
    with app.app_context():
        db.engine.dispose()


def _client(app, who="manager"):
    client = app.test_client()
    sign_in(client, who)
    return client


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _report(app, org_id, **kw):
    from reviewkit.reports.filters import Filters
    from reviewkit.reports.gap import build_report

    with app.app_context():
        return build_report(Filters(org_id, since=date(2026, 1, 1), until=date(2026, 12, 31),
                                    **kw))


# ---------------------------------------------------------------------------- pages


def test_analysis_pages_render_with_counts_examples_and_no_personal_details(world):
    app, ids = world
    client = _client(app)
    page = Page(client.get(f"/staff/analysis/?{Q}"))
    assert page.status == 200 and page.title.startswith("Themes across reviews")
    assert "2000 statements that people agreed to share" in page  # pooled only
    assert "SECRET" not in page.html  # unpooled and deleted statements never appear
    assert "<desc>" in page.html and "role=\"img\"" in page.html  # chart's text alternative
    assert "Start an action" in page and "Work out the themes again" in page
    for secret in ("Patel", "07700 900123", "jo.bloggs", "Acacia", "Sarah"):
        assert secret not in page.html
    for url in ("/staff/analysis/gaps?" + Q, "/staff/analysis/curate",
                f"/staff/analysis/compare?mode=services&a={ids['services'][0]}"
                f"&b={ids['services'][1]}",
                "/staff/analysis/compare?mode=periods&a=2026-Q1&b=2026-Q2",
                "/staff/analysis/action?theme=t1&" + Q):
        page = Page(client.get(url))
        assert page.status == 200, url
        assert "Patel" not in page.html and "07700" not in page.html
    gaps = Page(client.get("/staff/analysis/gaps?" + Q))
    assert "By service" in gaps and "By area" in gaps and "North" in gaps


def test_only_pooled_statements_are_counted(world):
    app, ids = world
    report = _report(app, ids["org"])
    assert report.totals["total"] == 2000
    assert all("SECRET" not in s.text for s in report.statements)


def test_facilitators_and_translators_cannot_see_the_analysis(world):
    app, _ids = world
    for who in ("facilitator", "translator"):
        assert _client(app, who).get("/staff/analysis/").status_code == 403


@pytest.mark.parametrize("query, message", [
    ("from=2026-Q3&to=2026-Q1", "The period is empty"),
    ("from=2026-13-45", "Enter a date like 2026-03-31"),
    ("to=yesterday%3Cscript%3E", "Enter a date like 2026-03-31"),
    ("service=999999", "You cannot see one of the services"),
    ("service=abc", "You cannot see one of the services"),
])
def test_bad_filters_give_clear_messages(world, query, message):
    app, _ids = world
    client = _client(app)
    for path in ("/staff/analysis/", "/staff/analysis/gaps"):
        page = Page(client.get(f"{path}?{query}"))
        assert page.status == 400 and message in page, (path, query)
        start = page.html.index('<div class="error-summary" role="alert"')
        summary = html.unescape(page.html[start:page.html.index("</div>", start)])
        assert message in summary, (path, query)  # listed first, above the filter,
        assert "<details open>" in page.html  # which is opened to show the field
        assert "Traceback" not in page.html
    r = Page(client.get(f"/staff/analysis/download.csv?{query}"))
    assert r.status == 400 and message in r  # the page again, with the message


def test_a_service_of_another_organisation_or_outside_a_local_managers_is_refused(world):
    app, ids = world
    other = ids["small_services"][0]
    page = Page(_client(app).get(f"/staff/analysis/?service={other}"))
    assert page.status == 400 and "You cannot see one of the services" in page
    local = _client(app, "local")
    page = Page(local.get(f"/staff/analysis/?service={ids['services'][1]}&{Q}"))
    assert page.status == 400
    ok = Page(local.get(f"/staff/analysis/?{Q}"))  # their own service only, by default
    assert ok.status == 200 and "from 1 service in 1 area," in ok


def test_a_filter_with_no_consented_statements_says_so(world):
    app, _ids = world
    client = _client(app)
    for query in ("from=2020-Q1&to=2020-Q2", "bank=nothing-here&" + Q):
        page = Page(client.get(f"/staff/analysis/?{query}"))
        assert page.status == 200
        assert "There are no shared (consented) statements for this choice" in page


# ---------------------------------------------------------------------------- downloads


def test_xlsx_numbers_equal_the_csv_and_are_real_numbers(world):
    from openpyxl import load_workbook

    app, _ids = world
    client = _client(app)
    rows = _csv_rows(client.get(f"/staff/analysis/download.csv?{Q}").data)
    wb = load_workbook(io.BytesIO(client.get(f"/staff/analysis/download.xlsx?{Q}").data))
    assert wb.sheetnames[:1] == ["Summary"]
    assert {"By service", "By area", "By quarter", "Theme x service x quarter",
            "Statements", "Method"} <= set(wb.sheetnames)
    ws = wb["Theme x service x quarter"]
    assert ws.freeze_panes == "A2"
    xrows = [[c.value for c in r] for r in ws.iter_rows()]
    assert [str(v) for v in xrows[0]] == rows[0]
    assert len(xrows) == len(rows) > 100
    numbers = 0
    for x, c in zip(xrows[1:], rows[1:], strict=True):
        for xv, cv in zip(x[5:], c[5:], strict=True):
            if cv == "hidden":
                assert xv == "hidden"
            else:
                assert isinstance(xv, int) and xv == int(cv)
                numbers += 1
    assert numbers > 100
    summary = wb["Summary"]
    assert summary.freeze_panes is not None and summary._charts, "a chart on the summary"
    assert any(isinstance(c.value, int) for row in summary.iter_rows() for c in row)


def test_formula_injection_is_inert_in_csv_and_xlsx(world):
    import dataclasses
    import zipfile

    from openpyxl import load_workbook

    from reviewkit.reports import gap_downloads
    from reviewkit.reports.formats import csv_bytes, xlsx_bytes
    from reviewkit.reports.gap_report import StatementRow

    app, ids = world
    client = _client(app)
    # through the downloads: no cell of any file starts a formula
    for path in ("statements.csv", "download.csv"):
        text = client.get(f"/staff/analysis/{path}?{Q}").data.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            assert not any(cell.startswith(("=", "+", "@")) for cell in row), row
    # the generated "=HYPERLINK(" statements sit in one cell of 8, hidden as a complement
    # here; so also put one in a shown place, as a theme name and as a statement
    report = _report(app, ids["org"])
    theme = dataclasses.replace(report.themes[0], label=INJECTION)
    row = StatementRow(theme_id="t1", theme=INJECTION, service="Service 01", area="North",
                       quarter="2026-Q1", kind="idea", text=INJECTION)
    cell = dataclasses.replace(report.cells[0], theme=INJECTION)
    report = dataclasses.replace(report, themes=[theme, *report.themes[1:]],
                                 statements=[row, *report.statements],
                                 cells=[cell, *report.cells[1:]])
    for data in (csv_bytes(gap_downloads.statements_table(report)),
                 csv_bytes(gap_downloads.cells_table(report))):
        text = data.decode("utf-8-sig")
        assert "'=HYPERLINK(" in text
        for r in csv.reader(io.StringIO(text)):
            assert not any(c.startswith(("=", "+", "@")) for c in r), r
    with app.test_request_context():  # as a download is made
        raw = xlsx_bytes(gap_downloads.workbook(report))
    wb = load_workbook(io.BytesIO(raw))
    found = [c for ws in wb for r in ws.iter_rows() for c in r
             if isinstance(c.value, str) and c.value.startswith("=HYPERLINK(")]
    assert len(found) >= 4  # summary, statements, cells and by-quarter sheets
    assert all(c.data_type == "s" for c in found)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name


def test_pdf_has_every_theme_an_executive_summary_the_method_and_no_hidden_count(world, tmp_path):
    app, ids = world
    client = _client(app)
    r = client.get(f"/staff/analysis/download.pdf?{Q}")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    path = tmp_path / "gap.pdf"
    path.write_bytes(r.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    report = _report(app, ids["org"])
    for theme in report.themes:
        assert theme.label in flat, theme.label
    assert "How these numbers were made" in flat and "Summary" in flat
    assert "fewer than 5" in flat and "hidden" in flat
    # every count printed in a table is 0 or at least 5
    from reviewkit.reports.formats import pdf_html
    from reviewkit.reports.gap_downloads import pdf_document

    with app.test_request_context():
        html = pdf_html(pdf_document(report, title="Gap analysis"))
    cells = re.findall(r'<td class="n">(\d+)</td>', html)
    assert len(cells) > 100
    assert not [c for c in cells if 0 < int(c) < 5]


def test_the_summary_and_method_are_in_the_page_language_and_the_workbook_in_english(
        world, tmp_path):
    """A Welsh manager's page and PDF had Welsh headings over English sentences: the summary
    ("2000 statements that people agreed to share, from 1 services…"), the method, "growing"
    and "hidden". The workbook keeps English, like its column names."""
    from openpyxl import load_workbook

    app, _ids = world
    client = _client(app)
    page = client.get(f"/staff/analysis/?{Q}&lang=cy").get_data(as_text=True)
    page = html.unescape(page)
    assert "o ddatganiadau y cytunodd pobl i'w rhannu, o 10 gwasanaeth mewn 3 ardal" in page
    assert "Y themâu y soniodd pobl amdanynt fwyaf:" in page
    assert "statements that people agreed to share" not in page
    assert "yn tyfu" in page or "cyson" in page or "newydd" in page
    assert not re.search(r"<td>(growing|steady|shrinking|new)</td>", page)
    pdf = tmp_path / "gap-cy.pdf"
    pdf.write_bytes(client.get(f"/staff/analysis/download.pdf?{Q}&lang=cy").data)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "10 gwasanaeth · 3 ardal" in text
    assert "Sgôr bwlch = (ddim yn gweithio + syniadau - yn gweithio)" in text
    assert "o ddatganiadau y cytunodd pobl" in text
    for english in ("statements that people agreed to share", "Gap score =", "services",
                    "growing", "steady", "hidden:"):
        assert english not in text, english
    book = load_workbook(io.BytesIO(client.get(f"/staff/analysis/download.xlsx?{Q}&lang=cy").data))
    words = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    assert "2000 statements that people agreed to share, from 10 services in 3 areas" in words
    assert "Gap score = (not working + ideas - working)" in words


def test_every_download_is_logged_with_who_when_and_filter(world):
    app, ids = world
    ids = dict(ids, services=ids["small_services"])
    client = _client(app, "small")
    with app.app_context():
        before = len(db.session.scalars(select(AccessLog).filter_by(action="download")).all())
    for path in ("download.csv", "statements.csv", "download.xlsx", "download.pdf"):
        assert client.get(f"/staff/analysis/{path}?{Q}&service={ids['services'][2]}"
                          ).status_code == 200
    with app.app_context():
        logs = db.session.scalars(select(AccessLog).filter_by(action="download")
                                  .order_by(AccessLog.id)).all()[before:]
        assert len(logs) == 4
        assert all(log.user_id is not None and log.at is not None for log in logs)
        assert all(f'"services": [{ids["services"][2]}]' in log.detail for log in logs)
        assert {'"format": "pdf"' in log.detail for log in logs} == {True, False}


# ---------------------------------------------------------------------------- suppression


def _check_no_recovery(report):
    from reviewkit.reports.audit import linear_leaks

    published = report.published
    # 1. nothing from 1 to 4 is shown anywhere
    assert not [k for k, v in published.items() if v is not None and 0 < v < 5]
    # 2. no total with exactly one hidden member: subtraction gives nothing away
    for parent, children in report.relations:
        members = [parent, *children]
        assert sum(published[m] is None for m in members) != 1, (parent, children)
    # 3. nor does any combination of published totals (linear algebra over the hidden cells)
    members = {}
    atoms = {k for k in published if k[0] != "*" and k[1].startswith("s:") and "*" not in k[2:]}
    for key in published:
        members[key] = [a for a in atoms if _covers(key, a, report)] if key not in atoms \
            else [key]
    hidden = {k for k, v in published.items() if v is None}
    assert linear_leaks(list(published), hidden, members) == []
    return hidden


def _covers(key, atom, report) -> bool:
    t, p, q, k = key
    at, ap, aq, ak = atom
    if q == "prev":
        return False
    area = report._area_of.get(ap)
    return ((t == "*" or t == at) and (p == "*" or p == ap or p == area)
            and (q == "*" or q == aq) and (k == "*" or k == ak))


def test_no_count_under_5_can_be_recovered_from_totals(world):
    app, ids = world
    report = _report(app, ids["small"])
    report._area_of = {c[1]: p[1] for p, cs in report.relations
                       if p[1].startswith("a:") for c in cs if c[1].startswith("s:")}
    hidden = _check_no_recovery(report)
    assert len(hidden) > 20, "the small organisation has plenty of small numbers"
    # the exporters never see a hidden number
    from reviewkit.reports.formats import csv_bytes
    from reviewkit.reports.gap_downloads import cells_table

    rows = _csv_rows(csv_bytes(cells_table(report)))
    assert not [v for r in rows[1:] for v in r[5:] if v.isdigit() and 0 < int(v) < 5]


def test_suppression_holds_for_a_filtered_view_too(world):
    app, ids = world
    report = _report(app, ids["org"], service_ids=tuple(ids["services"][:3]))
    report._area_of = {c[1]: p[1] for p, cs in report.relations
                       if p[1].startswith("a:") for c in cs if c[1].startswith("s:")}
    # the whole check, linear algebra across themes included, with many hidden atoms
    assert len(_check_no_recovery(report)) > 100


def test_the_job_stores_the_audit_and_pages_reuse_it(world, monkeypatch):
    from reviewkit.reports import gap, suppression
    from reviewkit.reports.filters import Filters
    from reviewkit.reports.themes import theme_set_for
    from reviewkit.tasks import theme_organisation

    app, ids = world
    filters = Filters(ids["small"], since=date(2026, 1, 1), until=date(2026, 12, 31))
    with app.app_context():
        assert theme_organisation(ids["small"], None, "2026-01-01", "2026-12-31")()["themes"]
        ts = theme_set_for(filters)
        stored = ts.result.get("suppression")
        assert stored, "the job keeps the audit's answer with the themes"
        when = ts.updated_at
        expected = {k for k, v in gap.make_report(filters).published.items() if v is None}

        def no_audit(*_a, **_k):
            raise AssertionError("the audit ran again")

        suppression.forget()
        monkeypatch.setattr(suppression.Suppressor, "run", no_audit)
        again = gap.make_report(filters)  # from the theme set, not worked out again
        assert {k for k, v in again.published.items() if v is None} == expected
        assert theme_set_for(filters).updated_at == when  # still when themes were made
        # a stored answer that fails the quick checks is not trusted
        digest = next(iter(stored))
        keys = sorted(again.published)
        ts.result = {**ts.result, "suppression": {digest: suppression.pack(set(), keys)}}
        db.session.commit()
        suppression.forget()
        monkeypatch.undo()
        assert {k for k, v in gap.make_report(filters).published.items()
                if v is None} == expected


def test_statements_download_reuses_the_pages_report(world, monkeypatch):
    from reviewkit.reports import gap

    app, _ids = world
    client = _client(app)
    gap.forget(answers=False)
    builds = []
    real = gap.make_report
    monkeypatch.setattr(gap, "make_report", lambda *a, **k: builds.append(k) or real(*a, **k))
    assert client.get(f"/staff/analysis/?{Q}").status_code == 200
    rows = _csv_rows(client.get(f"/staff/analysis/statements.csv?{Q}").data)
    assert client.get(f"/staff/analysis/download.xlsx?{Q}").status_code == 200
    assert len(builds) == 1 and len(rows) > 100


# ---------------------------------------------------------------------------- curation and jobs


def _curate(client, data):
    token = Page(client.get("/staff/analysis/curate")).csrf
    return client.post("/staff/analysis/curate", data={"scope": "all", "csrf_token": token,
                                                       **data})


def test_curation_shows_at_once_in_pages_and_downloads_with_who_and_when(world):
    app, ids = world
    client = _client(app, "small")
    report = _report(app, ids["small"])
    first, second, third = [t for t in report.themes if t.id != "unassigned"][:3]
    assert _curate(client, {"op": "rename", "theme": first.id,
                            "label": "Getting about town"}).status_code == 302
    assert _curate(client, {"op": "merge", "theme": third.id, "into": second.id,
                            "label": ""}).status_code == 302
    after = _report(app, ids["small"])
    assert after.theme(first.id).label == "Getting about town"
    assert after.theme(third.id) is None
    assert after.theme(second.id).total is None or after.theme(second.id).total >= (
        second.total or 0)
    csv_text = client.get(f"/staff/analysis/download.csv?{Q}").data.decode("utf-8-sig")
    assert "Getting about town" in csv_text
    page = Page(client.get("/staff/analysis/curate"))
    assert "Small Manager" in page and "renamed" in page and "merged" in page
    # hide, and a bad edit gives a message, not an error
    assert _curate(client, {"op": "hide", "theme": first.id}).status_code == 302
    assert _report(app, ids["small"]).theme(first.id) is None
    r = _curate(client, {"op": "move", "statement": "not-a-number", "to": ""})
    assert r.status_code == 302
    assert "type the statement number" in Page(client.get(r.headers["Location"])).html
    with app.app_context():
        ts = db.session.scalar(select(ThemeSet).filter_by(organisation_id=ids["small"]))
        assert [e.edit["op"] for e in ts.edits] == ["rename", "merge", "not_a_theme"]


def test_themes_are_worked_out_as_a_background_job_with_a_progress_page(world):
    from reviewkit.tasks import huey

    app, _ids = world
    assert huey.immediate  # Huey's own test mode: the job runs at once, in this process
    client = _client(app, "small")
    token = Page(client.get("/staff/analysis/")).csrf
    r = client.post("/staff/analysis/compute", data={"csrf_token": token})
    assert r.status_code == 302 and "/staff/analysis/job?id=" in r.headers["Location"]
    page = Page(client.get(r.headers["Location"]))
    assert page.status == 200 and "Done:" in page and "themes from 300 statements" in page
    # another organisation cannot see the job
    other = Page(_client(app).get(r.headers["Location"]))
    assert "There is no job with that number" in other


def test_progress_page_shows_progress_and_a_way_to_check_again_while_a_job_runs(
        world, monkeypatch):
    """No timed refresh (WCAG 2.2.1, axe meta-refresh): a link to check again instead."""
    from reviewkit import tasks

    app, ids = world
    monkeypatch.setattr(tasks, "job_info", lambda job: {"organisation_id": ids["small"]})
    monkeypatch.setattr(tasks, "job_result", lambda job: ("running", None))
    monkeypatch.setattr(tasks, "job_progress", lambda job: {"done": 40, "total": 300})
    page = Page(_client(app, "small").get("/staff/analysis/job?id=abc"))
    assert 'http-equiv="refresh"' not in page.html and "Reading statements: 40 of 300" in page
    assert "Check the progress again" in page and 'href="/staff/analysis/job?id=abc"' in page.html
    assert "<progress" in page.html


def test_report_org_scoping(world):
    app, ids = world
    with app.app_context():
        assert db.session.get(Organisation, ids["small"]).name
        assert db.session.scalar(select(Service).filter_by(id=ids["services"][0]))
