"""The organisation-wide theming job says which step it is on, through every step (issue 17,
point 5): the engine and ``run_themes`` report each step as it starts, the job keeps them in its
progress, and the progress page shows "Step n of 5: ..." for each, without JavaScript."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import Page, make_app, sign_in, staff_per_role

from reviewkit.extensions import db

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from analysis import generate, make_organisation  # noqa: E402

STEPS = ["reading", "grouping", "naming", "saving", "counting", "done"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from reviewkit.services.setup import init_database
    from reviewkit.tasks import huey

    huey.immediate = True
    app = make_app(tmp_path_factory.mktemp("jobsteps"), RATELIMIT_ENABLED=False,
                   HUEY_IMMEDIATE=True)
    with app.app_context():
        assert not init_database().problems
        org = make_organisation(4)
        generate(org, 300, seed=5, special=False)
        staff_per_role(org)
        org_id = org.id
    yield app, org_id
    huey.immediate = False
    with app.app_context():
        db.engine.dispose()


def test_the_engine_reports_grouping_then_naming_on_a_first_and_a_later_run():
    from reviewkit.nlp import theme_statements

    texts = [f"The bus to {w} is late" for w in ("town", "work", "college")] * 10 + \
        [f"The staff at {w} are kind" for w in ("home", "the centre", "college")] * 10
    seen: list[str] = []
    first = theme_statements(texts, stage=seen.append, seed=1)
    assert seen == ["grouping", "naming"]
    seen.clear()
    theme_statements(texts[:20], previous=first.model, stage=seen.append)
    assert seen == ["grouping", "naming"]


def test_reading_counts_move_while_words_are_read_not_only_while_vectors_are_made(monkeypatch):
    """At a million statements masking and reading words takes most of the reading step: the
    count moves through it (half a statement each), then through the vectors (the other half),
    and ends at the number of statements exactly."""
    from reviewkit.nlp import masking, theme_statements

    monkeypatch.setattr(masking, "PROGRESS_EVERY", 10)
    texts = [f"The bus to stop {i} is late" for i in range(101)]  # an odd number, all distinct
    counts: list[int] = []
    seen: list[str] = []
    theme_statements(texts, n_themes=3, progress=counts.append,
                     stage=lambda name: seen.append(f"{name} at {sum(counts)}"))
    assert sum(counts) == len(texts)
    running = [sum(counts[: i + 1]) for i in range(len(counts))]
    # the words pass reports every 10 texts, 5 statements' worth each, up to half the total
    assert running[:10] == [5 * (i + 1) for i in range(10)], running
    assert seen[0] == f"grouping at {len(texts)}"


def test_the_job_records_every_step_in_order_and_the_page_names_each(world):
    from reviewkit.tasks import STAGES, huey, job_progress

    app, org_id = world
    assert huey.immediate  # Huey's own test mode: the job runs at once, in this process
    client = app.test_client()
    sign_in(client, "manager")
    token = Page(client.get("/staff/analysis/")).csrf
    r = client.post("/staff/analysis/compute", data={"csrf_token": token})
    job = r.headers["Location"].split("id=", 1)[1]
    progress = job_progress(job)
    assert [s["stage"] for s in progress["stages"]] == STEPS
    assert list(STAGES) == STEPS[:-1]
    times = [s["at"] for s in progress["stages"]]
    assert times == sorted(times)
    assert progress["done"] == progress["total"] == 300
    assert "Done:" in Page(client.get(r.headers["Location"]))

    # The page while a job is on each step: the progress as the job wrote it at that step,
    # kept in Huey's store for a job of this organisation that has no result yet.
    expected = {
        "reading": "Step 1 of 5: reading the statements.",
        "grouping": "Step 2 of 5: grouping statements into themes.",
        "naming": "Step 3 of 5: naming the themes.",
        "saving": "Step 4 of 5: saving the themes.",
        "counting": "Step 5 of 5: counting the themes and hiding small numbers.",
    }
    for i, step in enumerate(STEPS[:-1]):
        running = f"running-{step}"
        huey.put(f"job:{running}", {"organisation_id": org_id})
        huey.put(f"progress:{running}", {**progress, "stage": step,
                                         "done": 120 if step == "reading" else 300,
                                         "stages": progress["stages"][: i + 1]})
        page = Page(client.get(f"/staff/analysis/job?id={running}"))
        assert page.status == 200
        assert expected[step] in page
        assert [t for t in expected.values() if t in page] == [expected[step]]
        assert ("Reading statements: 120 of 300." in page) == (step == "reading")
        assert "<progress" in page.html and 'http-equiv="refresh"' not in page.html
        assert "Check the progress again" in page


def test_each_step_is_said_in_welsh_from_the_translations_already_made(world):
    """The step lines come from the view, not the template: they are the very sentences the
    translators have (the same msgids), so the Welsh page says each step in Welsh."""
    from babel.messages.pofile import read_po

    from reviewkit.config import REPO_ROOT
    from reviewkit.tasks import STAGES, huey

    app, org_id = world
    with (REPO_ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        welsh = read_po(f, locale="cy")
    client = app.test_client()
    sign_in(client, "manager")
    for i, stage in enumerate(STAGES):
        english = {
            "reading": "Step %(n)d of %(total)d: reading the statements.",
            "grouping": "Step %(n)d of %(total)d: grouping statements into themes.",
            "naming": "Step %(n)d of %(total)d: naming the themes.",
            "saving": "Step %(n)d of %(total)d: saving the themes.",
            "counting": "Step %(n)d of %(total)d: counting the themes and hiding small numbers.",
        }[stage]
        entry = welsh.get(english)
        assert entry is not None and entry.string and not entry.fuzzy, english
        job = f"welsh-{stage}"
        huey.put(f"job:{job}", {"organisation_id": org_id})
        huey.put(f"progress:{job}", {"stage": stage, "done": 300, "total": 300,
                                     "stages": [{"stage": s} for s in STAGES[: i + 1]]})
        page = Page(client.get(f"/staff/analysis/job?id={job}&lang=cy"))
        assert page.status == 200 and page.lang == "cy"
        assert entry.string % {"n": i + 1, "total": len(STAGES)} in page
        assert english % {"n": i + 1, "total": len(STAGES)} not in page


def test_assignments_go_in_as_one_insert_a_batch_with_unassigned_statements_among_them(world):
    """The ORM's bulk insert sent a statement for each run of rows alike in their None values:
    with unassigned statements scattered through, hundreds for one batch (at a million on
    PostgreSQL, saving took 170 s). Each batch of assignments is one INSERT."""
    from sqlalchemy import event, func, select

    from reviewkit.models import Organisation, ThemeAssignment
    from reviewkit.services.themes import Scope, run_themes

    app, _org_id = world
    inserts: list[str] = []

    def count(conn, cursor, statement, params, context, many):
        if statement.startswith("INSERT INTO theme_assignment"):
            inserts.append(statement)

    with app.app_context():
        org = make_organisation(3, slug="first-run")  # a first run leaves some unassigned
        generate(org, 300, seed=9, special=False)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            ts = run_themes(db.session.get(Organisation, org.id), Scope(org.id))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        rows = db.session.execute(select(
            func.count(ThemeAssignment.id),
            func.count(ThemeAssignment.id).filter(ThemeAssignment.theme_id.is_(None)),
        ).where(ThemeAssignment.theme_set_id == ts.id)).one()
    assert rows[0] == 300 and 0 < rows[1] < 300  # unassigned ones among the assigned
    assert len(inserts) == 1
