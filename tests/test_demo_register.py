"""`reviewkit demo` makes a co-production register worth showing: pieces of work with partners,
ideas in every state, actions done, started and planned, stalled work, a review due, history,
and a "you said, we did" page that credits exactly the partners who agreed. The demo takes a
while, so one test looks at all of it."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from conftest import Page, make_app
from sqlalchemy import func, select

from reviewkit.cli import main
from reviewkit.extensions import db


def test_demo_register_has_every_state_partners_history_and_you_said_we_did(tmp_path):
    from reviewkit.config import REPO_ROOT
    from reviewkit.models import (
        Idea,
        IdeaAnswer,
        Investigation,
        Organisation,
        Partner,
        PlanAction,
        Signature,
        User,
        Work,
        WorkPart,
    )
    from reviewkit.services import register as reg
    from reviewkit.services.demo import DEMO_SLUG
    from reviewkit.services.register_history import timeline

    app = make_app(tmp_path, BANKS_PATH=str(REPO_ROOT / "question_banks"))
    today = date.today()
    with app.app_context():
        result = app.test_cli_runner().invoke(main, ["demo", "--no-serve"])
        assert result.exit_code == 0, result.output
        org = db.session.scalar(select(Organisation).filter_by(slug=DEMO_SLUG))
        staff = {u.role: u for u in db.session.scalars(select(User).where(
            User.organisation_id == org.id))}
        works = {w.kind: w for w in db.session.scalars(select(Work).where(
            Work.organisation_id == org.id)) if not w.title.endswith(": local plan")}

        # Pieces of work: the Big Plan, a local plan under it, a policy; the demo logins run them
        big, local, policy = works["organisation_plan"], works["local_plan"], works["policy"]
        assert big.title == "Riverside Big Plan" and big == reg.organisation_plan(org.id)
        assert local.parent_id == big.id and local.service.name == "Tŷ Celyn"
        assert policy.title == "Visiting policy"
        for work in works.values():
            assert work.facilitator == staff["facilitator"]
            assert work.manager == staff["manager"]
            assert work.parts and work.signatures and work.partners
            assert all(p.starts_on <= p.finishes_on for p in work.parts)
        assert all(s.signed_on < today for s in db.session.scalars(select(Signature)))
        assert db.session.scalar(select(func.count(WorkPart.id))) >= 10
        partners = list(db.session.scalars(select(Partner)))
        assert {(p.kind, p.credit) for p in partners} >= {
            ("organisation", "name"), ("organisation", "none"), ("person", "name"),
            ("person", "organisation"), ("person", "none")}

        # Ideas in every state, from every source, in three languages, credited every way
        ideas = list(db.session.scalars(select(Idea).where(Idea.organisation_id == org.id)))
        days = reg.answer_days(org.id)
        assert days == 28
        by_decision = Counter(i.decision for i in ideas)
        assert set(by_decision) == {None, "included", "partly", "not_included", "not_yet"}
        assert by_decision[None] >= 5 and by_decision["included"] >= 5
        waiting = [i for i in ideas if i.decision is None]
        assert any(reg.answer_overdue(i, days, today) for i in waiting)
        assert any(not reg.answer_overdue(i, days, today) for i in waiting)
        assert {i.source for i in ideas} >= {"phone", "staff", "statement", "theme"}
        assert all(i.statement_id for i in ideas if i.source == "statement")
        assert {i.language for i in ideas} >= {"en", "cy", "ur"}
        assert {i.credit for i in ideas} == {"name", "organisation", "none"}
        answers = list(db.session.scalars(select(IdeaAnswer)))
        for answer in answers:
            assert answer.answered_on < today and answer.answered_by is not None
            if answer.decision != "included":
                assert answer.reason
        assert any(a.decision == "not_included" and a.cost for a in answers)
        assert all(a.decide_by > today for a in answers if a.decision == "not_yet")

        # Actions: done with "you said, we did", started, planned; one stalled and looked into
        actions = list(db.session.scalars(select(PlanAction).where(
            PlanAction.organisation_id == org.id)))
        assert {a.status for a in actions} == {"done", "in_progress", "planned"}
        done = [a for a in actions if a.done]
        assert all(a.public_sentence and a.done_at.date() < today for a in done)
        assert all(a.owner and a.starts_on and a.due_on for a in actions)
        stalled = [a for a in actions if reg.is_stalled(a, today)]
        investigated = {x.action_id for x in db.session.scalars(select(Investigation))}
        assert stalled and {a.id for a in stalled} <= investigated
        assert len([a for a in actions if not a.done]) > len(stalled)  # the rest moved lately
        stalled_ideas = [i for i in ideas if reg.is_stalled(i, today)]
        assert stalled_ideas and not db.session.scalar(select(Investigation).where(
            Investigation.idea_id.in_([i.id for i in stalled_ideas])))

        # A yearly review done last year, the next one due within 30 days
        assert reg.review_due(policy, today) and not reg.review_due(local, today)
        assert policy.review_on > today

        # History: who changed what, dated as it happened
        with app.test_request_context():
            history = timeline(local, with_names=False)
            assert len(history) >= 15
            assert {e.who for e in history} >= {"Fran Facilitator", "Morgan Manager", None}
            assert history[-1].when.date() == today - timedelta(days=200)
            assert any(ev.what == "Added an investigation" for e in history
                       for ev in e.events)
            assert timeline(big, with_names=True) and timeline(policy, with_names=True)

        # The facilitator works at Tŷ Celyn, and so on its local plan
        facilitator = staff["facilitator"]
        assert local.service in facilitator.services
        assert local.id in reg.visible_work_ids(facilitator)

        # Local events: two past ones with votes from phones, with a facilitator and on paper,
        # each with its local plan, whose actions say the root cause and what success looks
        # like; one open now, whose voting link is printed beside the invitation link
        from reviewkit.models import Ballot, Event
        from reviewkit.reports.event_results import results

        events = db.session.scalars(select(Event).where(Event.organisation_id == org.id)
                                    .order_by(Event.starts_at)).all()
        assert [e.voting for e in events] == ["closed", "closed", "open"]
        assert f"/v/{reg.shown_code(events[2].public_code)}" in result.output
        assert results(events[2]).phones > 0
        for event in events[:2]:
            res = results(event)
            assert res.phones and res.assisted and res.sheets, event.name
            assert db.session.scalar(select(func.max(Ballot.changed_at)).where(
                Ballot.event_id == event.id)).date() == event.starts_at.date() < today
            plan = db.session.get(Work, event.work_id)
            assert plan.parent_id == big.id and plan.partners
            assert {i.text for i in db.session.scalars(select(Idea).filter_by(
                work_id=plan.id))} == {r.item.label for r in res.top()}
            acts = db.session.scalars(select(PlanAction).filter_by(work_id=plan.id)).all()
            assert acts and all(a.root_cause and a.success for a in acts)

        # Running it again adds nothing twice
        counts = [db.session.scalar(select(func.count(m.id))) for m in (Work, Idea, PlanAction)]
        again = app.test_cli_runner().invoke(main, ["demo", "--no-serve"])
        assert again.exit_code == 0, again.output
        assert [db.session.scalar(select(func.count(m.id)))
                for m in (Work, Idea, PlanAction)] == counts
        local_code, local_id = reg.shown_code(local.public_code), local.id

    client = app.test_client()
    page = client.get(f"/o/{DEMO_SLUG}/you-said-we-did")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for credited in ("Riverside People First", "Priya Shah (Riverside People First)",
                     "Tŷ Celyn tenants&#39; group", "Gwen Morgan",
                     "Riverside Carers&#39; Group"):
        assert credited in html, credited
    for not_credited in ("Sam Taylor", "Rhys Price", "Jordan Lee", "Dewi Jones",
                         "Ayesha Khan", "Riverside Council transport team"):
        assert not_credited not in html, not_credited
    assert "Each person now has two named key workers" in html  # what we did
    assert "A minibus to town on the first Saturday of each month" in html  # doing now
    assert "half-price leisure card" in html  # what we will not do, and why
    assert "[name]" not in html  # nothing in the demo's own words looks like a name
    work_page = client.get(f"/o/{DEMO_SLUG}/you-said-we-did/{local_code}")
    assert work_page.status_code == 200
    assert "Gwen Morgan" in work_page.get_data(as_text=True)

    # The demo facilitator signs in and opens the local plan and its history
    from reviewkit.services.users import DEMO_PASSWORD

    staff_client = app.test_client()
    signed_in = staff_client.post("/staff/login", data={
        "email": "facilitator@riverside.example.org", "password": DEMO_PASSWORD,
        "csrf_token": Page(staff_client.get("/staff/login")).csrf})
    assert signed_in.status_code == 302
    opened = staff_client.get(f"/staff/register/{local_id}")
    assert opened.status_code == 200 and "Tŷ Celyn local plan" in opened.get_data(as_text=True)
    history = staff_client.get(f"/staff/register/{local_id}/history")
    assert history.status_code == 200 and "Fran Facilitator" in history.get_data(as_text=True)
