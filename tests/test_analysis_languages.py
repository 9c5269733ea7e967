"""Themes and examples in the language they were said in: the commissioner's pages mark a Welsh
label or statement with lang="cy" (WCAG 3.1.2, language of parts), so that a screen reader
reads it as Welsh, and leave text in the page's own language unmarked."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD, make_app, sign_in

from reviewkit.extensions import db
from reviewkit.localise import InLanguage, in_lang

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from analysis import make_organisation  # noqa: E402

SAID = json.loads((Path(__file__).parent / "data" / "nlp" / "statements_languages.json")
                  .read_text("utf-8"))
SPAN = re.compile(r'<span lang="([a-z]+)">([^<]*)</span>')


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from reviewkit.models import Role, Statement
    from reviewkit.models.base import utcnow
    from reviewkit.services.setup import init_database
    from reviewkit.services.themes import Scope, run_themes
    from reviewkit.services.users import create_user

    app = make_app(tmp_path_factory.mktemp("analysis-languages"), RATELIMIT_ENABLED=False)
    with app.app_context():
        assert not init_database().problems
        org = make_organisation(2, slug="lang-org")
        service = org.services[0]
        kinds = {"wait": "not_working", "food": "working", "listen": "working"}
        for lang in ("en", "cy"):
            for topic, texts in SAID[lang].items():
                for n in range(2):  # twice over two quarters: counts of 10, none hidden
                    for text in texts:
                        db.session.add(Statement(
                            organisation_id=org.id, service_id=service.id,
                            bank_id="person-centred-review", section_id="working-not-working",
                            kind=kinds[topic], text=text, language=lang, pooled=True,
                            position=0, said_on=date(2026, 2, 1) + timedelta(days=100 * n),
                            created_at=utcnow()))
        db.session.commit()
        run_themes(org, Scope(org.id))
        create_user(org, "manager@example.org", "Manager", PASSWORD, Role.MANAGER)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _welsh(text: str) -> bool:
    words = {w for t in SAID["cy"].values() for s in t for w in re.findall(r"\w+", s.lower())}
    return bool(set(re.findall(r"\w+", text.lower())) & words)


def test_welsh_labels_and_statements_are_marked_welsh_on_an_english_page(world):
    client = world.test_client()
    sign_in(client, "manager")
    html = client.get("/staff/analysis/?from=2026-Q1&to=2026-Q4").get_data(as_text=True)
    spans = SPAN.findall(html)
    welsh = [text for lang, text in spans if lang == "cy"]
    assert welsh, "Welsh themes and examples are marked lang=cy"
    assert {lang for lang, _ in spans} == {"cy"}  # English text on an English page: no span
    assert all(_welsh(t.replace("&#39;", "'")) for t in welsh)
    shown = [s.replace("'", "&#39;") for t in SAID["cy"].values() for s in t]
    shown = [s for s in shown if s in html]
    assert shown, "some Welsh statements are shown as examples"
    for statement in shown:  # each one marked, not bare
        assert f'<span lang="cy">{statement}</span>' in html


def test_on_a_welsh_page_the_english_text_is_the_part_marked(world):
    client = world.test_client()
    sign_in(client, "manager")
    html = client.get("/staff/analysis/?from=2026-Q1&to=2026-Q4&lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in html
    langs = {lang for lang, _ in SPAN.findall(html)}
    assert langs == {"en"}
    # the report's own words are in Welsh too: kinds of statement and "hidden"
    assert "Syniadau" in html and "Yn gweithio" in html
    assert ">Ideas<" not in html and ">Working<" not in html
    # a theme's name inside a sentence of the page is marked too: "Start an action on …"
    starts = re.findall(r"Dechrau cam gweithredu ar “(.*?)”</a>", html)
    assert starts and all(s.startswith('<span lang="en">') or _welsh(s) for s in starts)


def test_the_gap_analysis_and_pdf_mark_welsh_themes_too(world):
    client = world.test_client()
    sign_in(client, "manager")
    gaps = client.get("/staff/analysis/gaps?from=2026-Q1&to=2026-Q4").get_data(as_text=True)
    assert any(lang == "cy" for lang, _ in SPAN.findall(gaps))


def test_the_statements_of_a_theme_being_checked_are_marked_with_their_language(world):
    """'Check and correct themes' listed a theme's statements bare: on an English page a
    Welsh statement was read out by an English voice (and an English one by a Welsh voice on
    a Welsh page)."""
    client = world.test_client()
    sign_in(client, "manager")
    page = client.get("/staff/analysis/curate").get_data(as_text=True)
    themes = dict.fromkeys(re.findall(r"/staff/analysis/curate\?scope=all&amp;theme=(t\d+)", page))
    assert themes
    marked = {"en": 0, "cy": 0}
    for tid in themes:
        for lang in ("en", "cy"):
            html = client.get(f"/staff/analysis/curate?theme={tid}&lang={lang}").get_data(
                as_text=True)
            cells = re.findall(r'<td dir="auto">(.*?)</td>', html)
            assert cells
            other = "cy" if lang == "en" else "en"
            for cell in cells:
                text = re.sub(r"<[^>]+>", "", cell).replace("&#39;", "'")
                said = {s for t in SAID[other].values() for s in t}
                if text in said:  # said in the other language: marked
                    assert cell.startswith(f'<span lang="{other}">'), (lang, cell)
                    marked[other] += 1
                else:
                    assert "<span" not in cell, (lang, cell)
    assert marked["cy"] and marked["en"]


def test_in_lang_marks_only_text_in_another_language_and_escapes_it():
    assert str(in_lang(InLanguage("Mae'r bwyd <oer>", "cy"), "en")) == \
        '<span lang="cy">Mae&#39;r bwyd &lt;oer&gt;</span>'
    assert str(in_lang(InLanguage("The food", "en"), "en")) == "The food"
    assert str(in_lang("typed by staff", "cy")) == "typed by staff"  # language unknown: none
    label = InLanguage("Bwyd", "cy")
    assert label == "Bwyd" and sorted([label, "Aros"]) == ["Aros", "Bwyd"]  # still a string


def _parsed(client, url: str):
    import html5lib

    return html5lib.parse(client.get(url).get_data(as_text=True), namespaceHTMLElements=False)


def _marked_labels(root, lang: str) -> set[str]:
    """The theme names in the themes table marked with ``lang``."""
    table = root.find(".//table[@class='themes']")
    return {span.text for th in table.iter("th") for span in th.findall("span")
            if span.get("lang") == lang}


@contextmanager
def _every_theme_named_in(app, lang: str):
    """For a while, every theme of the stored run says its name is in ``lang`` (which themes
    get a Welsh name depends on the clustering, which differs with the database's row order)."""
    from sqlalchemy import select

    from reviewkit.models import ThemeSet

    with app.app_context():
        ts = db.session.scalar(select(ThemeSet))
        kept = ts.result
        ts.result = {**kept, "themes": [{**t, "language": lang} for t in kept["themes"]]}
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            ts = db.session.scalar(select(ThemeSet))
            ts.result = kept
            db.session.commit()


@pytest.mark.parametrize(("page_lang", "other"), [("en", "cy"), ("cy", "en")])
def test_a_themes_name_in_the_summary_and_the_charts_text_is_marked_with_its_language(
        world, page_lang, other):
    """A theme's name in another language than the page's is marked inside the summary's
    sentences and inside the chart's text alternative (its desc) and labels, as in the table:
    each such name is a span or text element with lang, never bare words in a sentence."""
    with _every_theme_named_in(world, other):  # whichever way the clustering went
        client = world.test_client()
        sign_in(client, "manager")
        root = _parsed(client, f"/staff/analysis/?from=2026-Q1&to=2026-Q4&lang={page_lang}")
    names = _marked_labels(root, other)
    assert names, f"some themes are named in {other}"

    summary = root.find(".//h2[.='%s']/.." % ("Summary" if page_lang == "en" else "Crynodeb"))
    sentences = [p for p in summary.findall("p")
                 if any(n in "".join(p.itertext()) for n in names)]
    assert sentences, "the summary names a theme in the other language"
    for p in sentences:
        bare = p.text or ""
        bare += "".join(child.tail or "" for child in p)
        assert not any(n in bare for n in names), "".join(p.itertext())
        assert {s.text for s in p.findall("span") if s.get("lang") == other} & names

    svg = "{http://www.w3.org/2000/svg}"
    chart = root.find(f".//figure/{svg}svg")
    desc = chart.find(f"{svg}desc")
    in_desc = {s.text for s in desc.findall("span") if s.get("lang") == other}
    assert in_desc and in_desc <= names
    assert not any(n in (desc.text or "") + "".join(s.tail or "" for s in desc) for n in names)
    labels = {t.text.rstrip("…") for t in chart.iter(f"{svg}text") if t.get("lang") == other}
    assert labels and all(any(n.startswith(label) for n in names) for label in labels)
    assert not any(t.get("lang") == page_lang for t in chart.iter(f"{svg}text"))


# Last in the module: ``staff_app`` starts a database of its own, which on PostgreSQL is the one
# shared database, so the module's ``world`` is gone after it.
TITLE = {"en": "What works well, and what could be better",
         "cy": "Beth sy'n gweithio'n dda, a beth allai fod yn well",
         "ur": "کیا اچھا چل رہا ہے، اور کیا بہتر ہو سکتا ہے"}


def test_bank_titles_in_the_filters_are_in_the_page_language(staff_app):
    """The themes and gaps pages name each question bank by its title in the manager's
    language, from the shipped banks.po, as the phone pages do."""
    from sqlalchemy import select

    from reviewkit.models import Organisation, Statement
    from reviewkit.models.base import utcnow

    with staff_app.app_context():
        org = db.session.scalar(select(Organisation))
        db.session.add(Statement(
            organisation_id=org.id, service_id=org.services[0].id,
            bank_id="appreciative-inquiry", section_id="discover", kind="working",
            text="Staff listen to me", language="en", pooled=True, position=0,
            said_on=date(2026, 2, 1), created_at=utcnow()))
        db.session.commit()
    client = staff_app.test_client()
    sign_in(client, "manager")
    for lang in ("en", "cy", "ur"):
        for page in ("/staff/analysis/", "/staff/analysis/gaps"):
            html = client.get(f"{page}?lang={lang}").get_data(as_text=True).replace("&#39;", "'")
            assert f">{TITLE[lang]}</label>" in html, (lang, page)
            assert all(t not in html for other, t in TITLE.items() if other != lang)
