"""Ideas from what people already said: a theme or a shared review statement becomes an idea
for a piece of work, linked both ways; a statement nobody agreed to share never does."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from conftest import Page, sign_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Idea, Organisation, Person, Service, ThemeSet, User
from reviewkit.services import people as people_svc
from reviewkit.services import register as reg
from reviewkit.services import reviews as rv
from reviewkit.services.banks import latest_version


@pytest.fixture
def world(staff_app):
    with staff_app.app_context():
        org = db.session.scalar(select(Organisation))
        admin = db.session.scalar(select(User).filter_by(role="admin"))
        oak, elm = (db.session.scalar(select(Service).filter_by(slug=s)) for s in ("oak", "elm"))
        work = reg.save_work(admin, title="Oak House plan", kind="local_plan", service_id=oak.id)
        ids = {"work": work.id}
        for key, service, pooled in (("shared", oak, True), ("private", oak, False),
                                     ("elm", elm, True)):
            person = Person(organisation_id=org.id, service=service, display_name=key)
            db.session.add(person)
            db.session.commit()
            if pooled:
                people_svc.record_consent(admin, person, scope="pooled", given=True,
                                          note="Agreed")
            review = rv.start_review(admin, person, latest_version("person-centred-review"),
                                     date(2026, 11, 1))
            ids[key] = rv.add_statement(review, "working-not-working", None, "idea",
                                        "Call Ann on 07700 900123 about a Saturday club").id
            ids[f"{key}_review"] = review.id
        ts = ThemeSet(organisation_id=org.id, scope="all", model={"themes": []},
                      result={"themes": [{"id": "t1", "label": "Saturday club"}]})
        db.session.add(ts)
        db.session.commit()
        ids["theme_set"] = ts.id
    return staff_app, ids


def test_a_shared_statement_becomes_a_masked_idea_linked_back(world):
    app, ids = world
    client = app.test_client()
    sign_in(client, "facilitator")  # works in Oak House
    url = f"/staff/register/ideas/from-statement/{ids['shared']}"
    page = Page(client.get(url))
    assert "07700" not in page and "Saturday club" in page
    text = re.search(r"<textarea[^>]*>\s*(.*?)</textarea>", page.html, re.S).group(1)
    r = client.post(url, data={"csrf_token": page.csrf, "work": str(ids["work"]),
                               "text": html.unescape(text), "client_key": "once"})
    assert r.status_code == 302
    client.post(url, data={"csrf_token": page.csrf, "work": str(ids["work"]),
                           "text": "again", "client_key": "once"})  # a repeated submit
    with app.app_context():
        ideas = db.session.scalars(select(Idea)).all()
        assert len(ideas) == 1 and ideas[0].source == "statement"
        assert ideas[0].statement_id == ids["shared"] and "07700" not in ideas[0].text
        assert reg.ideas_from(statement_id=ids["shared"])[0].id == ideas[0].id
    assert "Already added" in client.get(url).get_data(as_text=True)
    # the review's summary offers it for shared statements only
    shared = client.get(f"/staff/reviews/{ids['shared_review']}/summary").get_data(as_text=True)
    private = client.get(f"/staff/reviews/{ids['private_review']}/summary"
                         ).get_data(as_text=True)
    assert f"/staff/register/ideas/from-statement/{ids['shared']}" in shared
    assert "from-statement" not in private


def test_a_statement_nobody_agreed_to_share_or_of_another_service_does_not(world):
    app, ids = world
    client = app.test_client()
    sign_in(client, "facilitator")
    r = client.get(f"/staff/register/ideas/from-statement/{ids['private']}")
    assert r.status_code == 302
    assert client.get(f"/staff/register/ideas/from-statement/{ids['elm']}").status_code == 404
    assert client.get("/staff/register/ideas/from-statement/999999").status_code == 404
    manager = app.test_client()
    sign_in(manager, "manager")  # no review rights: never a statement
    assert manager.get(f"/staff/register/ideas/from-statement/{ids['shared']}"
                       ).status_code == 403


def test_a_theme_becomes_an_idea_and_bad_choices_are_refused_with_the_text_kept(world):
    app, ids = world
    client = app.test_client()
    sign_in(client, "manager")
    url = "/staff/register/ideas/from-theme?scope=all&theme=t1"
    page = Page(client.get(url))
    assert "Saturday club" in page
    r = client.post(url, data={"csrf_token": page.csrf, "work": "999", "text": "My words",
                               "client_key": "k"})
    assert r.status_code == 400
    assert "Choose a piece of work from the list" in r.get_data(as_text=True)
    assert "My words" in r.get_data(as_text=True)
    r = client.post(url, data={"csrf_token": page.csrf, "work": str(ids["work"]),
                               "text": "My words", "client_key": "k"})
    assert r.status_code == 302
    with app.app_context():
        idea = db.session.scalar(select(Idea))
        assert (idea.source, idea.theme_set_id, idea.theme_id, idea.text) == (
            "theme", ids["theme_set"], "t1", "My words")
    assert client.get("/staff/register/ideas/from-theme?scope=all&theme=t9").status_code == 404
    facilitator = app.test_client()
    sign_in(facilitator, "facilitator")  # no reports right: no themes
    assert facilitator.get(url).status_code == 403


def test_every_role_that_sees_themes_or_runs_reviews_also_has_the_register():
    """The two routes above declare the reports and reviews rights: that is enough only
    because those roles all have the register's right too."""
    from reviewkit.web.auth import ROLE_PERMISSIONS, Permission

    for role, rights in ROLE_PERMISSIONS.items():
        if Permission.REPORTS in rights or Permission.REVIEWS in rights:
            assert Permission.REGISTER in rights, role
