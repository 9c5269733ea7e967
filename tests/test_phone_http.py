"""From a QR code to stored answers with a plain HTTP client (no JavaScript), through gunicorn."""

from __future__ import annotations

import csv

import requests
import zxingcpp
from PIL import Image
from servers import answer_everything, gunicorn

from reviewkit.cli import main


def test_qr_code_to_stored_and_exported_answers(organisation, app, tmp_path):
    with gunicorn(app, workers=2, threads=2) as (base, _proc):
        app.config["BASE_URL"] = base
        qr = tmp_path / "card.png"
        result = app.test_cli_runner().invoke(main, ["invite", "test-bank", "--qr", str(qr)])
        assert result.exit_code == 0, result.output
        link = [d.text for d in zxingcpp.read_barcodes(Image.open(qr))][0]
        assert link == result.stdout.strip() and link.startswith(base + "/r/")
        http = requests.Session()
        first = http.get(link, allow_redirects=False, timeout=30)
        assert first.status_code == 302
        done = answer_everything(http, base, base + first.headers["Location"])
        assert done.endswith("/done")
        assert "Thank you" in http.get(base + done, timeout=30).text
    out = tmp_path / "answers.csv"
    assert app.test_cli_runner().invoke(main, ["export", "responses", str(out)]).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["question_id"]: r for r in csv.DictReader(fh)}
    assert rows["like"]["answer"] == "I am kind; I grow tomatoes"
    assert rows["name"]["answer"] == "Zoë"
    assert rows["what-wrong"]["answer"] == "The bus is late <b>again</b>"
    assert set(rows) == {"like", "name", "happy", "anything-wrong", "what-wrong", "activities"}
