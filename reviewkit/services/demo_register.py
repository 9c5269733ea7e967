"""The demo's co-production register: three pieces of work told as a story over the last year,
made through the register's own service functions (so the history is the one they write).

- **Riverside Big Plan**, the organisation plan, made at a Working Together for Change day;
- **Tŷ Celyn local plan** (part of the Big Plan), made by the demo facilitator, who works at
  Tŷ Celyn, with the tenants, mostly in Welsh;
- **Visiting policy**, two years old, reviewed last year and due for its yearly review soon.

Each has partners credited as they chose (by name, by organisation only, not at all),
signatures and parts with dates. The ideas came in by phone, typed by staff, from a review
statement and from themes, in English, Welsh and Urdu, some credited by name, some by an
organisation, some not at all; they are in every state: waiting (one overdue, one stalled with
nobody looking into it yet), included with actions done ("you said, we did"), started and
planned, partly included, not included (with a reason and what it would cost) and not yet
(with a reason and a date to decide by). One action has not moved for months and a manager
has recorded why.

Dates: every step happens on its own day, counted back from today. While a step runs, the
app's ``TODAY`` setting (what :func:`~reviewkit.services.register.today_` reads) is that day,
so the services date it as they would have then, and the history's transaction is stamped with
it, so the timeline reads as the story happened. Both are put back when the demo is made.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import event, select

from ..extensions import db
from ..models import Organisation, PlanAction, Service, Statement, User, Work
from ..models.history import acting_as, versioning_manager
from . import plans
from . import register as reg
from .users import DEMO_USERS

ORG, LOCAL, POLICY = "org", "local", "policy"
LOCAL_SERVICE = "ty-celyn"
FACILITATOR_SERVICES = ("ty-celyn", "oak-house")  # where the demo facilitator works


@dataclass(frozen=True)
class Act:
    """An action of an included idea. Days count from today (negative: that many days ago)."""

    change: str
    owner: str
    made: int  # the day it was agreed
    starts: int
    due: int
    status: str  # at first
    moved: int | None = None  # a later change on this day: the finish date moved to new_due
    new_due: int | None = None
    done: int | None = None  # the day it was done, with "you said, we did"
    said: str | None = None


@dataclass(frozen=True)
class Said:
    """An idea and what came of it."""

    work: str  # ORG, LOCAL or POLICY
    text: str
    raised: int
    source: str = "phone"
    language: str = "en"
    credit: str = "none"
    credit_as: str | None = None
    raised_by: str | None = None  # kept for staff, as the person agreed
    decision: str | None = None
    answered: int | None = None
    reason: str | None = None
    cost: str | None = None
    cost_note: str | None = None
    decide_by: int | None = None  # "not yet": decided by this day (after today)
    statement: str | None = None  # from a review: a pooled statement at Tŷ Celyn with this word
    actions: tuple[Act, ...] = ()


WORKS = {
    ORG: dict(
        title="Riverside Big Plan", kind="organisation_plan", made=-300,
        summary="Our plan for the whole of Riverside Support, made with the people we support, "
                "their families and our partners at the Working Together for Change day. Each "
                "service's local plan is part of it.",
        easy_read="This is our Big Plan.\nWe made it with you.\nIt says what we will change, "
                  "who will do it and by when."),
    LOCAL: dict(
        title="Tŷ Celyn local plan", kind="local_plan", made=-200,
        summary="What tenants at Tŷ Celyn asked for at their meetings, in Welsh and English, "
                "and what we are doing about it.",
        easy_read="Tenants at Tŷ Celyn told us what they want.\nThis plan says what we will "
                  "do."),
    POLICY: dict(
        title="Visiting policy", kind="policy", made=-720,
        summary="When and how friends, family and pets can visit people in our houses.",
        easy_read="Who can visit you at home, and when."),
}
PARTNERS = {  # kind, name, credit, organisation, role
    ORG: [
        ("organisation", "Riverside People First", "name", None,
         "Self-advocacy group: ran the listening events"),
        ("person", "Priya Shah", "name", "Riverside People First", "Co-chair of the plan group"),
        ("person", "Dewi Jones", "organisation", "Tŷ Celyn tenants' group",
         "Brought the tenants' ideas"),
        ("person", "Sam Taylor", "none", None, "Family carer"),
        ("organisation", "Riverside Council transport team", "none", None,
         "Advice on buses and taxis"),
    ],
    LOCAL: [
        ("organisation", "Tŷ Celyn tenants' group", "name", None, "Tenants' meetings"),
        ("person", "Gwen Morgan", "name", None, "Tenant: chaired the meetings in Welsh"),
        ("person", "Rhys Price", "none", None, "Tenant"),
    ],
    POLICY: [
        ("organisation", "Riverside Carers' Group", "name", None, "Families' views"),
        ("person", "Ayesha Khan", "organisation", "Riverside Carers' Group",
         "Asked the families"),
        ("person", "Jordan Lee", "none", None, "Tenant at Oak House"),
    ],
}
SIGNATURES = {  # name, capacity, day
    ORG: [("Jo Evans", "Chief executive, Riverside Support", -295),
          ("Priya Shah", "For Riverside People First", -295),
          ("Dewi Jones", "For Tŷ Celyn tenants' group", -200)],
    LOCAL: [("Gwen Morgan", "Tenant", -195), ("Carys Hughes", "Team leader, Tŷ Celyn", -195)],
    POLICY: [("Jo Evans", "Chief executive, Riverside Support", -715),
             ("Ayesha Khan", "For Riverside Carers' Group", -715)],
}
PARTS = {  # title, starts, finishes (added when the work is made)
    ORG: [("Listening events in every service", -290, -250),
          ("Working Together for Change day", -240, -240),
          ("Answer every idea", -239, -210),
          ("Local plans agreed", -210, -180),
          ("Actions under way", -180, 60),
          ("Yearly review with partners", 55, 65)],
    LOCAL: [("Tenants' meetings in Welsh and English", -200, -185),
            ("Try a Saturday minibus", -140, 60),
            ("Look back with the tenants", 60, 70)],
    POLICY: [("Ask people and families what they think", -720, -690),
             ("Write the policy in easy read", -690, -670)],
}
POLICY_REVIEW = -350  # reviewed then, open for ideas for two months; due again within a month

IDEAS = [
    # --- the Big Plan: themes from the Working Together for Change day, and ideas since
    Said(ORG, "Staff change too often, and nobody tells us who is coming", -240, "theme",
         decision="included", answered=-225, actions=(Act(
             "Give each person two named key workers, and tell them before someone new comes",
             "Head of support", -224, -220, -120, "in_progress", done=-130,
             said="Each person now has two named key workers, and we tell you before "
                  "someone new comes."),)),
    Said(ORG, "The country buses were cut, so people cannot get to college or to town",
         -240, "theme", decision="partly", answered=-225,
         reason="We cannot bring back the council's bus. We will pay for taxis to college for "
                "people who have no other way to get there, and ask the council for a new "
                "route.",
         cost="24000", cost_note="Taxis to college for 12 people, for a year",
         actions=(Act("Taxis to college for everyone in the countryside who has no other way "
                      "to get there", "Area manager", -224, -200, -150, "in_progress", done=-160,
                      said="We now pay for a taxi to college for everyone in the countryside "
                           "who has no other way to get there."),
                  Act("Ask the council, with Riverside People First, for a new country bus "
                      "route", "Chief executive", -180, -180, 0, "in_progress", moved=-30,
                      new_due=45))),
    Said(ORG, "There is nothing to do at weekends and in the evenings", -240, "theme",
         decision="included", answered=-225, actions=(Act(
             "Saturday clubs in every area, like the one that started in the North",
             "Area managers", -224, -180, -90, "in_progress", done=-95,
             said="There are now Saturday clubs in every area, like the one that "
                  "started in the North."),)),
    Said(ORG, "Nobody asks us about changes at home", -240, "theme", decision="included",
         answered=-225, actions=(Act(
             "A house meeting every month, with the agenda in easy read", "Team leaders",
             -224, -200, -100, "in_progress", done=-110,
             said="Every house now has a meeting each month, with the agenda in easy read, "
                  "so you can have your say about changes at home."),)),
    Said(ORG, "Put the Big Plan on the website in easy read, so we can read it ourselves",
         -230, credit="name", credit_as="Priya Shah", raised_by="Priya Shah",
         decision="included", answered=-215, actions=(Act(
             "The Big Plan on our website in easy read, with pictures and read aloud",
             "Communications officer", -214, -214, -190, "in_progress", done=-200,
             said="The Big Plan is on our website in easy read, with pictures, and you can "
                  "listen to it."),)),
    Said(ORG, "خاندانوں کو خط انگریزی کے ساتھ اردو میں بھی بھیجیں", -235, language="ur",
         credit="name", credit_as="Imran", decision="included", answered=-220, actions=(Act(
             "Send letters and the easy-read plan in Urdu and Welsh as well as English",
             "Communications officer", -20, 14, 120, "planned"),)),
    Said(ORG, "Pay people we support to help interview new staff", -226, "staff",
         decision="included", answered=-212, actions=(Act(
             "Pay people we support to sit on interview panels, with training first",
             "HR manager", -150, -150, -10, "in_progress", moved=-40, new_due=30),)),
    Said(ORG, "Pay for everyone to go to the gym", -228, "staff", credit="organisation",
         credit_as="Riverside Carers' Group", decision="not_included", answered=-210,
         reason="We cannot pay for everyone's gym from the support budget. Instead we will "
                "help everyone apply for the council's half-price leisure card.",
         cost="18000", cost_note="A year at the gym for 60 people"),
    Said(ORG, "A swimming pool at the day centre", -200, decision="not_included",
         answered=-185,
         reason="A pool would cost far more than we could ever raise. We have booked the "
                "leisure centre pool every Tuesday instead.",
         cost="450000", cost_note="Building a small pool"),
    Said(ORG, "A pub night at the day centre", -190, "staff", decision="not_included",
         answered=-176,
         reason="The day centre's lease does not allow alcohol. There is a social evening at "
                "the pub next door every month instead."),
    Said(ORG, "I would like to go on holiday to the seaside", -220, "statement",
         decision="not_yet", answered=-20,
         reason="We are asking families and the council whether shared holidays can be paid "
                "for. We will decide when we know the cost.", decide_by=40,
         statement="holiday"),
    Said(ORG, "Help to open a bank account of my own", -75, "staff"),  # stalled, overdue
    Said(ORG, "Hold the big meeting in the afternoon, not first thing", -45),  # overdue
    Said(ORG, "A newsletter every month, with pictures", -6),
    # --- Tŷ Celyn: the tenants' meetings, mostly in Welsh
    Said(LOCAL, "Hoffwn i ddysgu mynd ar y bws ar fy mhen fy hun", -190, language="cy",
         decision="included", answered=-176, actions=(Act(
             "Travel training two mornings a week with a support worker",
             "Team leader, Tŷ Celyn", -175, -160, -70, "in_progress", done=-75,
             said="Six people had travel training, and four now go to town by bus on their "
                  "own."),)),
    Said(LOCAL, "Bws mini i'r dref bob dydd Sadwrn", -185, "staff", language="cy",
         credit="organisation", credit_as="Tŷ Celyn tenants' group", raised_by="Dewi Jones",
         decision="partly", answered=-172,
         reason="We will run a minibus to town on the first Saturday of each month. Every "
                "Saturday would cost more than the service's whole transport budget.",
         cost="7800", cost_note="A driver and fuel for every Saturday, for a year",
         actions=(Act("A minibus to town on the first Saturday of each month",
                      "Team leader, Tŷ Celyn", -171, -140, -10, "in_progress", moved=-25,
                      new_due=60),)),
    Said(LOCAL, "Cooking lessons", -180, "statement", language="cy", decision="included",
         answered=-170, statement="coginio", actions=(Act(
             "Cooking lessons in the new kitchen, in Welsh and English",
             "Team leader, Tŷ Celyn", -150, -150, -30, "in_progress", moved=-100),)),
    Said(LOCAL, "Tŷ haf yn yr ardd", -160, "staff", language="cy", credit="name",
         credit_as="Huw", decision="not_included", answered=-150,
         reason="The garden belongs to the housing association, which will not allow a "
                "building in it. They have agreed to two raised beds instead.",
         cost="12000", cost_note="A summer house with power"),
    Said(LOCAL, "Staff who speak Welsh at night", -165, "theme", decision="not_yet",
         answered=-30,
         reason="We are recruiting two Welsh-speaking night staff. When the recruitment "
                "round closes we will know whether every night can be covered.",
         decide_by=30),
    Said(LOCAL, "A quiet room for when the house is noisy", -40),  # overdue
    Said(LOCAL, "Mwy o staff sy'n siarad Cymraeg ar y penwythnos", -9, language="cy",
         credit="name", credit_as="Eleri"),
    # --- the Visiting policy, in the two months after last year's review
    Said(POLICY, "Let friends visit after 8 at night", -345, decision="partly", answered=-325,
         reason="Visits can go on until 9pm any day. Later than that needs the housemates to "
                "agree, because some people go to bed early.",
         actions=(Act("Visits until 9pm any day, and later when housemates agree",
                      "Head of support", -324, -324, -300, "in_progress", done=-305,
                      said="Friends can now visit until 9pm any day, and later when your "
                           "housemates agree."),)),
    Said(POLICY, "Let pets visit too", -340, "staff", credit="organisation",
         credit_as="Riverside Carers' Group", decision="included", answered=-325,
         actions=(Act("Pets can visit, with a note in the house diary the day before",
                      "Head of support", -324, -324, -300, "in_progress", done=-302,
                      said="Pets can now visit: just tell staff the day before."),)),
    Said(POLICY, "ملاقات کے وقت گھر والوں کو ساتھ کھانا کھانے دیں", -335, language="ur",
         credit="name", credit_as="Nasreen", decision="included", answered=-322,
         actions=(Act("Families can stay for a meal at visiting time", "Team leaders", -320,
                      -320, -290, "in_progress", done=-292,
                      said="Families can now stay for a meal when they visit: let the house "
                           "know the day before."),)),
    Said(POLICY, "No visitors at meal times", -338, "staff", decision="not_included",
         answered=-320,
         reason="Some people can only see their family at tea time. Each house will agree "
                "its own quiet times at its house meeting instead."),
]
STALLED_WHY = ("The kitchen refit was held up: the builder went out of business in the "
               "spring.")
STALLED_NEXT = ("A new builder starts next month. Until the kitchen is ready, lessons will "
                "start in the community centre kitchen.")


class _Clock:
    """The day a step of the story happens, and a time for each change made on it (so the
    history's entries keep their order)."""

    def __init__(self, rnd: random.Random):
        self.rnd, self.day, self.minute = rnd, None, 0

    def set(self, day: date) -> None:
        if day != self.day:
            self.day, self.minute = day, 9 * 60 + self.rnd.randrange(90)
        current_app.config["TODAY"] = day

    def stamp(self, _mapper, _connection, transaction) -> None:
        if self.day is not None:
            self.minute += 1 + self.rnd.randrange(3)
            transaction.issued_at = datetime.combine(self.day, time()) + timedelta(
                minutes=min(self.minute, 23 * 60))


@contextmanager
def _clock(rnd: random.Random) -> Iterator[_Clock]:
    missing = object()
    before = current_app.config.get("TODAY", missing)
    clock = _Clock(rnd)
    transaction = versioning_manager.transaction_cls
    event.listen(transaction, "before_insert", clock.stamp)
    try:
        yield clock
    finally:
        event.remove(transaction, "before_insert", clock.stamp)
        if before is missing:
            current_app.config.pop("TODAY", None)
        else:
            current_app.config["TODAY"] = before


class _Story:
    """The steps, each on its day; :meth:`tell` runs them oldest first."""

    def __init__(self, org: Organisation, today: date, rnd: random.Random):
        self.org, self.today, self.rnd = org, today, rnd
        users = {role.value: db.session.scalar(select(User).filter_by(email=email))
                 for email, _name, role in DEMO_USERS}
        self.facilitator, self.manager = users["facilitator"], users["manager"]
        self.services = {s.slug: s for s in org.services}
        self.works: dict[str, Work] = {}
        self.steps: list[tuple[int, int, Callable[[date], None]]] = []

    def on(self, offset: int, step: Callable[[date], None]) -> None:
        self.steps.append((offset, len(self.steps), step))

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def tell(self) -> None:
        with _clock(self.rnd) as clock:
            for offset, _n, step in sorted(self.steps):
                clock.set(self.day(offset))
                step(self.day(offset))

    def answerer(self, key: str) -> User:
        return self.facilitator if key == LOCAL else self.manager

    # ------------------------------------------------------------------ pieces of work

    def work(self, key: str) -> None:
        spec = WORKS[key]

        def make(day: date) -> None:
            fields = dict(title=spec["title"], kind=spec["kind"], summary=spec["summary"],
                          easy_read=spec["easy_read"], facilitator_id=self.facilitator.id,
                          manager_id=self.manager.id)
            if key == ORG:
                plan = reg.organisation_plan(self.org.id)
                work = reg.save_work(self.manager, plan, **fields)
            elif key == LOCAL:  # the facilitator makes it, for their service
                work = reg.save_work(self.facilitator, service_id=self.services[
                    LOCAL_SERVICE].id, parent_id=self.works[ORG].id, **fields)
            else:
                work = reg.save_work(self.manager, **fields)
            self.works[key] = work
            for title, starts, finishes in PARTS[key]:
                reg.add_part(user, work, title=title, starts_on=self.day(starts),
                             finishes_on=self.day(finishes))
            for kind, name, credit, organisation, role in PARTNERS[key]:
                reg.add_partner(user, work, kind=kind, name=name, credit=credit,
                                organisation=organisation, role=role)

        user = self.answerer(key)  # the facilitator keeps the local plan, the manager the rest
        self.on(spec["made"], make)
        for name, capacity, signed in SIGNATURES[key]:
            self.on(signed, lambda day, name=name, capacity=capacity: reg.add_signature(
                user, self.works[key], name=name, signed_on=day, capacity=capacity))

    def policy_review(self) -> None:
        def review(day: date) -> None:
            work = self.works[POLICY]
            reg.review_work(
                self.manager, work, reviewed_on=day, ideas_until=day + timedelta(days=60),
                what_changed="Looked at the policy again with tenants, families and staff. "
                             "It is open for new ideas for two months.")
            reg.add_part(self.manager, work, title="New ideas after the yearly review",
                         starts_on=day, finishes_on=day + timedelta(days=60))

        self.on(POLICY_REVIEW, review)

    # ------------------------------------------------------------------ ideas and actions

    def statement(self, word: str, before: date) -> Statement | None:
        """A pooled idea from a review at Tŷ Celyn (or anywhere) with ``word`` in it."""
        query = select(Statement).where(
            Statement.organisation_id == self.org.id, Statement.kind == "idea",
            Statement.text.contains(word), Statement.said_on <= before
        ).order_by(Statement.service_id != self.services[LOCAL_SERVICE].id,
                   Statement.said_on.desc(), Statement.id)
        return db.session.scalars(query.limit(20)).first()

    def idea(self, said: Said) -> None:
        made: dict[str, object] = {}

        def raise_(day: date) -> None:
            work = self.works[said.work]
            text, language, statement_id = said.text, said.language, None
            if said.statement:
                statement = self.statement(said.statement, day)
                if statement is not None:
                    text, language, statement_id = (statement.text, statement.language,
                                                    statement.id)
            staff = said.source in ("staff", "statement", "theme")
            made["idea"] = reg.raise_idea(
                work, text, source=said.source, today=day, language=language,
                raised_by=said.raised_by, name_agreed=said.raised_by is not None,
                credit=said.credit, credit_as=said.credit_as, statement_id=statement_id,
                entered_by=self.answerer(said.work) if staff else None)

        def answer(day: date) -> None:
            reg.answer_idea(
                self.answerer(said.work), made["idea"], decision=said.decision,
                reason=said.reason, today=day,
                decide_by=self.day(said.decide_by) if said.decide_by is not None else None,
                cost=Decimal(said.cost) if said.cost else None, cost_note=said.cost_note)

        self.on(said.raised, raise_)
        if said.decision:
            self.on(said.answered, answer)
        for act in said.actions:
            self.action(said, act, made)

    def action(self, said: Said, act: Act, made: dict) -> None:
        user = self.answerer(said.work)

        def agree(day: date) -> None:
            made[act] = reg.add_action(
                user, self.works[said.work], made["idea"], change=act.change, owner=act.owner,
                starts_on=self.day(act.starts), due_on=self.day(act.due), status=act.status)

        def move(day: date) -> None:
            with acting_as(user.id):
                if act.new_due is not None:
                    plans.update_action(made[act], due_on=self.day(act.new_due))
                else:  # the cooking lessons: a new owner, then nothing for months
                    plans.update_action(made[act], owner="Facilities manager")

        def finish(day: date) -> None:
            action: PlanAction = made[act]
            action.done_at = datetime.combine(day, time(16), UTC)  # kept when done
            with acting_as(user.id):
                plans.update_action(action, status="done", public_sentence=act.said)

        self.on(act.made, agree)
        if act.moved is not None:
            self.on(act.moved, move)
        if act.done is not None:
            self.on(act.done, finish)
        if act.moved is not None and act.new_due is None:  # stalled since: looked into
            self.on(-20, lambda day: reg.investigate(
                self.manager, made[act], why=STALLED_WHY, next_steps=STALLED_NEXT,
                new_date=day + timedelta(days=65), today=day))


def build_register(org: Organisation, today: date, rnd: random.Random) -> None:
    """The demo's pieces of work, ideas, answers, actions, investigations and review, made
    through the register's services as if over the last two years (call it once, when the
    demo organisation is made)."""
    story = _Story(org, today, rnd)
    facilitator = story.facilitator
    for slug in FACILITATOR_SERVICES:
        service: Service = story.services[slug]
        if service not in facilitator.services:
            facilitator.services.append(service)
    db.session.commit()
    for key in (ORG, LOCAL, POLICY):
        story.work(key)
    story.policy_review()
    for said in IDEAS:
        story.idea(said)
    story.tell()
