"""Indicators people chose: every kind of value worked out from data made here and compared
with a hand count, at the edges of months and quarters in British Summer Time, with small
numbers hidden; the rules for making one and entering numbers by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import (
    Organisation,
    Person,
    PlanAction,
    Response,
    Role,
    Service,
    User,
)
from reviewkit.services import indicators as svc
from reviewkit.services import invitations as inv
from reviewkit.services import register as reg
from reviewkit.services import responses as rsp
from reviewkit.services import reviews as rv
from reviewkit.services.banks import latest_version
from reviewkit.services.indicator_values import compute

TODAY = date(2026, 6, 15)


@pytest.fixture
def world(staff_app):
    """The staff app on 15 June 2026, with its organisation, services and staff."""
    staff_app.config["TODAY"] = TODAY
    with staff_app.test_request_context():
        org = db.session.scalar(select(Organisation))
        oak, elm = (db.session.scalar(select(Service).filter_by(slug=s)) for s in ("oak", "elm"))
        users = {u.role: u for u in db.session.scalars(select(User))}
        yield org, oak, elm, users


def _checkins(service, faces_at: list[tuple[str, datetime]], language: str = "en") -> None:
    """Submitted monthly check-ins at ``service``: the listened-to face and when it was sent."""
    version = latest_version("monthly-check-in")
    survey = inv.survey_for(version, service, service.organisation)
    for (face, sent), invitation in zip(faces_at, inv.create_invitations(
            survey, count=len(faces_at)), strict=True):
        response = rsp.start_response(invitation, language=language)
        rsp.set_consent(response, True)
        rsp.save_answer(response, "listened-to", face)
        rsp.submit(response)
        db.session.get(Response, response.id).submitted_at = sent
    db.session.commit()


def _make(users, role=Role.ADMIN, **fields):
    base = {"name": "People feel listened to", "easy_read": None, "pictogram": None,
            "measures": "outcome", "source": "answers", "question": "monthly-check-in/listened-to",
            "options": ["3"], "frequency": "month"}
    return svc.save_indicator(users[role], **{**base, **fields})


def _values(result, key="all") -> dict[str, tuple]:
    line = next(line for line in result.lines if line.key == key)
    return {p.period: (p.value, p.n, p.state) for p in line.points}


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_answers_share_counts_by_local_month_at_the_edges(world):
    org, oak, _elm, users = world
    # 31 March 23:30 UTC is 00:30 on 1 April in British Summer Time: April.
    # 31 January 23:30 UTC is 23:30 in GMT: January.
    _checkins(oak, [("3", _utc(2026, 1, 31, 23, 30)), ("3", _utc(2026, 1, 1, 0, 0)),
                    ("1", _utc(2026, 1, 15)), ("2", _utc(2026, 1, 20)), ("3", _utc(2026, 1, 2)),
                    ("3", _utc(2026, 3, 31, 23, 30)), ("3", _utc(2026, 4, 1, 10)),
                    ("3", _utc(2026, 4, 30, 22, 59)), ("1", _utc(2026, 4, 2)),
                    ("2", _utc(2026, 4, 3)), ("2", _utc(2026, 4, 30, 23, 1))])
    ind = _make(users, target=70)
    got = _values(compute(ind, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]))
    # January: 3,3,1,2,3 -> 3 of 5 happy; April: 3,3,3,1,2 (23:01 UTC on 30 April is May)
    assert got["2026-01"] == (60.0, 5, "shown")
    assert got["2026-04"] == (60.0, 5, "shown")
    assert got["2026-02"] == (None, 0, "none")
    # March has no answer left in it, and May has one: fewer than 5, hidden with its count
    assert got["2026-03"] == (None, 0, "none")
    assert got["2026-05"] == (None, None, "hidden")
    result = compute(ind, ["2026-01", "2026-04"])
    assert [p.met for p in result.whole.points] == [False, False]


def test_quarters_and_a_split_by_service_hide_groups_under_five(world):
    org, oak, elm, users = world
    _checkins(oak, [("3", _utc(2026, 1, 5 + i)) for i in range(4)]
              + [("1", _utc(2026, 3, 31, 22, 0))])  # 22:00 UTC on 31 March: still Q1
    _checkins(elm, [("3", _utc(2026, 2, 1)), ("1", _utc(2026, 2, 2)), ("1", _utc(2026, 2, 3))])
    ind = _make(users, frequency="quarter", breakdown="service")
    result = compute(ind, ["2026-Q1", "2026-Q2", "2026-Q3"])
    assert _values(result)["2026-Q1"] == (62.5, 8, "shown")  # 5 of 8 across both
    assert _values(result, f"service:{oak.id}")["2026-Q1"] == (80.0, 5, "shown")
    assert _values(result, f"service:{elm.id}")["2026-Q1"] == (None, None, "hidden")
    # the quarter after today has not started: no value, never a zero
    assert _values(result)["2026-Q3"] == (None, None, "future")
    assert [str(line.name) for line in result.lines] == ["Whole organisation", "Elm Court",
                                                     "Oak House"]


def _review(users, service, held_on, contributors: int, *, on_phone=False, actions=()):
    person = Person(organisation_id=service.organisation_id, service=service, display_name="Al")
    db.session.add(person)
    db.session.commit()
    review = rv.start_review(users[Role.ADMIN], person, latest_version("person-centred-review"),
                             held_on)
    for i in range(contributors):
        rv.add_contributor(review, f"P{i}", "family")
    for due, done in actions:
        action = rv.add_action(review, what="Ring the college", who="Sam", due_on=due)
        if done:
            action.done_at = done
    if on_phone:
        survey = inv.survey_for(review.bank_version, service, service.organisation)
        response = rsp.start_response(inv.create_invitations(survey, count=1)[0])
        review.response_id = response.id
    db.session.commit()
    return review


def test_people_taking_part_counts_and_hides_one_service_by_subtraction(world):
    org, oak, elm, users = world
    _review(users, oak, date(2026, 5, 1), 3)
    _review(users, oak, date(2026, 5, 31), 4)  # the last day of May
    _review(users, elm, date(2026, 5, 20), 2)
    _review(users, elm, date(2026, 4, 30), 6)  # April
    ind = _make(users, source="figure", figure="people_taking_part", breakdown="service",
                question=None, options=None)
    assert ind.unit == "count"
    result = compute(ind, ["2026-03", "2026-04", "2026-05"])
    # each review: the person and the others at it
    assert _values(result)["2026-05"] == (12.0, 12, "shown")
    assert _values(result, f"service:{elm.id}")["2026-05"][2] == "hidden"  # 3
    # Oak's 9 would give Elm's 3 away as 12 - 9: hidden too
    assert _values(result, f"service:{oak.id}")["2026-05"] == (None, None, "hidden")
    assert _values(result)["2026-04"] == (7.0, 7, "shown")
    assert _values(result, f"service:{elm.id}")["2026-04"] == (7.0, 7, "shown")
    assert _values(result)["2026-03"] == (0.0, 0, "shown")  # nobody: a real zero


def test_reviews_on_the_phone_and_actions_by_their_date(world):
    org, oak, _elm, users = world
    may = [date(2026, 5, d) for d in (2, 9, 16, 23, 30)]
    for i, day in enumerate(may):
        _review(users, oak, day, 1, on_phone=i < 2, actions=[
            # done at 23:30 UTC on 31 May: 00:30 on 1 June in British Summer Time
            (date(2026, 5, 31), _utc(2026, 5, 31, 23, 30) if i == 0 else None),
            (date(2026, 5, 10), _utc(2026, 5, 9) if i < 3 else None)])
    phone = _make(users, source="figure", figure="reviews_on_phone", question=None)
    assert _values(compute(phone, ["2026-05"]))["2026-05"] == (40.0, 5, "shown")
    actions = _make(users, source="figure", figure="actions_done_by_date", question=None)
    # 10 actions due in May: 3 done by 10 May; the one done at 23:30 UTC on 31 May is 00:30
    # on 1 June in British Summer Time: late. A plan action done on time makes 4 of 11; one
    # due in June (after today) does not count yet.
    work = reg.save_work(users[Role.ADMIN], title="Day plan", kind="local_plan")
    db.session.add(PlanAction(organisation_id=org.id, work_id=work.id, change="More trips",
                              owner="Team", due_on=date(2026, 6, 30), status="planned"))
    db.session.add(PlanAction(organisation_id=org.id, work_id=work.id, change="A bus",
                              owner="Team", due_on=date(2026, 5, 20), status="done",
                              done_at=_utc(2026, 5, 19)))
    db.session.commit()
    got = _values(compute(actions, ["2026-05", "2026-06"]))
    assert got["2026-05"] == (36.4, 11, "shown")
    assert got["2026-06"] == (None, 0, "none")


def test_ideas_answered_within_the_promised_time(world):
    org, oak, _elm, users = world
    org.answer_days = 28
    work = reg.save_work(users[Role.ADMIN], title="Day plan", kind="local_plan",
                         service_id=oak.id)
    raised = [date(2026, 3, 4) + timedelta(days=i) for i in range(6)]  # due 1-6 April
    ideas = [reg.raise_idea(work, f"Idea {i}", source="staff", today=day)
             for i, day in enumerate(raised)]
    # answered on the due day, a day late, and early; three never answered
    for idea, on in zip(ideas, [date(2026, 4, 1), date(2026, 4, 3), date(2026, 3, 20)],
                        strict=False):
        reg.answer_idea(users[Role.ADMIN], idea, decision="included", today=on)
    late = reg.raise_idea(work, "Due in June", source="staff", today=date(2026, 5, 30))
    assert late.raised_on + timedelta(days=28) > TODAY
    ind = _make(users, source="figure", figure="ideas_answered_in_time", question=None,
                target=90)
    got = _values(compute(ind, ["2026-04", "2026-06"]))
    assert got["2026-04"] == (round(100 * 2 / 6, 1), 6, "shown")
    assert got["2026-06"] == (None, 0, "none")  # not due by today


def test_stalled_work_at_the_end_of_each_month(world):
    org, oak, _elm, users = world
    work = reg.save_work(users[Role.ADMIN], title="Day plan", kind="local_plan")
    for i in range(5):
        reg.raise_idea(work, f"Idea {i}", source="staff", today=date(2026, 1, 10))
    answered = reg.raise_idea(work, "Answered", source="staff", today=date(2026, 1, 10))
    reg.answer_idea(users[Role.ADMIN], answered, decision="included", today=date(2026, 3, 1))
    ind = _make(users, source="figure", figure="stalled_work", question=None, good="down")
    got = _values(compute(ind, ["2026-02", "2026-03", "2026-04"]))
    # end of February: raised 10 January, not 2 months yet (none stalled: a real zero); end
    # of March: the five still open are stalled (the answered one is closed); end of April:
    # the same five
    assert got["2026-02"] == (0.0, 0, "shown")
    assert got["2026-03"] == (5.0, 5, "shown")
    assert got["2026-04"] == (5.0, 5, "shown")


def test_languages_people_answered_in(world):
    org, oak, _elm, users = world
    _checkins(oak, [("3", _utc(2026, 5, d)) for d in (1, 2, 3)], language="cy")
    _checkins(oak, [("3", _utc(2026, 5, d)) for d in (4, 5, 6, 7)], language="ur")
    _checkins(oak, [("3", _utc(2026, 5, d)) for d in (8, 9, 10)])
    ind = _make(users, source="figure", figure="other_languages", question=None)
    assert _values(compute(ind, ["2026-05"]))["2026-05"] == (70.0, 10, "shown")


def test_hand_entered_numbers_keep_their_history_and_refuse_bad_input(world):
    org, oak, elm, users = world
    ind = _make(users, source="entered", unit="count", question=None,
                name="People in paid work", breakdown="service", frequency="quarter")
    admin = users[Role.ADMIN]
    svc.enter_value(admin, ind, period="2026-q1", value=7, service_id=oak.id)
    svc.enter_value(admin, ind, period="2026-Q1", value=8, service_id=oak.id, note="Recount")
    svc.enter_value(admin, ind, period="2026-Q1", value=3, service_id=elm.id)
    svc.enter_value(admin, ind, period="2026-Q2", value=6, service_id=oak.id)
    result = compute(ind, ["2026-Q1", "2026-Q2"])
    assert _values(result, f"service:{oak.id}")["2026-Q2"] == (6, None, "shown")
    assert _values(result, f"service:{elm.id}")["2026-Q1"][2] == "hidden"  # 3 people
    # the whole (11) with Oak's 8 would give Elm's 3 away: Oak is hidden too
    assert _values(result, f"service:{oak.id}")["2026-Q1"][2] == "hidden"
    assert _values(result)["2026-Q1"][0] == 11  # the newest of Oak's two (8), and Elm's 3
    assert [(h.value, h.note) for h in svc.history(ind)][-2:] == [(8, "Recount"), (7, None)]
    for fields, field, words in [
            ({"period": "2026-Q3", "value": 2}, "period", "not started yet"),
            ({"period": "2026-13", "value": 2}, "period", "like 2026-Q1"),
            ({"period": "2026-Q1", "value": None}, "value", "Enter a number"),
            ({"period": "2026-Q1", "value": 2.5}, "value", "whole number"),
            ({"period": "2026-Q1", "value": 2, "service_id": 999}, "where", "from the list")]:
        with pytest.raises(svc.IndicatorError) as refused:
            svc.enter_value(admin, ind, **fields)
        assert refused.value.field == field and words in str(refused.value.message)
    db.session.rollback()
    assert len(svc.history(ind)) == 4


def test_making_an_indicator_checks_what_the_form_sends(world):
    org, oak, elm, users = world
    for fields, field in [({"question": "monthly-check-in/nope"}, "question"),
                          ({"options": ["7"]}, "options"), ({"options": []}, "options"),
                          ({"target": 120.0}, "target"), ({"source": "magic"}, "source"),
                          ({"service_id": 9999}, "scope"), ({"name": " "}, "name"),
                          ({"source": "figure", "figure": "weather"}, "figure")]:
        with pytest.raises(svc.IndicatorError) as refused:
            _make(users, **fields)
        assert refused.value.field == field
    facilitator = users[Role.FACILITATOR]  # works at Oak House only
    with pytest.raises(svc.IndicatorError):
        _make(users, role=Role.FACILITATOR, service_id=elm.id)
    mine = _make(users, role=Role.FACILITATOR, service_id=oak.id)
    theirs = _make(users, service_id=elm.id)
    assert svc.may_change(facilitator, mine) and not svc.may_change(facilitator, theirs)
    assert not svc.may_see(facilitator, theirs)  # staff named for services see theirs
    elm_only = users[Role.MANAGER]
    elm_only.services.append(elm)
    db.session.commit()
    assert not svc.may_see(elm_only, mine) and svc.indicator_for(elm_only, mine.id) is None


def test_an_indicator_whose_question_left_its_bank_says_so(world):
    org, oak, _elm, users = world
    ind = _make(users)
    ind.question_id = "a-question-since-removed"
    db.session.commit()
    result = compute(ind, ["2026-05"])
    assert "no longer in the bank" in result.warnings[0]
    assert _values(result)["2026-05"] == (None, 0, "none")
