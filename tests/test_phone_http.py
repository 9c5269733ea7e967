"""From a QR code to stored answers with a plain HTTP client (no JavaScript), through gunicorn."""

from __future__ import annotations

import csv
import re

import requests
import zxingcpp
from PIL import Image
from servers import CSRF, gunicorn

from reviewkit.cli import main

TYPED = {
    "like": "I am kind\nI grow tomatoes",
    "name": "Zoë",
    "what-wrong": "The bus is late <b>again</b>",
}


def _answer_everything(http: requests.Session, base: str, url: str) -> str:
    """Follow the journey from ``url`` answering whatever each page asks; return the last URL."""
    for _ in range(30):
        page = http.get(url, timeout=30)
        html = page.text
        token = CSRF.search(html).group(1)
        if "Send my answers" in html:
            sent = http.post(base + re.search(r'action="(/a/[^"]+/send)"', html).group(1),
                             data={"csrf_token": token}, allow_redirects=False, timeout=30)
            return sent.headers["Location"]
        if 'name="share"' in html:
            data = {"share": "yes"}
        else:
            qid = url.split("/q/")[1].split("?")[0]
            if qid in TYPED:
                data = {"answer": TYPED[qid]}
            elif 'type="checkbox"' in html:
                data = {"answer": re.findall(r'type="checkbox" name="answer"[^>]*value="([^"]+)"',
                                             html)[:2]}
            else:
                data = {"answer": "yes" if qid == "anything-wrong" else
                        re.search(r'type="radio" name="answer"[^>]*value="([^"]+)"', html)[1]}
            data["action"] = "next"
        r = http.post(url, data={**data, "csrf_token": token}, allow_redirects=False, timeout=30)
        assert r.status_code == 302, (url, r.status_code, r.text[:500])
        url = base + r.headers["Location"]
    raise AssertionError("the journey did not end")


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
        done = _answer_everything(http, base, base + first.headers["Location"])
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
