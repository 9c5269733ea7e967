"""XLSForm interop: export a bank to an XLSForm (KoboToolbox, ODK, Enketo) and import one.

Export writes a ``survey``, ``choices`` and ``settings`` sheet that pyxform converts without
error. Each language is an XLSForm language column, ``label::English (en)``; easy read is a
language of its own, ``label::English - easy read (en)``, so an ODK or Kobo user can pick it
from the language menu. Translations come from ``translations/<lang>/LC_MESSAGES/banks.po``
(and the face and yes/no answers from ``messages.po``); a text with no translation is written
in English. Sections become groups, a section introduction a ``note``, ``show_if`` a
``relevant`` (``${q} = 'x'``, ``selected(${q}, 'x')``, joined with ``or``), ``max_length`` a
``string-length(.) <= N`` constraint and pictograms ``media::image`` files. What XLSForm has no
place for (pictogram names, statement kinds, facilitator prompts, the bank's purpose) is kept
in extra columns (``pictogram``, ``kinds``, ``prompt``, ``reviewkit``), which pyxform and ODK
ignore, so the form imports back to an equal bank.

Import reads any XLSForm: groups become sections (questions outside a group go into one
section), ``text`` / ``select_one`` / ``select_multiple`` questions become bank questions and
every row that cannot be mapped (``calculate``, ``geopoint``, ``integer``, repeats, relevant
expressions a bank cannot express, …) is listed in the report with its row number. Problems
that make the form unusable (a duplicate name, a missing choices sheet or list, a relevant that
refers to itself or a later question) raise :class:`XLSFormError` and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import LANGUAGES, REPO_ROOT
from .loader import PICTOGRAM_DIR, BankError
from .schema import (
    CHOICE_TYPES,
    FACE_SCALES,
    SLUG,
    YES_NO_CHOICES,
    Bank,
    Question,
    QuestionType,
)

EASY = " - easy read"
DEFAULT_PICTOGRAM = "question"
DEFAULT_CHOICE_PICTOGRAM = "choose"
# English names of the shipped languages, for forms whose columns say "label::Welsh".
LANGUAGE_NAMES = {"english": "en", "welsh": "cy", "cymraeg": "cy", "polish": "pl",
                  "polski": "pl", "urdu": "ur", "punjabi": "pa", "arabic": "ar",
                  "romanian": "ro", "română": "ro"}
METADATA_TYPES = {"start", "end", "today", "deviceid", "subscriberid", "simserial",
                  "phonenumber", "username", "email", "audit", "start-geopoint"}
UNSUPPORTED_TYPES = {"integer", "decimal", "range", "date", "time", "datetime", "geopoint",
                     "geotrace", "geoshape", "image", "audio", "video", "file", "barcode",
                     "calculate", "hidden", "acknowledge", "trigger", "rank", "background-audio",
                     "xml-external", "csv-external", "select_one_from_file",
                     "select_multiple_from_file", "background-geopoint"}


class XLSFormError(Exception):
    """The form cannot be imported; ``problems`` are ``row N: reason`` lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportResult:
    bank: Bank
    report: list[str] = field(default_factory=list)  # what could not be mapped, with rows
    # {lang: {context: text}}, the contexts reviewkit.translate.extract gives bank text
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


