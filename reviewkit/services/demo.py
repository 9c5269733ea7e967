"""Demo data: Riverside Support, eight services in three areas (North, South, and West, where
most people speak Welsh), staff logins, a few dozen answered phone responses in English, Welsh
and Urdu, about 4,000 pooled statements over the last eight quarters (English, Welsh, Urdu and a
little Polish), monthly check-ins over the last year, a co-production register (three
pieces of work with partners, ideas in every state, actions and their history:
:mod:`.demo_register`) and local events (two past, with votes and local plans, and one open for
voting now: :mod:`.demo_events`) and the co-production self-audit (three rounds for the whole
organisation and one for a service: :mod:`.demo_audit`) and indicators of every kind, worked
out from all of that (:mod:`.demo_indicators`).

The statements tell a story a commissioner would notice: transport not working, growing every
quarter in the West; staff changes at Harbour View in the last two quarters (and its check-ins
dropping); boredom at weekends in the North until a Saturday club started; work and volunteering
growing in the South; cooking and holiday ideas everywhere, holidays more in spring and summer.
Two services are small (a few statements a quarter), so their numbers stay hidden. The data is
the same every time (a fixed random seed; dates counted back from today). Running it again adds
nothing twice."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from ..banks import QuestionType
from ..extensions import db
from ..models import Area, Organisation, Service, Statement
from ..models.base import utcnow
from . import invitations as inv
from . import responses as rsp
from .banks import latest_version

DEMO_SLUG = "riverside-demo"
SEED = 20261123

# Short statements a person might say, by statement kind, in the phone answers' languages.
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

# name, slug, area, pooled statements a quarter (at the busiest), languages (weights).
# The first two get the phone responses; the last two are small, so their numbers stay hidden.
SERVICES = [
    ("Oak House", "oak-house", "North", 100, {"en": 18, "pl": 1}),
    ("Riverside Day Service", "riverside-day", "South", 120, {"en": 7, "ur": 3}),
    ("Elm Court", "elm-court", "North", 80, {"en": 18, "pl": 2}),
    ("Harbour View", "harbour-view", "South", 80, {"en": 6, "ur": 4}),
    ("Tŷ Celyn", "ty-celyn", "West", 90, {"cy": 6, "en": 4}),
    ("Bryn Glas Community Team", "bryn-glas", "West", 60, {"cy": 5, "en": 5}),
    ("Moorside Short Breaks", "moorside", "North", 8, {"en": 1}),
    ("Willow Lodge", "willow-lodge", "South", 6, {"en": 3, "ur": 1}),
]
PHONE_SERVICES = ("oak-house", "riverside-day")
QUARTERS = 8  # of statements, up to this one
MONTHS = 12  # of check-ins, up to this one

# How often each topic comes up, by kind (before the patterns below).
MIX: dict[str, dict[str, float]] = {
    "transport": {"not_working": 15, "working": 3, "idea": 3},
    "staff": {"working": 12, "not_working": 6},
    "cooking": {"idea": 10, "working": 2},
    "holiday": {"idea": 6, "working": 1.5},
    "job": {"working": 6, "idea": 1.5},
    "weekends": {"not_working": 4, "working": 4},
    "money": {"not_working": 3, "idea": 1},
    "sport": {"working": 8, "idea": 2},
    "doctor": {"not_working": 3, "working": 1},
    "say": {"idea": 3, "not_working": 1},
    "food": {"working": 4.5, "not_working": 1.5},
}
# What people say: topic -> kind -> language -> phrasings; {x} is one of the topic's WORDS.
# A language missing for a topic and kind falls back to English.
SAID: dict[str, dict[str, dict[str, list[str]]]] = {
    "transport": {
        "not_working": {
            "en": ["The bus to {x} is always late", "There is no bus to {x} any more",
                   "The taxi to {x} did not come", "I cannot get to {x} since the bus stopped"],
            "cy": ["Mae'r bws i'r {x} yn hwyr yn aml", "Does dim bws i'r {x} rhagor",
                   "Mae'n anodd cyrraedd y {x} heb fws"],
            "ur": ["{x} کی بس اکثر دیر سے آتی ہے", "{x} جانے کے لیے بس نہیں ہے",
                   "ٹیکسی نہیں آئی"],
            "pl": ["Autobus do {x} zawsze się spóźnia"],
        },
        "working": {
            "en": ["The new bus pass is great", "The minibus to {x} is on time now"],
            "cy": ["Mae'r bws mini yn dod ar amser nawr"],
            "ur": ["نیا بس پاس بہت اچھا ہے"],
        },
        "idea": {
            "en": ["A minibus to {x} on Saturdays would help", "I would like to learn to use "
                   "the bus to {x} on my own"],
            "cy": ["Hoffwn i ddysgu mynd ar y bws ar fy mhen fy hun"],
        },
    },
    "staff": {
        "working": {
            "en": ["The staff {x} are kind", "My support worker listens to me",
                   "Staff {x} help me a lot", "I like my key worker"],
            "cy": ["Mae'r staff yn garedig", "Mae fy ngweithiwr cymorth yn gwrando arna i",
                   "Mae'r staff yn fy helpu llawer"],
            "ur": ["عملہ بہت مہربان ہے", "میرا معاون کارکن میری بات سنتا ہے"],
            "pl": ["Personel jest bardzo miły"],
        },
        "not_working": {
            "en": ["Staff change too often {x}", "I never know who is coming to help me {x}",
                   "Too many agency staff {x}", "My key worker left and nobody told me"],
            "cy": ["Mae'r staff yn newid yn rhy aml", "Dydw i byth yn gwybod pwy sy'n dod"],
            "ur": ["عملہ بہت جلدی بدل جاتا ہے", "مجھے نہیں پتا کون آئے گا"],
            "pl": ["Personel zmienia się za często"],
        },
    },
    "cooking": {
        "idea": {
            "en": ["I want to learn to cook {x}", "Cooking lessons would be good",
                   "I would like to make {x} myself"],
            "cy": ["Hoffwn i ddysgu coginio", "Hoffwn i ddysgu coginio {x}",
                   "Byddai gwersi coginio yn dda"],
            "ur": ["میں کھانا پکانا سیکھنا چاہتا ہوں", "میں {x} بنانا سیکھنا چاہتی ہوں"],
            "pl": ["Chcę nauczyć się gotować"],
        },
        "working": {
            "en": ["I cooked {x} for my friends", "I cook {x} on my own now"],
            "cy": ["Rydw i'n coginio {x} fy hun nawr"],
        },
    },
    "holiday": {
        "idea": {
            "en": ["I would like to go on holiday to {x}", "A trip to {x} would be nice",
                   "More days out to {x}"],
            "cy": ["Hoffwn i fynd ar wyliau", "Hoffwn i fynd i {x}",
                   "Byddai trip i {x} yn braf"],
            "ur": ["میں چھٹیوں پر جانا چاہتا ہوں", "میں {x} جانا چاہتی ہوں"],
        },
        "working": {
            "en": ["The trip to {x} was great"],
            "cy": ["Roedd y trip i {x} yn wych"],
        },
    },
    "job": {
        "working": {
            "en": ["My job at the {x} is going well", "I like working at the {x}",
                   "Volunteering at the {x} is good"],
            "cy": ["Rydw i'n mwynhau gweithio yn y {x}"],
            "ur": ["مجھے {x} میں کام کرنا پسند ہے"],
        },
        "idea": {
            "en": ["I want to get a paid job", "I would like to work at the {x}"],
            "ur": ["میں نوکری کرنا چاہتا ہوں"],
        },
    },
    "weekends": {
        "not_working": {
            "en": ["I get bored {x}", "There is nothing to do {x}", "I am lonely {x}"],
            "cy": ["Rydw i'n diflasu ar y penwythnos", "Does dim byd i'w wneud gyda'r nos"],
            "ur": ["ہفتے کے آخر میں میں بور ہوتا ہوں", "شام کو کچھ کرنے کو نہیں ہوتا"],
            "pl": ["Nudzę się w weekendy"],
        },
        "working": {
            "en": ["The Saturday club is great", "I like the new evening club",
                   "I see my friends at the Saturday club"],
            "cy": ["Mae'r clwb dydd Sadwrn yn wych"],
        },
    },
    "money": {
        "not_working": {
            "en": ["Help with {x} is confusing", "I worry about {x}", "Nobody explains {x} to me"],
            "cy": ["Rydw i'n poeni am arian", "Mae'r biliau yn ddryslyd"],
            "ur": ["مجھے {x} کی فکر ہے"],
        },
        "idea": {
            "en": ["I would like help to understand {x}"],
        },
    },
    "sport": {
        "working": {
            "en": ["I go to the gym on {x}", "Swimming on {x} is great",
                   "I play football on {x}"],
            "cy": ["Rydw i'n mynd i nofio ar ddydd {x}", "Rydw i'n chwarae pêl-droed"],
            "ur": ["میں {x} کو تیراکی کے لیے جاتا ہوں"],
        },
        "idea": {
            "en": ["I want to join a football team", "I would like to try climbing",
                   "I would like to try swimming on {x}"],
        },
    },
    "doctor": {
        "not_working": {
            "en": ["I wait too long for the {x}", "Getting to the {x} is hard",
                   "My {x} appointment was cancelled"],
            "cy": ["Rydw i'n aros yn rhy hir am y meddyg"],
            "ur": ["ڈاکٹر کے لیے بہت انتظار کرنا پڑتا ہے"],
        },
        "working": {
            "en": ["The new nurse explains things well"],
        },
    },
    "say": {
        "idea": {
            "en": ["I want to be asked about {x}", "Tell me about {x} earlier",
                   "I would like a say in {x}"],
            "cy": ["Hoffwn i gael dweud fy marn am {x}"],
        },
        "not_working": {
            "en": ["Nobody told me about the meeting", "Nobody asked me about {x}"],
        },
    },
    "food": {
        "working": {
            "en": ["The food at {x} is lovely", "I like the meals at {x}"],
            "cy": ["Mae'r bwyd yn flasus"],
            "ur": ["کھانا بہت مزیدار ہے"],
        },
        "not_working": {
            "en": ["The food at {x} is the same every week"],
        },
    },
}
WORDS: dict[str, dict[str, list[str]]] = {
    "transport": {"en": ["college", "town", "the day centre", "work", "the shops"],
                  "cy": ["coleg", "dref", "siopau", "gwaith", "ganolfan"],
                  "ur": ["کالج", "بازار", "کام"], "pl": ["pracy", "miasta"]},
    "staff": {"en": ["at night", "at weekends", "at home", "at the house"]},
    "cooking": {"en": ["pasta", "curry", "breakfast", "cakes", "a Sunday dinner"],
                "cy": ["pasta", "cacennau", "brecwast", "cinio dydd Sul"],
                "ur": ["بریانی", "روٹی", "کیک"]},
    "holiday": {"en": ["the seaside", "Blackpool", "the zoo", "London"],
                "cy": ["lan y môr", "Aberystwyth", "Dinbych-y-pysgod"],
                "ur": ["سمندر کے کنارے", "لندن"]},
    "job": {"en": ["café", "garden centre", "library", "charity shop"],
            "cy": ["caffi", "llyfrgell", "siop elusen"], "ur": ["کیفے", "لائبریری", "دکان"]},
    "weekends": {"en": ["at weekends", "in the evenings", "on Sundays"]},
    "money": {"en": ["money", "bills", "benefits", "my bank card"], "ur": ["پیسوں", "بلوں"]},
    "sport": {"en": ["Tuesdays", "Saturdays", "Mondays", "Sundays"],
              "cy": ["Mawrth", "Sadwrn", "Llun"], "ur": ["منگل", "ہفتے"]},
    "doctor": {"en": ["doctor", "dentist", "hospital"]},
    "say": {"en": ["meetings", "my review", "changes at home", "who supports me"],
            "cy": ["newidiadau", "fy adolygiad"]},
    "food": {"en": ["home", "the centre", "lunch club"]},
}
SECTION_OF = {"working": ("working-not-working", "working"),
              "not_working": ("working-not-working", "not-working"),
              "idea": ("my-future", "learn-and-try")}


def _pattern(topic: str, kind: str, area: str, slug: str, i: int, quarter: int) -> float:
    """How much more (or less) often a topic and kind come up in a service and quarter: ``i``
    counts the quarters from the oldest (0); ``quarter`` is 1 to 4 in the year."""
    if topic == "transport" and kind == "not_working" and area == "West":
        return 1 + 0.6 * i  # the rural buses were cut: worse every quarter
    if topic == "staff" and slug == "harbour-view" and i >= QUARTERS - 2:
        return 5.0 if kind == "not_working" else 0.3  # a new manager, many staff leaving
    if topic == "weekends" and area == "North":  # a Saturday club started a year ago
        before = i < QUARTERS - 4
        return (3.0 if before else 0.6) if kind == "not_working" else (0.2 if before else 2.5)
    if topic == "holiday":
        return 2.0 if quarter in (2, 3) else 1.0
    if topic == "job" and area == "South":
        return 0.5 + 0.25 * i  # an employment scheme: growing
    if topic == "money" and area == "South":
        return 2.5
    return 1.0


@dataclass
class Demo:
    organisation: Organisation
    link: str
    voting_link: str = ""  # the event open for voting now
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    created: bool = False  # made just now (False when the demo was there already)


def _organisation() -> tuple[Organisation, bool]:
    org = db.session.scalar(select(Organisation).filter_by(slug=DEMO_SLUG))
    if org is not None:
        return org, False
    org = Organisation(name="Riverside Support (demo)", slug=DEMO_SLUG)
    areas = {name: Area(organisation=org, name=name) for name in ("North", "South", "West")}
    db.session.add_all([org, *areas.values()])
    for name, slug, area, _n, _languages in SERVICES:
        db.session.add(Service(organisation=org, area=areas[area], name=name, slug=slug))
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


def _services(org: Organisation) -> dict[str, Service]:
    return {s.slug: s for s in org.services}


def _answered_responses(org: Organisation, rnd: random.Random) -> None:
    """Ten phone responses to each of two banks for each of the first two services, answered
    through the same functions as the phone pages (so statements are made from them)."""
    languages = ["en"] * 6 + ["cy"] * 2 + ["ur"] * 2
    services = _services(org)
    for bank_id in ("person-centred-review", "monthly-check-in"):
        version = latest_version(bank_id)
        if version is None:
            continue
        for service in (services[slug] for slug in PHONE_SERVICES):
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


def _quarter_starts(today: date, n: int) -> list[date]:
    """The first days of the last ``n`` quarters, oldest first, this one last."""
    year, q = today.year, (today.month - 1) // 3
    starts = []
    for _ in range(n):
        starts.append(date(year, 3 * q + 1, 1))
        year, q = (year, q - 1) if q else (year - 1, 3)
    return starts[::-1]


def _month_starts(today: date, n: int) -> list[date]:
    year, month, starts = today.year, today.month, []
    for _ in range(n):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _days(start: date, end: date, today: date) -> int:
    """How many days from ``start`` (before ``end``) have happened by ``today``."""
    return max(1, (min(end, today + timedelta(days=1)) - start).days)


def _pick(rnd: random.Random, weights: dict[str, float]) -> str:
    return rnd.choices(list(weights), list(weights.values()))[0]


def _said(rnd: random.Random, topic: str, kind: str, lang: str) -> tuple[str, str]:
    """A statement on ``topic`` of ``kind`` in ``lang`` (English when there is none)."""
    phrasings = SAID[topic][kind]
    lang = lang if lang in phrasings else "en"
    words = WORDS.get(topic, {})
    text = rnd.choice(phrasings[lang])
    if "{x}" in text:
        text = text.replace("{x}", rnd.choice(words.get(lang) or words["en"]))
    return text[:1].upper() + text[1:], lang


def _pooled_statements(org: Organisation, rnd: random.Random, today: date) -> int:
    """The statements of reviews held over the last QUARTERS quarters (more every quarter, as
    the reviews were rolled out), added in bulk; returns how many."""
    services = _services(org)
    starts = _quarter_starts(today, QUARTERS)
    ends = starts[1:] + [date(today.year + (today.month > 9), (starts[-1].month + 2) % 12 + 1, 1)]
    now, rows = utcnow(), []
    for _name, slug, area, size, languages in SERVICES:
        service = services[slug]
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            days = _days(start, end, today)
            volume = (0.6 + 0.7 * i / (QUARTERS - 1)) * days / (end - start).days
            weights = {(t, k): w * _pattern(t, k, area, slug, i, (start.month + 2) // 3)
                       for t, kinds in MIX.items() for k, w in kinds.items()}
            for _ in range(round(size * volume)):
                topic, kind = rnd.choices(list(weights), list(weights.values()))[0]
                text, lang = _said(rnd, topic, kind, _pick(rnd, languages))
                section, question = SECTION_OF[kind]
                rows.append({
                    "organisation_id": org.id, "service_id": service.id,
                    "bank_id": "person-centred-review", "section_id": section,
                    "question_id": question, "kind": kind, "kind_confidence": 1.0,
                    "text": text, "language": lang, "pooled": True, "position": 0,
                    "said_on": start + timedelta(days=rnd.randrange(days)),
                    "created_at": now, "updated_at": now})
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(Statement), rows[chunk:chunk + 2000])
    db.session.commit()
    return len(rows)


def _check_ins(org: Organisation, rnd: random.Random, today: date) -> int:
    """Monthly check-ins (the picture-face questions only) for every service over the last
    MONTHS months, added in bulk; Harbour View's drop in its last three months. Returns how
    many responses."""
    version = latest_version("monthly-check-in")
    if version is None:
        return 0
    questions = [q for q in version.bank.questions
                 if q.type in (QuestionType.SCALE, QuestionType.YES_NO)]
    services = _services(org)
    months = _month_starts(today, MONTHS)
    responses, answers = [], []
    for _name, slug, _area, size, languages in SERVICES:
        service = services[slug]
        survey = inv.survey_for(version, service, org)
        invitation = inv.create_invitations(survey, single_use=False)[0]
        for m, start in enumerate(months):
            hard = slug == "harbour-view" and m >= MONTHS - 3
            # sad, OK, happy: happier month by month; reversed at Harbour View's hard months
            faces = [1, 2, 2 + m / 3] if not hard else [3, 2, 1]
            for _ in range(max(0, round(size / 12 + rnd.uniform(-1.5, 1.5)))):
                day = start + timedelta(days=rnd.randrange(_days(start, start + timedelta(
                    days=28), today)))
                sent = datetime.combine(day, time(10 + rnd.randrange(7)), UTC)
                key, lang = secrets.token_urlsafe(24), _pick(rnd, languages)
                responses.append({
                    "resume_key": key, "invitation_id": invitation.id, "survey_id": survey.id,
                    "bank_version_id": version.id, "language": lang if lang != "pl" else "en",
                    "easy_read": rnd.random() < 0.4, "consent_pooled": True,
                    "submitted_at": sent, "created_at": sent, "updated_at": sent})
                values: dict[str, str] = {}
                for q in questions:
                    if q.show_if and values.get(q.show_if.question) not in q.show_if.any_of:
                        continue
                    if q.type == QuestionType.YES_NO:
                        values[q.id] = rnd.choice(["yes", "no"])
                    else:
                        values[q.id] = str(rnd.choices([1, 2, 3], faces)[0])
                answers.append((key, values, sent, responses[-1]["language"]))
    return rsp.insert_sent(responses, answers)


# People the demo facilitator supports at Oak House (name, reference, language, easy read,
# agreed to share), and the review held with the first, with what each person said.
PEOPLE = [("Jo", "OAK-101", "en", True, True), ("Sam", "OAK-102", "en", False, True),
          ("Rhys", "OAK-103", "cy", True, False)]
REVIEW_SAID = [
    ("like-and-admire", "strength", "person", "I make people laugh"),
    ("like-and-admire", "strength", "family", "Jo is kind to everyone"),
    ("important-to-me", "important_to", "person", "Seeing my mum every Sunday"),
    ("my-future", "idea", "person", "I want to learn to cook"),
    ("important-for-me", "important_for", "staff", "Taking my tablets on time"),
    ("working-not-working", "working", "person", "I like my support workers"),
    ("working-not-working", "not_working", "family", "The bus to college is often late"),
]


def _people_and_review(org: Organisation, today: date) -> None:
    """People with consent at Oak House, where the demo facilitator works, and a review with
    the first of them under way (what people said and two actions), so that the facilitator's
    login has people and a review to open on the tablet."""
    from ..models import User
    from . import people as people_svc
    from . import reviews as rv

    facilitator = db.session.scalar(select(User).filter_by(organisation_id=org.id,
                                                           role="facilitator"))
    version = latest_version("person-centred-review")
    if facilitator is None or version is None:
        return
    oak = _services(org)[PHONE_SERVICES[0]]
    if oak not in facilitator.services:
        facilitator.services.append(oak)
    people = []
    for name, reference, lang, easy, shares in PEOPLE:
        person = people_svc.create_person(facilitator, display_name=name, reference=reference,
                                          service_id=oak.id, language=lang, easy_read=easy)
        people_svc.record_consent(facilitator, person, scope="review", given=True,
                                  note="Agreed at their review meeting")
        people_svc.record_consent(facilitator, person, scope="pooled", given=shares)
        people.append(person)
    review = rv.start_review(facilitator, people[0], version, today - timedelta(days=3))
    who = {"person": review.contributors[0].id,
           "family": rv.add_contributor(review, "Ann (mum)", "family").id,
           "staff": rv.add_contributor(review, "Priya", "staff").id}
    for section, kind, role, text in REVIEW_SAID:
        rv.add_statement(review, section, who[role], kind, text)
    rv.add_action(review, what="Find a cooking class near Oak House", who="Priya",
                  due_on=today + timedelta(days=30))
    rv.add_action(review, what="Ask the college about an earlier bus", who="Ann",
                  due_on=today + timedelta(days=14))


def build_demo() -> Demo:
    from .demo_audit import build as build_audit
    from .demo_events import build_events, open_event, voting_link
    from .demo_indicators import build_indicators
    from .demo_register import build_register
    from .users import ensure_demo_users

    org, created = _organisation()
    demo = Demo(organisation=org, link="", created=created)
    demo.logins = ensure_demo_users(org)  # first: the register's work has a facilitator
    if created:
        rnd, today = random.Random(SEED), date.today()
        _answered_responses(org, rnd)
        _pooled_statements(org, rnd, today)
        _check_ins(org, rnd, today)
        build_register(org, today, random.Random(SEED + 1))
        build_events(org, today, random.Random(SEED + 2))
        build_audit(org, _services(org), today, random.Random(SEED + 3))
        build_indicators(org, today, random.Random(SEED + 4))
        _people_and_review(org, today)
    from .banks import all_latest

    version = latest_version("person-centred-review") or next(iter(all_latest()), None)
    if version is not None:
        survey = inv.survey_for(version, _services(org)[PHONE_SERVICES[0]], org)
        invitation = inv.create_invitations(survey, easy_read=True, single_use=False)[0]
        demo.link = inv.invitation_url(invitation)
    if (voting := open_event(org)) is not None:
        demo.voting_link = voting_link(voting)
    db.session.commit()
    return demo
