"""The register's rules, on a real database: pieces of work, ideas, answers, flags worked out
from an injected "today", progress rolled up, the history nobody edits, and the migration that
carries the old plan actions over."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import make_app
from flask_migrate import upgrade
from sqlalchemy import select, text

from reviewkit.extensions import db
from reviewkit.models import Organisation, PlanAction, Role, Service, User, Work
from reviewkit.services import plans
from reviewkit.services import register as reg
from reviewkit.services.register import RegisterError

TODAY = date(2026, 6, 15)


@pytest.fixture
def org(staff_app):
    with staff_app.app_context():
        yield db.session.scalar(select(Organisation))


def _user(role: str) -> User:
    return db.session.scalar(select(User).filter_by(role=role))


def _work(**fields) -> Work:
    manager = _user(Role.MANAGER.value)
    return reg.save_work(manager, **{"title": "Day opportunities", "kind": "plan",
                                     "manager_id": manager.id, **fields})


def test_the_organisation_plan_is_one_piece_of_work_and_local_plans_are_its_children(org):
    first = reg.organisation_plan(org.id)
    assert reg.organisation_plan(org.id).id == first.id
    assert first.kind == "organisation_plan" and first.public_code
    local = _work(title="Oak House plan", kind="local_plan")
    assert local.parent_id == first.id
    # an action from a theme belongs to the organisation plan
    action = plans.create_action(_user("manager"), plans.ThemeRef(None, "t1", "Transport"),
                                 change="Earlier bus", owner="Transport team",
                                 due_on=date(2027, 1, 1), status="planned")
    assert action.work_id == first.id and action.moved_on is not None
    assert [a.id for a in plans.plan(org.id)] == [action.id]


def test_a_piece_of_work_is_reviewed_a_year_on_and_checks_what_it_is_given(org):
    work = _work()
    assert work.review_on == reg.a_year_on(date.today())
    other_org = Organisation(name="Other", slug="other")
    db.session.add(other_org)
    db.session.flush()
    stranger = Service(organisation_id=other_org.id, name="Far", slug="far")
    db.session.add(stranger)
    db.session.commit()
    with pytest.raises(RegisterError) as e:
        _work(service_id=stranger.id)
    assert e.value.field == "scope"
    with pytest.raises(RegisterError) as e:
        _work(manager_id=_user("translator").id)
    assert e.value.field == "manager"
    with pytest.raises(RegisterError) as e:
        _work(kind="organisation_plan")
    assert e.value.field == "kind"
    with pytest.raises(RegisterError) as e:
        reg.add_part(_user("manager"), work, title="Tasters", starts_on=date(2026, 5, 1),
                     finishes_on=date(2026, 4, 1))
    assert e.value.field == "finishes_on"
    part = reg.add_part(_user("manager"), work, title="Tasters", starts_on=date(2026, 5, 1),
                        finishes_on=date(2026, 7, 1))
    assert work.parts == [part]


def test_partners_are_credited_as_each_chose(org):
    work = _work()
    m = _user("manager")
    named = reg.add_partner(m, work, kind="person", name="Ann Jones", credit="name",
                            organisation="People First")
    by_org = reg.add_partner(m, work, kind="person", name="Bob Smith", credit="organisation",
                             organisation="Carers Wales")
    hidden = reg.add_partner(m, work, kind="person", name="Cy Lee", credit="none")
    group = reg.add_partner(m, work, kind="organisation", name="Riverside Forum",
                            credit="organisation")
    assert [reg.credit_line(p) for p in (named, by_org, hidden, group)] == [
        "Ann Jones (People First)", "Carers Wales", None, "Riverside Forum"]
    with pytest.raises(RegisterError) as e:
        reg.add_partner(m, work, kind="person", name="Di", credit="organisation")
    assert e.value.field == "organisation"


def test_an_idea_keeps_a_name_only_when_agreed_and_a_repeated_submit_stores_one(org):
    work = _work()
    idea = reg.raise_idea(work, "  A Saturday club  ", source="phone", today=TODAY,
                          raised_by="Ann", name_agreed=False, client_key="k1")
    assert idea.text == "A Saturday club" and idea.raised_by is None
    assert reg.clean_code(reg.shown_code(idea.tracking_code).lower()) == idea.tracking_code
    again = reg.raise_idea(work, "A Saturday club", source="phone", today=TODAY,
                           client_key="k1")
    assert again.id == idea.id
    assert db.session.scalar(text("SELECT count(*) FROM idea")) == 1
    named = reg.raise_idea(work, "Cooking", source="staff", today=TODAY, raised_by="Bob",
                           name_agreed=True, credit="name", credit_as="Bob",
                           entered_by=_user("facilitator"))
    assert named.raised_by == "Bob" and named.entered_by_id == _user("facilitator").id
    assert reg.find_idea(named.tracking_code).id == named.id
    assert reg.find_idea("NOPE-NOPE") is None and reg.find_idea("") is None
    with pytest.raises(RegisterError) as e:
        reg.raise_idea(work, "   ", source="phone", today=TODAY)
    assert e.value.field == "text"
    with pytest.raises(RegisterError) as e:
        reg.raise_idea(work, "x", source="phone", today=TODAY, credit="name")
    assert e.value.field == "credit_as"
    work.status = "closed"
    db.session.commit()
    with pytest.raises(RegisterError) as e:
        reg.raise_idea(work, "Too late", source="phone", today=TODAY)
    assert e.value.field == "text"


def test_answers_need_a_reason_and_not_yet_needs_a_date(org):
    work = _work()
    m = _user("manager")
    idea = reg.raise_idea(work, "A bus at weekends", source="phone", today=TODAY)
    for decision in ("not_included", "partly", "not_yet"):
        with pytest.raises(RegisterError) as e:
            reg.answer_idea(m, idea, decision=decision, reason=" ", today=TODAY)
        assert e.value.field == "reason"
    with pytest.raises(RegisterError) as e:
        reg.answer_idea(m, idea, decision="not_yet", reason="Waiting for the budget",
                        today=TODAY)
    assert e.value.field == "decide_by"
    with pytest.raises(RegisterError) as e:
        reg.answer_idea(m, idea, decision="not_yet", reason="Budget", decide_by=TODAY,
                        today=TODAY)
    assert e.value.field == "decide_by"
    assert idea.decision is None and idea.answers == []  # nothing half-saved
    answer = reg.answer_idea(m, idea, decision="not_included", reason="The council runs it",
                             cost=reg.parse_cost("£12,500.5"), today=TODAY)
    assert (idea.decision, idea.answered_on, str(answer.cost)) == (
        "not_included", TODAY, "12500.50")
    assert reg.answer_idea(m, idea, decision="included", today=TODAY).reason is None
    with pytest.raises(RegisterError):
        reg.parse_cost("a lot")


def test_flags_are_worked_out_from_the_date(org):
    work = _work()
    m = _user("manager")
    days = reg.answer_days(org.id)
    assert days == 28
    idea = reg.raise_idea(work, "Quiet room", source="phone", today=TODAY)
    assert not reg.answer_overdue(idea, days, TODAY + timedelta(days=28))
    assert reg.answer_overdue(idea, days, TODAY + timedelta(days=29))
    reg.answer_idea(m, idea, decision="not_yet", reason="Space", today=TODAY,
                    decide_by=TODAY + timedelta(days=10))
    assert not reg.answer_overdue(idea, days, TODAY + timedelta(days=10))
    assert reg.answer_overdue(idea, days, TODAY + timedelta(days=11))
    # stalled: open and not moved for two months
    assert not reg.is_stalled(idea, date(2026, 8, 14))
    assert reg.is_stalled(idea, date(2026, 8, 15))
    reg.answer_idea(m, idea, decision="included", today=date(2026, 8, 15))
    assert not reg.is_stalled(idea, date(2027, 1, 1))  # answered: not open
    action = plans.create_action(m, None, work=work, idea_id=idea.id, change="Make the room",
                                 owner="Estates", due_on=date(2026, 12, 1), status="planned")
    action.moved_on = TODAY
    db.session.commit()
    assert reg.is_stalled(action, date(2026, 8, 15))
    investigation = reg.investigate(m, action, why="No money", next_steps="Ask the board",
                                    new_date=date(2026, 10, 1), today=date(2026, 8, 15))
    assert investigation.action_id == action.id
    assert reg.is_stalled(action, date(2026, 8, 15))  # recorded, but it has not moved
    plans.set_status(action, "in_progress")  # moved today
    assert not reg.is_stalled(action, date.today())
    # the review is due 30 days ahead
    work.review_on = TODAY + timedelta(days=30)
    assert reg.review_due(work, TODAY) and not reg.review_due(work, TODAY - timedelta(days=1))


def test_months_before_and_a_year_on_handle_short_months():
    assert reg.months_before(date(2026, 4, 30), 2) == date(2026, 2, 28)
    assert reg.months_before(date(2026, 1, 31), 2) == date(2025, 11, 30)
    assert reg.a_year_on(date(2028, 2, 29)) == date(2029, 2, 28)


def test_progress_rolls_up_from_actions_and_child_plans(org):
    m = _user("manager")
    top = reg.organisation_plan(org.id)
    local = _work(title="Oak plan", kind="local_plan")
    empty = _work(title="Nothing yet", kind="local_plan")
    for status in ("done", "in_progress"):
        plans.create_action(m, None, work=local, change=status, owner="Team",
                            due_on=date(2027, 1, 1), status=status)
    plans.create_action(m, None, work=top, change="Org wide", owner="Board",
                        due_on=date(2027, 1, 1), status="planned")
    actions: dict[int, list[PlanAction]] = {}
    for a in db.session.scalars(select(PlanAction)):
        actions.setdefault(a.work_id, []).append(a)
    children = {top.id: [local, empty]}
    assert reg.progress(local, actions, children).done == 0.75
    assert reg.progress(empty, actions, children) is None
    assert reg.progress(top, actions, children) == reg.Progress(done=0.375, items=2)


def test_every_change_is_kept_with_who_and_when(org):
    from reviewkit.models.history import acting_as, version_class

    m = _user("manager")
    work = _work()
    idea = reg.raise_idea(work, "Gardening", source="phone", today=TODAY)
    reg.answer_idea(m, idea, decision="partly", reason="Only in summer", today=TODAY)
    with acting_as(m.id):
        idea.text = "Gardening club"
        db.session.commit()
    versions = db.session.scalars(select(version_class(type(idea))).filter_by(id=idea.id)
                                  .order_by(text("transaction_id"))).all()
    assert [v.operation_type for v in versions] == [0, 1, 1]  # insert, update, update
    assert versions[1].changeset["decision"] == [None, "partly"]
    assert versions[2].changeset["text"] == ["Gardening", "Gardening club"]
    assert versions[0].transaction.user_id is None  # sent from a phone: nobody signed in
    assert versions[2].transaction.user_id == m.id and versions[2].transaction.issued_at


def test_the_migration_carries_the_old_plan_actions_over(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO organisation (id, name, slug, created_at) "
                "VALUES (1, 'Old Org', 'old-org', CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO plan_action (organisation_id, theme_id, theme_label, change, "
                "owner, due_on, status, public_sentence, updated_at, created_at) VALUES "
                "(1, 't3', 'Transport', 'Earlier bus', 'Transport team', '2026-09-01', "
                "'done', 'You said buses were late, we moved the time', "
                "'2026-05-02 10:00:00+00', '2026-04-01 10:00:00+00')"))
        upgrade()
        with db.engine.connect() as conn:
            work = conn.execute(text("SELECT id, kind, title, public_code FROM work")).one()
            action = conn.execute(text(
                "SELECT work_id, theme_label, change, public_sentence, status, moved_on "
                "FROM plan_action")).one()
            days = conn.execute(text("SELECT answer_days FROM organisation")).scalar()
        assert work.kind == "organisation_plan" and len(work.public_code) == 8
        assert action.work_id == work.id and action.theme_label == "Transport"
        assert action.public_sentence == "You said buses were late, we moved the time"
        assert str(action.moved_on) == "2026-05-02" and days == 28
        db.engine.dispose()


def test_a_facilitator_keeps_to_their_services_and_reviews_are_not_dated_ahead(org):
    facilitator = _user(Role.FACILITATOR.value)
    oak, elm = (db.session.scalar(select(Service).filter_by(slug=s)) for s in ("oak", "elm"))
    with pytest.raises(RegisterError) as refused:  # even as its facilitator
        reg.save_work(facilitator, title="Elm plan", kind="plan", service_id=elm.id,
                      facilitator_id=facilitator.id)
    assert refused.value.field == "scope"
    db.session.rollback()
    mine = reg.save_work(facilitator, title="Oak plan", kind="plan", service_id=oak.id)
    whole = reg.save_work(facilitator, title="Transport", kind="project",
                          facilitator_id=facilitator.id)  # the whole organisation: theirs
    assert mine.service_id == oak.id and whole.service_id is None
    with pytest.raises(RegisterError) as refused:
        reg.review_work(facilitator, mine, what_changed="x",
                        reviewed_on=reg.today_() + timedelta(days=1))
    assert refused.value.field == "reviewed_on"
    idea = reg.raise_idea(mine, "A Saturday club", source="staff")
    from decimal import Decimal

    with pytest.raises(RegisterError) as refused:
        reg.answer_idea(facilitator, idea, decision="not_included", reason="Too dear",
                        cost=Decimal("-5"))
    assert refused.value.field == "cost" and idea.decision is None
