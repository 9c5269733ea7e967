"""What a person reads after curating themes at a Working Together for Change event: the message
after each change and the "Who changed what" history name the themes as the page shows them
("merged Does dim bws into Bus stopped"), never by the engine's ids ("merged t1, t12 into t1"),
and a rename says what the theme was called before, also after the themes are worked out again.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from conftest import Page, make_app, sign_in, themed_organisation
from markupsafe import escape

from reviewkit.extensions import db

THEME_ID = re.compile(r"\bt\d+(?:-[0-9a-f]{6})?\b")


@pytest.fixture
def site(tmp_path):
    from reviewkit.services.setup import init_database
    from reviewkit.tasks import huey

    huey.immediate = True
    app = make_app(tmp_path, RATELIMIT_ENABLED=False, HUEY_IMMEDIATE=True)
    with app.app_context():
        assert not init_database().problems
        org_id = themed_organisation(4, "names-org", 300, seed=5, manager=(
            "names@example.org", "Nia Manager")).id
    yield app, org_id
    huey.immediate = False
    with app.app_context():
        db.engine.dispose()


def _themes(app, org_id):
    from reviewkit.reports.filters import Filters
    from reviewkit.reports.gap import build_report

    with app.app_context():
        report = build_report(Filters(org_id, since=date(2020, 1, 1), until=date(2030, 12, 31)))
        return [t for t in report.themes if t.id != "unassigned"]


def _change(client, data) -> str:
    """Make a change on the curation page; the message the page then shows."""
    token = Page(client.get("/staff/analysis/curate")).csrf
    r = client.post("/staff/analysis/curate", data={"scope": "all", "csrf_token": token, **data})
    assert r.status_code == 302
    return _text(Page(client.get(r.headers["Location"])).html)


def _text(html_text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def _history(client) -> list[str]:
    """The "What" cell of each row of the history table, newest first."""
    page = Page(client.get("/staff/analysis/curate"))
    table = page.html[page.html.index("Changes to the themes, newest first"):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [_text(re.findall(r"<td>(.*?)</td>", row, re.S)[-1])
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_messages_and_history_name_themes_not_ids(site):
    app, org_id = site
    client = app.test_client()
    sign_in(client, "names")
    first, second, third = _themes(app, org_id)[:3]
    said = _change(client, {"op": "rename", "theme": first.id, "label": "Getting about town"})
    assert f"renamed {first.label} to “Getting about town”" in said, said
    said = _change(client, {"op": "merge", "theme": third.id, "into": second.id, "label": ""})
    assert f"merged {third.label} into {second.label}" in said, said
    said = _change(client, {"op": "i_statement", "theme": first.id,
                            "i_statement": "I want to get about town on my own"})
    assert "for Getting about town" in said, said
    history = _history(client)
    assert history == [
        "wrote the I statement “I want to get about town on my own” for Getting about town",
        f"merged {third.label} into {second.label}",
        f"renamed {first.label} to “Getting about town”",
    ], history
    for line in history:
        assert not THEME_ID.search(line), line
    # worked out again: the history still says what the theme was called before
    client.post("/staff/analysis/compute",
                data={"csrf_token": Page(client.get("/staff/analysis/curate")).csrf})
    assert _history(client)[-1] == f"renamed {first.label} to “Getting about town”"


def test_history_of_edits_kept_before_names_were_kept(site):
    """Edits stored before each edit kept its themes' names: a theme merged away is named from
    the theme model, and a rename never reads "renamed Parking to “Parking”"."""
    from reviewkit.models import ThemeEdit, ThemeSet
    from reviewkit.services.themes import Scope, run_themes

    app, org_id = site
    first, second, third = _themes(app, org_id)[:3]
    with app.app_context():
        ts = db.session.scalar(db.select(ThemeSet).filter_by(organisation_id=org_id))
        ts.edits.append(ThemeEdit(edit={"op": "rename", "theme": first.id, "label": "Parking"}))
        ts.edits.append(ThemeEdit(edit={"op": "merge", "themes": [second.id, third.id],
                                        "into": second.id}))
        db.session.commit()
        from reviewkit.models import Organisation

        run_themes(db.session.get(Organisation, org_id), Scope(org_id))
    client = app.test_client()
    sign_in(client, "names")
    history = _history(client)
    assert history[0] == f"merged {third.label} into {second.label}", history
    assert history[1] == f"renamed {first.id} to “Parking”", history


def test_the_theme_name_in_statements_in_is_isolated_on_an_urdu_page(site):
    """"Statements in “%(theme)s”" (the heading) and the "Statements in …" links put the
    theme's name into an Urdu sentence: an English name is isolated in <bdi> (its full stop
    and quotes kept at its own ends), not left bare in the right-to-left sentence."""
    app, org_id = site
    client = app.test_client()
    sign_in(client, "names")
    themes = _themes(app, org_id)
    chosen = themes[0]
    page = Page(client.get(f"/staff/analysis/curate?scope=all&theme={chosen.id}&lang=ur"))
    assert page.status == 200 and page.lang == "ur"
    name = str(escape(chosen.label))
    heading = re.search(r"<h2>(.*?)</h2>", page.html[page.html.index('id="curate-caption"'):])
    assert re.fullmatch(rf"“<bdi( lang=\"[a-z]+\")?>{re.escape(name)}</bdi>” میں بیانات",
                        heading.group(1)), heading.group(1)
    links = re.findall(r'<a href="[^"]*theme=[^"]*">(.*?)</a>', page.html)
    assert len(links) >= len(themes), links
    for theme in themes:
        label = re.escape(str(escape(theme.label)))
        assert any(re.fullmatch(rf"<bdi( lang=\"[a-z]+\")?>{label}</bdi> میں بیانات", link)
                   for link in links), (theme.label, links[:3])


def _curate_table(client) -> list[list[str]]:
    page = Page(client.get("/staff/analysis/curate"))
    table = page.html[page.html.index('class="curate-themes"'):]
    table = table[:table.index("</table>")]
    return [[_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_curation_table_shows_each_themes_languages_once_there_is_more_than_one(site):
    """A theme mostly in Welsh beside an English one on the same topic is one merge away at the
    event, if people can see it: with statements in two languages, each theme lists its
    languages by their own names and how many statements each has (1 to 4: "fewer than 5")."""
    from sqlalchemy import select

    from reviewkit.models import Organisation, Statement
    from reviewkit.services.themes import Scope, run_themes

    app, org_id = site
    client = app.test_client()
    sign_in(client, "names")
    assert "Languages" not in _curate_table(client)[0]  # all in English: no column
    welsh = ["Mae'r bws i'r coleg yn hwyr yn aml", "Does dim bws i'r dref rhagor",
             "Mae'r staff yn garedig iawn", "Hoffwn i ddysgu coginio", "Mae'r bwyd yn flasus",
             "Rydw i'n mwynhau gweithio yn y caffi"]
    with app.app_context():
        model = db.session.scalars(select(Statement).where(Statement.pooled.is_(True))).first()
        skip = {"id", "text", "language", "client_key", "position"}
        for n, text in enumerate(welsh * 2):
            db.session.add(Statement(**{c.key: getattr(model, c.key)
                                        for c in Statement.__table__.columns
                                        if c.key not in skip}, text=text, language="cy",
                                     position=100 + n))
        db.session.commit()
        run_themes(db.session.get(Organisation, org_id), Scope(org_id))
    rows = _curate_table(client)
    assert rows[0][4] == "Languages", rows[0]
    cells = [row[4].replace(" :", ":") for row in rows[1:]]
    assert all(c.startswith("English: ") or c.startswith("Cymraeg: ") for c in cells), cells
    welsh_cells = [c for c in cells if "Cymraeg" in c]
    assert welsh_cells, cells
    shown = sum(int(m) for c in welsh_cells for m in re.findall(r"Cymraeg: (\d+)", c))
    small = sum("Cymraeg: fewer than 5" in c for c in welsh_cells)
    assert shown + 4 * small >= 12 and shown <= 12, cells  # the 12 Welsh statements
    assert not any(re.search(r": [1-4]\b", c) for c in cells), cells
