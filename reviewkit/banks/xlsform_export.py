"""XLSForm export: a bank as an XLSForm (KoboToolbox, ODK, Enketo) that pyxform converts.

Export writes a ``survey``, ``choices`` and ``settings`` sheet that pyxform converts without
error. Each language is an XLSForm language column, ``label::English (en)``; easy read is a
language of its own, ``label::English - easy read (en)``, so an ODK or Kobo user can pick it
from the language menu. Translations come from ``translations/<lang>/LC_MESSAGES/banks.po``
(and the face and yes/no answers from ``messages.po``); a text with no translation in a
language leaves that language's cell empty (never English words in a Welsh column), so each
easy-read column carries that language's easy read or nothing. Sections become groups, a
section introduction a ``note``, ``show_if`` a ``relevant`` (``${q} = 'x'``,
``selected(${q}, 'x')``, joined with ``or``), ``max_length`` a ``string-length(.) <= N``
constraint, the bank's own ``constraint_message`` and ``required_message`` those columns, and
pictograms ``media::image`` files. What XLSForm has no place for (pictogram names, statement
kinds, the bank's purpose) is kept in extra columns (``pictogram``, ``kinds``,
``reviewkit``), which pyxform and ODK ignore; facilitator prompts are ``guidance_hint``
columns, the title and description in other languages ``form_title_cy``, ``description_cy``
… on the settings sheet; so the form imports back to an equal bank and the same translations
(:mod:`reviewkit.banks.xlsform`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import LANGUAGES, REPO_ROOT
from .schema import CHOICE_TYPES, Bank, Question, QuestionType, number_text

EASY = " - easy read"

def _po_lookup(lang: str, bank_id: str, context: str, text: str) -> str | None:
    from ..translations import lookup

    return lookup(lang, bank_id, context, text)


@lru_cache(maxsize=16)
def _interface(lang: str) -> dict[str, str]:
    """Interface translations (faces, yes/no) of ``lang`` from messages.po, fuzzy excluded."""
    from babel.messages.pofile import read_po

    path = REPO_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        cat = read_po(fh)
    return {m.id: m.string for m in cat if isinstance(m.id, str) and isinstance(m.string, str)
            and m.string and not m.fuzzy and not m.context}


def forget_interface() -> None:
    """Read the interface translations again next time (after a translator saves them)."""
    _interface.cache_clear()


def _lang_column(code: str, easy: bool = False) -> str:
    name = LANGUAGES.get(code, (code,))[0]
    return f"{name}{EASY if easy else ''} ({code})"


def _xml_name(slug: str) -> str:
    return slug if re.match(r"[A-Za-z_]", slug) else f"_{slug}"


def _relevant(q: Question, target: Question) -> str:
    values = q.show_if.values if q.show_if else []
    name = _xml_name(target.id)
    if target.type == QuestionType.MULTIPLE_CHOICE:
        parts = [f"selected(${{{name}}}, '{v}')" for v in values]
    else:
        parts = [f"${{{name}}} = '{v}'" for v in values]
    return " or ".join(parts)


# The XLSForm type of each question type that is not a choice (a decimal number: "decimal").
XLSFORM_TYPES = {QuestionType.NUMBER: "integer", QuestionType.DATE: "date",
                 QuestionType.TIME: "time", QuestionType.DATETIME: "dateTime"}


def _constraint(q: Question) -> str:
    """The XLSForm constraint of ``q``: ``max_length`` as ``string-length(.) <= N``, a number's
    ``min`` and ``max`` as ``. >= a and . <= b``."""
    if q.max_length:
        return f"string-length(.) <= {q.max_length}"
    return " and ".join(f". {op} {number_text(v)}"
                        for op, v in ((">=", q.min), ("<=", q.max)) if v is not None)


def bank_languages(bank: Bank, lookup: Callable = _po_lookup) -> list[str]:
    """The languages with at least one translation of ``bank`` (besides its own)."""
    from ..translate.extract import iter_bank_messages

    found = []
    texts = [(ctx, text) for _l, _f, (ctx, text), _c in iter_bank_messages(bank, None)]
    for code in LANGUAGES:
        if code == bank.language:
            continue
        if any(lookup(code, bank.id, ctx.split(":", 1)[1], text) for ctx, text in texts):
            found.append(code)
    return found


def export_rows(bank: Bank, langs: list[str] | None = None,
                lookup: Callable = _po_lookup) -> dict[str, list[list[Any]]]:
    """The sheets of the XLSForm for ``bank`` as lists of rows (header first)."""
    langs = [bank.language, *(langs if langs is not None else bank_languages(bank, lookup))]
    cols = [(code, easy) for code in langs for easy in (False, True)]

    def tr(code: str, context: str, text: str | None) -> str:
        """``text`` in ``code``; empty when it has no translation (not another language's)."""
        if not text:
            return ""
        if code == bank.language:
            return text
        return lookup(code, bank.id, context, text) or ""

    def said(q: Question, part: str, code: str, easy: bool) -> str:
        """The question's own message (``part``) in ``code``, standard or easy read (the
        standard message where it has no easy read)."""
        text = (getattr(q, f"easy_read_{part}") or getattr(q, part)) if easy \
            else getattr(q, part)
        return tr(code, f"{q.id}.{part}.{'easy_read' if easy else 'text'}", text)

    def fixed(code: str, text: str) -> str:
        return text if code == "en" else _interface(code).get(text, text)

    survey_head = ["type", "name", *[f"label::{_lang_column(c, e)}" for c, e in cols],
                   *[f"hint::{_lang_column(c, e)}" for c, e in cols],
                   *[f"media::image::{_lang_column(c, e)}" for c, e in cols],
                   "required", "relevant", "appearance", "constraint",
                   *[f"constraint_message::{_lang_column(c, e)}" for c, e in cols],
                   *[f"required_message::{_lang_column(c, e)}" for c, e in cols],
                   *[f"guidance_hint::{_lang_column(c, e)}" for c, e in cols],
                   "reviewkit", "pictogram", "kinds"]
    survey: list[list[Any]] = [survey_head]
    choices: list[list[Any]] = [["list_name", "name",
                                 *[f"label::{_lang_column(c, e)}" for c, e in cols],
                                 *[f"media::image::{_lang_column(c, e)}" for c, e in cols],
                                 "pictogram"]]
    width = len(survey_head)

    def row(**values: Any) -> list[Any]:
        out: list[Any] = [""] * width
        for key, value in values.items():
            out[survey_head.index(key)] = value
        return out

    def per_lang(prefix: str, make: Callable[[str, bool], str]) -> dict[str, str]:
        return {f"{prefix}::{_lang_column(c, e)}": make(c, e) for c, e in cols}

    def guidance(of: str, prompt: str | None) -> dict[str, str]:
        """The facilitator's prompt as ODK's guidance_hint (for whoever fills in the form with
        the person), in every language; it has no easy read: the same words in both columns."""
        return per_lang("guidance_hint", lambda c, e: tr(c, f"{of}.prompt", prompt))

    for section in bank.sections:
        sname = _xml_name(section.id)
        survey.append(row(**{
            "type": "begin_group", "name": sname,
            **per_lang("label", lambda c, e, s=section: tr(
                c, f"{s.id}.{'easy_read' if e else 'text'}", s.easy_read if e else s.title)),
            **per_lang("media::image", lambda c, e, s=section: f"{s.pictogram}.svg"),
            **guidance(section.id, section.prompt),
            "reviewkit": "section", "pictogram": section.pictogram}))
        if section.intro:
            survey.append(row(**{
                "type": "note", "name": f"{sname}__intro",
                **per_lang("label", lambda c, e, s=section: tr(c, f"{s.id}.intro", s.intro)),
                "reviewkit": "intro"}))
        for q in section.questions:
            name = _xml_name(q.id)
            kind = q.type
            if kind in CHOICE_TYPES or kind in (QuestionType.SCALE, QuestionType.YES_NO):
                xtype = ("select_multiple" if kind == QuestionType.MULTIPLE_CHOICE
                         else "select_one") + f" {name}"
                for c in q.effective_choices():
                    labels = {}
                    for code, easy in cols:
                        if kind in (QuestionType.SCALE, QuestionType.YES_NO):
                            text = fixed(code, c.label)
                        else:
                            ctx = f"{q.id}.{c.value}.{'easy_read' if easy else 'label'}"
                            text = tr(code, ctx, (c.easy_read or c.label) if easy else c.label)
                        labels[f"label::{_lang_column(code, easy)}"] = text
                    images = {f"media::image::{_lang_column(code, easy)}": f"{c.pictogram}.svg"
                              for code, easy in cols} if c.pictogram else {}
                    values = {"list_name": name, "name": c.value, **labels, **images,
                              "pictogram": c.pictogram or ""}
                    choices.append([values.get(h, "") for h in choices[0]])
            else:
                xtype = XLSFORM_TYPES.get(kind, "text")
                if kind == QuestionType.NUMBER and q.decimal:
                    xtype = "decimal"
            appearance = ""
            if kind in (QuestionType.FREE_TEXT, QuestionType.STATEMENTS):
                appearance = "multiline"
            elif kind == QuestionType.SCALE:
                appearance = "likert"
            constraint = _constraint(q)
            relevant = ""
            if q.show_if and (target := bank.question(q.show_if.question)) is not None:
                relevant = _relevant(q, target)
            marker = {QuestionType.STATEMENTS: "statements", QuestionType.SCALE:
                      f"scale {q.scale_points}", QuestionType.YES_NO: "yes_no",
                      QuestionType.FREE_TEXT: "free_text"}.get(kind, "")
            help_easy = q.easy_read_help or q.help
            survey.append(row(**{
                "type": xtype, "name": name,
                **per_lang("label", lambda c, e, q=q: tr(
                    c, f"{q.id}.{'easy_read' if e else 'text'}", q.easy_read if e else q.text)),
                **(per_lang("hint", lambda c, e, q=q, h=help_easy: tr(
                    c, f"{q.id}.help.{'easy_read' if e else 'text'}", h if e else q.help))
                   if help_easy else {}),
                **per_lang("media::image", lambda c, e, q=q: f"{q.pictogram}.svg"),
                **per_lang("constraint_message", lambda c, e, q=q: said(
                    q, "constraint_message", c, e)),
                **per_lang("required_message", lambda c, e, q=q: said(
                    q, "required_message", c, e)),
                "required": "yes" if q.required else "", "relevant": relevant,
                "appearance": appearance, "constraint": constraint, "reviewkit": marker,
                **guidance(q.id, q.prompt),
                "pictogram": q.pictogram, "kinds": " ".join(k.value for k in q.kinds)}))
            if q.help and q.easy_read_help is None:
                survey[-1][survey_head.index("reviewkit")] = (marker + " no_easy_help").strip()
        survey.append(row(type="end_group", name=sname))
    # the title, easy-read title and description in each language: form_title_cy, … (pyxform
    # reads form_title in one language only, and refuses a settings column with "::")
    titled = [(f"{name}_{c}", tr(c, key, text)) for c in langs[1:]
              for name, key, text in (("form_title", "title", bank.title),
                                      ("easy_read_title", "easy_read_title", bank.easy_read_title),
                                      ("description", "description", bank.description))]
    settings = [["form_title", "form_id", "version", "default_language", "style",
                 "easy_read_title", "description", "purpose", "language",
                 *[name for name, _t in titled]],
                [bank.title, bank.id, str(bank.version), _lang_column(bank.language), "pages",
                 bank.easy_read_title, bank.description, bank.purpose, bank.language,
                 *[text for _n, text in titled]]]
    return {"survey": survey, "choices": choices, "settings": settings}


def export_xlsform(bank: Bank, out: Path | str, langs: list[str] | None = None,
                   lookup: Callable = _po_lookup) -> Path:
    """Write ``bank`` as an XLSForm workbook to ``out`` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..reports.cells import xlsx_text

    sheets = export_rows(bank, langs, lookup)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append([xlsx_text(v) for v in r])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def pyxform_check(path: Path | str) -> list[str]:
    """Convert the XLSForm at ``path`` with pyxform; return its warnings (raises on error)."""
    from pyxform import xls2xform

    result = xls2xform.convert(xlsform=str(path), validate=False)
    return list(result.warnings or [])


def bank_yaml(bank: Bank) -> str:
    """The bank as YAML in the shape of the shipped files (defaults left out)."""
    import yaml

    data = bank.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data = {"id": bank.id, "version": bank.version, **data}
    data.setdefault("language", bank.language)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def translations_po(bank: Bank, lang: str, texts: dict[str, str]) -> bytes:
    """The translations of one language found in an XLSForm, as a PO file in the shape of
    ``banks.po`` (msgctxt ``<bank>:<context>``), to merge into ``translations/``."""
    import io

    from babel.messages.pofile import write_po

    from ..translate.catalogs import PoCatalog
    from ..translate.extract import iter_bank_messages

    cat = PoCatalog(locale=lang, domain="banks", project="reviewkit", fuzzy=False)
    cat.set_plural_forms(lang)
    for _line, _f, (context, english), comments in iter_bank_messages(bank, None):
        key = context.split(":", 1)[1]
        if key in texts:
            cat.add(english, texts[key], auto_comments=comments, context=context,
                    flags=("fuzzy",))
    buf = io.BytesIO()
    write_po(buf, cat, width=100)
    return buf.getvalue()


def same_bank(a: Bank, b: Bank) -> list[str]:
    """Differences that matter between two banks (empty when equal): ids, types, texts (standard
    and easy read, help), choices, conditions, and the fields a phone shows."""
    def shape(bank: Bank) -> dict[str, Any]:
        return bank.model_dump(mode="json")

    diffs: list[str] = []

    def walk(x: Any, y: Any, where: str) -> None:
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                walk(x.get(k), y.get(k), f"{where}.{k}" if where else k)
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y, strict=True)):
                walk(p, q, f"{where}[{i}]")
        elif x != y:
            diffs.append(f"{where}: {x!r} != {y!r}")

    walk(shape(a), shape(b), "")
    return diffs

