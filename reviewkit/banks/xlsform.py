"""XLSForm import: pyxform reads the form (.xls through xlrd, .xlsx, the spec's column and type
aliases, the settings sheet, ``default_language``, ``choice_filter``); this module maps what it
read into a bank.

What a bank can show is imported: text, integer, decimal and date questions (the last three as
short text), select_one, select_multiple (with ``or_other``), notes as section introductions,
groups as sections (nested groups flattened, their labels joined), ``relevant`` where a bank
condition can say it, every language column (easy read as a language of its own) and
``media::image`` files that are reviewkit pictograms. Every other row is skipped with a line
giving its row, name, type and why. A form is refused (:class:`XLSFormError`) only when pyxform
refuses it, with pyxform's message and row, or when nothing in it can be shown.

Export lives in :mod:`reviewkit.banks.xlsform_export`, the commands in ``xlsform_cli``.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from ..config import LANGUAGES
from .loader import PICTOGRAM_DIR
from .schema import FACE_SCALES, SLUG, YES_NO_CHOICES, Bank
from .xlsform_export import (  # noqa: F401 - the public names of the XLSForm bridge
    bank_languages,
    bank_yaml,
    export_rows,
    export_xlsform,
    forget_interface,
    pyxform_check,
    same_bank,
    translations_po,
)

ROW = "reviewkit_row"  # a column given to every row before pyxform reads it: the row number
DEFAULT_PICTOGRAM = "question"
DEFAULT_CHOICE_PICTOGRAM = "choose"
CHOICE_TYPES = {"select one": "single_choice", "select all that apply": "multiple_choice"}
AS_SHORT_TEXT = {
    "integer": _l("shown as a short text answer: reviewkit does not check it is a whole number"),
    "decimal": _l("shown as a short text answer: reviewkit does not check it is a number"),
    "date": _l("shown as a short text answer: reviewkit has no calendar"),
}
METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
            "username", "email", "audit", "start-geopoint", "background-audio",
            "background-geopoint"}
WHY = {
    "calculate": _l("a calculation, not a question: nothing is shown to the person"),
    "pull_data": _l("pull_data reads a file that comes with the form; reviewkit has no such file"),
    "hidden": _l("a hidden value, not a question"),
    "metadata": _l("phone metadata the device records; there is nothing to ask"),
    "geopoint": _l("a map location; reviewkit has no map question"),
    "barcode": _l("a barcode scan; reviewkit cannot scan"),
    "media": _l("a photo, recording or file; reviewkit does not take files"),
    "repeat": _l("a repeat; reviewkit asks each question once"),
    "external": _l("its choices come from a file outside the form"),
    "few_choices": _l("a choice question needs at least two choices"),
    "no_label": _l("no label in any language: there is nothing to show"),
    "empty_group": _l("no question in this group can be shown"),
    "late_note": _l("a note with no question after it: a bank shows notes before questions"),
    "other": _l("reviewkit has no question of this type"),
}
KIND_OF = {"geopoint": "geopoint", "geotrace": "geopoint", "geoshape": "geopoint",
           "barcode": "barcode", "image": "media", "audio": "media", "video": "media",
           "file": "media", "hidden": "hidden", "xml-external": "external",
           "csv-external": "external", "select one external": "external"}
# English names of languages, for columns such as "label::Welsh" that give no code.
LANGUAGE_NAMES = {"cymraeg": "cy", "polski": "pl", "română": "ro", "english": "en"}
_REF = re.compile(r"\$\{([^}]+)\}")
_ATOM = re.compile(r"""^(?:\$\{(?P<a>[^}]+)\}\s*=\s*(?P<q1>['"])(?P<v1>.*?)(?P=q1)
                    |(?P<q2>['"])(?P<v2>.*?)(?P=q2)\s*=\s*\$\{(?P<b>[^}]+)\}
                    |selected\(\s*\$\{(?P<c>[^}]+)\}\s*,\s*(?P<q3>['"])(?P<v3>.*?)(?P=q3)\s*\))$""",
                   re.X)
_MAXLEN = re.compile(r"^string-length\(\s*\.\s*\)\s*<=?\s*(\d+)$")
_TRUE = {"yes", "true", "true()", "1"}


class XLSFormError(Exception):
    """The form cannot be imported; ``problems`` say why (pyxform's message with its row)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Line:
    """One row of the import report: skipped (left out) or imported with a change."""

    row: int | None
    name: str
    type: str
    reason: str
    skipped: bool = False
    sheet: str = "survey"

    def __str__(self) -> str:
        where = f"{self.sheet} row {self.row}: " if self.row else ""
        what = f"'{self.name}' ({self.type})" if self.type else f"'{self.name}'"
        if self.skipped:
            return where + _("%(what)s left out: %(why)s", what=what, why=self.reason)
        return where + f"{what}: {self.reason}" if self.name else where + self.reason


@dataclass
class ImportResult:
    bank: Bank
    lines: list[Line] = field(default_factory=list)
    # {lang: {context: text}}, the contexts reviewkit.translate.extract gives bank text
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def skipped(self) -> list[Line]:
        return [line for line in self.lines if line.skipped]

    @property
    def notes(self) -> list[Line]:
        return [line for line in self.lines if not line.skipped]

    @property
    def report(self) -> list[str]:
        return [str(line) for line in self.lines]


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    from babel import Locale

    names = {n.lower(): c for c, n in Locale("en").languages.items()
             if re.fullmatch(r"[a-z]{2,3}", c)}
    names.update({n.lower(): c for c, (n, _d) in LANGUAGES.items()})
    return {**names, **LANGUAGE_NAMES}


def _language(key: str, default: str) -> tuple[str | None, bool]:
    """(language code or None when unknown, easy read?) of a pyxform language key."""
    if key == "default":
        return default, False
    easy = bool(re.search(r"easy[\s_-]*read", key, re.I))
    if m := re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$", key):
        return m.group(1).lower(), easy
    bare = re.sub(r"easy[\s_-]*read", "", key, flags=re.I).strip(" -_").lower()
    return (bare if re.fullmatch(r"[a-z]{2,3}", bare) else _language_names().get(bare)), easy


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    return s.lstrip("_-")[:64]


def _unique(base: str, taken: set[str]) -> str:
    return next(c for n in range(1, 10**6) if (c := base if n == 1 else f"{base}-{n}") not in taken)


def _parse_relevant(expr: str) -> tuple[str, list[str]] | None:
    """``${q} = 'a' or selected(${q}, 'b')`` → ('q', ['a', 'b']); None when not that shape."""
    def unwrap(text: str) -> str:
        text = text.strip()
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        return text

    target, values = None, []
    for atom in re.split(r"\s+or\s+", unwrap(expr)):
        m = _ATOM.match(unwrap(atom))
        if not m or target not in (None, m["a"] or m["b"] or m["c"]):
            return None
        target = m["a"] or m["b"] or m["c"]
        values.append(m["v1"] if m["a"] else m["v2"] if m["b"] else m["v3"])
    return (target, values) if target else None


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# --- reading with pyxform ---------------------------------------------------------------------

def read_form(path: Path | str) -> tuple[dict[str, Any], dict[int, tuple[str, str]], dict]:
    """pyxform's reading of the form (its JSON, every element with its row in ``ROW``), the raw
    (type, name) of each survey row and the settings row as written. Raises
    :class:`XLSFormError` with pyxform's message when pyxform refuses the form."""
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    path = Path(path)
    try:
        data = get_xlsform(xlsform=str(path))
        raw: dict[int, tuple[str, str]] = {}
        for sheet in ("survey", "choices"):
            rows, header = getattr(data, sheet), getattr(data, f"{sheet}_header")
            for number, row in enumerate(rows or [], start=2):
                if row:
                    if sheet == "survey":
                        cells = {str(k).strip().lower(): str(v) for k, v in row.items()}
                        raw[number] = (cells.get("type", ""), cells.get("name", ""))
                    row[ROW] = str(number)
            if header:
                header[0][ROW] = None
        form = workbook_to_json(workbook_dict=data, form_name=None,
                                fallback_form_name=data.fallback_form_name, warnings=[])
        create_survey_element_from_dict(copy.deepcopy(form)).to_xml(validate=False, warnings=[])
    except Exception as exc:  # noqa: BLE001 - pyxform refuses a form with several classes
        message = str(exc).strip() or type(exc).__name__
        raise XLSFormError([_("pyxform cannot convert %(file)s: %(error)s", file=path.name,
                              error=message)]) from None
    return form, raw, (data.settings or [{}])[0]


def import_xlsform(path: Path | str, bank_id: str | None = None) -> ImportResult:
    """Read the XLSForm at ``path`` (.xls or .xlsx) into a bank, with the report of every row
    left out or changed, and the translations found in other language columns."""
    path = Path(path)
    form, raw, settings = read_form(path)
    return _Mapper(form, raw, {str(k).strip().lower(): str(v) for k, v in settings.items()},
                   path).bank(bank_id)


# --- the mapping ------------------------------------------------------------------------------

class _Mapper:
    def __init__(self, form: dict[str, Any], raw: dict[int, tuple[str, str]],
                 settings: dict[str, str], path: Path):
        self.form, self.raw, self.settings, self.path = form, raw, settings, path
        self.lines: list[Line] = []
        self.sections: list[dict[str, Any]] = []
        self.translations: dict[str, dict[str, str]] = {}
        # form name → (bank question, position, the form's values of its choices)
        self.questions: dict[str, tuple[dict[str, Any], int, list[str]]] = {}
        self.pending: list[tuple[Line, dict[str, Any], str, str]] = []  # relevant to map last
        self.found: Counter[str] = Counter()
        self.no_easy = self.no_picture = False
        self.pictures = {p.stem for p in PICTOGRAM_DIR.glob("*.svg")}
        keys = self._language_keys(form.get("children", []))
        self.default_key = self._default_key(keys)
        self.default = _language(self.default_key, settings.get("language") or "en")[0] or "en"
        self.langs = {k: _language(k, self.default) for k in keys}
        for key, (code, _easy) in self.langs.items():
            if code is None:
                self.note(None, key, "", _("reviewkit cannot tell which language this column is "
                                           "(write it as 'Name (code)'); its text is not imported"))

    # report
    def note(self, row, name, xtype, reason, skipped=False, sheet="survey") -> None:
        self.lines.append(Line(row, name, xtype, str(reason), skipped, sheet))

    def row_of(self, el: dict[str, Any]) -> tuple[int | None, str, str]:
        row = int(el[ROW]) if el.get(ROW) else None
        xtype, name = self.raw.get(row, ("", ""))
        return row, name or el.get("name", ""), xtype or el.get("type", "")

    def skip(self, el: dict[str, Any], why: str) -> None:
        row, name, xtype = self.row_of(el)
        if row is not None:
            self.found[xtype.split()[0] if xtype else "?"] += 1
            self.note(row, name, xtype, why, skipped=True)
        for child in el.get("children", []):
            self.skip(child, _("inside %(name)s, which is left out", name=name))

    # languages
    def _language_keys(self, children: list[dict[str, Any]]) -> list[str]:
        keys: dict[str, None] = {}

        def visit(el: dict[str, Any]) -> None:
            for part in ("label", "hint"):
                if isinstance(el.get(part), dict):
                    keys.update(dict.fromkeys(el[part]))
                elif el.get(part):
                    keys["default"] = None
            for item in [*el.get("children", []), *el.get("choices", [])]:
                visit(item)

        for el in children:
            visit(el)
        return list(keys)

    def _default_key(self, keys: list[str]) -> str:
        said = self.form.get("default_language")
        if said in keys:
            return said
        if "default" in keys or not keys:
            return "default"
        plain = [k for k in keys if not _language(k, "en")[1]]
        return next((k for k in plain if _language(k, "en")[0] == "en"), (plain or keys)[0])

    def texts(self, el: dict[str, Any], part: str) -> dict[tuple[str, bool], str]:
        value = el.get(part)
        if part == "image":
            value = (el.get("media") or {}).get("image")
        if not isinstance(value, dict):
            value = {self.default_key: value} if value else {}
        out: dict[tuple[str, bool], str] = {}
        for key, text in value.items():
            code, easy = self.langs.get(key) or _language(key, self.default)
            if code and str(text).strip():
                out.setdefault((code, easy), str(text).strip())
        return out

    def wording(self, el: dict[str, Any], part: str = "label") -> tuple[str, str | None, dict]:
        """(standard text, easy read or None, all texts) in the default language; a text only in
        another language stands in for the default one."""
        texts = self.texts(el, part)
        std = texts.get((self.default, False)) or next(
            (t for (c, e), t in texts.items() if not e), "") or next(iter(texts.values()), "")
        return std, texts.get((self.default, True)), texts

    def translate(self, texts: dict, ctx: str, std: str, easy: str | None, easy_ctx: str) -> None:
        for (code, is_easy), text in texts.items():
            english = (easy or std) if is_easy else std
            if code != self.default and text != english:
                self.translations.setdefault(code, {})[easy_ctx if is_easy else ctx] = text

    def picture(self, el: dict[str, Any], fallback: str, row: int | None, name: str,
                xtype: str) -> str:
        named = str(el.get("pictogram") or "")
        if named in self.pictures:
            return named
        images = list(self.texts(el, "image").values())
        for file in images:
            if Path(file).stem in self.pictures:
                return Path(file).stem
        if images:
            self.note(row, name, xtype, _("image '%(file)s' is not one of reviewkit's pictograms; "
                                          "'%(picture)s' is shown", file=images[0],
                                          picture=fallback), sheet="survey" if xtype else "choices")
        else:
            self.no_picture = True
        return fallback

    # sections
    def section(self, path: tuple[dict[str, Any], ...], fresh: bool = False) -> dict[str, Any]:
        key = tuple(id(g) for g in path)
        last = self.sections[-1] if self.sections else None
        if last is not None and last["_path"] == key and not fresh:
            return last
        if path:
            std = " – ".join(self.wording(g)[0] or g["name"] for g in path)
            easy_parts = [self.wording(g)[1] for g in path]
            easy = " – ".join(e or self.wording(g)[0] or g["name"]
                              for e, g in zip(easy_parts, path, strict=True))
            if not all(easy_parts):
                self.no_easy = True
            base = _slug(path[-1]["name"]) or "section"
        else:
            std = easy = self.title
            base = _slug(self.form.get("id_string") or self.title) or "questions"
        notes = []
        if last is not None and not last["questions"]:  # only notes: they introduce this one
            notes = self.sections.pop()["_notes"]
            for texts in self.translations.values():
                for ctx in [c for c in texts if c.startswith(f"{last['id']}.")]:
                    del texts[ctx]
        sid = _unique(base, {s["id"] for s in self.sections})
        new = {"id": sid, "title": std, "easy_read": easy, "questions": [], "_path": key,
               "_notes": notes, "pictogram": DEFAULT_PICTOGRAM}
        if path:
            group = path[-1]
            row, name, xtype = self.row_of(group)
            new["pictogram"] = self.picture(group, DEFAULT_PICTOGRAM, row, name, xtype)
            if group.get("prompt"):
                new["prompt"] = str(group["prompt"])
            parts = [self.wording(g) for g in path]
            langs = {k for _s, _e, texts in parts for k in texts}
            joined = {(code, is_easy): " – ".join(
                texts.get((code, is_easy)) or texts.get((code, False)) or (e or s if is_easy else s)
                for s, e, texts in parts) for code, is_easy in langs}
            self.translate(joined, f"{sid}.text", std, easy, f"{sid}.easy_read")
        self.sections.append(new)
        return new

    def walk(self, children: list[dict[str, Any]], path: tuple, relevant: str) -> None:
        skip_next_other = None
        for el in children:
            kind = el.get("type", "")
            row, name, xtype = self.row_of(el)
            if row is None:
                if skip_next_other and el.get("name") == f"{skip_next_other[0]}_other":
                    self.other_question(el, path, skip_next_other[1])
                continue  # pyxform's own elements (meta/instanceID)
            skip_next_other = None
            own = (el.get("bind") or {}).get("relevant", "")
            if kind == "group":
                before = len(self.lines), sum(len(s["questions"]) for s in self.sections)
                self.walk(el.get("children", []), (*path, el), own or relevant)
                if sum(len(s["questions"]) for s in self.sections) == before[1]:
                    self.lines.insert(before[0], Line(row, name, xtype, str(WHY["empty_group"]),
                                                      True))
                    self.found["begin_group"] += 1
                continue
            if kind == "repeat":
                self.skip(el, WHY["repeat"])
            elif kind == "note":
                self.add_note(el, path)
            elif kind in CHOICE_TYPES and el.get("choices") is None:
                self.skip(el, WHY["external"])
            elif kind in CHOICE_TYPES or kind in ("text", *AS_SHORT_TEXT):
                q = self.question(el, path, own or relevant)
                if q is not None and "other" in {c.get("name") for c in el.get("choices", [])
                                                 if c.get(ROW) is None}:
                    skip_next_other = (el["name"], q)
            elif kind in METADATA:
                self.skip(el, WHY["metadata"])
            elif kind == "calculate":
                calc = (el.get("bind") or {}).get("calculate", "")
                self.skip(el, WHY["pull_data" if "pull_data" in calc else "calculate"])
            else:
                self.skip(el, WHY[KIND_OF.get(kind, "other")])

    def add_note(self, el: dict[str, Any], path: tuple) -> None:
        std, _easy, texts = self.wording(el)
        if not std:
            return self.skip(el, WHY["no_label"])
        sec = self.section(path)
        if sec["questions"]:
            sec = self.section(path, fresh=True)
        sec["_notes"].append((Line(*self.row_of(el), str(WHY["late_note"]), True), std, texts))

    def question(self, el: dict[str, Any], path: tuple, relevant: str) -> dict[str, Any] | None:
        row, name, xtype = self.row_of(el)
        kind = el["type"]
        std, easy, texts = self.wording(el)
        if not std:
            self.skip(el, WHY["no_label"])
            return None
        if not texts.get((self.default, False)):
            self.note(row, name, xtype, _("no label in the default language; another language's "
                                          "label is used"))
        q: dict[str, Any] = {"id": self.question_id(name, row, xtype), "text": std,
                             "easy_read": easy or std}
        self.no_easy |= easy is None
        marker = str(el.get("reviewkit") or "").split()
        bind = el.get("bind") or {}
        values: list[str] = []
        if kind in CHOICE_TYPES:
            if not self.choices(el, q, marker, values, row, name, xtype):
                return None
        elif kind == "text":
            appearance = str((el.get("control") or {}).get("appearance", "")).lower()
            q["type"] = ("statements" if "statements" in marker else "free_text"
                         if "free_text" in marker or "multiline" in appearance else "short_text")
        else:
            q["type"] = "short_text"
            self.note(row, name, xtype, AS_SHORT_TEXT[kind])
        q["pictogram"] = self.picture(el, DEFAULT_PICTOGRAM, row, name, xtype)
        help_std, help_easy, hints = self.wording(el, "hint")
        if help_std:
            q["help"] = help_std
        if help_easy and "no_easy_help" not in marker:
            q["easy_read_help"] = help_easy
        if el.get("prompt"):
            q["prompt"] = str(el["prompt"])
        if el.get("kinds") and q["type"] in ("free_text", "short_text", "statements"):
            q["kinds"] = str(el["kinds"]).split()
        required = str(bind.get("required", "")).strip()
        if required.lower() in _TRUE:
            q["required"] = True
        elif required and required.lower() not in ("no", "false", "false()"):
            self.note(row, name, xtype, _("required '%(expr)s' cannot be expressed; the question "
                                          "is optional", expr=required))
        if constraint := str(bind.get("constraint", "")).strip():
            if (m := _MAXLEN.match(constraint)) and kind == "text":
                q["max_length"] = int(m.group(1))
            else:
                self.note(row, name, xtype, _("constraint '%(expr)s' is not checked",
                                              expr=constraint))
        qid = q["id"]
        self.translate(texts, f"{qid}.text", std, easy, f"{qid}.easy_read")
        if help_std:
            self.translate(hints, f"{qid}.help.text", help_std, help_easy, f"{qid}.help.easy_read")
        self.section(path)["questions"].append(q)
        self.questions[name] = (q, len(self.questions), values)
        if relevant:
            self.pending.append((Line(row, name, xtype, ""), q, name, relevant))
        return q

    def question_id(self, name: str, row: int | None, xtype: str) -> str:
        qid = _unique(_slug(name) or "question", {q["id"] for q, _o, _v in self.questions.values()})
        if qid != name.lstrip("_") or not re.match(SLUG, qid):
            self.note(row, name, xtype, _("the name becomes the question id '%(id)s'", id=qid))
        return qid

    def choices(self, el, q, marker, values, row, name, xtype) -> bool:
        items = el.get("choices") or []
        raw_values = [str(c.get("name", "")) for c in items]
        if marker and marker[0] == "scale":
            points = int(marker[1]) if len(marker) > 1 and marker[1] in ("3", "5") else 3
            q["type"], values[:] = "scale", [v for v, _l, _p in FACE_SCALES[points]]
            if points != 3:
                q["scale_points"] = points
            return True
        if "yes_no" in marker and sorted(raw_values) == sorted(v for v, _l, _p in YES_NO_CHOICES):
            q["type"], values[:] = "yes_no", raw_values
            return True
        q["type"] = CHOICE_TYPES[el["type"]]
        if el.get("choice_filter"):
            self.note(row, name, xtype, _("choice_filter '%(expr)s' cannot be applied: every "
                                          "choice of '%(list)s' is shown",
                                          expr=el["choice_filter"], list=el.get("list_name", "")))
        out, seen = [], {}
        for c in items:
            crow = int(c[ROW]) if c.get(ROW) else None
            value = str(c.get("name", ""))
            slug = _slug(value) or "choice"
            if slug in seen:
                self.note(crow, value, "", _("already in list '%(list)s' (row %(row)s); shown once",
                                             list=el.get("list_name", ""), row=seen[slug]),
                          sheet="choices")
                continue
            seen[slug] = crow or "-"
            if slug != value:
                self.note(crow, value, "", _("the value becomes '%(slug)s'", slug=slug),
                          sheet="choices")
            label, ceasy, ctexts = self.wording(c)
            label = label or value
            self.no_easy |= ceasy is None
            out.append({"value": slug, "label": label, "easy_read": ceasy or label,
                        "pictogram": self.picture(c, DEFAULT_CHOICE_PICTOGRAM, crow, value, "")})
            self.translate(ctexts, f"{q['id']}.{slug}.label", label, ceasy,
                           f"{q['id']}.{slug}.easy_read")
            values.append(value)
        if len(out) < 2:
            self.skip(el, WHY["few_choices"])
            return False
        q["choices"] = out
        return True

    def other_question(self, el: dict[str, Any], path: tuple, parent: dict[str, Any]) -> None:
        """The 'Specify other' text question pyxform adds after an ``or_other`` select."""
        std, easy, texts = self.wording(el)
        qid = self.question_id(el["name"], None, "")
        q = {"id": qid, "type": "short_text", "text": std or "Other", "easy_read": easy or std,
             "pictogram": DEFAULT_PICTOGRAM, "show_if": {"question": parent["id"],
                                                         "equals": "other"}}
        self.section(path)["questions"].append(q)
        self.questions[el["name"]] = (q, len(self.questions), [])

    def conditions(self) -> None:
        for line, q, name, relevant in self.pending:
            parsed = _parse_relevant(relevant)
            target = self.questions.get(parsed[0]) if parsed else None
            problem = None
            if parsed is None:
                problem = _("a bank condition is ${q} = 'x', selected(${q}, 'x') or several "
                            "of these joined with 'or', on one question")
            elif target is None:
                problem = _("'%(target)s' is not an imported question", target=parsed[0])
            elif target[1] >= self.questions[name][1]:
                problem = _("'%(target)s' is not an earlier question", target=parsed[0])
            elif target[0]["type"] not in ("single_choice", "multiple_choice", "scale", "yes_no"):
                problem = _("'%(target)s' has no choices", target=parsed[0])
            elif unknown := [v for v in parsed[1] if v not in target[2]]:
                problem = _("'%(target)s' does not offer %(values)s", target=parsed[0],
                            values=", ".join(unknown))
            if problem:
                self.note(line.row, line.name, line.type, _(
                    "relevant '%(expr)s' cannot be expressed (%(why)s); the question is always "
                    "shown", expr=relevant, why=problem))
                continue
            tq, values = target[0], target[2]
            slugs = {v: (c["value"] if "choices" in tq else v)
                     for v, c in zip(values, tq.get("choices", values), strict=False)}
            mapped = list(dict.fromkeys(slugs.get(v, _slug(v)) for v in parsed[1]))
            q["show_if"] = ({"question": tq["id"], "equals": mapped[0]} if len(mapped) == 1
                            else {"question": tq["id"], "any_of": mapped})

    @property
    def title(self) -> str:
        return str(self.settings.get("form_title") or self.form.get("title") or self.path.stem)

    def bank(self, bank_id: str | None) -> ImportResult:
        self.walk(self.form.get("children", []), (), "")
        self.conditions()
        for sec in self.sections:
            notes = sec["_notes"]
            if not sec["questions"]:
                self.lines.extend(line for line, _s, _t in notes)
                self.found.update("note" for _n in notes)
            elif notes:
                sec["intro"] = "\n\n".join(std for _l, std, _t in notes)
                for code in {c for _l, _s, t in notes for c, e in t if c != self.default}:
                    self.translations.setdefault(code, {})[f"{sec['id']}.intro"] = "\n\n".join(
                        t.get((code, False), std) for _l, std, t in notes)
        sections = [{k: v for k, v in s.items() if not k.startswith("_")}
                    for s in self.sections if s["questions"]]
        if not sections:
            found = ", ".join(f"{n} × {t}" for t, n in self.found.most_common())
            raise XLSFormError([
                _("nothing in %(file)s can be shown in reviewkit", file=self.path.name),
                _("found: %(found)s", found=found or _("no rows")),
                *[str(line) for line in self.lines if line.skipped]])
        if self.no_easy:
            self.note(None, "", "", _("no easy-read labels (a 'label::<language> - easy read' "
                                      "column): the standard wording is used as easy read; "
                                      "write easy read before use"))
        if self.no_picture:
            self.note(None, "", "", _("some rows have no pictogram: '%(q)s' and '%(c)s' are "
                                      "shown; choose pictures before use",
                                      q=DEFAULT_PICTOGRAM, c=DEFAULT_CHOICE_PICTOGRAM))
        version = str(self.form.get("version") or "")
        if version and not (version.isdigit() and int(version) >= 1):
            self.note(None, "", "", _("version '%(v)s' is not a whole number; version 1 is used",
                                      v=version))
        self.lines.sort(key=lambda line: (line.row is None, line.sheet != "survey",
                                          line.row or 0))
        s = self.settings
        data = {
            "id": bank_id or _slug(str(self.form.get("id_string") or self.path.stem)) or "form",
            "version": int(version) if version.isdigit() and int(version) >= 1 else 1,
            "title": self.title, "easy_read_title": s.get("easy_read_title") or self.title,
            "description": s.get("description") or f"Imported from {self.path.name}.",
            "language": self.default if re.fullmatch(r"[a-z]{2,3}", self.default) else "en",
            "purpose": s.get("purpose") or "check_in", "sections": sections,
        }
        try:
            bank = Bank.model_validate(data)
        except ValidationError as exc:
            raise XLSFormError([_("the imported bank is not valid: %(where)s: %(why)s",
                                  where=".".join(str(p) for p in e["loc"]), why=e["msg"])
                                for e in exc.errors()]) from None
        return ImportResult(bank, self.lines, self.translations)


from .xlsform_cli import export_command, import_command  # noqa: E402,F401 - for reviewkit.cli
