"""What the XLSForm import (:mod:`reviewkit.banks.xlsform`) reads and says: pyxform's reading
of a form with every row numbered, the report (a line per row left out or changed, with its row,
name, type and why), the refusal, and readers of language names and ``relevant`` expressions."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..config import LANGUAGES
from .schema import Bank

ROW = "reviewkit_row"  # a column given to every row before pyxform reads it: the row number
CHOICE_TYPES = {"select one": "single_choice", "select all that apply": "multiple_choice"}
# Text answers under other names: pyxform's "phone number" and the XForm "string".
TEXT_TYPES = ("text", "string", "phone number")
# Typed answers: pyxform's type → the bank question's fields.
TYPED: dict[str, dict[str, Any]] = {
    "integer": {"type": "number"}, "decimal": {"type": "number", "decimal": True},
    "date": {"type": "date"}, "time": {"type": "time"}, "dateTime": {"type": "datetime"},
    "datetime": {"type": "datetime"}}
LOOP = "reviewkit_loop"  # the loop's name, on the groups and questions its choices give
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
    "repeat": _l("repeat shown once: its questions are a section, asked once, not once for "
                 "each item"),
    "external": _l("its choices come from a file outside the form (not found beside it, or "
                   "not a CSV file with name and label columns)"),
    "loop": _l("a loop over the choices of a list: its questions are asked once for each "
               "choice, in a section of their own"),
    "rank": _l("shown as a choice of the answer that comes first: reviewkit cannot put "
               "answers in order"),
    "few_choices": _l("a choice question needs at least two choices"),
    "no_label": _l("no label in any language: there is nothing to show"),
    "empty_group": _l("no question in this group can be shown"),
    "late_note": _l("a note with no question after it: a bank shows notes before questions"),
    "other": _l("reviewkit has no question of this type"),
    "formatting": _l("its bold, italics, headings, colours and links (markdown or HTML) are "
                     "taken out: a bank shows plain words"),
}
KIND_OF = {"geopoint": "geopoint", "geotrace": "geopoint", "geoshape": "geopoint",
           "barcode": "barcode", "image": "media", "photo": "media", "audio": "media",
           "video": "media", "file": "media", "hidden": "hidden", "xml-external": "external",
           "csv-external": "external", "select one external": "external"}
# English names of languages, for columns such as "label::Welsh" that give no code.
LANGUAGE_NAMES = {"cymraeg": "cy", "polski": "pl", "română": "ro", "english": "en"}
REFERENCE = re.compile(r"\$\{([^}]+)\}")  # ${name} in a label: the form fills in an answer
_ATOM = re.compile(r"""^(?:\$\{(?P<a>[^}]+)\}\s*=\s*(?P<q1>['"])(?P<v1>.*?)(?P=q1)
                    |(?P<q2>['"])(?P<v2>.*?)(?P=q2)\s*=\s*\$\{(?P<b>[^}]+)\}
                    |selected\(\s*\$\{(?P<c>[^}]+)\}\s*,\s*(?P<q3>['"])(?P<v3>.*?)(?P=q3)\s*\))$""",
                   re.X)
# How pyxform writes a cell Excel keeps as a date: typing "3-5" or "1/2" in Excel gives one.
EXCEL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
MAXLEN = re.compile(r"^string-length\(\s*\.\s*\)\s*<=?\s*(\d+)$")
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_BOUND = re.compile(rf"^\(?\s*\.\s*(>=|<=|>|<)\s*{_NUMBER}\s*\)?$")
TRUE = {"yes", "true", "true()", "1"}


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
def language_names() -> dict[str, str]:
    from babel import Locale

    names = {n.lower(): c for c, n in Locale("en").languages.items()
             if re.fullmatch(r"[a-z]{2,3}", c)}
    names.update({n.lower(): c for c, (n, _d) in LANGUAGES.items()})
    return {**names, **LANGUAGE_NAMES}


def language(key: str, default: str) -> tuple[str | None, bool]:
    """(language code or None when unknown, easy read?) of a pyxform language key."""
    if key == "default":
        return default, False
    easy = bool(re.search(r"easy[\s_-]*read", key, re.I))
    if m := re.search(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$", key):
        return m.group(1).lower(), easy
    bare = re.sub(r"easy[\s_-]*read", "", key, flags=re.I).strip(" -_").lower()
    return (bare if re.fullmatch(r"[a-z]{2,3}", bare) else language_names().get(bare)), easy


_SPAN = re.compile(r"</?(?:span|font|b|strong|i|em|u)\b[^>]*>", re.I)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"
                 r"|(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)


def plain_text(text: str) -> str:
    """A label's words without the formatting ODK and KoboToolbox show (their markdown:
    ``**bold**``, ``*italic*``, ``_italic_``, ``# heading``, ``[words](link)``, and
    ``<span style="color:red">``): a bank shows plain words, and would show the marks."""
    text = _SPAN.sub("", text)
    text = _STRONG.sub(lambda m: m.group(2), text)
    text = _EM.sub(lambda m: m.group(1) or m.group(2), text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    return _HEADING.sub("", text).strip()


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    return s.lstrip("_-")[:64]


def unique(base: str, taken: set[str]) -> str:
    return next(c for n in range(1, 10**6) if (c := base if n == 1 else f"{base}-{n}") not in taken)


def parse_relevant(expr: str) -> tuple[str, list[str]] | None:
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
    data = None
    raw: dict[int, tuple[str, str]] = {}
    try:
        data = get_xlsform(xlsform=str(path))
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
        for sheet in ("survey", "choices", "settings"):
            for row in getattr(data, sheet) or []:
                for column, value in row.items():
                    if str(column).split("::")[0].strip().lower() not in _EXPRESSIONS:
                        row[column] = _swap_quotes(value, _HIDE_QUOTES)
        form = workbook_to_json(workbook_dict=data, form_name=None,
                                fallback_form_name=data.fallback_form_name, warnings=[])
        create_survey_element_from_dict(copy.deepcopy(form)).to_xml(validate=False, warnings=[])
    except Exception as exc:  # noqa: BLE001 - pyxform refuses a form with several classes
        message = str(exc).strip() or type(exc).__name__
        raise XLSFormError([_("pyxform cannot convert %(file)s: %(error)s", file=path.name,
                              error=refusal(message, data, raw).translate(_SHOW_QUOTES))]) from None
    return _swap_quotes(form, _SHOW_QUOTES), raw, _swap_quotes((data.settings or [{}])[0],
                                                               _SHOW_QUOTES)


# pyxform turns typographic quotes (‘ ’ “ ”) into straight ones, which would change the text of
# a translation that uses them (Romanian „…”, Polish „…”, an apostrophe ’): they go through
# pyxform as private-use characters and come back as they were written. Not in the columns
# that hold expressions: there a spreadsheet's autocorrect made them (${a} = ‘yes’), and
# pyxform's straight ones are what was meant.
_EXPRESSIONS = {"relevant", "constraint", "calculation", "choice_filter", "required", "default",
                "repeat_count", "trigger", "read_only", "name", "list_name", "type"}
_QUOTES = {"\u2018": "\ue018", "\u2019": "\ue019", "\u201c": "\ue01c", "\u201d": "\ue01d"}
_HIDE_QUOTES = str.maketrans(_QUOTES)
_SHOW_QUOTES = str.maketrans({v: k for k, v in _QUOTES.items()})


def _swap_quotes(value: Any, table: dict[int, str]) -> Any:
    """``value`` with ``table`` applied to every string in it (rows, the form's JSON) in place
    where it is a list or a dict."""
    if isinstance(value, str):
        return value.translate(table)
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _swap_quotes(item, table)
    elif isinstance(value, list):
        value[:] = [_swap_quotes(item, table) for item in value]
    return value


_PYXFORM_ROW = re.compile(r"^\[row : (\d+)\]\s*")
_LIST_MISSING = re.compile(r"List name not in choices sheet: (.+)$")
_UNKNOWN_TYPE = re.compile(r"^Unknown question type '(.+)'\.?$")
_SPACES = re.compile(r"Choice names with spaces .* See \[(.*)\] in \[(.*)\]$")


def refusal(message: str, data: Any, raw: dict[int, tuple[str, str]]) -> str:
    """pyxform's message with where it is ("survey row 4", "choices row 7", found in the form
    when pyxform gives no row) and what may be meant: the lists the choices sheet has, the
    nearest type or list name."""
    from difflib import get_close_matches

    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    sheet, row = "survey", None
    if m := _PYXFORM_ROW.match(message):
        row, message = int(m.group(1)), message[m.end():]
        if mm := re.search(r"On the '(\w+)' sheet", message):
            sheet = mm.group(1).lower()
    lists = _list_names(data)
    hint = ""
    if m := _LIST_MISSING.search(message):
        wanted = m.group(1).strip()
        if lists:
            hint = _("the choices sheet has the lists %(lists)s", lists=", ".join(lists))
            if near := get_close_matches(wanted, lists, n=1, cutoff=0.6) or [
                    x for x in lists if x.lower() == wanted.lower()]:
                hint += "; " + _("did you mean '%(name)s'?", name=near[0])
        else:
            hint = _("the form has no choices sheet, or no list_name column on it")
    elif m := _UNKNOWN_TYPE.match(message):
        wanted = m.group(1).strip()
        row = row or next((r for r, (xtype, _n) in sorted(raw.items())
                           if xtype.strip() == wanted), None)
        if wanted.lower() in ("select_one", "select_multiple", "select one",
                              "select all that apply", "select_one_from_file",
                              "select_multiple_from_file"):
            hint = _("a select needs the name of its list of choices after a space, as in "
                     "'%(type)s %(list)s'", type=wanted, list=lists[0] if lists else "yes_no")
        elif near := get_close_matches(wanted.lower(), list(QUESTION_TYPE_DICT), n=1):
            hint = _("did you mean '%(name)s'?", name=near[0])
    elif m := _SPACES.search(message):
        sheet, row = "choices", row or _choice_row(data, m.group(2), m.group(1))
        hint = _("use '%(name)s' instead: a choice name has no spaces", name=re.sub(
            r"\s+", "_", m.group(1).strip()))
    where = f"{sheet} row {row}: " if row else ""
    return where + message + (f" ({hint})" if hint else "")


def _list_names(data: Any) -> list[str]:
    names = []
    for c in getattr(data, "choices", None) or []:
        if isinstance(c, dict):
            cells = {str(k).strip().lower().replace(" ", "_"): v for k, v in c.items()}
            if name := str(cells.get("list_name") or "").strip():
                names.append(name)
    return list(dict.fromkeys(names))


def _choice_row(data: Any, list_name: str, value: str) -> int | None:
    for number, c in enumerate(getattr(data, "choices", None) or [], start=2):
        if isinstance(c, dict):
            cells = {str(k).strip().lower().replace(" ", "_"): str(v).strip()
                     for k, v in c.items()}
            if cells.get("list_name") == list_name and cells.get("name") == value:
                return number
    return None


def language_keys(children: list[dict[str, Any]]) -> list[str]:
    """The language keys of pyxform's labels and hints ("default" for a column with none)."""
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


def default_key(said: str | None, keys: list[str]) -> str:
    """The form's default language: its setting, else the plain label column, else English,
    else the first language that is not easy read."""
    if said in keys:
        return said
    if "default" in keys or not keys:
        return "default"
    plain = [k for k in keys if not language(k, "en")[1]]
    return next((k for k in plain if language(k, "en")[0] == "en"), (plain or keys)[0])


def range_as_choices(el: dict[str, Any]) -> dict[str, Any] | None:
    """A ``range`` question as a select_one of its numbers, when there are 2 to 21 of them."""
    p = {k: float(v) for k, v in (el.get("parameters") or {}).items()
         if k in ("start", "end", "step")}
    lo, hi, step = p.get("start", 0), p.get("end", 10), p.get("step", 1) or 1
    count = int((hi - lo) / step) + 1 if hi >= lo else 0
    if not 2 <= count <= 21:
        return None
    numbers = [f"{lo + i * step:g}" for i in range(count)]
    return {**el, "type": "select one",
            "choices": [{"name": n.replace(".", "-"), "label": n} for n in numbers]}


def number_range(constraint: str, decimal: bool) -> dict[str, float] | None:
    """``. >= 0 and . <= 120`` → {'min': 0, 'max': 120}; None when the constraint is not such a
    simple range (``>`` and ``<`` only for whole numbers, as ``>= n+1`` and ``<= n-1``)."""
    out: dict[str, float] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        m = _BOUND.match(part.strip())
        if not m or (m[1] in "<>" and len(m[1]) == 1 and decimal):
            return None
        value = float(m[2])
        if not decimal and not value.is_integer():
            return None
        key = "min" if m[1].startswith(">") else "max"
        if key in out:
            return None
        out[key] = value + {">": 1, "<": -1}.get(m[1], 0)
    if "min" in out and "max" in out and out["min"] > out["max"]:
        return None
    return {k: (int(v) if not decimal else v) for k, v in out.items()}


def file_choices(el: dict[str, Any], folder: Path) -> list[dict[str, Any]] | None:
    """The choices of a ``select_one_from_file`` whose CSV file is beside the form (its
    ``name`` and ``label`` columns, or ``label::<language>`` ones); None when there is none."""
    import csv

    file = folder / str(el.get("itemset") or "")
    if file.suffix.lower() != ".csv" or not file.is_file():
        return None
    try:
        with file.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    out = []
    for row in rows:
        cells = {str(k).strip(): str(v or "").strip() for k, v in row.items() if k}
        labels = {k.split("::", 1)[1]: v for k, v in cells.items() if k.startswith("label::")}
        name = cells.get("name", "")
        if name and (labels or cells.get("label")):
            out.append({"name": name, "label": labels or cells["label"], ROW: ""})
    return out or None


def expand_loops(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pyxform's ``begin loop over <list>`` as a group per choice, its questions once for each
    choice: named ``<name>_<choice>``, labelled with the choice label put in for ``%(label)s``
    (or in front of the label when it has none; hints only where they say ``%(label)s``), the
    group labelled with the choice label."""
    def put(text: Any, choice: Any, prefix: bool = True) -> Any:
        if isinstance(text, dict):
            label = choice if isinstance(choice, dict) else {}
            return {k: put(v, label.get(k) or (choice if isinstance(choice, str) else
                                               next(iter(label.values()), "")), prefix)
                    for k, v in text.items()}
        if not text:
            return text
        text, choice = str(text), str(choice or "")
        if "%(label)s" in text or not prefix:
            return text.replace("%(label)s", choice)
        return f"{choice}: {text}"

    def clone(el: dict[str, Any], c: dict[str, Any], loop: str) -> dict[str, Any]:
        out = {**el, "name": f"{el.get('name', '')}_{c['name']}", LOOP: loop}
        if el.get("label"):
            out["label"] = put(el["label"], c.get("label") or c["name"])
        if el.get("hint"):
            out["hint"] = put(el["hint"], c.get("label") or c["name"], prefix=False)
        if el.get("children"):
            out["children"] = [clone(child, c, loop) for child in el["children"]]
        return out

    out = []
    for el in children:
        if el.get("type") != "loop":
            if el.get("children"):
                el = {**el, "children": expand_loops(el["children"])}
            out.append(el)
            continue
        loop = str(el.get("name", ""))
        for c in el.get("columns") or []:
            inner = expand_loops(el.get("children", []))
            out.append({"type": "group", "name": f"{loop}_{c['name']}",
                        "label": c.get("label") or c["name"],
                        ROW: el.get(ROW), LOOP: loop,
                        "children": [clone(child, c, loop) for child in inner]})
    return out
