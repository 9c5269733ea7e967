"""A Babel extractor for question-bank YAML files.

Every text a person (or a facilitator) may see becomes a message whose msgctxt is
``<bank id>:<context>``, the same contexts :mod:`reviewkit.localise` looks up:

====================================  ==================================================
``title`` / ``easy_read_title``        the bank's title, standard and easy read
``description``                        the bank's description
``<section>.text`` / ``.easy_read``     a section heading
``<section>.intro`` / ``.prompt``       a section's introduction / facilitator prompt
``<question>.text`` / ``.easy_read``    a question
``<question>.help.text`` / ``.help.easy_read``  its help (easy read falls back to standard help)
``<question>.prompt``                  what a facilitator might ask
``<question>.constraint_message.text`` / ``.easy_read``  said when an answer breaks its limits
``<question>.required_message.text`` / ``.easy_read``    said when a required question is empty
``<question>.<value>.label`` / ``.easy_read``   an answer choice
====================================  ==================================================

Face-scale and yes/no answers are interface text, translated once in ``messages.po``.

The bank version is *not* in the context, so a changed English text keeps its context and the
old translation is marked fuzzy (outdated) on update instead of being orphaned; the version is
in the translator comment. Use it with pybabel through a mapping file such as
``translations/banks.cfg``::

    [reviewkit.translate.extract:extract_banks: **.yaml]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from ..banks.loader import compose_yaml, line_for, parse_bank
from ..banks.schema import Bank, QuestionType

# (lineno, funcname, message, comments) as Babel's extractor protocol expects; funcname
# "pgettext" with a (context, msgid) message gives the message its msgctxt.
Extracted = tuple[int, str, tuple[str, str], list[str]]

_FIXED_TYPES = (QuestionType.SCALE, QuestionType.YES_NO)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def iter_bank_messages(bank: Bank, node: Any) -> Iterator[Extracted]:
    """The translatable texts of a parsed ``bank``; ``node`` is its YAML node, for line numbers."""
    head = f"bank: {bank.id} version {bank.version} (source language {bank.language})"

    def msg(loc: tuple, context: str, text: str | None, *notes: str) -> Iterator[Extracted]:
        if text:
            comments = [head, *(n for n in notes if n)]
            yield line_for(node, loc), "pgettext", (f"{bank.id}:{context}", text), comments

    yield from msg(("title",), "title", bank.title, "the bank's title (standard wording)",
                   f"Easy read title: {_one_line(bank.easy_read_title)}")
    yield from msg(("easy_read_title",), "easy_read_title", bank.easy_read_title,
                   "the bank's title in easy read: short, everyday words",
                   f"Standard title: {_one_line(bank.title)}")
    yield from msg(("description",), "description", bank.description,
                   "the bank's description, for staff and translators")

    for si, section in enumerate(bank.sections):
        s_loc = ("sections", si)
        where = f"section {section.id}"
        yield from msg((*s_loc, "title"), f"{section.id}.text", section.title,
                       f"{where}: heading (standard wording)",
                       f"Easy read: {_one_line(section.easy_read)}")
        yield from msg((*s_loc, "easy_read"), f"{section.id}.easy_read", section.easy_read,
                       f"{where}: heading in easy read (short sentence, everyday words)",
                       f"Standard: {_one_line(section.title)}")
        yield from msg((*s_loc, "intro"), f"{section.id}.intro", section.intro,
                       f"{where}: introduction the person reads before its questions")
        yield from msg((*s_loc, "prompt"), f"{section.id}.prompt", section.prompt,
                       f"{where}: prompt for the facilitator (staff), not shown to the person")

        for qi, q in enumerate(section.questions):
            q_loc = (*s_loc, "questions", qi)
            what = f"question {q.id} ({q.type.value}) in {where}"
            yield from msg((*q_loc, "text"), f"{q.id}.text", q.text,
                           f"{what}: question, standard wording",
                           f"Easy read: {_one_line(q.easy_read)}")
            yield from msg((*q_loc, "easy_read"), f"{q.id}.easy_read", q.easy_read,
                           f"{what}: question in easy read (short sentences, everyday words)",
                           f"Standard: {_one_line(q.text)}")
            if q.help:
                yield from msg((*q_loc, "help"), f"{q.id}.help.text", q.help,
                               f"{what}: help under the question, standard wording",
                               f"Question: {_one_line(q.text)}")
            if q.easy_read_help or q.help:
                # Easy read shows the standard help when there is no easy-read help.
                field = "easy_read_help" if q.easy_read_help else "help"
                yield from msg((*q_loc, field), f"{q.id}.help.easy_read",
                               q.easy_read_help or q.help,
                               f"{what}: help in easy read",
                               f"Question in easy read: {_one_line(q.easy_read)}",
                               f"Standard help: {_one_line(q.help)}" if q.help and
                               q.easy_read_help else "")
            yield from msg((*q_loc, "prompt"), f"{q.id}.prompt", q.prompt,
                           f"{what}: prompt for the facilitator (staff), not shown to the person")
            for part, when in (("constraint_message", "when the answer is outside its limits"),
                               ("required_message", "when it is left unanswered")):
                std, easy = getattr(q, part), getattr(q, f"easy_read_{part}")
                yield from msg((*q_loc, part), f"{q.id}.{part}.text", std,
                               f"{what}: message {when}, standard wording")
                if easy or std:  # easy read shows the standard message when it has none
                    yield from msg((*q_loc, f"easy_read_{part}" if easy else part),
                                   f"{q.id}.{part}.easy_read", easy or std,
                                   f"{what}: message {when}, in easy read")
            if q.type in _FIXED_TYPES:
                continue  # faces and yes/no are translated in messages.po
            for ci, c in enumerate(q.choices):
                c_loc = (*q_loc, "choices", ci)
                cwhat = f"answer '{c.value}' of question {q.id} ({q.type.value})"
                yield from msg((*c_loc, "label"), f"{q.id}.{c.value}.label", c.label,
                               f"{cwhat}: standard wording",
                               f"Question: {_one_line(q.text)}",
                               f"Easy read: {_one_line(c.easy_read or c.label)}")
                field = "easy_read" if c.easy_read else "label"
                yield from msg((*c_loc, field), f"{q.id}.{c.value}.easy_read",
                               c.easy_read or c.label, f"{cwhat}: easy read",
                               f"Question in easy read: {_one_line(q.easy_read)}",
                               f"Standard: {_one_line(c.label)}")


def extract_banks(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                  options: dict[str, Any]) -> Iterator[Extracted]:
    """Babel extraction method for bank YAML files (``module:function`` in a mapping file).

    An invalid bank raises :class:`reviewkit.banks.BankError` with ``file:line: reason``, so a
    broken bank never produces a half catalogue."""
    name = getattr(fileobj, "name", "<bank>")
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    bank = parse_bank(text, str(name))
    _data, node = compose_yaml(text, str(name))
    yield from iter_bank_messages(bank, node)
