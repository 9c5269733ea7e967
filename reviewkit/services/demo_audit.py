"""The demo's co-production self-audit: three rounds for the whole organisation, six months
apart (the last one still open), and one for a service, answered through the same service
functions as the phone pages, with a story: scores rise from round to round, and staff see it
more rosily than the people supported do. Some groups are under 5 in a round, to show that
their numbers are hidden."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Invitation, Organisation, Response, Service, Survey, User
from . import audit
from . import responses as rsp
from .banks import latest_version
from .clock import months_before

RATINGS = ("not-yet", "starting", "doing-well", "leading")
RUNGS = ("informing", "consulting", "involving", "co-producing")
# How each group sees it, on top of the round's own level (staff see it more rosily).
LEAN = {"people-supported": 0.0, "families": 0.2, "staff": 0.8, "managers": 1.0,
        "partners": 0.4}
# Responses per group in each round: managers and partners are under 5 in the first (their
# numbers are hidden; together they are 5, so everyone's are not).
SIZES = [{"people-supported": 8, "families": 5, "staff": 9, "managers": 3, "partners": 2},
         {"people-supported": 10, "families": 6, "staff": 8, "managers": 5, "partners": 5},
         {"people-supported": 12, "families": 7, "staff": 9, "managers": 5, "partners": 5}]
LEVELS = [1.5, 2.1, 2.7]  # the level people supported see, round by round
LANGUAGES = ["en"] * 6 + ["cy", "ur", "pl"]
# What some people wrote when asked "What shows this? Give an example." (the results page shows
# them under each principle, names taken out: "Mary" and "Jo" show that).
EXAMPLES = {
    "people-centred-evidence": [
        "We asked Mary what a good day looks like before we changed the rota.",
        "People chose the new menu at the house meeting.",
        "Still too often staff decide first and tell people after."],
    "across-silos-evidence": [
        "The housing officer now comes to reviews.",
        "Health and social care still keep separate notes."],
    "outcomes-evidence": [
        "Plans say what people want to achieve, not only the hours.",
        "With a travel buddy, Jo now goes to college on her own."],
    "trusted-relationships-evidence": [
        "Mostly the same support workers every week.",
        "Agency staff change often, so people repeat their story."],
    "enabling-evidence": [
        "People run the knit-and-natter group themselves.",
        "Two people we support sit on the interview panel."],
    "ideas-and-plans-evidence": [
        "The garden idea from the event is happening.",
        "Nobody got back to us about the bus idea."],
}
# And at the end, "What we will do next" (statements: one thing a line).
NEXT = {
    "keep-doing": [["Coffee mornings"], ["Asking people before we change things"],
                   ["The easy read newsletter"]],
    "not-working-yet": [["Meeting papers come too late"], ["Evening meetings are hard to get to"]],
    "ideas": [["People we support on every interview panel"], ["A bus pass buddy scheme"]],
}


def answer(link: Invitation, values: Mapping[str, object], *, language: str = "en",
           sent: datetime | None = None) -> Response:
    """One response to a round's link, answered and sent as the phone pages do (consent, one
    answer at a time, send); ``sent`` backdates it for the demo."""
    response = rsp.start_response(link, language=language)
    rsp.set_consent(response, pooled=True)
    for question_id, value in values.items():
        rsp.save_answer(response, question_id, value)
    rsp.submit(response)
    if sent is not None:
        response.submitted_at = response.created_at = sent
        db.session.commit()
    return response


def _values(bank, groups: list[str], level: float, rnd: random.Random) -> dict[str, object]:
    lean = sum(LEAN[g] for g in groups) / len(groups)
    values: dict[str, object] = {"who-took-part": groups}
    for q in bank.questions:
        if [c.value for c in q.choices][:4] != list(RATINGS):
            continue
        if rnd.random() < 0.08:
            values[q.id] = "not-sure"
            continue
        score = min(4, max(1, round(level + lean + rnd.gauss(0, 0.6))))
        values[q.id] = RATINGS[score - 1]
    step = min(3, max(0, round(level - 1 + lean + rnd.gauss(0, 0.6))))
    values["ladder"] = "not-sure" if rnd.random() < 0.06 else RUNGS[step]
    return values


def _round(admin: User, service: Service | None, opens: date, closes: date, title: str,
           sizes: dict[str, int], level: float, rnd: random.Random, today: date) -> Survey:
    survey = audit.open_round(admin, service_id=service.id if service else None,
                              closes_on=closes, title=title, today=opens)
    link = audit.link_of(survey)
    bank = survey.bank_version.bank
    last = min(closes, today)
    people = [[g] for g, n in sizes.items() for _ in range(n)]
    people.append(["people-supported", "families", "staff"])  # a group, on the tablet
    rnd.shuffle(people)
    responses, answers = [], []
    wrote = random.Random(len(people))  # its own draws: the ratings' story stays as it was
    for groups in people:  # added in bulk, as the demo's check-ins are (answer() is one phone)
        day = opens + timedelta(days=rnd.randrange((last - opens).days + 1))
        sent = min(datetime.combine(day, time(9 + rnd.randrange(8)), UTC), datetime.now(UTC))
        key, language = secrets.token_urlsafe(24), rnd.choice(LANGUAGES)
        responses.append({
            "resume_key": key, "invitation_id": link.id, "survey_id": survey.id,
            "bank_version_id": survey.bank_version_id, "language": language,
            "easy_read": False, "consent_pooled": True, "submitted_at": sent,
            "created_at": sent, "updated_at": sent})
        values = _values(bank, groups, level, rnd)
        if language == "en":
            values |= {qid: wrote.choice(texts) for qid, texts in EXAMPLES.items()
                       if bank.question(qid) is not None and wrote.random() < 0.3}
            values |= {qid: wrote.choice(said) for qid, said in NEXT.items()
                       if bank.question(qid) is not None and wrote.random() < 0.25}
        answers.append((key, values, sent, language))
    rsp.insert_sent(responses, answers)
    if closes < today:
        audit.close_round(admin, survey, today=closes)
    return survey


def build(organisation: Organisation, services: Mapping[str, Service] | Iterable[Service],
          now: date, rnd: random.Random | None = None) -> list[Survey]:
    """The demo's rounds (see the module's doc); returns them, the oldest first."""
    rnd = rnd or random.Random(16)
    admin = db.session.scalar(select(User).where(
        User.organisation_id == organisation.id, User.role == "admin").order_by(User.id))
    if admin is None or latest_version(audit.BANK) is None:
        return []
    services = list(services.values()) if isinstance(services, Mapping) else list(services)
    made = []
    for i, (sizes, level) in enumerate(zip(SIZES, LEVELS, strict=True)):
        opens = months_before(now, 6 * (len(SIZES) - 1 - i)) - timedelta(days=7)
        name = (f"Self-audit {opens:%B %Y}")
        made.append(_round(admin, None, opens, opens + timedelta(days=28), name, sizes, level,
                           rnd, now))
    if services:
        opens = months_before(now, 3)
        made.append(_round(admin, services[0], opens, opens + timedelta(days=21),
                           f"Self-audit {services[0].name}", SIZES[1], 2.4, rnd, now))
    return made
