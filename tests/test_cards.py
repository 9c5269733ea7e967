"""Printable invitation cards and posters (PDF through WeasyPrint), checked as real PDF files:
text with pdftotext, pages and size with pdfinfo, the QR code decoded from a rasterised page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from conftest import make_app, the_organisation
from PIL import Image

POPPLER = ("pdftotext", "pdfinfo", "pdftoppm")
MISSING = [tool for tool in POPPLER if shutil.which(tool) is None]
if MISSING and os.environ.get("REVIEWKIT_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"REVIEWKIT_REQUIRE_BROWSER=1 but {', '.join(MISSING)} is missing "
                       "(apt-get install poppler-utils)")
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"poppler-utils ({', '.join(MISSING)}) is not installed")

SCAN = "Scan the code with your phone camera to tell us what you think."
TIME = "It takes about 10 minutes. You can stop and finish later."
URDU = {  # a stand-in catalogue, only for these tests: the real one is the translators' work
    SCAN: "ہمیں اپنی رائے بتانے کے لیے اپنے فون کے کیمرے سے کوڈ اسکین کریں۔",
    TIME: "اس میں تقریباً 10 منٹ لگتے ہیں۔ آپ رک کر بعد میں مکمل کر سکتے ہیں۔",
    "Or type this link:": "یا یہ لنک ٹائپ کریں:",
}


def pdf_text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squeezed(text: str) -> str:
    """Text without white space (nor the bidi marks pdftotext adds on right-to-left pages), so
    a link wrapped over several lines reads as one."""
    return re.sub(r"[\s\u202a-\u202e]+", "", text)


def one_line(text: str) -> str:
    return " ".join(text.split())


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in out.splitlines())}


def decode_page(path: Path, tmp_path: Path, page: int = 1) -> list[str]:
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(prefix)], check=True)
    return [code.text for code in zxingcpp.read_barcodes(Image.open(f"{prefix}.png"))]


def test_card_has_the_full_link_the_explanation_and_a_code_that_scans(organisation, cli, client,
                                                                     tmp_path):
    path = tmp_path / "card.pdf"
    result = cli("invite", "test-bank", "--card", str(path))
    url = result.stdout.strip()
    assert f"Card(s) written to {path}" in result.stderr
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(path)
    assert url in squeezed(text)
    assert SCAN in one_line(text) and TIME in one_line(text)
    assert "Test organisation" in text  # the organisation's name
    assert decode_page(path, tmp_path) == [url]
    opened = client.get(url.removeprefix("http://rk.test"))
    assert opened.status_code == 302 and "/a/" in opened.headers["Location"]


def test_one_page_per_invitation_each_with_its_own_link(organisation, cli, tmp_path):
    path = tmp_path / "cards.pdf"
    urls = cli("invite", "test-bank", "--count", "3", "--card", str(path)).stdout.split()
    assert len(urls) == 3
    assert pdf_info(path)["Pages"] == "3"
    pages = pdf_text(path).split("\f")[:3]
    for url, page in zip(urls, pages, strict=True):
        assert url in squeezed(page)
        assert [u for u in urls if u in squeezed(page)] == [url]
    assert decode_page(path, tmp_path, page=3) == [urls[2]]


def test_a4_poster_is_a4_and_a6_card_is_a6(organisation, cli, tmp_path):
    a6, a4 = tmp_path / "card.pdf", tmp_path / "poster.pdf"
    cli("invite", "test-bank", "--card", str(a6))
    url = cli("invite", "test-bank", "--open-link", "--card", str(a4),
              "--card-size", "A4").stdout.strip()
    size_a6, size_a4 = pdf_info(a6)["Page size"], pdf_info(a4)["Page size"]
    assert size_a6 != size_a4
    assert size_a4.startswith("595.") and "(A4)" in size_a4
    assert size_a6.startswith("297.") and " x 419." in size_a6  # 105 x 148 mm
    assert url in squeezed(pdf_text(a4))
    assert decode_page(a4, tmp_path) == [url]


@pytest.mark.parametrize("args, message", [
    (["--card", "card.txt"], "must end in .pdf"),
    (["--card", "card"], "must end in .pdf"),
    (["--card", "card.pdf", "--card-size", "a5"], "'a5' is not one of 'a6', 'a4'"),
])
def test_bad_card_arguments_get_clear_errors(organisation, cli, tmp_path, monkeypatch, args,
                                            message):
    monkeypatch.chdir(tmp_path)
    result = cli("invite", "test-bank", *args, ok=False)
    assert result.exit_code == 2
    assert message in one_line(result.output)
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("card*"))


def test_rtl_cards_say_so_and_have_text(app, invite):
    from reviewkit.cards import render_cards, render_cards_html

    invitation = invite(language="ur")
    html = render_cards_html([invitation])
    assert re.search(r'<html lang="ur" dir="rtl">', html)
    assert re.search(r'<section class="card[^"]*" lang="ur" dir="rtl">', html)
    # Until the Urdu catalogue has this line it is in English, marked as English, never blank.
    attrs, line = re.search(r'<p class="scan-text"([^>]*)>([^<]+)</p>', html).groups()
    assert line.strip()
    assert ('lang="en" dir="ltr"' in attrs) == (line == SCAN)
    assert re.search(r'class="link" dir="ltr"', html)  # a link reads left to right everywhere
    assert render_cards_html([invitation], language="ar").count('dir="rtl"') == 2
    pdf = render_cards([invitation])
    path = app.instance_path + "/ur.pdf"
    Path(path).write_bytes(pdf)
    assert squeezed(pdf_text(Path(path)))


def test_cards_in_urdu_once_translated(tmp_path):
    """With an Urdu catalogue the card is in Urdu, in an Urdu font, and still one page."""
    from flask_babel import get_domain

    from reviewkit.cards import render_cards, render_cards_html
    from reviewkit.extensions import db
    from reviewkit.services import invitations as inv
    from reviewkit.services.banks import latest_version
    from reviewkit.services.setup import init_database

    source = tmp_path / "translations"
    catalog = Catalog(locale="ur")
    for msgid, msgstr in URDU.items():
        catalog.add(msgid, msgstr)
    po = source / "ur" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, catalog)
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(source))
    with app.app_context():
        # Flask-Babel keeps loaded catalogues on its one Domain for the whole process: start
        # without other tests' Urdu, and leave this stand-in Urdu behind for no one.
        get_domain().cache.clear()
        init_database()
        survey = inv.survey_for(latest_version("test-bank"), None, the_organisation())
        invitations = inv.create_invitations(survey, count=2, language="ur")
        url = inv.invitation_url(invitations[0])
        html = render_cards_html(invitations)
        path = tmp_path / "ur.pdf"
        path.write_bytes(render_cards(invitations))
        english = render_cards(invitations, language="en")
        get_domain().cache.clear()
        db.session.remove()
        db.engine.dispose()
    assert URDU[SCAN] in html and SCAN not in html
    assert pdf_info(path)["Pages"] == "2"
    text = pdf_text(path, page=1)
    # Nastaliq's stacked letters do not come back out of a PDF as words, but they are there.
    assert len(re.findall(r"[\u0600-\u06ff]", text)) >= 60
    assert url in squeezed(text)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "NotoNastaliqUrdu" in fonts.replace("-", "")
    assert decode_page(path, tmp_path) == [url]
    en_path = tmp_path / "en.pdf"
    en_path.write_bytes(english)
    assert SCAN in one_line(pdf_text(en_path, page=1))  # language= overrides the invitation's


def test_every_shipped_language_renders_on_one_page_per_card(app, invite):
    from reviewkit.cards import render_cards

    invitations = [invite(language=lang) for lang in app.config["LANGUAGES"]]
    pdf = render_cards(invitations)
    path = Path(app.instance_path) / "all.pdf"
    path.write_bytes(pdf)
    assert pdf_info(path)["Pages"] == str(len(invitations))


def test_rendering_fetches_nothing(app, invite):
    from reviewkit.cards import render_cards_html
    from reviewkit.pdf import local_only_fetcher

    html = render_cards_html([invite()])
    assert not re.search(r'\s(src|href)="(?!http://rk\.test/r/)', html)  # only the link itself
    assert "<link" not in html and "@import" not in html and "url(" not in html
    fetcher = local_only_fetcher()
    for url in ("http://example.com/x.png", "https://fonts.example/f.woff2", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            (fetcher.fetch if hasattr(fetcher, "fetch") else fetcher)(url)


def test_unknown_size_or_language_is_refused(app, invite):
    from reviewkit.cards import CardError, render_cards

    invitation = invite()
    with pytest.raises(CardError, match="a6, a4"):
        render_cards([invitation], size="letter")
    with pytest.raises(CardError, match="'xx' is not a language"):
        render_cards([invitation], language="xx")
    with pytest.raises(CardError, match="no invitations"):
        render_cards([])
