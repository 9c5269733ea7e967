"""Results of the co-production self-audit, round by round: per principle and per group, the
score, how many answered, the gap between how people supported and staff see it, the change
since the last round of the same scope, and where people put the service on the ladder of
participation. Built once as plain tables (:mod:`reviewkit.reports.table`): the page, the PDF
and the spreadsheet show the same rows.

- A score is the average of every rating given in a principle's section (not yet = 1,
  starting = 2, doing well = 3, leading = 4); "not sure" is left out and counted separately.
- A response counts once in each group it ticked (a group answering together on the tablet
  ticks several) and once in "everyone".
- A group with fewer than 5 responses shows neither a score nor a count. "Everyone" is hidden
  too where the responses in hidden groups, and in no shown group, number 1 to 4: its score
  would otherwise give theirs away by subtraction.
- A gap or a change is shown only when both of its numbers are shown.
- The examples people gave under a principle (its free-text answers: "What shows this?") are
  shown, masked, where that principle's "everyone" is shown, and hidden where it is; they are
  not part of the services' themes and gap analysis (``services.themes.about_services``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from ..banks import Bank
from ..banks.schema import TEXT_TYPES
from ..extensions import db
from ..localise import InLanguage, translate
from ..models import Answer, Response, Survey
from ..services.audit import same_scope
from .suppression import is_small
from .table import HIDDEN, Column, Document, Table, count

GROUPS = ("people-supported", "families", "staff", "managers", "partners")
EVERYONE = "everyone"
PRINCIPLES = ("people-centred", "across-silos", "outcomes-focused", "trusted-relationships",
              "enabling", "ideas-and-plans", "meetings")
SCORES = {"not-yet": 1, "starting": 2, "doing-well": 3, "leading": 4}
NOT_SURE = "not-sure"
RUNGS = ("informing", "consulting", "involving", "co-producing")
WHO, LADDER = "who-took-part", "ladder"
PEOPLE, STAFF = "people-supported", "staff"


@dataclass
class Cell:
    """One principle, one group, one round."""

    people: set[int] = field(default_factory=set)  # responses that answered (not sure too)
    total: int = 0  # the sum of the ratings
    ratings: int = 0
    not_sure: int = 0  # "not sure" answers
    hidden: bool = False

    @property
    def n(self) -> int:
        return len(self.people)

    @property
    def score(self) -> float | None:
        if self.hidden or not self.ratings:
            return None
        return round(self.total / self.ratings, 2)


@dataclass
class Rungs:
    """Where one group put the service on the ladder, in one round."""

    people: set[int] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    hidden: bool = False

    @property
    def n(self) -> int:
        return len(self.people)

    def share(self, rung: str) -> int | None:
        """The percentage who chose ``rung`` (or not sure), None when hidden or none."""
        if self.hidden or not self.people:
            return None
        return round(100 * self.counts.get(rung, 0) / self.n)


@dataclass
class RoundResults:
    survey: Survey
    principles: list[str]  # the principle sections this round's bank has, in order
    cells: dict[tuple[str, str], Cell]
    ladder: dict[str, Rungs]
    previous: RoundResults | None = None
    # principle -> the examples people gave there (masked, each in its own language, by
    # response); None where that principle's "everyone" is hidden
    examples: dict[str, list[InLanguage] | None] = field(default_factory=dict)
    # "What we will do next": question -> what people wrote (masked, in their own language);
    # None when the round has fewer than 5 responses (the page then shows none of it)
    next_steps: dict[str, list[InLanguage]] | None = field(default_factory=dict)

    def score(self, principle: str, group: str) -> float | None:
        cell = self.cells.get((principle, group))
        return cell.score if cell else None

    def gap(self, principle: str) -> float | None:
        """People supported minus staff, when both are shown."""
        ps, st = self.score(principle, PEOPLE), self.score(principle, STAFF)
        return None if ps is None or st is None else round(ps - st, 2)

    def change(self, principle: str, group: str) -> float | None:
        """Since the last round of the same scope, when both are shown."""
        if self.previous is None:
            return None
        now, before = self.score(principle, group), self.previous.score(principle, group)
        return None if now is None or before is None else round(now - before, 2)


def _rated(bank: Bank) -> dict[str, list[str]]:
    """Principle section -> its rating questions (those with the four-step scale)."""
    return {s.id: [q.id for q in s.questions
                   if [c.value for c in q.choices][:len(SCORES)] == list(SCORES)]
            for s in bank.sections if s.id in PRINCIPLES}


def _written(bank: Bank) -> dict[str, list[str]]:
    """Principle section -> its text questions (the example asked for as evidence)."""
    return {s.id: [q.id for q in s.questions if q.type in TEXT_TYPES]
            for s in bank.sections if s.id in PRINCIPLES}


NEXT_STEPS = "next-steps"  # the bank's last section: keep doing, not working yet, ideas


def _next_written(bank: Bank) -> list[str]:
    """The text questions of "What we will do next"."""
    return [q.id for s in bank.sections if s.id == NEXT_STEPS
            for q in s.questions if q.type in TEXT_TYPES]


def _pieces(value: Any) -> list[str]:
    """The texts of one answer (a list for a statements question)."""
    texts = value if isinstance(value, list) else [value]
    return [str(t).strip() for t in texts if isinstance(t, str) and t.strip()]


def _examples(answers: dict[int, dict[str, Any]], languages: dict[tuple[int, str], str],
              written: list[str], everyone: Cell) -> list[InLanguage] | None:
    """The examples of the responses counted in a principle's "everyone", masked (names,
    phone numbers, addresses out) and in their own language; None when it is hidden."""
    if everyone.hidden:
        return None
    return _texts(answers, languages, everyone.people, written)


def _texts(answers: dict[int, dict[str, Any]], languages: dict[tuple[int, str], str],
           responses: set[int], questions: list[str]) -> list[InLanguage]:
    """What ``responses`` wrote to ``questions``, masked and each in its own language."""
    from ..nlp import mask_personal

    found = []
    for rid in sorted(responses):
        for qid in questions:
            lang = languages.get((rid, qid)) or "en"
            found += [InLanguage(mask_personal(text, lang), lang)
                      for text in _pieces(answers[rid].get(qid))]
    return found


def _groups_of(value: Any) -> list[str]:
    ticked = value if isinstance(value, list) else [value]
    return [g for g in GROUPS if g in ticked] + [EVERYONE]


def _hide_small(cells: dict[str, Cell] | dict[str, Rungs]) -> None:
    """Primary suppression of each group, then "everyone" where the responses in no shown
    group number 1 to 4."""
    for group, cell in cells.items():
        cell.hidden = group != EVERYONE and is_small(cell.n)
    everyone = cells[EVERYONE]
    shown = set().union(*(c.people for g, c in cells.items() if g != EVERYONE and not c.hidden))
    everyone.hidden = is_small(everyone.n) or is_small(len(everyone.people - shown))


def results(survey: Survey, previous: RoundResults | None = None) -> RoundResults:
    """The results of one round (only sent responses count)."""
    bank = survey.bank_version.bank
    rated, written = _rated(bank), _written(bank)
    rows = db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value, Answer.language)
        .join(Response, Answer.response_id == Response.id)
        .where(Response.survey_id == survey.id, Response.submitted_at.is_not(None),
               Answer.skipped.is_(False))).all()
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    languages: dict[tuple[int, str], str] = {}
    for rid, qid, value, language in rows:
        answers[rid][qid] = value
        languages[(rid, qid)] = language
    cells = {(p, g): Cell() for p in rated for g in (*GROUPS, EVERYONE)}
    ladder = {g: Rungs() for g in (*GROUPS, EVERYONE)}
    for rid, given in answers.items():
        groups = _groups_of(given.get(WHO))
        for principle, questions in rated.items():
            values = [given.get(q) for q in questions]
            for group in groups:
                cell = cells[(principle, group)]
                for value in values:
                    if value in SCORES:
                        cell.total += SCORES[value]
                        cell.ratings += 1
                    elif value == NOT_SURE:
                        cell.not_sure += 1
                    else:
                        continue
                    cell.people.add(rid)
        if (rung := given.get(LADDER)) in (*RUNGS, NOT_SURE):
            for group in groups:
                ladder[group].people.add(rid)
                ladder[group].counts[rung] += 1
    for principle in rated:
        _hide_small({g: cells[(principle, g)] for g in (*GROUPS, EVERYONE)})
    _hide_small(ladder)
    examples = {p: _examples(answers, languages, written.get(p, []), cells[(p, EVERYONE)])
                for p in rated}
    sent = set(answers)
    next_steps = None if is_small(len(sent)) else {
        qid: _texts(answers, languages, sent, [qid]) for qid in _next_written(bank)}
    return RoundResults(survey, list(rated), cells, ladder, previous, examples, next_steps)


def history(survey: Survey) -> list[RoundResults]:
    """Every round of the same scope up to ``survey``, the oldest first, each knowing the one
    before (for the change since the last round)."""
    found: list[RoundResults] = []
    for one in same_scope(survey):
        if (one.period_start, one.id) > (survey.period_start, survey.id):
            break
        found.append(results(one, found[-1] if found else None))
    return found


# ---------------------------------------------------------------------------- words and tables


@dataclass(frozen=True)
class Words:
    """The principle, group and rung names in the page's language (the bank's own words,
    translated where a translation exists), and the round names."""

    principles: dict[str, InLanguage]
    groups: dict[str, InLanguage]
    rungs: dict[str, InLanguage]
    questions: dict[str, InLanguage] = field(default_factory=dict)  # "What we will do next"


def words(bank: Bank, lang: str) -> Words:
    def said(text: str, context: str) -> InLanguage:
        found = translate(bank, text, context, lang)
        return InLanguage(found.text, found.lang)

    principles = {s.id: said(s.title, f"{s.id}.text") for s in bank.sections
                  if s.id in PRINCIPLES}
    who, ladder = bank.question(WHO), bank.question(LADDER)
    groups = {c.value: said(c.label, f"{WHO}.{c.value}.label") for c in who.choices
              if c.value in GROUPS} if who else {}
    groups = {g: groups.get(g, InLanguage(g, "en")) for g in GROUPS}
    groups[EVERYONE] = InLanguage(_("Everyone"))
    rungs = {}
    for c in ladder.choices if ladder else []:
        label = said(c.label, f"{LADDER}.{c.value}.label")
        # "Informing - we decide, then tell people": the step's name is before the dash
        rungs[c.value] = InLanguage(label.split(" - ")[0].strip(), label.lang)
    questions = {qid: said(bank.question(qid).text, f"{qid}.text")
                 for qid in _next_written(bank)}
    return Words(principles, groups, rungs, questions)


def round_names(surveys: list[Survey]) -> list[str]:
    """Each round's day ('7 Dec 2026'), and its number among the rounds of its scope when
    another of them opened the same day ('7 Dec 2026 (round 3)'), so that no two columns
    round by round have the same heading. The rounds share a scope: it is read once."""
    scope = same_scope(surveys[0]) if surveys else []
    names = []
    for survey in surveys:
        day = format_date(survey.period_start, "d MMM y")
        number = next((i for i, one in enumerate(scope, 1) if one.id == survey.id), None)
        if number is None or sum(one.period_start == survey.period_start for one in scope) < 2:
            names.append(day)
        else:
            names.append(_("%(day)s (round %(n)d)", day=day, n=number))
    return names


def round_name(survey: Survey) -> str:
    """:func:`round_names` of one round."""
    return round_names([survey])[0]


def _hidden_or(value: Any, hidden: bool) -> Any:
    return HIDDEN if hidden else value


def scores_table(res: RoundResults, w: Words) -> Table:
    rows = []
    for p in res.principles:
        for g in (*GROUPS, EVERYONE):
            cell = res.cells[(p, g)]
            rows.append([w.principles[p], w.groups[g], count(None if cell.hidden else cell.n),
                         _hidden_or(cell.score, cell.hidden),
                         _hidden_or(cell.not_sure, cell.hidden or is_small(cell.not_sure)),
                         res.change(p, g)])
    return Table(_("Scores"), [
        Column(_("Principle"), key=True, width=40), Column(_("Group"), width=30),
        Column(_("Responses"), numeric=True), Column(_("Score (1 to 4)"), numeric=True),
        Column(_("Not sure"), numeric=True),
        Column(_("Change since the last round"), numeric=True)], rows,
        caption=_("Scores by principle and group"))


def gap_table(res: RoundResults, w: Words) -> Table:
    rows = [[w.principles[p], res.score(p, PEOPLE), res.score(p, STAFF), res.gap(p)]
            for p in res.principles]
    rows = [[r[0], *(HIDDEN if v is None else v for v in r[1:3]), r[3]] for r in rows]
    return Table(_("Gap"), [
        Column(_("Principle"), key=True, width=40),
        Column(str(w.groups[PEOPLE]), numeric=True), Column(str(w.groups[STAFF]), numeric=True),
        Column(_("Gap (people supported minus staff)"), numeric=True)], rows,
        caption=_("How people supported and staff see it"))


def ladder_table(res: RoundResults, w: Words) -> Table:
    steps = [*RUNGS, NOT_SURE]
    rows = [[w.groups[g], count(None if r.hidden else r.n),
             *(_hidden_or(r.share(s), r.hidden) for s in steps)]
            for g, r in ((g, res.ladder[g]) for g in (*GROUPS, EVERYONE))]
    names = [str(w.rungs.get(s, s)) for s in RUNGS] + [_("Not sure")]
    return Table(_("Ladder"), [
        Column(_("Group"), key=True, width=30), Column(_("Responses"), numeric=True),
        *(Column(_("%(step)s (%%)", step=name), numeric=True) for name in names)], rows,
        caption=_("Ladder of participation: the share of each group on each step"))


def examples_table(res: RoundResults, w: Words) -> Table:
    """A row per example (the principle, the example), and a hidden row for a principle whose
    examples are hidden."""
    rows = []
    for p in res.principles:
        given = res.examples.get(p)
        rows += [[w.principles[p], HIDDEN]] if given is None else \
            [[w.principles[p], example] for example in given]
    return Table(_("Examples"), [Column(_("Principle"), key=True, width=40),
                                 Column(_("Example"), width=80)], rows,
                 caption=EXAMPLES(), notes=[EXAMPLES_NOTE()])


def next_steps_table(res: RoundResults, w: Words) -> Table:
    """A row per thing people wrote under "What we will do next" (the question, the words),
    and one hidden row when the round is too small to show them."""
    rows = [[_("All"), HIDDEN]] if res.next_steps is None else [
        [w.questions.get(qid, qid), said] for qid, given in res.next_steps.items()
        for said in given]
    return Table(_("Next steps"), [Column(_("Question"), key=True, width=40),
                                   Column(_("What people wrote"), width=80)], rows,
                 caption=NEXT_STEPS_HEADING(), notes=[NEXT_STEPS_NOTE()])


def round_document(res: RoundResults, w: Words, *, examples: bool = True) -> Document:
    """The round's results for a download: the tables and (``examples``) the examples people
    gave (the page shows those under each principle's name instead)."""
    survey = res.survey
    before = (_("Compared with the round of %(day)s.", day=round_name(res.previous.survey))
              if res.previous else _("There is no earlier round to compare with."))
    return Document(
        survey.title, [scores_table(res, w), gap_table(res, w), ladder_table(res, w),
                       *([examples_table(res, w), next_steps_table(res, w)]
                         if examples else [])],
        meta=_("From %(start)s to %(end)s.", start=format_date(survey.period_start, "d MMMM y"),
               end=format_date(survey.period_end, "d MMMM y")),
        summary=[before], note=NOTE(), method=METHOD(), hidden_text=_("fewer than 5"),
        words={"summary": _("Summary"), "method": _("How these numbers were made")})


def history_tables(rounds: list[RoundResults], w: Words) -> list[Table]:
    names = round_names([r.survey for r in rounds])
    principles = rounds[-1].principles if rounds else []
    scores = [[w.principles[p], w.groups[g],
               *(HIDDEN if r.cells.get((p, g)) is None or r.cells[(p, g)].hidden
                 else r.score(p, g) for r in rounds)]
              for p in principles for g in (*GROUPS, EVERYONE)]
    gaps = [[w.principles[p], *(r.gap(p) for r in rounds)] for p in principles]
    ladder = [[w.groups[g], w.rungs.get(s, s) if s != NOT_SURE else _("Not sure"),
               *(_hidden_or(r.ladder[g].share(s), r.ladder[g].hidden) for r in rounds)]
              for g in (*GROUPS, EVERYONE) for s in (*RUNGS, NOT_SURE)]
    rounds_cols = [Column(n, numeric=True) for n in names]
    return [
        Table(_("Scores over time"), [Column(_("Principle"), key=True, width=40),
                                      Column(_("Group"), width=30), *rounds_cols], scores,
              caption=_("Score (1 to 4) in each round")),
        Table(_("Gap over time"), [Column(_("Principle"), key=True, width=40), *rounds_cols],
              gaps, caption=_("Gap (people supported minus staff) in each round")),
        Table(_("Ladder over time"), [Column(_("Group"), key=True, width=30),
                                      Column(_("Step"), width=20), *rounds_cols], ladder,
              caption=_("The share of each group on each step (%) in each round")),
    ]


def history_document(rounds: list[RoundResults], w: Words) -> Document:
    first, last = round_names([rounds[0].survey, rounds[-1].survey])
    return Document(
        _("Self-audit over time: %(title)s", title=rounds[-1].survey.title),
        history_tables(rounds, w),
        meta=ngettext("%(num)d round, from %(first)s to %(last)s.",
                      "%(num)d rounds, from %(first)s to %(last)s.", len(rounds),
                      first=first, last=last),
        note=NOTE(), method=METHOD(), hidden_text=_("fewer than 5"),
        words={"summary": _("Summary"), "method": _("How these numbers were made")},
        landscape=len(rounds) > 4)


def NOTE() -> str:  # noqa: N802 - words made in the page's language when asked for
    return _("Fewer than 5: a group with fewer than 5 responses shows no number, so that "
             "nobody can be picked out. A gap or a change is shown only when both numbers are "
             "shown.")


def EXAMPLES() -> str:  # noqa: N802
    return _("Examples people gave")


def NEXT_STEPS_HEADING() -> str:  # noqa: N802
    return _("What people said we should do next")


def NEXT_STEPS_NOTE() -> str:  # noqa: N802
    return _("What people wrote at the end of the self-audit: what to keep doing, what is not "
             "working yet and their ideas, with names, phone numbers and addresses taken out. "
             "Shown when the round has at least 5 responses. Turn them, with the lowest "
             "scores, into one or two actions with an owner and a date.")


def EXAMPLES_NOTE() -> str:  # noqa: N802
    return _("What people wrote when asked “What shows this? Give an example.”, with names, "
             "phone numbers and addresses taken out. They are shown only where the "
             "principle's numbers for everyone are shown, and are not part of the services' "
             "themes or gap analysis.")


def METHOD() -> list[str]:  # noqa: N802
    return [
        _("A score is the average of every rating given under a principle: not yet = 1, "
          "starting = 2, doing well = 3, leading = 4. Not sure is left out of the score and "
          "counted on its own."),
        _("Each person says which group they are in. A group answering together on a tablet "
          "ticks every group that is there: its answers count once in each of those groups, "
          "and once in everyone."),
        _("The gap is the score of people supported minus the score of staff: below 0 means "
          "staff see it more rosily than people supported."),
        _("Everyone is hidden too where the responses in hidden groups are fewer than 5, so "
          "that their answers cannot be worked out from the others."),
    ]
