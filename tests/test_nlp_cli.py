"""`reviewkit themes file`: good input, and bad input that gives clear errors, never a traceback."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewkit.nlp.cli import themes_cli

SAMPLE = Path(__file__).parent / "data/nlp/statements_en.csv"


def run(*args):
    return CliRunner().invoke(themes_cli, ["file", *map(str, args)])


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_themes_a_csv_keeping_every_column(tmp_path):
    out = tmp_path / "out.csv"
    res = run(SAMPLE, "--text-column", "answer", "--out", out)
    assert res.exit_code == 0, res.output
    rows = read(out)
    src = read(SAMPLE)
    assert len(rows) == len(src)
    assert list(rows[0])[:4] == ["ref", "answer", "service", "period"]
    assert list(rows[0])[4:] == ["theme_id", "theme_label", "statement_kind", "kind_confidence",
                                 "row_number"]
    assert [r["row_number"] for r in rows] == [str(i) for i in range(1, len(src) + 1)]
    assert [r["ref"] for r in rows] == [r["ref"] for r in src]
    for r in rows:
        assert (r["theme_id"] == "") == (r["theme_label"] == "")
        assert r["statement_kind"] in {"working", "not_working", "idea"}
        assert 0 <= float(r["kind_confidence"]) <= 1
    assert 2 <= len({r["theme_id"] for r in rows if r["theme_id"]}) <= 20
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["P001"]["statement_kind"] == "not_working"
    assert by_ref["P010"]["statement_kind"] == "idea"


def test_themes_option_model_round_trip_and_split(tmp_path):
    out, model = tmp_path / "out.csv", tmp_path / "model.json"
    res = run(SAMPLE, "-c", "answer", "--out", out, "--themes", "4", "--model-out", model)
    assert res.exit_code == 0, res.output
    first = {r["ref"]: r["theme_id"] for r in read(out)}
    assert len(set(first.values()) - {""}) <= 4
    assert json.loads(model.read_text())["themes"]
    out2 = tmp_path / "out2.csv"
    res = run(SAMPLE, "-c", "answer", "--out", out2, "--model-in", model)
    assert res.exit_code == 0, res.output
    assert {r["ref"]: r["theme_id"] for r in read(out2)} == first
    out3 = tmp_path / "out3.csv"
    res = run(SAMPLE, "-c", "answer", "--out", out3, "--split")
    assert res.exit_code == 0, res.output
    assert "statement" in read(out3)[0]


def test_empty_file(tmp_path):
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    res = run(f, "-c", "answer", "--out", tmp_path / "o.csv")
    assert res.exit_code == 2 and "empty" in res.output


def test_header_only(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("answer,ref\n")
    res = run(f, "-c", "answer", "--out", tmp_path / "o.csv")
    assert res.exit_code == 2 and "no rows" in res.output


def test_missing_column_lists_the_columns(tmp_path):
    res = run(SAMPLE, "--text-column", "comment", "--out", tmp_path / "o.csv")
    assert res.exit_code == 2
    assert "no column 'comment'" in res.output
    assert "'answer'" in res.output and "'service'" in res.output


def test_non_utf8_is_refused_naming_the_byte_and_line(tmp_path):
    f = tmp_path / "latin.csv"
    f.write_bytes("answer\nThe café is lovely\nThe bus is late\n".encode("cp1252"))
    out = tmp_path / "o.csv"
    res = run(f, "-c", "answer", "--out", out)
    assert res.exit_code == 2, res.output
    assert "latin.csv, line 2" in res.output and "0xe9 is not UTF-8" in res.output
    assert '"CSV UTF-8"' in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_rows_of_only_emoji_or_numbers(tmp_path):
    f = tmp_path / "emoji.csv"
    f.write_text("answer\n😀😀😀\n12345\n🚌 🚌\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    res = run(f, "-c", "answer", "--out", out)
    assert res.exit_code == 0, res.output
    rows = read(out)
    assert len(rows) == 3 and all(r["theme_id"] == "" for r in rows)
    assert "no words" in res.output


def test_one_row(tmp_path):
    f = tmp_path / "one.csv"
    f.write_text("answer\nThe bus is always late\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    res = run(f, "-c", "answer", "--out", out)
    assert res.exit_code == 0, res.output
    (row,) = read(out)
    assert row["theme_id"] and row["theme_label"] and row["statement_kind"] == "not_working"


def test_a_one_megabyte_cell(tmp_path):
    f = tmp_path / "big.csv"
    big = ("The bus is late. " * 60000)[:1_000_000]
    with open(f, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["answer"])
        w.writerow([big])
        w.writerow(["Staff are kind"])
    out = tmp_path / "o.csv"
    res = run(f, "-c", "answer", "--out", out)
    assert res.exit_code == 0, res.output
    assert "longer than" in res.output
    rows = read(out)
    assert len(rows) == 2 and len(rows[0]["answer"]) == 1_000_000


def test_bad_model_file_is_a_usage_error(tmp_path):
    m = tmp_path / "m.json"
    m.write_text("not json")
    res = run(SAMPLE, "-c", "answer", "--out", tmp_path / "o.csv", "--model-in", m)
    assert res.exit_code == 2 and "not a JSON theme model" in res.output


def test_progress_bar_goes_to_stderr_for_long_runs(tmp_path):
    f = tmp_path / "long.csv"
    src = [r["answer"] for r in read(SAMPLE)]
    with open(f, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["answer"])
        for i in range(2000):
            w.writerow([f"{src[i % len(src)]} {i % 7}"])
    out = tmp_path / "o.csv"
    runner = CliRunner()
    res = runner.invoke(themes_cli, ["file", str(f), "-c", "answer", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    assert "Theming" in res.stderr
    assert len(read(out)) == 2000


@pytest.mark.skipif(shutil.which("true") is None, reason="no POSIX tools")
def test_module_import_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, reviewkit.nlp, reviewkit.nlp.cli; "
        "print(any(m in sys.modules for m in ('spacy', 'sklearn', 'model2vec')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