# --- export -----------------------------------------------------------------------------------

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
        if not text:
            return ""
        if code == bank.language:
            return text
        return lookup(code, bank.id, context, text) or text

    def fixed(code: str, text: str) -> str:
        return text if code == "en" else _interface(code).get(text, text)

    survey_head = ["type", "name", *[f"label::{_lang_column(c, e)}" for c, e in cols],
                   *[f"hint::{_lang_column(c, e)}" for c, e in cols],
                   *[f"media::image::{_lang_column(c, e)}" for c, e in cols],
                   "required", "relevant", "appearance", "constraint",
                   *[f"constraint_message::{_lang_column(c, e)}" for c, e in cols],
                   "reviewkit", "pictogram", "kinds", "prompt"]
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

    for section in bank.sections:
        sname = _xml_name(section.id)
        survey.append(row(**{
            "type": "begin_group", "name": sname,
            **per_lang("label", lambda c, e, s=section: tr(
                c, f"{s.id}.{'easy_read' if e else 'text'}", s.easy_read if e else s.title)),
            **per_lang("media::image", lambda c, e, s=section: f"{s.pictogram}.svg"),
            "reviewkit": "section", "pictogram": section.pictogram,
            "prompt": section.prompt or ""}))
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
                xtype = "text"
            appearance = ""
            if kind in (QuestionType.FREE_TEXT, QuestionType.STATEMENTS):
                appearance = "multiline"
            elif kind == QuestionType.SCALE:
                appearance = "likert"
            constraint = f"string-length(.) <= {q.max_length}" if q.max_length else ""
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
                **(per_lang("constraint_message", lambda c, e, q=q: (
                    f"{q.max_length} characters at most")) if constraint else {}),
                "required": "yes" if q.required else "", "relevant": relevant,
                "appearance": appearance, "constraint": constraint, "reviewkit": marker,
                "pictogram": q.pictogram, "kinds": " ".join(k.value for k in q.kinds),
                "prompt": q.prompt or ""}))
            if q.help and q.easy_read_help is None:
                survey[-1][survey_head.index("reviewkit")] = (marker + " no_easy_help").strip()
        survey.append(row(type="end_group", name=sname))
    settings = [["form_title", "form_id", "version", "default_language", "style",
                 "easy_read_title", "description", "purpose", "language"],
                [bank.title, bank.id, str(bank.version), _lang_column(bank.language), "pages",
                 bank.easy_read_title, bank.description, bank.purpose, bank.language]]
    return {"survey": survey, "choices": choices, "settings": settings}


def export_xlsform(bank: Bank, out: Path | str, langs: list[str] | None = None,
                   lookup: Callable = _po_lookup) -> Path:
    """Write ``bank`` as an XLSForm workbook to ``out`` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheets = export_rows(bank, langs, lookup)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
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


# --- import -----------------------------------------------------------------------------------

_LANG_COL = re.compile(r"^(label|hint|media::image|image|constraint_message)(?:::(.+))?$", re.I)
_REF = re.compile(r"\$\{([^}]+)\}")
_ATOM_EQ = re.compile(r"^\$\{([^}]+)\}\s*=\s*(['\"])(.*?)\2$")
_ATOM_EQ_REV = re.compile(r"^(['\"])(.*?)\1\s*=\s*\$\{([^}]+)\}$")
_ATOM_SEL = re.compile(r"^selected\(\s*\$\{([^}]+)\}\s*,\s*(['\"])(.*?)\2\s*\)$")
_MAXLEN = re.compile(r"^string-length\(\s*\.\s*\)\s*<=?\s*(\d+)$")
_TRUE = {"yes", "true", "true()", "1"}


def _norm(header: Any) -> str:
    return str(header or "").strip()


def _lang_of(name: str | None, default: str) -> tuple[str | None, bool, str]:
    """(language code or None if unknown, easy read?, the name as written)."""
    if not name:
        return default, False, ""
    easy = bool(re.search(r"easy[\s_-]*read", name, re.I))
    code = None
    if m := re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$", name):
        code = m.group(1).lower()
    else:
        bare = re.sub(r"easy[\s_-]*read", "", name, flags=re.I).strip(" -_").lower()
        code = LANGUAGE_NAMES.get(bare) or (bare if bare in LANGUAGES else None)
    return code, easy, name


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    s = s.lstrip("_") if re.match(r"_[0-9]", s) else s
    if s and not re.match(r"[a-z0-9]", s):
        s = s.lstrip("_-")
    return s[:64]


def _sheet_rows(wb, name: str) -> tuple[list[str], list[tuple[int, dict[str, Any]]]] | None:
    sheet = next((wb[s] for s in wb.sheetnames if s.strip().lower() == name), None)
    if sheet is None:
        return None
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return [], []
    head = [_norm(h) for h in rows[0]]
    out = []
    for number, values in enumerate(rows[1:], start=2):
        record = {h: (str(v).strip() if v is not None else "")
                  for h, v in zip(head, values, strict=False) if h}
        if any(record.values()):
            out.append((number, record))
    return head, out


def _get(record: dict[str, Any], *names: str) -> str:
    lowered = {k.lower(): v for k, v in record.items()}
    for name in names:
        if lowered.get(name.lower()):
            return lowered[name.lower()]
    return ""


def import_xlsform(path: Path | str, bank_id: str | None = None) -> ImportResult:
    """Read the XLSForm at ``path`` into a bank. Raises :class:`XLSFormError` when the form
    cannot be used; otherwise returns the bank, the report of what was not mapped, and the
    translations found in other language columns."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reason the file cannot be opened
        raise XLSFormError([f"{path.name}: cannot be read as an .xlsx workbook ({exc})"]) from None
    try:
        return _import(wb, path, bank_id)
    finally:
        wb.close()


