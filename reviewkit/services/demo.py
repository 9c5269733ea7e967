"""Demo data: an organisation with two services, staff logins and a few dozen answered responses
in English, Welsh and Urdu. Running it again adds nothing twice."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..banks import QuestionType
from ..extensions import db
from ..models import Area, Organisation, Service
from ..models.base import utcnow
from . import invitations as inv
from . import responses as rsp
from .banks import latest_version

DEMO_SLUG = "riverside-demo"

# Short statements a person might say, by statement kind, in the demo's three languages.
STATEMENTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "strength": ["I am kind to my friends", "I make people laugh", "I am good at gardening",
                     "I always remember birthdays", "I work hard at college"],
        "important_to": ["Seeing my mum every Sunday", "Going swimming on Tuesdays",
                         "Having my own room", "My cat, Biscuit", "Listening to music"],
        "important_for": ["Taking my tablets on time", "Help with money and bills",
                          "Someone to come with me to the doctor", "Eating healthy food"],
        "working": ["I like my support workers", "My new job at the café is going well",
                    "The staff listen to me", "I go to the gym with Sam"],
        "not_working": ["The bus to college is often late", "I get bored at weekends",
                        "Staff change too often", "I cannot get to the shops on my own",
                        "Nobody told me about the meeting"],
        "idea": ["I want to learn to cook", "I would like to go on holiday",
                 "I want to join a football team", "More evening activities"],
    },
    "cy": {
        "strength": ["Rydw i'n garedig", "Rydw i'n dda am arddio"],
        "important_to": ["Gweld fy mam bob dydd Sul", "Mynd i nofio"],
        "important_for": ["Cymryd fy nhabledi ar amser"],
        "working": ["Rydw i'n hoffi fy ngweithwyr cymorth", "Mae'r staff yn gwrando arna i"],
        "not_working": ["Mae'r bws i'r coleg yn hwyr yn aml", "Rydw i'n diflasu ar y penwythnos"],
        "idea": ["Hoffwn i ddysgu coginio", "Hoffwn i fynd ar wyliau"],
    },
    "ur": {
        "strength": ["میں اپنے دوستوں کے ساتھ مہربان ہوں", "میں باغبانی میں اچھا ہوں"],
        "important_to": ["ہر اتوار اپنی امی سے ملنا", "موسیقی سننا"],
        "important_for": ["وقت پر دوائی لینا"],
        "working": ["مجھے اپنے معاون کارکن پسند ہیں", "عملہ میری بات سنتا ہے"],
        "not_working": ["کالج کی بس اکثر دیر سے آتی ہے", "ہفتے کے آخر میں میں بور ہوتا ہوں"],
        "idea": ["میں کھانا پکانا سیکھنا چاہتا ہوں", "میں چھٹیوں پر جانا چاہتا ہوں"],
    },
}


@dataclass
class Demo:
    organisation: Organisation
    link: str
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    created: bool = False  # made just now (False when the demo was there already)


def _organisation() -> tuple[Organisation, bool]:
    org = db.session.scalar(select(Organisation).filter_by(slug=DEMO_SLUG))
    if org is not None:
        return org, False
    org = Organisation(name="Riverside Support (demo)", slug=DEMO_SLUG)
    north, south = Area(organisation=org, name="North"), Area(organisation=org, name="South")
    db.session.add_all([
        org, north, south,
        Service(organisation=org, area=north, name="Oak House", slug="oak-house"),
        Service(organisation=org, area=south, name="Riverside Day Service", slug="riverside-day"),
    ])
    db.session.commit()
    return org, True


def _answer_for(question, lang: str, rnd: random.Random):
    if question.type in (QuestionType.FREE_TEXT, QuestionType.SHORT_TEXT, QuestionType.STATEMENTS):
        pool = STATEMENTS[lang]
        kinds = [k.value for k in question.kinds] or ["working", "not_working", "idea"]
        picks = [rnd.choice(pool.get(k) or pool["working"]) for k in kinds for _ in range(2)]
        picks = list(dict.fromkeys(picks))
        if question.type == QuestionType.STATEMENTS:
            return picks
        return picks[0] if question.type == QuestionType.SHORT_TEXT else ". ".join(picks)
    values = [c.value for c in question.effective_choices()]
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return rnd.sample(values, k=min(2, len(values)))
    return rnd.choice(values)


def _answered_responses(org: Organisation, rnd: random.Random) -> None:
    languages = ["en"] * 6 + ["cy"] * 2 + ["ur"] * 2
    for bank_id in ("person-centred-review", "monthly-check-in"):
        version = latest_version(bank_id)
        if version is None:
            continue
        for service in org.services:
            survey = inv.survey_for(version, service, org)
            for i in range(10):
                lang = languages[i % len(languages)]
                invitation = inv.create_invitations(
                    survey, language=lang, easy_read=(i % 3 == 0),
                    person_ref=f"DEMO-{rnd.randint(1000, 9999)}",
                )[0]
                response = rsp.start_response(invitation, language=lang)
                rsp.set_consent(response, pooled=(i % 4 != 0))
                for q in version.bank.questions:
                    if not rsp.is_visible(q, rsp.current_values(response)):
                        continue
                    if not q.required and rnd.random() < 0.15:
                        rsp.save_answer(response, q.id, None, skipped=True)
                        continue
                    rsp.save_answer(response, q.id, _answer_for(q, lang, rnd))
                response.created_at = utcnow() - timedelta(days=rnd.randint(1, 120))
                rsp.submit(response)


def build_demo() -> Demo:
    org, created = _organisation()
    if created:
        _answered_responses(org, random.Random(20261123))
    demo = Demo(organisation=org, link="", created=created)
    from .users import ensure_demo_users

    demo.logins = ensure_demo_users(org)
    from .banks import all_latest

    version = latest_version("person-centred-review") or next(iter(all_latest()), None)
    if version is not None:
        survey = inv.survey_for(version, org.services[0], org)
        invitation = inv.create_invitations(survey, easy_read=True, single_use=False)[0]
        demo.link = inv.invitation_url(invitation)
    db.session.commit()
    return demo
