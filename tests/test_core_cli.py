"""The reviewkit command line: init, banks, invite (with QR codes), export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import zxingcpp
from conftest import TEST_BANKS, start_journey, the_organisation
from PIL import Image
from sqlalchemy import func, select

from reviewkit.cli import main
from reviewkit.extensions import db
from reviewkit.models import Answer, BankVersion, Invitation


def test_init_twice_is_harmless(cli):
    first_count = db.session.scalar(select(func.count(BankVersion.id)))
    result = cli("init")
    assert "database ready" in result.output and "added bank" not in result.output
    cli("init")
    assert db.session.scalar(select(func.count(BankVersion.id))) == first_count == 1


def test_banks_list_shows_the_banks_folder(cli):
    out = cli("banks", "list").output
    assert "test-bank" in out and "6 questions" in out


def test_banks_check_passes_good_files_and_reports_file_and_line(cli, tmp_path):
    assert "1 bank(s) OK, 0 problem(s)" in cli("banks", "check", str(TEST_BANKS)).output
    broken = tmp_path / "test-bank.yaml"
    text = (TEST_BANKS / "test-bank.yaml").read_text()
    broken.write_text(text.replace("        scale_points: 3", "        scale_points: 4"))
    result = cli("banks", "check", str(broken), ok=False)
    assert result.exit_code == 1
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "scale_points: 3" in ln)
    assert f"{broken}:{line}: sections.0.questions.2.scale_points" in result.output
    assert "Traceback" not in result.output


def test_banks_check_on_a_missing_path_fails_clearly(cli, tmp_path):
    result = cli("banks", "check", str(tmp_path / "nope.yaml"), ok=False)
    assert result.exit_code == 1 and "no such file or folder" in result.output


def test_invite_count_prints_that_many_different_links(organisation, cli):
    lines = cli("invite", "test-bank", "--count", "100").stdout.split()
    assert len(lines) == 100 == len(set(lines))
    assert all(line.startswith("http://rk.test/r/") for line in lines)
    tokens = [line.rsplit("/", 1)[1] for line in lines]
    assert all(len(t) >= 22 for t in tokens)  # at least 128 bits of randomness in base64
    assert db.session.scalar(select(func.count(Invitation.id))) == 100


def test_invite_options_are_stored(organisation, cli):
    url = cli("invite", "test-bank", "--language", "cy-GB", "--easy-read", "--person", "R-17",
              "--open-link", "--expires-in-days", "30").output.strip()
    invitation = db.session.scalar(select(Invitation).filter_by(token=url.rsplit("/", 1)[1]))
    assert (invitation.language, invitation.easy_read, invitation.person_ref,
            invitation.single_use) == ("cy", True, "R-17", False)
    assert invitation.expires_at is not None


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_invite_qr_code_decodes_to_a_working_link(organisation, cli, client, tmp_path, suffix):
    path = tmp_path / f"card{suffix}"
    url = cli("invite", "test-bank", "--qr", str(path)).stdout.strip()
    assert path.exists()
    if suffix == ".svg":
        assert path.read_text().lstrip().startswith(("<?xml", "<svg"))
        return
    decoded = zxingcpp.read_barcodes(Image.open(path))
    assert [d.text for d in decoded] == [url]
    opened = client.get(url.removeprefix("http://rk.test"))
    assert opened.status_code == 302 and "/a/" in opened.headers["Location"]


@pytest.mark.parametrize("args, message", [
    (["invite", "no-such-bank"], "there is no bank called 'no-such-bank'"),
    (["invite", "test-bank", "--language", "xx"], "'xx' is not a language reviewkit has"),
    (["invite", "test-bank", "--count", "0"], "0 is not in the range"),
    (["invite", "test-bank", "--qr", "card.jpg"], "must end in .png or .svg"),
    (["invite", "test-bank", "--service", "nowhere"], "there is no service called 'nowhere'"),
    (["invite", "test-bank", "--person", "R1", "--count", "2"], "leave out --count"),
])
def test_invite_bad_arguments_get_clear_errors(organisation, cli, args, message):
    result = cli(*args, ok=False)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_export_responses_has_every_answer_once_and_is_safe_in_excel(cli, page, invite, tmp_path):
    key = start_journey(page, invite()).split("/")[2]
    page(f"/a/{key}/q/like",
         {"answer": "=HYPERLINK(\"http://x\")\n@SUM(A1)\nKind", "action": "next"})
    page(f"/a/{key}/q/name", {"answer": "+44 Zoë", "action": "next"})
    page(f"/a/{key}/q/name", {"answer": "-Zoë", "action": "next"})  # changed: still one row
    page(f"/a/{key}/q/happy", {"answer": "", "action": "skip"})
    out = tmp_path / "out.csv"
    assert "3 answers written" in cli("export", "responses", str(out)).output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["question_id"] for r in rows] == ["like", "name", "happy"]
    assert len(rows) == db.session.scalar(select(func.count(Answer.id)))
    by_q = {r["question_id"]: r for r in rows}
    assert by_q["like"]["answer"].startswith("'=HYPERLINK")
    assert by_q["name"]["answer"] == "'-Zoë"
    assert by_q["happy"]["skipped"] == "yes" and by_q["happy"]["answer"] == ""
    assert by_q["name"]["bank"] == "test-bank" and by_q["name"]["bank_version"] == "1"
    assert by_q["name"]["language"] == "en"
    for row in rows:
        assert not row["answer"].startswith(("=", "+", "-", "@"))


def test_every_command_has_help(cli):
    for args in (["init"], ["demo"], ["invite"], ["export", "responses"], ["banks", "list"],
                 ["people", "export"], ["people", "erase"],
                 ["banks", "check"]):
        out = cli(*args, "--help").output
        assert "Usage:" in out and "--help" in out


def test_demo_sets_up_answers_in_several_languages_and_working_logins(tmp_path):
    from conftest import Page, make_app

    from reviewkit.config import REPO_ROOT
    from reviewkit.models import Response

    app = make_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks"))
    with app.app_context():
        result = app.test_cli_runner().invoke(main, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        out = result.stdout
        logins = [line.split() for line in out.splitlines() if "password:" in line]
        assert {row[0] for row in logins} == {"admin", "facilitator", "manager", "translator"}
        link = next(line.strip() for line in out.splitlines() if "/r/" in line)
        languages = set(db.session.scalars(select(Response.language)))
        assert {"en", "cy", "ur"} <= languages
        assert db.session.scalar(select(func.count(Response.id))) >= 24
        assert db.session.scalar(select(func.count(Answer.id))) >= 200
        responses = db.session.scalar(select(func.count(Response.id)))
        again = app.test_cli_runner().invoke(main, ["demo", "--no-serve"])
        assert db.session.scalar(select(func.count(Response.id))) == responses  # nothing twice
        assert again.exit_code == 0
        from reviewkit.models import ThemeSet

        themes = db.session.scalar(select(ThemeSet)).result["themes"]
        assert len(themes) >= 5  # the commissioner's pages have themes to show at once
    client = app.test_client()
    assert client.get(link.split("5000", 1)[1]).status_code == 302
    role, email, _, password = logins[0]
    login = Page(client.get("/staff/login"))
    signed_in = client.post("/staff/login", data={
        "email": email, "password": password, "csrf_token": login.csrf})
    assert signed_in.status_code == 302
    assert "Oak House" in Page(client.get("/staff/")).html


def test_demo_works_out_themes_when_an_earlier_start_stopped_before_them(tmp_path):
    """A first `reviewkit demo` made the data, then stopped (its port was taken, or Ctrl+C)
    before the background theming finished: the next start works the themes out, instead of
    leaving the Themes and gaps pages empty for good."""
    from conftest import make_app

    from reviewkit.config import REPO_ROOT
    from reviewkit.models import ThemeSet
    from reviewkit.services.demo import build_demo

    app = make_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks"))
    with app.app_context():
        from reviewkit.services.setup import init_database

        init_database()
        assert build_demo().created  # the data, without its themes
        assert db.session.scalar(select(func.count(ThemeSet.id))) == 0
        result = app.test_cli_runner().invoke(main, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        themes = db.session.scalar(select(ThemeSet)).result["themes"]
        assert len(themes) >= 5


def test_secret_key_is_generated_once_with_private_permissions(app):
    path = Path(app.instance_path) / "secret_key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().strip() == app.config["SECRET_KEY"]


def test_demo_serves_on_an_empty_folder(tmp_path):
    """`reviewkit demo` on an empty folder serves, prints the logins and a phone link that opens.

    How fast it gets there is measured by benchmarks/demo_start.py (the limit here only stops a
    hung demo: CI runs two suites side by side on two cores)."""
    import os
    import subprocess
    import sys
    import time

    import requests
    from servers import free_port

    from reviewkit.config import REPO_ROOT

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWKIT_")}
    env["REVIEWKIT_INSTANCE_PATH"] = str(tmp_path / "instance")
    if os.environ.get("REVIEWKIT_TEST_DATABASE_URL"):
        env["REVIEWKIT_DATABASE_URL"] = os.environ["REVIEWKIT_TEST_DATABASE_URL"]
    log = tmp_path / "demo.txt"
    proc = subprocess.Popen([sys.executable, "-m", "reviewkit.cli", "demo", "--port", str(port)],
                            env=env, cwd=REPO_ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        link = None
        while time.monotonic() - started < 180:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise AssertionError("reviewkit demo was not serving after 180 s")
        out = log.read_text()
        link = next(line.strip() for line in out.splitlines() if "/r/" in line)
        assert link.startswith(f"http://localhost:{port}/r/")
        assert "admin@riverside.example.org" in out
        opened = requests.get(link.replace("localhost", "127.0.0.1"), allow_redirects=False,
                              timeout=10)
        assert opened.status_code == 302 and "/a/" in opened.headers["Location"]
    finally:
        if proc.poll() is None:
            proc.kill()


def test_demo_says_plainly_when_its_port_is_in_use_before_anything_else(tmp_path):
    """`reviewkit demo` printed "ready", the logins and the QR codes, then a traceback when
    the port was taken. It checks the port first: which port, how to choose another, exit 2,
    no traceback, nothing printed as ready."""
    import os
    import socket
    import subprocess
    import sys

    from reviewkit.config import REPO_ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWKIT_")}
    env["REVIEWKIT_INSTANCE_PATH"] = str(tmp_path / "instance")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "reviewkit.cli", "demo", "--port",
                               str(port)], env=env, cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=120)
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert f"Port {port} is in use" in said and "--port" in said, said
    assert "Traceback" not in said and "ready" not in said and "Staff logins" not in said


def test_people_export_and_erase_on_request_from_the_command_line(app, cli, tmp_path):
    import json

    from reviewkit.models import AccessLog, Person

    org = the_organisation()
    db.session.add(Person(organisation_id=org.id, display_name="Jo", reference="R-9"))
    db.session.commit()
    out = tmp_path / "jo.json"
    cli("people", "export", "R-9", str(out))
    assert json.loads(out.read_text())["person"]["display_name"] == "Jo"
    missing = cli("people", "erase", "R-404", "--yes", ok=False)
    assert missing.exit_code == 2 and "nobody has the reference 'R-404'" in missing.output
    cli("people", "erase", "R-9", "--yes")
    person = db.session.scalar(select(Person))
    assert person.erased_at is not None and person.display_name == "erased"
    assert person.reference is None
    actions = db.session.scalars(select(AccessLog.action).order_by(AccessLog.id)).all()
    assert actions == ["export", "erase"]


def test_invite_offers_only_the_organisations_languages(organisation, cli):
    """An invitation's first language is one the organisation offers (its settings page):
    another is refused with the ones it offers; with none given, English, or its first
    language when it does not offer English."""
    organisation.languages = ["en", "cy"]
    db.session.commit()
    refused = cli("invite", "test-bank", "--language", "ur", ok=False)
    assert refused.exit_code == 2
    assert "does not offer 'ur' (its languages: en, cy)" in " ".join(refused.output.split())
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    cli("invite", "test-bank", "--language", "cy")
    cli("invite", "test-bank")
    organisation.languages = ["cy", "pl"]
    db.session.commit()
    cli("invite", "test-bank")
    made = db.session.scalars(select(Invitation.language).order_by(Invitation.id)).all()
    assert made == ["cy", "en", "cy"]