def _import(wb, path: Path, bank_id: str | None) -> ImportResult:
    errors: list[str] = []
    report: list[str] = []
    survey = _sheet_rows(wb, "survey")
    if survey is None:
        raise XLSFormError([f"{path.name}: there is no 'survey' sheet"])
    head, rows = survey
    choices_sheet = _sheet_rows(wb, "choices")
    settings_sheet = _sheet_rows(wb, "settings")
    settings = settings_sheet[1][0][1] if settings_sheet and settings_sheet[1] else {}
    known_pictures = {p.stem for p in PICTOGRAM_DIR.glob("*.svg")}

    # Languages: the default language's columns are the bank text; its easy-read columns the
    # easy-read text; other languages become translations.
    langs_seen: dict[str, tuple[str | None, bool]] = {}
    for h in [*head, *(choices_sheet[0] if choices_sheet else [])]:
        if m := _LANG_COL.match(h):
            if m.group(2):
                code, easy, _n = _lang_of(m.group(2), "en")
                langs_seen[m.group(2)] = (code, easy)
    default_name = _get(settings, "default_language")
    default_code = _lang_of(default_name, "en")[0] if default_name else None
    if default_code is None:
        codes = [c for c, e in langs_seen.values() if c and not e]
        default_code = "en" if "en" in codes or not codes else codes[0]
    for name, (code, _easy) in langs_seen.items():
        if code is None or (code not in LANGUAGES and code != default_code):
            report.append(f"language column '{name}': not a language reviewkit has; its text is "
                          "not imported")

    def texts(record: dict[str, Any], kind: str) -> dict[tuple[str, bool], str]:
        """{(lang, easy): text} of one row for 'label', 'hint', 'media::image' or
        'constraint_message'."""
        out: dict[tuple[str, bool], str] = {}
        for key, value in record.items():
            m = _LANG_COL.match(key)
            if not m or not value:
                continue
            base = m.group(1).lower()
            if base == "image":
                base = "media::image"
            if base != kind:
                continue
            code, easy, _n = _lang_of(m.group(2), default_code)
            if code is not None:
                out.setdefault((code, easy), value)
        return out

    # Choice lists.
    lists: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    if choices_sheet is not None:
        for number, record in choices_sheet[1]:
            list_name = _get(record, "list_name", "list name")
            if not list_name:
                errors.append(f"choices row {number}: no list_name")
                continue
            lists.setdefault(list_name, []).append((number, record))
        for list_name, items in lists.items():
            seen: dict[str, int] = {}
            for number, record in items:
                value = _get(record, "name", "value")
                if value in seen:
                    errors.append(f"choices row {number}: '{value}' is already in list "
                                  f"'{list_name}' (row {seen[value]})")
                seen.setdefault(value, number)

    names: dict[str, int] = {}
    for number, record in rows:
        name = _get(record, "name")
        xtype = _get(record, "type").lower().replace(" ", "_")
        if name and not xtype.startswith("end_"):
            if name in names:
                errors.append(f"survey row {number}: the name '{name}' is already used in row "
                              f"{names[name]}")
            names.setdefault(name, number)

    sections: list[dict[str, Any]] = []
    translations: dict[str, dict[str, str]] = {}
    order: dict[str, int] = {}  # question name -> position, for relevant checks
    qtypes: dict[str, tuple[str, dict[str, str]]] = {}  # name -> (bank type, value map)
    pending_relevant: list[tuple[int, dict[str, Any], str, str]] = []
    group_stack: list[tuple[str, dict[str, Any] | None]] = []
    skipping = 0  # inside a repeat
    loose: dict[str, Any] | None = None
    no_easy = False
    no_picture = False
    form_title = _get(settings, "form_title") or path.stem

    def translate(code: str, easy: bool, context: str, text: str, english: str) -> None:
        if code != default_code and code in LANGUAGES and text and text != english:
            translations.setdefault(code, {})[context] = text

    def add_translations(record, kind, ctx_std, ctx_easy, english_std, english_easy):
        for (code, easy), text in texts(record, kind).items():
            translate(code, easy, ctx_easy if easy else ctx_std, text,
                      english_easy if easy else english_std)

    def picture(record: dict[str, Any], fallback: str) -> str:
        nonlocal no_picture
        named = _get(record, "pictogram")
        if named in known_pictures:
            return named
        for file in texts(record, "media::image").values():
            stem = Path(file).stem
            if stem in known_pictures:
                return stem
        no_picture = True
        return fallback

    def current_section(number: int) -> dict[str, Any]:
        nonlocal loose
        if group_stack and group_stack[-1][1] is not None:
            section = group_stack[-1][1]
            if section is not sections[-1]:
                # more questions of an outer group after an inner one: keep the order
                section = {**section, "id": f"{section['id']}-{len(sections) + 1}",
                           "questions": []}
                section.pop("intro", None)
                sections.append(section)
                group_stack[-1] = (group_stack[-1][0], section)
            return section
        if loose is None or (sections and sections[-1] is not loose):
            sid = _slug(_get(settings, "form_id") or form_title) or "questions"
            sid = sid if sid not in {s["id"] for s in sections} else f"{sid}-{len(sections) + 1}"
            loose = {"id": sid, "title": form_title, "easy_read": form_title,
                     "pictogram": DEFAULT_PICTOGRAM, "questions": []}
            sections.append(loose)
        return loose

    for number, record in rows:
        raw_type = _get(record, "type")
        xtype = re.sub(r"\s+", " ", raw_type.strip()).lower()
        parts = xtype.replace("begin group", "begin_group").replace("end group", "end_group") \
            .replace("begin repeat", "begin_repeat").replace("end repeat", "end_repeat") \
            .replace("select one ", "select_one ").replace("select multiple ", "select_multiple ") \
            .split()
        head_type = parts[0] if parts else ""
        name = _get(record, "name")
        where = f"survey row {number}"
        if head_type == "begin_repeat":
            skipping += 1
            report.append(f"{where}: repeat '{name}' cannot be mapped (a bank has no repeats); "
                          "it and its questions are left out")
            continue
        if head_type == "end_repeat":
            skipping = max(0, skipping - 1)
            continue
        if skipping:
            continue
        if head_type == "begin_group":
            labels = texts(record, "label")
            title = labels.get((default_code, False)) or name
            easy = labels.get((default_code, True))
            if group_stack and group_stack[-1][1] is not None and \
                    not group_stack[-1][1]["questions"]:
                # a group directly inside a group: the inner one is the section
                report.append(f"{where}: group '{name}' inside group "
                              f"'{group_stack[-1][0]}': each group becomes its own section")
            elif group_stack:
                report.append(f"{where}: group '{name}' inside group '{group_stack[-1][0]}': "
                              "each group becomes its own section")
            sid = _slug(name)
            if sid != name:
                report.append(f"{where}: group name '{name}' becomes section id '{sid}'")
            if not easy:
                no_easy = True
            section = {"id": sid, "title": title, "easy_read": easy or title,
                       "pictogram": picture(record, DEFAULT_PICTOGRAM), "questions": []}
            if prompt := _get(record, "prompt"):
                section["prompt"] = prompt
            add_translations(record, "label", f"{sid}.text", f"{sid}.easy_read",
                             title, easy or title)
            sections.append(section)
            group_stack.append((name, section))
            continue
        if head_type == "end_group":
            if group_stack:
                group_stack.pop()
            continue
        if head_type in METADATA_TYPES:
            report.append(f"{where}: '{head_type}' is device metadata; left out")
            continue
        labels = texts(record, "label")
        text = labels.get((default_code, False), "")
        if head_type == "note":
            section = current_section(number)
            if (_get(record, "reviewkit") == "intro" or not section["questions"]) \
                    and "intro" not in section and text:
                section["intro"] = text
                add_translations(record, "label", f"{section['id']}.intro",
                                 f"{section['id']}.intro", text, text)
            else:
                report.append(f"{where}: note '{name}' is not a question; left out")
            continue
        if head_type not in ("text", "select_one", "select_multiple"):
            what = head_type or "(empty type)"
            report.append(f"{where}: '{what}' question '{name}' cannot be mapped to a bank "
                          "question type; left out")
            continue
        if not text:
            errors.append(f"{where}: question '{name}' has no label in the default language")
            continue
        qid = _slug(name)
        if qid != name.lstrip("_") or not re.match(SLUG, qid):
            report.append(f"{where}: name '{name}' becomes question id '{qid}'")
        easy = labels.get((default_code, True))
        if not easy:
            no_easy = True
        marker = _get(record, "reviewkit").split()
        question: dict[str, Any] = {"id": qid, "type": "", "text": text,
                                    "easy_read": easy or text,
                                    "pictogram": picture(record, DEFAULT_PICTOGRAM)}
        hints = texts(record, "hint")
        help_std = hints.get((default_code, False))
        help_easy = hints.get((default_code, True))
        if help_std:
            question["help"] = help_std
        if help_easy and "no_easy_help" not in marker:
            question["easy_read_help"] = help_easy
        if (prompt := _get(record, "prompt")):
            question["prompt"] = prompt
        if _get(record, "required").lower() in _TRUE:
            question["required"] = True
        elif (req := _get(record, "required")) and req.lower() not in ("no", "false", "false()"):
            report.append(f"{where}: required '{req}' cannot be mapped; the question is optional")
        if (kinds := _get(record, "kinds")):
            question["kinds"] = kinds.split()
        if (constraint := _get(record, "constraint")):
            if m := _MAXLEN.match(constraint) if head_type == "text" else None:
                question["max_length"] = int(m.group(1))
            else:
                report.append(f"{where}: constraint '{constraint}' cannot be mapped; left out")
        for key in ("calculation", "default", "choice_filter", "repeat_count", "trigger"):
            if (value := _get(record, key)):
                report.append(f"{where}: {key} '{value}' cannot be mapped; left out")
        value_map: dict[str, str] = {}
        if head_type == "text":
            appearance = _get(record, "appearance").lower()
            if "statements" in marker:
                question["type"] = "statements"
            elif "free_text" in marker or "multiline" in appearance:
                question["type"] = "free_text"
            else:
                question["type"] = "short_text"
        else:
            if len(parts) < 2:
                errors.append(f"{where}: '{raw_type}' names no choice list")
                continue
            list_name = parts[1]
            if len(parts) > 2:
                report.append(f"{where}: '{' '.join(parts[2:])}' (for example or_other) cannot "
                              "be mapped; left out")
            if choices_sheet is None:
                errors.append(f"{where}: '{raw_type}' needs a 'choices' sheet, and the form has "
                              "none")
                continue
            if list_name not in lists:
                errors.append(f"{where}: there is no choice list '{list_name}' in the choices "
                              "sheet")
                continue
            items = lists[list_name]
            values = [_get(r, "name", "value") for _n, r in items]
            is_scale = marker and marker[0] == "scale"
            if is_scale:
                points = int(marker[1]) if len(marker) > 1 and marker[1] in ("3", "5") else 3
                question["type"] = "scale"
                if points != 3:
                    question["scale_points"] = points
                if sorted(values) != sorted(v for v, _l, _p in FACE_SCALES[points]):
                    report.append(f"{where}: the faces scale uses its own values; the list's "
                                  "values are not used")
            elif "yes_no" in marker and sorted(values) == sorted(v for v, _l, _p in
                                                                 YES_NO_CHOICES):
                question["type"] = "yes_no"
            else:
                question["type"] = ("multiple_choice" if head_type == "select_multiple"
                                     else "single_choice")
                bank_choices = []
                for (cnum, crec), value in zip(items, values, strict=True):
                    slug = _slug(value)
                    if slug != value:
                        report.append(f"choices row {cnum}: value '{value}' becomes '{slug}'")
                    value_map[value] = slug
                    clabels = texts(crec, "label")
                    label = clabels.get((default_code, False)) or value
                    ceasy = clabels.get((default_code, True))
                    if not ceasy:
                        no_easy = True
                    bank_choices.append({"value": slug, "label": label,
                                         "easy_read": ceasy or label,
                                         "pictogram": picture(crec, DEFAULT_CHOICE_PICTOGRAM)})
                    add_translations(crec, "label", f"{qid}.{slug}.label",
                                     f"{qid}.{slug}.easy_read", label, ceasy or label)
                question["choices"] = bank_choices
            if not value_map:
                value_map = {v: v for v in values}
        add_translations(record, "label", f"{qid}.text", f"{qid}.easy_read", text, easy or text)
        if help_std or help_easy:
            add_translations(record, "hint", f"{qid}.help.text", f"{qid}.help.easy_read",
                             help_std or "", help_easy or help_std or "")
        section = current_section(number)
        section["questions"].append(question)
        order[name] = len(order)
        qtypes[name] = (question["type"], value_map)
        if (relevant := _get(record, "relevant")):
            pending_relevant.append((number, question, name, relevant))

    # Conditions, now that every question is known.
    for number, question, name, relevant in pending_relevant:
        where = f"survey row {number}"
        refs = set(_REF.findall(relevant))
        bad = [r for r in refs if r == name or (r in order and order[r] > order[name])]
        if bad:
            errors.append(f"{where}: relevant '{relevant}' of '{name}' refers to "
                          f"{', '.join(sorted('${' + b + '}' for b in bad))}, which is not an "
                          "earlier question (a circular or forward reference)")
            continue
        parsed = _parse_relevant(relevant)
        if parsed is None:
            report.append(f"{where}: relevant '{relevant}' cannot be mapped (a bank condition is "
                          "${q} = 'x', selected(${q}, 'x'), or several joined with 'or', on one "
                          "question); the question is always shown")
            continue
        target, values = parsed
        if target not in qtypes:
            report.append(f"{where}: relevant '{relevant}' refers to '{target}', which is not an "
                          "imported question; the question is always shown")
            continue
        ttype, vmap = qtypes[target]
        if ttype not in ("single_choice", "multiple_choice", "scale", "yes_no"):
            report.append(f"{where}: relevant '{relevant}' tests '{target}', which has no "
                          "choices; the question is always shown")
            continue
        unknown = [v for v in values if v not in vmap]
        if unknown:
            report.append(f"{where}: relevant '{relevant}' uses {', '.join(unknown)}, which "
                          f"'{target}' does not offer; the question is always shown")
            continue
        mapped = [vmap[v] for v in values]
        question["show_if"] = ({"question": _slug(target), "equals": mapped[0]} if len(mapped) == 1
                               else {"question": _slug(target), "any_of": mapped})

    sections = [s for s in sections if s["questions"]]
    if not sections:
        errors.append(f"{path.name}: no question could be imported")
    if errors:
        raise XLSFormError(errors)
    if no_easy:
        report.append("no easy-read labels (a 'label::<language> - easy read' column): the "
                      "standard wording is used as easy read; write easy read before use")
    if no_picture:
        report.append(f"some rows have no known pictogram: '{DEFAULT_PICTOGRAM}' and "
                      f"'{DEFAULT_CHOICE_PICTOGRAM}' are used; choose pictures before use")
    def by_row(line: str) -> tuple[int, int]:
        m = re.match(r"(survey|choices) row (\d+)", line)
        return ((0 if m.group(1) == "survey" else 1), int(m.group(2))) if m else (2, 0)

    report.sort(key=by_row)
    version = _get(settings, "version")
    data = {
        "id": bank_id or _slug(_get(settings, "form_id") or path.stem),
        "version": int(version) if version.isdigit() and int(version) >= 1 else 1,
        "title": form_title,
        "easy_read_title": _get(settings, "easy_read_title") or form_title,
        "description": _get(settings, "description") or f"Imported from {path.name}.",
        "language": default_code if default_code in LANGUAGES else "en",
        "purpose": _get(settings, "purpose") or "check_in",
        "sections": sections,
    }
    if version and not (version.isdigit() and int(version) >= 1):
        report.append(f"settings: version '{version}' is not a whole number; version 1 is used")
    try:
        bank = Bank.model_validate(data)
    except ValidationError as exc:
        raise XLSFormError([f"the imported bank is not valid: "
                            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                            for e in exc.errors()]) from None
    return ImportResult(bank, report, translations)


