"""The register's staff pages through HTTP, on a real database: make a piece of work, add its
parts, partners and signatures, type an idea for someone, answer it (a reason is needed and
what was typed is kept), turn it into an action, see it stall on an injected date, look into
it and move it, review the piece a year on, and read every change in the history. Each role
sees what it may: facilitators their services' work only, managers no names."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from conftest import STAFF_TODAY, Page, post_form, signed_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Idea, Investigation, PlanAction, Service, User, Work, WorkReview
from reviewkit.services import register as reg

TODAY = STAFF_TODAY


@pytest.fixture
def app(staff_app_today):
    return staff_app_today




def _ids(service_slug: str = "oak") -> dict:
    service = db.session.scalar(select(Service).filter_by(slug=service_slug))
    return {"service": service.id,
            "facilitator": db.session.scalar(select(User).filter_by(role="facilitator")).id,
            "manager": db.session.scalar(select(User).filter_by(role="manager")).id}


def _work(app, title="Oak House plan", slug="oak") -> Work:
    admin = db.session.scalar(select(User).filter_by(role="admin"))
    return reg.save_work(admin, title=title, kind="local_plan",
                         service_id=_ids(slug)["service"], review_on=TODAY + timedelta(days=20))


def test_a_facilitator_makes_a_piece_of_work_and_adds_parts_partners_and_signatures(app):
    client = signed_in(app, "facilitator")
    ids = _ids()
    made = post_form(client, "/staff/register/new", {
        "title": "Day opportunities plan", "kind": "plan", "scope": f"service:{ids['service']}",
        "facilitator": str(ids["facilitator"]), "manager": str(ids["manager"]),
        "review_on": "2027-06-15", "parent": ""})
    assert made.status == 302, made.html[:2000]
    work = db.session.scalar(select(Work).filter_by(title="Day opportunities plan"))
    url = f"/staff/register/{work.id}"
    assert made.response.headers["Location"].endswith(url)

    # a finish before a start: a clear message, the title kept
    bad = post_form(client, f"{url}/add/part", {"title": "Taster days", "starts_on": "2026-09-01",
                                            "finishes_on": "2026-08-01"})
    assert bad.status == 400 and "The finish date must be on or after the start date" in bad
    assert 'value="Taster days"' in bad.html
    assert post_form(client, f"{url}/add/part", {"title": "Taster days", "starts_on": "2026-09-01",
                                             "finishes_on": "2026-10-01"}).status == 302
    for name, kind, credit, organisation in [
            ("Riverside People First", "organisation", "name", ""),
            ("Sam Patel", "person", "organisation", "Carers Forum"),
            ("Jo Bloggs", "person", "none", "")]:
        assert post_form(client, f"{url}/add/partner", {
            "kind": kind, "name": name, "credit": credit,
            "organisation": organisation, "role": ""}).status == 302
    assert post_form(client, f"{url}/add/signature", {
        "name": "Riverside People First", "capacity": "", "signed_on": "2026-06-01"}
    ).status == 302
    page = Page(client.get(url))
    assert page.status == 200
    assert "Taster days: 2026-09-01 to 2026-10-01" in page
    assert "Credited in public: Carers Forum" in page and "Jo Bloggs" in page
    assert "Riverside People First: 2026-06-01" in page

    # a manager sees the piece but not the name of a person who chose not to be credited
    managers = Page(signed_in(app, "manager").get(url))
    assert "Jo Bloggs" not in managers and "Riverside People First" in managers


def test_a_manager_answers_an_idea_not_included_only_with_a_reason(app):
    work = _work(app)
    client = signed_in(app, "manager")
    typed = post_form(client, f"/staff/register/{work.id}/ideas/new", {
        "text": "A Saturday club at the library", "raised_on": "2026-06-10",
        "language": "en", "raised_by": "", "credit": "name", "credit_as": "Ann",
        "client_key": "k1"})
    assert typed.status == 302
    idea = db.session.scalar(select(Idea))
    assert idea.source == "staff" and idea.raised_on == date(2026, 6, 10)
    assert idea.credit_as == "Ann"
    url = f"/staff/register/{work.id}/ideas/{idea.id}"
    assert typed.response.headers["Location"].endswith(url)

    refused = post_form(client, url, {"decision": "not_included", "reason": "",
                                  "cost": "2,500", "cost_note": "a room on Saturdays"})
    assert refused.status == 400
    assert "Give the reason" in refused and 'value="2,500"' in refused.html
    assert 'value="a room on Saturdays"' in refused.html
    assert db.session.scalar(select(Idea)).decision is None

    answered = post_form(client, url, {"decision": "not_included",
                                   "reason": "The library is closed on Saturdays.",
                                   "cost": "2,500", "cost_note": ""})
    assert answered.status == 302
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert idea.decision == "not_included" and idea.answered_on == TODAY
    assert str(idea.answers[0].cost) == "2500.00"
    # the person's tracking link shows the dated answer and its reason
    public = Page(app.test_client().get(f"/t/{reg.shown_code(idea.tracking_code)}"))
    assert "The library is closed on Saturdays." in public and "No, we will not do it" in public


@pytest.mark.parametrize("cost", ["NaN", "sNaN", "1e9", "1_000"])
def test_a_cost_that_is_not_pounds_and_pence_is_refused_on_its_field(app, cost):
    """Words Python reads as a number ('NaN' made an error page) are not a cost in pounds."""
    work = _work(app)
    idea = reg.raise_idea(work, "A bigger minibus", source="staff", today=TODAY)
    client = signed_in(app, "manager")
    refused = post_form(client, f"/staff/register/{work.id}/ideas/{idea.id}", {
        "decision": "partly", "reason": "Only on Saturdays", "cost": cost,
        "cost_note": "a driver"})
    assert refused.status == 400
    assert "Enter the cost in pounds, like 1500 or 1500.50." in refused
    assert f'value="{cost}"' in refused.html and 'value="a driver"' in refused.html
    assert "Only on Saturdays" in refused.html
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).decision is None


def test_an_included_idea_becomes_an_action_that_stalls_is_looked_into_and_moves(app):
    work = _work(app)
    manager = db.session.scalar(select(User).filter_by(role="manager"))
    idea = reg.raise_idea(work, "Earlier buses", source="staff", today=TODAY)
    client = signed_in(app, "facilitator")
    early = post_form(client, f"/staff/register/{work.id}/ideas/{idea.id}/action", {
        "change": "Ask for an earlier bus", "owner": "Priya Shah", "starts_on": "2026-06-15",
        "due_on": "2026-09-01", "status": "planned", "public_sentence": ""})
    assert early.status == 400 and "Answer the idea first" in early
    reg.answer_idea(manager, idea, decision="included", today=TODAY)
    late = post_form(client, f"/staff/register/{work.id}/ideas/{idea.id}/action", {
        "change": "Ask for an earlier bus", "owner": "Priya Shah", "starts_on": "2026-07-01",
        "due_on": "2026-06-20", "status": "planned", "public_sentence": ""})
    assert late.status == 400 and "The finish date must be on or after the start date" in late
    assert "Ask for an earlier bus" in late
    added = post_form(client, f"/staff/register/{work.id}/ideas/{idea.id}/action", {
        "change": "Ask for an earlier bus", "owner": "Priya Shah", "starts_on": "2026-06-15",
        "due_on": "2026-09-01", "status": "planned", "public_sentence": ""})
    assert added.status == 302
    action = db.session.scalar(select(PlanAction))
    assert action.work_id == work.id and action.idea_id == idea.id

    # three months on, nothing has moved: stalled on every page
    app.config["TODAY"] = TODAY + timedelta(days=95)
    action_url = f"/staff/register/{work.id}/actions/{action.id}"
    for url in (f"/staff/register/{work.id}", action_url, "/staff/register/"):
        assert "Stalled" in Page(client.get(url)), url
    # a facilitator reads, a manager records the investigation
    investigate = f"{action_url}/investigate"
    assert "The manager of this piece of work records" in Page(client.get(investigate))
    assert client.post(investigate, data={"why": "x", "next_steps": "y"}).status_code == 403
    managers = signed_in(app, "manager")
    recorded = post_form(managers, investigate, {
        "why": "The bus company did not reply.", "next_steps": "Ring them weekly.",
        "new_date": "2026-10-31"})
    assert recorded.status == 302
    assert db.session.scalar(select(Investigation)).action_id == action.id
    assert "The bus company did not reply." in Page(client.get(action_url))
    # it moves: the flag clears
    moved = post_form(client, action_url, {
        "change": "Ask for an earlier bus", "owner": "Priya Shah", "starts_on": "2026-06-15",
        "due_on": "2026-09-01", "status": "in_progress", "public_sentence": ""})
    assert moved.status == 302
    assert "Stalled" not in Page(client.get(action_url)).html.split("<form")[0]
    history = Page(client.get(f"/staff/register/{work.id}/history"))
    assert "Added an investigation" in history and "In progress" in history


def test_a_yearly_review_records_what_changed_and_opens_it_for_ideas(app):
    work = _work(app)
    client = signed_in(app, "facilitator")
    index = Page(client.get("/staff/register/"))
    assert "Review “Oak House plan”" in index
    bad = post_form(client, f"/staff/register/{work.id}/review", {
        "reviewed_on": "2026-06-15", "what_changed": "New partners joined",
        "ideas_until": "2026-06-01", "next_review_on": "2027-06-15"})
    assert bad.status == 400 and "New partners joined" in bad
    done = post_form(client, f"/staff/register/{work.id}/review", {
        "reviewed_on": "2026-06-15", "what_changed": "New partners joined",
        "ideas_until": "2026-08-31", "next_review_on": "2027-06-15"})
    assert done.status == 302
    review = db.session.scalar(select(WorkReview))
    assert review.what_changed == "New partners joined"
    db.session.expire_all()
    assert db.session.get(Work, work.id).review_on == date(2027, 6, 15)
    assert "Review “Oak House plan”" not in Page(client.get("/staff/register/"))
    assert "Until 2026-08-31" in Page(client.get(f"/staff/register/{work.id}"))


def test_each_role_sees_only_what_it_may(app):
    oak = _work(app)
    elm = _work(app, "Elm Court plan", "elm")
    idea = reg.raise_idea(elm, "More trips", source="phone", today=TODAY, raised_by="Ann Lee",
                          name_agreed=True)
    facilitator = signed_in(app, "facilitator")  # works at Oak House only
    listed = Page(facilitator.get("/staff/register/"))
    assert "Oak House plan" in listed and "Elm Court plan" not in listed
    for url in (f"/staff/register/{elm.id}", f"/staff/register/{elm.id}/history",
                f"/staff/register/{elm.id}/ideas/{idea.id}",
                f"/staff/register/{oak.id}/ideas/{idea.id}",  # an idea of another piece
                f"/staff/register/{elm.id}/add/partner"):
        assert facilitator.get(url).status_code == 404, url
    # a forged scope: a facilitator cannot move their piece to a service that is not theirs
    ids = _ids("elm")
    forged = post_form(facilitator, f"/staff/register/{oak.id}/edit", {
        "title": "Oak House plan", "kind": "local_plan", "scope": f"service:{ids['service']}",
        "facilitator": "", "manager": "", "review_on": "2027-06-15", "parent": ""})
    assert forged.status == 400 and "Choose one from the list" in forged
    db.session.expire_all()
    assert db.session.get(Work, oak.id).service_id != ids["service"]

    admin = Page(signed_in(app, "admin").get(f"/staff/register/{elm.id}/ideas/{idea.id}"))
    manager = Page(signed_in(app, "manager").get(f"/staff/register/{elm.id}/ideas/{idea.id}"))
    assert "Ann Lee" in admin and "Ann Lee" not in manager
    history = Page(signed_in(app, "manager").get(f"/staff/register/{elm.id}/history"))
    assert "Ann Lee" not in history and "not shown to your role" in history
    assert signed_in(app, "translator").get("/staff/register/").status_code == 403


def test_a_closed_piece_takes_no_typed_ideas_and_every_id_is_checked(app):
    work = _work(app)
    work.status = "closed"
    db.session.commit()
    client = signed_in(app, "admin")
    r = client.get(f"/staff/register/{work.id}/ideas/new")
    assert r.status_code == 302
    assert "not taking new ideas" in Page(client.get(r.headers["Location"]))
    for url in ("/staff/register/999999", f"/staff/register/{work.id}/ideas/999999",
                f"/staff/register/{work.id}/actions/999999/investigate"):
        assert client.get(url).status_code == 404, url
    assert re.search(r"Closed", Page(client.get("/staff/register/")).html)


def test_an_admin_sets_the_time_to_answer_and_the_flags_follow(app):
    work = _work(app)
    reg.raise_idea(work, "More trips", source="phone", today=TODAY - timedelta(days=20))
    admin = signed_in(app, "admin")
    assert "Answers overdue" not in Page(admin.get("/staff/register/")).html.split("<table")[1]
    page = Page(admin.get("/staff/register/promises"))
    assert "within 28 days" in page and 'name="days"' in page.html
    bad = Page(admin.post("/staff/register/answer-time",
                          data={"days": "a fortnight", "csrf_token": page.csrf}))
    assert bad.status == 400 and "Enter a number of days from 1 to 365." in bad
    assert 'value="a fortnight"' in bad.html
    done = admin.post("/staff/register/answer-time", data={"days": "14", "csrf_token": page.csrf})
    assert done.status_code == 302
    assert reg.answer_days(work.organisation_id) == 14
    assert "Answers overdue: 1" in Page(admin.get("/staff/register/"))
    # only admins change it
    manager = signed_in(app, "manager")
    assert 'name="days"' not in Page(manager.get("/staff/register/promises")).html
    assert manager.post("/staff/register/answer-time", data={"days": "90"}).status_code == 403


def test_the_time_to_answer_reads_right_for_one_day_and_for_several(app):
    """A time of 1 day said 'within 1 days'; in Welsh 2 days mutate (2 ddiwrnod), 5 do not."""
    admin = signed_in(app, "admin")
    page = Page(admin.get("/staff/register/promises"))
    done = admin.post("/staff/register/answer-time", data={"days": "1", "csrf_token": page.csrf})
    assert done.status_code == 302
    page = Page(admin.get(done.headers["Location"]))
    assert "Ideas are now answered within 1 day." in page
    assert "Every idea gets an answer within 1 day;" in page
    for days, said in (("2", "o fewn 2 ddiwrnod;"), ("5", "o fewn 5 diwrnod;")):
        assert admin.post("/staff/register/answer-time?lang=cy",
                          data={"days": days, "csrf_token": page.csrf}).status_code == 302
        assert said in Page(admin.get("/staff/register/promises?lang=cy")), days


def test_a_busy_piece_shows_the_pressing_ideas_first_and_pages_its_history(app):
    work = _work(app)
    admin = db.session.scalar(select(User).filter_by(role="admin"))
    ideas = [reg.raise_idea(work, f"Idea number {i}", source="phone", today=TODAY)
             for i in range(55)]
    for idea in ideas[1:]:
        reg.answer_idea(admin, idea, decision="included", today=TODAY)
    client = signed_in(app, "admin")
    page = Page(client.get(f"/staff/register/{work.id}"))
    shown = re.findall(r"/ideas/(\d+)\"", page.html)
    assert len(shown) == 50 and shown[0] == str(ideas[0].id)  # the one waiting comes first
    assert f"/staff/register/ideas?work={work.id}" in page.html and "See all 55 ideas" in page
    from reviewkit.models import WorkPart

    for i in range(25):  # saved at once (an import, say): one entry, its first 20 changes shown
        db.session.add(WorkPart(work=work, title=f"Part {i}", starts_on=TODAY,
                                finishes_on=TODAY))
    db.session.commit()
    history = Page(client.get(f"/staff/register/{work.id}/history"))
    assert "Page 1 of 2" in history and "Older changes" in history
    assert "… and 5 more changes saved at the same time." in history
    older = Page(client.get(f"/staff/register/{work.id}/history?page=2"))
    assert "Added the piece of work" in older and "Newer changes" in older


def test_an_idea_typed_for_someone_is_not_dated_ahead_and_is_stored_once(app):
    work = _work(app)
    client = signed_in(app, "facilitator")
    url = f"/staff/register/{work.id}/ideas/new"
    ahead = post_form(client, url, {"text": "A garden", "raised_on": "2026-06-16", "language": "en",
                                "credit": "none", "client_key": "twice"})
    assert ahead.status == 400 and "cannot be after today" in ahead and "A garden" in ahead
    for _ in range(2):  # pressed twice: one idea
        assert post_form(client, url, {"text": "A garden", "raised_on": "2026-06-15",
                                   "language": "cy", "credit": "none",
                                   "client_key": "twice"}).status == 302
    ideas = db.session.scalars(select(Idea)).all()
    assert [(i.text, i.language, i.source) for i in ideas] == [("A garden", "cy", "staff")]


def test_a_piece_is_closed_and_opened_again_and_its_parts_marked_done(app):
    work = _work(app)
    admin_user = db.session.scalar(select(User).filter_by(role="admin"))
    part = reg.add_part(admin_user, work, title="Taster days", starts_on=TODAY,
                        finishes_on=TODAY + timedelta(days=30))
    client = signed_in(app, "facilitator")
    url = f"/staff/register/{work.id}"
    token = Page(client.get(url)).csrf
    assert client.post(f"{url}/status", data={"status": "closed"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "open"  # no token: nothing changed
    client.post(f"{url}/status", data={"status": "closed", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "closed"
    assert not reg.open_for_ideas(db.session.get(Work, work.id), TODAY)
    assert "Open it again" in Page(client.get(url))
    client.post(f"{url}/status", data={"status": "open", "csrf_token": token})
    client.post(f"{url}/parts/{part.id}/done", data={"done": "yes", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "open"
    assert db.session.get(type(part), part.id).done is True
    assert "Mark not done" in Page(client.get(url))
    history = Page(client.get(f"{url}/history"))
    assert "Closed" in history and "Done" in history


def test_the_register_pages_keep_the_filter(app):
    work = _work(app)
    for i in range(105):
        reg.raise_idea(work, f"Idea {i}", source="phone" if i % 2 else "staff", today=TODAY)
    client = signed_in(app, "admin")
    page = Page(client.get(f"/staff/register/ideas?source=phone&source=staff&work={work.id}"))
    assert "Page 1 of 2" in page
    assert f'href="?source=phone&amp;source=staff&amp;work={work.id}&amp;page=2"' in page.html
