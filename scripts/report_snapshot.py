"""Every report download, written to a folder, to check that a refactor changes nothing.

    .venv/bin/python scripts/report_snapshot.py [--gen-only] OUT_DIR
    diff -r BEFORE_DIR AFTER_DIR     # empty: the downloads are the same

Makes a throwaway app (temporary instance folder, SQLite) with the demo organisation and a
generated one (``benchmarks/analysis.py``: 2,000 statements over 2026 in 10 services), themes
both, adds three plan actions with fixed dates, then, signed in as the demo manager and as an
admin of the generated organisation, writes for several filters: each CSV exactly as
downloaded, each XLSX as the JSON of its cells (sheet by sheet, row by row: the values and
their types, not the file's bytes, which carry a timestamp) and the check-in report's data.
The demo's dates follow today's date, so compare two snapshots made on the same day.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FILTERS = ["", "from=2026-Q1&to=2026-Q4", "from=2026-Q2&to=2026-Q3",
           "from=2026-Q1&to=2026-Q4&area={area}", "from=2026-Q1&to=2026-Q4&service={service}",
           "bank=person-centred-review"]
DOWNLOADS = ["download.csv", "statements.csv", "download.xlsx"]
GEN_ONLY = False  # --gen-only: the generated organisation only (the demo changes over time)
EXTRA = ["plan.csv", "plan.xlsx", "plan.pdf", "check-ins.csv", "check-ins.xlsx"]


def xlsx_cells(data: bytes) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[(c.value if not isinstance(c.value, datetime) else c.value.isoformat(),
                         c.data_type) for c in row] for row in ws.iter_rows()]
            for ws in wb.worksheets}


def sign_in(client, email: str, password: str) -> None:
    html = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    r = client.post("/staff/login", data={"email": email, "password": password,
                                          "csrf_token": token})
    assert r.status_code == 302, r.status_code


def world(app) -> dict:
    from analysis import generate, make_organisation
    from sqlalchemy import select

    from reviewkit.extensions import db
    from reviewkit.models import Area, PlanAction, Role, Service
    from reviewkit.services import plans
    from reviewkit.services.demo import build_demo
    from reviewkit.services.setup import init_database
    from reviewkit.services.themes import Scope, run_themes
    from reviewkit.services.users import create_user

    assert not init_database().problems
    if not GEN_ONLY:
        demo = build_demo()
        run_themes(demo.organisation, Scope(demo.organisation.id))
    org = make_organisation(10)
    generate(org, 2000)
    run_themes(org, Scope(org.id))
    admin = create_user(org, "admin@gen.example.org", "Gen Admin", "snapshot pass 1",
                        Role.ADMIN)
    fixed = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    for i, (status, sentence) in enumerate([("planned", None), ("in_progress", None),
                                            ("done", "You said =the bus, we did")]):
        action = plans.create_action(
            admin, plans.ThemeRef(None, f"t{i + 1}", f"Theme {i + 1}"),
            change=f"Change {i + 1}, with \"quotes\"", owner="Owner", status=status,
            due_on=date(2026, 9, 1 + i), public_sentence=sentence, root_cause="Why",
            success="What good looks like")
        action.created_at = action.updated_at = fixed
        if action.done_at:
            action.done_at = fixed
    db.session.commit()
    area = db.session.scalar(select(Area.id).where(Area.organisation_id == org.id))
    service = db.session.scalar(select(Service.id).where(Service.organisation_id == org.id))
    assert db.session.query(PlanAction).filter_by(organisation_id=org.id).count() == 3
    return {"area": area, "service": service}


def main(argv=None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    global GEN_ONLY
    GEN_ONLY = "--gen-only" in argv
    argv = [a for a in argv if a != "--gen-only"]
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    from reviewkit import create_app
    from reviewkit.services.users import DEMO_PASSWORD

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": Path(tmp), "TESTING": False,
                          "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/snap.db"})
        with app.app_context():
            ids = world(app)
        written = 0
        for who, email, password in (
                ("demo", "manager@riverside.example.org", DEMO_PASSWORD),
                ("gen", "admin@gen.example.org", "snapshot pass 1"))[GEN_ONLY:]:
            client = app.test_client()
            sign_in(client, email, password)
            urls = [(f"/staff/analysis/{d}?{q.format(**ids)}", d)
                    for q in FILTERS for d in DOWNLOADS]
            urls += [(f"/staff/analysis/{d}", d) for d in EXTRA[:3]]
            urls += [(f"/staff/reports/{d}", d) for d in EXTRA[3:]]
            for i, (url, name) in enumerate(urls):
                r = client.get(url)
                stem = f"{who}-{i:02d}-{name}"
                if r.status_code != 200:
                    (out / f"{stem}.status").write_text(f"{url}\n{r.status_code}\n")
                elif name.endswith(".xlsx"):
                    (out / f"{stem}.json").write_text(json.dumps(
                        {"url": url, "cells": xlsx_cells(r.data)}, ensure_ascii=False,
                        indent=0))
                elif name.endswith(".pdf"):
                    (out / f"{stem}.status").write_text(f"{url}\n{r.status_code} pdf\n")
                else:
                    (out / stem).write_bytes(r.data)
                written += 1
    print(f"{written} downloads written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
