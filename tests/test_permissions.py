"""Every route declares who may use it; walk every route for every role."""

from __future__ import annotations

import pytest
from conftest import sign_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Person, Role, Service
from reviewkit.services import reviews as review_svc
from reviewkit.services.banks import latest_version
from reviewkit.web.auth import ROLE_PERMISSIONS


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_declares_a_permission(staff_app):
    missing = [r.rule for r in _rules(staff_app)
               if not hasattr(staff_app.view_functions[r.endpoint], "permission")]
    assert missing == []


@pytest.fixture
def objects(staff_app):
    """One of each thing a staff URL can point at, in the facilitator's service."""
    from reviewkit.models import User

    service = db.session.scalar(select(Service).filter_by(slug="oak"))
    admin = db.session.scalar(select(User).filter_by(role="admin"))
    person = Person(organisation_id=service.organisation_id, service=service, display_name="Al")
    db.session.add(person)
    db.session.commit()
    review = review_svc.start_review(admin, person, latest_version("person-centred-review"),
                                     __import__("datetime").date(2026, 11, 1))
    statement = review_svc.add_statement(review, "like-and-admire", None, None, "Kind")
    action = review_svc.add_action(review, what="Call", who="Al", due_on=None)
    contributor = review_svc.add_contributor(review, "Gwen", "family")

    from reviewkit.services import register

    work = register.save_work(admin, title="Oak plan", kind="local_plan",
                              service_id=service.id)
    part = register.add_part(admin, work, title="Ask people",
                             starts_on=__import__("datetime").date(2026, 1, 1),
                             finishes_on=__import__("datetime").date(2026, 2, 1))
    idea = register.raise_idea(work, "A Saturday club", source="staff")
    register.answer_idea(admin, idea, decision="included")
    plan_action = register.add_action(  # an action of the piece of work, from its idea
        admin, work, idea, change="Earlier buses", owner="Transport team",
        starts_on=__import__("datetime").date(2026, 1, 1),
        due_on=__import__("datetime").date(2027, 1, 1), status="planned")
    from reviewkit.services import events

    event = events.save_event(admin, name="Oak day", place="Hall", service_id=service.id,
                              starts_at=__import__("datetime").datetime(2026, 6, 1, 10))
    item = events.add_item(admin, event, label="Buses")
    events.add_item(admin, event, label="Cooking")
    events.set_voting(admin, event, "open")
    sheet = events.add_tally(admin, event, {(item.id, None): 2})
    from reviewkit.services import indicators

    indicator = indicators.save_indicator(
        admin, name="Listened to", easy_read=None, pictogram=None, measures="outcome",
        source="entered", unit="count", service_id=service.id)
    from reviewkit.services import audit

    audit_round = audit.open_round(admin, service_id=service.id,
                                   closes_on=__import__("datetime").date.today())
    return {"round_id": audit_round.id,
            "work_id": work.id, "idea_id": idea.id, "what": "partner", "part_id": part.id,
            "event_id": event.id, "item_id": item.id, "sheet_id": sheet.id,
            "person_id": person.id, "review_id": review.id, "section_id": "like-and-admire",
            "statement_id": statement.id, "action_id": action.id, "token": "nope",
            "contributor_id": contributor.id,
            "plan_action_id": plan_action.id, "indicator_id": indicator.id,
            "key": "nope", "qid": "nope", "user_id": admin.id,
            "service_id": service.id, "area_id": service.area_id,
            "lang": "cy", "bank_id": "monthly-check-in", "question_id": "feel-safe",
            "domain": "banks", "fmt": "csv"}


def test_every_staff_route_for_every_role(staff_app, objects):
    clients = {"anonymous": staff_app.test_client()}
    for role in Role:
        clients[role.value] = staff_app.test_client()
        sign_in(clients[role.value], role.value)
    checked = 0
    for rule in _rules(staff_app):
        permission = staff_app.view_functions[rule.endpoint].permission
        # some routes are for fewer roles than the permission has (managers see events and
        # their results, and run none): the others get 403
        roles = getattr(staff_app.view_functions[rule.endpoint], "roles", None)
        if permission == "public":
            continue
        url = rule.build({k: objects[k] for k in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        for who, client in clients.items():
            status = client.open(url, method=method).status_code
            if who == "anonymous":
                assert status == 302, (who, url, status)
            elif permission == "signed_in" or (permission in ROLE_PERMISSIONS[who] and (
                    roles is None or who in roles)):
                assert status not in (401, 403, 404, 500), (who, url, status)
            else:
                assert status == 403, (who, url, status)
            checked += 1
    assert checked >= 5 * 10


def test_a_member_of_staff_refused_a_page_is_told_to_ask_an_administrator(staff_app):
    """There is no link to ask about: a facilitator opening the staff accounts page is told
    their account cannot do it and whom to ask, not 'Ask the person who gave you the link'."""
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    r = client.get("/staff/users/")
    page = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == 403
    assert "Your account cannot do this" in page and "an administrator of your organisation" \
        in page
    assert "Ask the person who gave you the link" not in page
