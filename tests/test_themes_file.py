"""`reviewkit themes file` reads standard CSV and XLSX files exactly (issue 17, point 1).

Nasty cells go through the real command with real theming, from real files: every row comes
back once, in order, with its id, each cell byte for byte. Files that cannot be read stop with
the file name, the line (or row) and the reason, exit code 2, and nothing written.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from reviewkit.nlp.cli import themes_cli
from reviewkit.nlp.pipeline import normalise
from reviewkit.nlp.table_files import cell_text

NASTY = [
    'He said "hello" and then he left',
    "The first line\nand the second line",
    "A line ending in CR LF\r\nand the next one",
    "Tea, coffee, and biscuits, please",
    "Tea; coffee; biscuits",
    "The bus is late again 😀🚌👍🏽",
    "عملہ بہت مہربان ہے اور میری بات سنتا ہے",  # Urdu
    "الموظفون لطفاء جدا ويستمعون إلي",  # Arabic
    "=SUM(A1)",
    "+44 7700 900123",
    "-1",
    "@home",
    "   leading and trailing spaces   ",
    '"',
    '""',
    'It ends with a quote"',
    "a tab\tinside",
    "",
    " ",
]
SUBJECTS = ["The bus", "The food", "My support worker", "The nurse", "The garden", "Staff",
            "The day centre", "Transport to college", "The activities", "My key worker"]
PREDICATES = ["is always late", "is lovely and warm", "listens to me", "could start earlier",
              "is too noisy in the afternoon", "helps me cook my own meals",
              "should offer more trips out", "never explains what is happening",
              "makes me feel safe", "is cancelled at short notice"]


def answers() -> list[str]:
    """About 120 plausible answers with the nasty cells spread among them."""
    plain = [f"{s} {p}" + ("." if i % 3 else "!")
             for i, (s, p) in enumerate(itertools.product(SUBJECTS, PREDICATES))]
    out = []
    nasty = iter(NASTY)
    for i, text in enumerate(plain):
        out.append(text)
        if i % 5 == 2:
            out.append(next(nasty, text + " Again."))
    return out + list(nasty)


def records() -> list[list[str]]:
    texts = answers()
    return [[f"P{i + 1:03d}", text, NASTY[-(i % len(NASTY)) - 1]]
            for i, text in enumerate(texts)]


HEADER = ["ref", "answer", "note"]


def run(*args):
    return CliRunner().invoke(themes_cli, ["file", *map(str, args)])


def theme(src, out, *options):
    """Run ``themes file`` on ``src`` (text in "answer") and expect it to work."""
    res = run(src, "--text-column", "answer", *options, "--out", out)
    assert res.exit_code == 0, res.output
    return res


def write_csv(path, rows, *, delimiter=",", lineterminator="\r\n", bom=True):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    w.writerow(HEADER)
    w.writerows(rows)
    path.write_bytes((("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8"))
    return path


def write_xlsx(path, rows, *, sheet="Answers", first_sheet=None):
    wb = Workbook()
    if first_sheet:
        wb.active.title = first_sheet
        ws = wb.create_sheet(sheet)
    else:
        ws = wb.active
        ws.title = sheet
    for r, values in enumerate([HEADER, *rows], 1):
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text, even where it looks like a formula
    wb.save(path)
    return path


def read_csv(path, delimiter=","):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def read_xlsx(path, sheet=None):
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [[cell_text(c.value) for c in row] for row in ws.iter_rows()], ws


def check_round_trip(got: list[list[str]], sent: list[list[str]]) -> None:
    header, *rows = got
    assert header[:3] == HEADER
    assert header[3:] == ["theme_id", "theme_label", "statement_kind", "kind_confidence",
                          "row_number"]
    assert len(rows) == len(sent)  # count in == count out
    assert [r[0] for r in rows] == [s[0] for s in sent]  # order and ids kept
    assert [r[7] for r in rows] == [str(i) for i in range(1, len(sent) + 1)]
    for r, s in zip(rows, sent, strict=True):
        assert r[1] == s[1], s[0]  # byte for byte
        assert r[2] == s[2], s[0]
        if normalise(s[1]):
            assert r[5] in {"working", "not_working", "idea"}
        else:
            assert r[5] == "empty" and r[3] == ""  # blank, or only spaces and quotes
    themed = {r[3] for r in rows if r[3]}
    assert len(themed) >= 3


@pytest.mark.parametrize("lineterminator, bom", [("\r\n", True), ("\n", False)])
def test_csv_round_trip_of_nasty_cells(tmp_path, lineterminator, bom):
    sent = records()
    src = write_csv(tmp_path / "in.csv", sent, lineterminator=lineterminator, bom=bom)
    out = tmp_path / "out.csv"
    res = theme(src, out)
    check_round_trip(read_csv(out), sent)
    raw = out.read_bytes()
    assert raw.startswith(b"ref,answer,note,theme_id") and raw.endswith(b"\r\n")
    assert b'"He said ""hello"" and then he left"' in raw  # RFC 4180 quoting
    assert f"{len(sent)} rows in, {len(sent)} rows out" in res.output


def test_csv_id_column_and_split_keep_every_row(tmp_path):
    sent = records()
    src = write_csv(tmp_path / "in.csv", sent)
    out = tmp_path / "out.csv"
    theme(src, out, "--id-column", "ref", "--split")
    header, *rows = read_csv(out)
    numbers = [int(r[header.index("row_number")]) for r in rows]
    assert numbers == sorted(numbers) and set(numbers) == set(range(1, len(sent) + 1))
    refs = list(dict.fromkeys(r[0] for r in rows))
    assert refs == [s[0] for s in sent]


def test_csv_in_xlsx_out_keeps_formula_like_text_as_text(tmp_path):
    sent = records()
    src = write_csv(tmp_path / "in.csv", sent)
    out = tmp_path / "out.xlsx"
    theme(src, out)
    got, ws = read_xlsx(out)
    # a cell holds LF for a line break: XML reads a CR LF inside a cell as LF
    expected = [[s[0], s[1].replace("\r\n", "\n"), s[2].replace("\r\n", "\n")] for s in sent]
    check_round_trip(got, expected)
    cells = {c.value: c for row in ws.iter_rows(min_col=2, max_col=2) for c in row}
    for text in ("=SUM(A1)", "+44 7700 900123", "-1", "@home"):
        assert cells[text].data_type == "s", text


@pytest.mark.parametrize("out_name", ["out.csv", "out.xlsx"])
def test_xlsx_round_trip_of_nasty_cells(tmp_path, out_name):
    sent = records()
    src = write_xlsx(tmp_path / "in.xlsx", sent, sheet="Answers", first_sheet="Cover")
    stored, _ = read_xlsx(src, "Answers")  # what the workbook holds (CR LF is LF there)
    assert len(stored) == len(sent) + 1
    out = tmp_path / out_name
    theme(src, out, "--sheet", "Answers")
    got = read_csv(out) if out_name.endswith(".csv") else read_xlsx(out)[0]
    check_round_trip(got, stored[1:])
    assert [r[1] for r in got[1:]] == [s[1].replace("\r\n", "\n") for s in sent]


def test_xlsx_first_sheet_by_default(tmp_path):
    sent = records()
    src = write_xlsx(tmp_path / "in.xlsx", sent)
    out = tmp_path / "out.csv"
    theme(src, out)
    assert len(read_csv(out)) == len(sent) + 1


@pytest.mark.parametrize("option, char", [(";", ";"), ("tab", "\t")])
def test_delimiter_option(tmp_path, option, char):
    sent = records()
    src = write_csv(tmp_path / "in.csv", sent, delimiter=char)
    out = tmp_path / "out.csv"
    theme(src, out, "--delimiter", option)
    check_round_trip(read_csv(out, delimiter=char), sent)  # written back the same way


def test_blank_lines_between_rows_are_not_rows(tmp_path):
    src = tmp_path / "in.csv"
    body = "\n".join(f"P{i},{s} {p}" for i, (s, p) in
                     enumerate(itertools.product(SUBJECTS[:4], PREDICATES[:5])))
    src.write_text("ref,answer\n\nP_a,The bus is late\n\n" + body + "\n\n\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    res = theme(src, out)
    assert len(read_csv(out)) == 1 + 1 + 20
    assert "2 blank line(s)" in res.output


# ------------------------------------------------------------------------------ bad files

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def good_lines(n=3):
    return "".join(f"P{i},{SUBJECTS[i]} {PREDICATES[i]}\r\n" for i in range(n))


BAD = {
    "png": ("photo.csv", PNG, (), ["photo.csv", "PNG image", "CSV UTF-8"]),
    "docx": ("notes.csv", docx_bytes(), (), ["notes.csv", "Word document"]),
    "workbook as csv": ("book.csv", None, (), ["book.csv", "Excel workbook", ".xlsx"]),
    "utf16": ("u16.csv", "ref,answer\r\nP1,hello\r\n".encode("utf-16"), (),
              ["u16.csv", "UTF-16", "CSV UTF-8"]),
    "cp1252": ("latin.csv",
               ("ref,answer\r\n" + good_lines(1) + "P9,Caf\u00e9\r\n").encode("cp1252"), (),
               ["latin.csv, line 3", "0xe9 is not UTF-8", '"CSV UTF-8"']),
    "unterminated quote": (
        "quote.csv", (b'ref,answer,note\r\nP1,"two\r\nlines",x\r\nP2,ok,"never closed\r\n'
                      b'P3,more,y\r\n'), (), ["quote.csv, line 4", "never found"]),
    "unterminated quote in a later line of a record": (
        "quote2.csv", (b'ref,answer,note\nP1,"two\nlines","opens here\nP3,more,y\n'), (),
        ["quote2.csv, line 3", "never found"]),
    "stray quote": ("stray.csv", b'ref,answer\nP1,"quoted" then more\n', (),
                    ["stray.csv, line 2", "not valid CSV", '""']),
    "too many cells": ("wide.csv", ("ref,answer\r\n" + good_lines(2) + "P7,a,b,c\r\n").encode(),
                       (), ["wide.csv, line 4", "4 cells but the header has 2"]),
    "short row": ("short.csv", b"ref,answer,note\r\nP1,The bus is\r\nlate,x\r\n", (),
                  ["short.csv, line 2", "this row has 2 cells but the header has 3",
                   "needs quotes"]),
    "missing column": ("cols.csv", ("ref,comment\r\n" + good_lines()).encode(), (),
                       ["cols.csv", "no column 'answer'", "'ref', 'comment'"]),
    "semicolons without --delimiter": (
        "semi.csv", b"ref;answer\r\nP1;The bus is late\r\n", (),
        ["semi.csv", "no column 'answer'", "--delimiter ';'"]),
    "empty": ("empty.csv", b"", (), ["empty.csv", "empty"]),
    "only blank lines": ("blank.csv", b"\r\n\r\n  \r\n", (), ["blank.csv", "empty"]),
    "header only": ("header.csv", b"ref,answer\r\n", (), ["no rows"]),
    "duplicate ids": ("ids.csv", ("ref,answer\r\n" + good_lines(2) + "P1,again\r\n").encode(),
                      ("--id-column", "ref"), ["ids.csv, line 4", "'P1' is also on line 3"]),
    "text as xlsx": ("text.xlsx", b"ref,answer\r\nP1,hello\r\n", (),
                     ["text.xlsx", "not an Excel workbook"]),
    "docx as xlsx": ("doc.xlsx", docx_bytes(), (), ["doc.xlsx", "not an Excel workbook"]),
    "empty xlsx file": ("nothing.xlsx", b"", (), ["nothing.xlsx", "empty"]),
    "old xls": ("old.xls", b"\xd0\xcf\x11\xe0" + bytes(100), (), ["old.xls", ".xls files"]),
    "no such sheet": ("sheets.xlsx", None, ("--sheet", "Results"),
                      ["sheets.xlsx", "no sheet 'Results'", "'Cover', 'Answers'"]),
    "xlsx cell without a header": ("wide.xlsx", None, (),
                                   ["wide.xlsx, row 3", "column 4, which has no header"]),
    "xlsx empty first row": ("top.xlsx", None, (), ["top.xlsx, row 1", "first row"]),
    "sheet for a csv": ("s.csv", ("ref,answer\r\n" + good_lines()).encode(), ("--sheet", "A"),
                        ["--sheet is for Excel workbooks"]),
}


def make_bad(path):
    if path.name == "book.csv":
        write_xlsx(path, records()[:3])
    elif path.name == "sheets.xlsx":
        write_xlsx(path, records()[:3], sheet="Answers", first_sheet="Cover")
    elif path.name == "wide.xlsx":
        write_xlsx(path, records()[:3])
        wb = load_workbook(path)
        wb.active.cell(row=3, column=4, value="no header above me")
        wb.save(path)
    elif path.name == "top.xlsx":
        wb = Workbook()
        wb.active.cell(row=2, column=1, value="answer")
        wb.active.cell(row=3, column=1, value="The bus is late")
        wb.save(path)


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_stops_with_file_line_and_reason_and_writes_nothing(tmp_path, case):
    name, data, options, expected = BAD[case]
    src = tmp_path / name
    if data is None:
        make_bad(src)
    else:
        src.write_bytes(data)
    out = tmp_path / "out" / "themes.csv"
    res = run(src, "-c", "answer", *options, "--out", out)
    assert res.exit_code == 2, res.output
    for text in expected:
        assert text in res.output, (text, res.output)
    assert "Traceback" not in res.output
    assert not out.exists() and not out.parent.exists()


def test_bad_file_leaves_an_earlier_output_as_it_was(tmp_path):
    out = tmp_path / "themes.csv"
    out.write_bytes(b"earlier output\r\n")
    src = tmp_path / "bad.csv"
    src.write_bytes(b'ref,answer\r\nP1,"never closed\r\n')
    res = run(src, "-c", "answer", "--out", out, "--model-out", tmp_path / "m.json")
    assert res.exit_code == 2
    assert out.read_bytes() == b"earlier output\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "themes.csv"]


@pytest.mark.parametrize("target", ["--out", "--model-out"])
def test_output_that_is_the_input_file_is_refused(tmp_path, target):
    """--out (or --model-out) naming the input file would replace a person's workbook (its
    other sheets, formulas, formatting) with one sheet of themes: refused, the file untouched."""
    src = tmp_path / "answers.xlsx"
    wb = Workbook()
    wb.active.title = "Answers"
    wb.active.append(HEADER)
    for row in records()[:30]:
        wb.active.append(row)
    wb.create_sheet("My notes")["A1"] = "Notes kept for the event"
    wb.save(src)
    before = src.read_bytes()
    other = tmp_path / "themes.csv"
    out, model = (src, tmp_path / "m.json") if target == "--out" else (other, src)
    same_name = tmp_path / "sub" / ".." / "answers.xlsx"  # the same file, spelt another way
    res = run(src, "-c", "answer", "--out", out if target == "--model-out" else same_name,
              "--model-out", model)
    assert res.exit_code == 2, res.output
    assert "answers.xlsx" in res.output and "input" in res.output
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.xlsx"]


def test_bad_delimiter_option(tmp_path):
    src = write_csv(tmp_path / "in.csv", records()[:3])
    res = run(src, "-c", "answer", "--delimiter", "semi", "--out", tmp_path / "o.csv")
    assert res.exit_code == 2 and "not a delimiter" in res.output


def test_question_column_gives_each_answer_its_kind(tmp_path):
    """With --question-column, an answer's kind comes from the question it was given where the
    question asks for one kind; under a question that asks for both, the words decide."""
    good, better = "What was good?", "What could we do better?"
    both = "Was there anything you were satisfied and/or dissatisfied with?"
    rows = [[f"P{i}", text, q] for i, (text, q) in enumerate([
        ("The wait was far too long", good),  # the question wins over the words
        ("Staff were kind and listened to me", good),
        ("More evening appointments please", better),
        ("The crew were kind and quick, thank you", both),
        ("The ambulance took three hours to come", both),
        *[(f"{s} {p}", good) for s, p in itertools.product(SUBJECTS[:4], PREDICATES[:4])],
    ], 1)]
    src = tmp_path / "in.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["ref", "answer", "question"], *rows])
    out = tmp_path / "out.csv"
    theme(src, out, "--question-column", "question")
    header, *got = read_csv(out)
    kind = {r[0]: r[header.index("statement_kind")] for r in got}
    assert len(got) == len(rows)
    assert kind["P1"] == kind["P2"] == "working"
    assert kind["P3"] == "idea"
    assert (kind["P4"], kind["P5"]) == ("working", "not_working")
    # without the column the words decide for every row
    theme(src, out)
    header, *got = read_csv(out)
    assert {r[0]: r[header.index("statement_kind")] for r in got}["P1"] == "not_working"
    # a question column that is not there: the file's columns are named, nothing written
    res = run(src, "-c", "answer", "--question-column", "asked", "--out", tmp_path / "n.csv")
    assert res.exit_code == 2 and "no column 'asked'" in res.output
    assert not (tmp_path / "n.csv").exists()


def test_the_summary_counts_one_row_and_one_theme_in_the_singular(tmp_path):
    src = tmp_path / "one.csv"
    src.write_bytes(b"ref,answer\r\nP1,The bus is late\r\n")
    res = theme(src, tmp_path / "out.csv")
    assert "1 row in, 1 row out, 1 theme," in res.output