def _parse_relevant(expr: str) -> tuple[str, list[str]] | None:
    """``${q} = 'a' or selected(${q}, 'b')`` → ('q', ['a', 'b']); None when not that shape."""
    text = expr.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    atoms = [a.strip() for a in re.split(r"\s+or\s+", text)]
    target, values = None, []
    for atom in atoms:
        while atom.startswith("(") and atom.endswith(")") and _balanced(atom[1:-1]):
            atom = atom[1:-1].strip()
        if m := _ATOM_EQ.match(atom):
            name, value = m.group(1), m.group(3)
        elif m := _ATOM_SEL.match(atom):
            name, value = m.group(1), m.group(3)
        elif m := _ATOM_EQ_REV.match(atom):
            name, value = m.group(3), m.group(2)
        else:
            return None
        if target not in (None, name):
            return None
        target = name
        values.append(value)
    return (target, values) if target else None


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


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


# --- command line (added to `reviewkit banks` in reviewkit/cli.py) ----------------------------

def _commands():
    import sys

    import click
    from flask import current_app
    from flask.cli import with_appcontext

    @click.command("import-xlsform")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the bank to BANK.yaml (its name is the bank id). Default: print it.")
    @click.option("--id", "bank_id", help="The bank id (default: the --out file name, else the "
                  "form_id of the settings sheet).")
    @click.option("--po-dir", type=click.Path(file_okay=False, path_type=Path),
                  help="Also write the other languages' labels to DIR/<lang>.po (marked fuzzy), "
                       "to merge into translations/<lang>/LC_MESSAGES/banks.po.")
    @click.option("--force", is_flag=True, help="Replace --out if it exists.")
    def import_command(file: Path, out: Path | None, bank_id: str | None, po_dir: Path | None,
                       force: bool) -> None:
        """Turn an XLSForm (KoboToolbox, ODK) into a question bank.

        Groups become sections; text, select_one and select_multiple questions become bank
        questions; label::<language> columns become the bank text, its easy read (a language
        whose name says "easy read") and translations; relevant conditions of the form
        ${q} = 'x', selected(${q}, 'x') and 'or' chains become show_if. Everything that cannot
        be mapped is listed with its row. Nothing is written when the form has an error."""
        from .loader import parse_bank

        if out is not None and out.exists() and not force:
            raise click.UsageError(f"{out} exists; use --force to replace it")
        try:
            result = import_xlsform(file, bank_id or (out.stem if out else None))
            text = bank_yaml(result.bank)
            parse_bank(text, str(out or "<imported>"))  # the loader's checks (pictograms, …)
        except XLSFormError as exc:
            for problem in exc.problems:
                click.secho(f"{file}: {problem}", fg="red", err=True)
            click.echo(f"{file}: not imported, {len(exc.problems)} error(s)", err=True)
            sys.exit(1)
        except BankError as exc:
            for problem in exc.problems:
                click.secho(f"{file}: {problem.reason}", fg="red", err=True)
            sys.exit(1)
        for line in result.report:
            click.secho(f"{file}: {line}", fg="yellow", err=True)
        header = (f"# Imported from {file.name} with `reviewkit banks import-xlsform`.\n"
                  "# Check the easy read and pictograms; schema: docs/question-banks.md.\n")
        if out is None:
            click.echo(header + text, nl=False)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(header + text, "utf-8")
        if po_dir is not None:
            for lang, texts in sorted(result.translations.items()):
                target = po_dir / f"{lang}.po"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(translations_po(result.bank, lang, texts))
                click.echo(f"{len(texts)} {lang} translation(s) written to {target}", err=True)
        n = len(result.bank.questions)
        click.echo(f"{result.bank.id}: {n} question(s) imported{f' to {out}' if out else ''}, "
                   f"{len(result.report)} thing(s) not mapped", err=True)

    @click.command("export-xlsform")
    @click.argument("bank")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--lang", "langs", multiple=True, type=click.Choice(
        [c for c in LANGUAGES if c != "en"]), help="Only these translations (repeatable). "
        "Default: every language with a translation of the bank.")
    @with_appcontext
    def export_command(bank: str, out: Path, langs: tuple[str, ...]) -> None:
        """Write BANK (a bank id in the banks folder, or a .yaml file) as an XLSForm OUT.xlsx
        for KoboToolbox or ODK, with its translations and easy read as languages; then check
        that pyxform converts it."""
        from .loader import load_bank

        path = Path(bank)
        if not path.suffix:
            path = Path(current_app.config["BANKS_PATH"]) / f"{bank}.yaml"
        if out.suffix.lower() != ".xlsx":
            raise click.BadParameter("the file name must end in .xlsx", param_hint="OUT")
        try:
            loaded = load_bank(path)
        except BankError as exc:
            for problem in exc.problems:
                click.secho(str(problem), fg="red", err=True)
            sys.exit(1)
        export_xlsform(loaded, out, list(langs) if langs else None)
        try:
            warnings = pyxform_check(out)
        except Exception as exc:  # noqa: BLE001 - pyxform's errors have several classes
            click.secho(f"{out}: pyxform cannot convert it: {exc}", fg="red", err=True)
            sys.exit(1)
        for warning in warnings:
            click.secho(f"{out}: pyxform warning: {warning}", fg="yellow", err=True)
        click.echo(f"{loaded.id} written to {out} (pyxform converts it)")

    return import_command, export_command


import_command, export_command = _commands()
