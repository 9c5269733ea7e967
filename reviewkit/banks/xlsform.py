"""XLSForm import: pyxform reads the form (.xls through xlrd, .xlsx, the spec's column and type
aliases, the settings sheet, ``default_language``, ``choice_filter``); this module maps what it
read into a bank.

What a bank can show is imported: text, integer and decimal (number questions, a simple
``constraint`` range as min and max; ``constraint_message`` and ``required_message`` in every
language), date, time and dateTime, select_one, select_multiple (with
``or_other``; from a CSV file beside the form), rank (its first answer), notes as section
introductions, groups as sections (nested groups flattened, their labels joined), repeats as
sections whose questions are asked once, loops over a list as a section per choice,
``relevant`` where a bank condition can say it, every language column (easy read as a language
of its own) and ``media::image`` files that are reviewkit pictograms.
Every other row is skipped with a line giving its row, name, type and why. A form is refused
(:class:`XLSFormError`) only when pyxform refuses it, with pyxform's message and row, or when
nothing in it can be shown.

pyxform is called in :mod:`~reviewkit.banks.xlsform_terms` (with the report's words); export
lives in :mod:`~reviewkit.banks.xlsform_export`, the commands in ``xlsform_cli``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError

from . import xlsform_terms as t
from .loader import PICTOGRAM_DIR
from .schema import FACE_SCALES, SLUG, YES_NO_CHOICES, Bank
from .xlsform_terms import ImportResult, Line, XLSFormError  # noqa: F401 - public here

DEFAULT_PICTOGRAM = "question"
# the bank's title, easy-read title and description in another language, on the settings sheet
SETTING_IN = re.compile(r"^(?P<what>form_title|easy_read_title|description)_(?P<lang>[a-z]{2,3})$")
DEFAULT_CHOICE_PICTOGRAM = "choose"


def import_xlsform(path: Path | str, bank_id: str | None = None) -> ImportResult:
    """Read the XLSForm at ``path`` (.xls or .xlsx) into a bank, with the report of every row
    left out or changed, and the translations found in other language columns."""
    path = Path(path)
    form, raw, settings = t.read_form(path)
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
        # relevant to map last: the question's own and its groups' (innermost last)
        self.pending: list[tuple[Line, dict[str, Any], str, tuple[str, ...]]] = []
        self.under: dict[str, tuple[str, ...]] = {}  # form name → the relevants it is under
        self.markup: set[tuple[str, int | None, str, str]] = set()  # rows noted for their text
        self.found: Counter[str] = Counter()
        self.no_easy = self.no_picture = False
        self.loops: set[tuple[int | None, str]] = set()
        self.pictures = {p.stem for p in PICTOGRAM_DIR.glob("*.svg")}
        keys = t.language_keys(form.get("children", []))
        self.default_key = t.default_key(form.get("default_language"), keys)
        self.default = t.language(self.default_key, settings.get("language") or "en")[0] or "en"
        # A bank's translations are of English text (there is no English translation of a bank
        # in another language), so a form that opens in Welsh but has English labels becomes
        # an English bank with a Welsh translation; English speakers would see Welsh otherwise.
        english = next((k for k in keys if k != "default" and t.language(k, "en") == ("en", False)),
                       None)
        if self.default != "en" and english is not None:
            self.note(None, "", "", _(
                "the form opens in %(language)s; the bank is in English (its '%(column)s' "
                "column), with %(language)s as a translation, as reviewkit keeps every bank",
                language=self.default_key if self.default_key != "default" else self.default,
                column=english))
            self.default_key, self.default = english, "en"
        self.langs = {k: t.language(k, self.default) for k in keys}
        same: dict[tuple[str, bool], list[str]] = {}
        for key, (code, easy) in self.langs.items():
            if code is None:
                self.note(None, key, "", _("reviewkit cannot tell which language this column is "
                                           "(write it as 'Name (code)'); its text is not imported"))
            else:
                same.setdefault((code, easy), []).append(key)
        for (code, _easy), columns in same.items():
            if len(columns) > 1:  # label::English and label::English (en)
                self.note(None, "", "", _(
                    "the columns %(columns)s are all in one language (%(language)s): where "
                    "several have a text, the first is used and the others are left out",
                    columns=", ".join("'label'" if c == "default" else f"'label::{c}'"
                                      for c in columns), language=code))

    # report
    def note(self, row, name, xtype, reason, skipped=False, sheet="survey") -> None:
        line = Line(row, name, xtype, str(reason), skipped, sheet)
        if line not in self.lines:  # a list of choices used by several questions: once
            self.lines.append(line)

    def row_of(self, el: dict[str, Any]) -> tuple[int | None, str, str]:
        row = int(el[t.ROW]) if el.get(t.ROW) else None
        xtype, name = self.raw.get(row, ("", ""))
        name = el.get("name", "") if el.get(t.LOOP) else name  # a loop's question per choice
        return row, name or el.get("name", ""), xtype or el.get("type", "")

    def skip(self, el: dict[str, Any], why: str) -> None:
        row, name, xtype = self.row_of(el)
        if row is not None:
            self.found[xtype.split()[0] if xtype else "?"] += 1
            self.note(row, name, xtype, why, skipped=True)
        for child in el.get("children", []):
            self.skip(child, _("inside %(name)s, which is left out", name=name))

    def texts(self, el: dict[str, Any], part: str) -> dict[tuple[str, bool], str]:
        value = el.get(part)
        if part == "image":
            value = (el.get("media") or {}).get("image")
        if not isinstance(value, dict):
            value = {self.default_key: value} if value else {}
        out: dict[tuple[str, bool], str] = {}
        order = list(self.langs)  # the columns' order: the first of one language is used
        for key, text in sorted(value.items(), key=lambda kv: order.index(kv[0])
                                if kv[0] in order else len(order)):
            code, easy = self.langs.get(key) or t.language(key, self.default)
            text = str(text).strip()
            if part != "image" and (plain := t.plain_text(text)) != text:
                self.row_note(el, t.WHY["formatting"])
                text = plain
            if part != "image" and (ref := t.REFERENCE.search(text)):
                self.row_note(el, _("its text has %(ref)s in it, which the form fills in with "
                                    "an answer; reviewkit shows it as written: write the text "
                                    "without it", ref=ref.group(0)))
            if part != "image" and t.EXCEL_DATE.match(text):
                self.row_note(el, _("its text is a date in the spreadsheet ('%(text)s'): Excel "
                                    "turns some typing, such as '3-5' or '1/2', into a date; "
                                    "type it again as text (with ' in front)", text=text))
            if code and text:
                out.setdefault((code, easy), text)
        return out

    def row_note(self, el: dict[str, Any], why: str) -> None:
        """One line for a row (of the survey or the choices sheet) about its text."""
        if "type" in el:
            row, name, xtype = self.row_of(el)
            sheet = "survey"
        else:  # a choice
            row, name, xtype, sheet = (int(el[t.ROW]) if el.get(t.ROW) else None,
                                       str(el.get("name", "")), "", "choices")
        if (sheet, row, name, str(why)) not in self.markup:
            self.markup.add((sheet, row, name, str(why)))
            self.note(row, name, xtype, why, sheet=sheet)

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
                # with no easy read of its own the easy read is the standard text, and so is
                # its translation: a Welsh reader of easy read sees the form's Welsh words
                if easy is None and not is_easy and (code, True) not in texts:
                    self.translations[code][easy_ctx] = text

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
            base = t.slug(path[-1]["name"]) or "section"
        else:
            std = easy = self.title
            base = t.slug(self.form.get("id_string") or self.title) or "questions"
        notes = []
        if last is not None and not last["questions"]:  # only notes: they introduce this one
            notes = self.sections.pop()["_notes"]
            for texts in self.translations.values():
                for ctx in [c for c in texts if c.startswith(f"{last['id']}.")]:
                    del texts[ctx]
        sid = t.unique(base, {s["id"] for s in self.sections})
        new = {"id": sid, "title": std, "easy_read": easy, "questions": [], "_path": key,
               "_notes": notes, "pictogram": DEFAULT_PICTOGRAM}
        if path:
            group = path[-1]
            row, name, xtype = self.row_of(group)
            new["pictogram"] = self.picture(group, DEFAULT_PICTOGRAM, row, name, xtype)
            if group.get("prompt"):
                new["prompt"] = str(group["prompt"])
            self.guidance(group, new, sid, row, name, xtype)
            parts = [self.wording(g) for g in path]
            langs = {k for _s, _e, texts in parts for k in texts}
            joined = {(code, is_easy): " – ".join(
                texts.get((code, is_easy)) or texts.get((code, False)) or (e or s if is_easy else s)
                for s, e, texts in parts) for code, is_easy in langs}
            self.translate(joined, f"{sid}.text", std, easy if all(easy_parts) else None,
                           f"{sid}.easy_read")
        self.sections.append(new)
        return new

    def walk(self, children: list[dict[str, Any]], path: tuple,
             relevant: tuple[str, ...]) -> None:
        skip_next_other = None
        for el in children:
            kind = el.get("type", "")
            row, name, xtype = self.row_of(el)
            if row is None:
                if skip_next_other and el.get("name") == f"{skip_next_other[0]}_other":
                    self.other_question(el, path, skip_next_other[1])
                continue  # pyxform's own elements (meta/instanceID)
            skip_next_other = None
            own = str((el.get("bind") or {}).get("relevant", "")).strip()
            conditions = (*relevant, own) if own else relevant
            if kind == "group" and el.get(t.LOOP) and (row, el[t.LOOP]) not in self.loops:
                self.loops.add((row, el[t.LOOP]))
                self.note(row, el[t.LOOP], xtype, t.WHY["loop"])
            if kind in t.CHOICE_TYPES and el.get("choices") is None and (
                    listed := t.file_choices(el, self.path.parent)):
                el = {**el, "choices": listed}
                self.note(row, name, xtype, _("its choices are read from %(file)s, beside the "
                                              "form", file=el["itemset"]))
            if kind in ("group", "repeat"):  # a section; a repeat's questions asked once
                before = len(self.lines), sum(len(s["questions"]) for s in self.sections)
                self.walk(el.get("children", []), (*path, el), conditions)
                empty = sum(len(s["questions"]) for s in self.sections) == before[1]
                if empty or kind == "repeat":
                    why = t.WHY["empty_group" if empty else "repeat"]
                    self.lines.insert(before[0], Line(row, name, xtype, str(why), True))
                    self.found[f"begin_{kind}"] += empty
                continue
            if kind == "note":
                self.add_note(el, path)
            elif kind in t.CHOICE_TYPES and el.get("choices") is None:
                self.skip(el, t.WHY["external"])
            elif kind in t.CHOICE_TYPES or kind in (*t.TEXT_TYPES, "range", "rank", *t.TYPED):
                q = self.question(el, path, conditions)
                if q is not None and "other" in {c.get("name") for c in el.get("choices", [])
                                                 if c.get(t.ROW) is None}:
                    skip_next_other = (el["name"], q)
            elif kind in t.METADATA:
                self.skip(el, t.WHY["metadata"])
            elif kind == "calculate":
                calc = (el.get("bind") or {}).get("calculate", "")
                self.skip(el, t.WHY["pull_data" if "pull_data" in calc else "calculate"])
            else:
                self.skip(el, t.WHY[t.KIND_OF.get(kind, "other")])

    def add_note(self, el: dict[str, Any], path: tuple) -> None:
        std, _easy, texts = self.wording(el)
        if not std:
            return self.skip(el, t.WHY["no_label"])
        if relevant := str((el.get("bind") or {}).get("relevant", "")).strip():
            row, name, xtype = self.row_of(el)
            self.note(row, name, xtype, _("its relevant '%(expr)s' is not checked: a note is "
                                          "always shown", expr=relevant))
        sec = self.section(path)
        if sec["questions"]:
            sec = self.section(path, fresh=True)
        sec["_notes"].append((Line(*self.row_of(el), str(t.WHY["late_note"]), True), std, texts))

    def question(self, el: dict[str, Any], path: tuple,
                 relevant: tuple[str, ...]) -> dict[str, Any] | None:
        row, name, xtype = self.row_of(el)
        kind = el["type"]
        std, easy, texts = self.wording(el)
        if not std:
            self.skip(el, t.WHY["no_label"])
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
        if kind == "range":  # a slider or stars: a choice of its numbers, when there are few
            if not (numbers := t.range_as_choices(el)):
                return self.skip(el, t.WHY["other"])
            el = numbers
            self.note(row, name, xtype, _("shown as a choice of the numbers %(first)s to "
                                          "%(last)s", first=el["choices"][0]["label"],
                                          last=el["choices"][-1]["label"]))
        elif kind == "rank":
            el = {**el, "type": "select one"}
            self.note(row, name, xtype, t.WHY["rank"])
        if el["type"] in t.CHOICE_TYPES:
            if not self.choices(el, q, marker, values, row, name, xtype):
                return None
        elif kind in t.TEXT_TYPES:
            appearance = str((el.get("control") or {}).get("appearance", "")).lower()
            q["type"] = ("statements" if "statements" in marker else "free_text"
                         if "free_text" in marker or "multiline" in appearance else "short_text")
        else:
            q.update(t.TYPED[kind])
        q["pictogram"] = self.picture(el, DEFAULT_PICTOGRAM, row, name, xtype)
        help_std, help_easy, hints = self.wording(el, "hint")
        if help_std:
            q["help"] = help_std
        if help_easy and "no_easy_help" not in marker:
            q["easy_read_help"] = help_easy
        if el.get("prompt"):
            q["prompt"] = str(el["prompt"])
        self.unused(el, q, row, name, xtype)
        if el.get("kinds") and q["type"] in ("free_text", "short_text", "statements"):
            q["kinds"] = str(el["kinds"]).split()
        required = str(bind.get("required", "")).strip()
        if required.lower() in t.TRUE:
            q["required"] = True
        elif required and required.lower() not in ("no", "false", "false()", "0"):
            self.note(row, name, xtype, _("required '%(expr)s' cannot be expressed; the question "
                                          "is optional", expr=required))
        if constraint := str(bind.get("constraint", "")).strip():
            if (m := t.MAXLEN.match(constraint)) and kind in t.TEXT_TYPES:
                q["max_length"] = int(m.group(1))
            elif kind in ("integer", "decimal") and (
                    ends := t.number_range(constraint, kind == "decimal")):
                q.update(ends)
            else:
                self.note(row, name, xtype, _("constraint '%(expr)s' is not checked",
                                              expr=constraint))
        qid = q["id"]
        self.messages(el, q, row, name, xtype)
        self.translate(texts, f"{qid}.text", std, easy, f"{qid}.easy_read")
        if help_std:
            self.translate(hints, f"{qid}.help.text", help_std, help_easy, f"{qid}.help.easy_read")
        self.section(path)["questions"].append(q)
        self.questions[name] = (q, len(self.questions), values)
        self.under[name] = relevant
        if relevant:
            self.pending.append((Line(row, name, xtype, ""), q, name, relevant))
        return q

    def messages(self, el: dict[str, Any], q: dict[str, Any], row: int | None, name: str,
                 xtype: str) -> None:
        """The form's constraint_message and required_message (every language column), said
        on the phone when the answer breaks the limits reviewkit checks / is left empty."""
        bind = el.get("bind") or {}
        checked = {"constraint_message": bool(q.get("max_length") or "min" in q or "max" in q),
                   "required_message": bool(q.get("required"))}
        for part, key in (("constraint_message", "jr:constraintMsg"),
                          ("required_message", "jr:requiredMsg")):
            texts = self.texts({**el, part: bind.get(key)}, part)
            if not texts:
                continue
            std, easy = texts.get((self.default, False)), texts.get((self.default, True))
            if not checked[part]:
                self.note(row, name, xtype, _(
                    "its constraint_message is not shown: reviewkit does not check its "
                    "constraint") if part == "constraint_message" else _(
                    "its required_message is not shown: the question is optional"))
            elif not std:
                self.note(row, name, xtype, _(
                    "its %(column)s has no text in the default language (%(language)s); "
                    "reviewkit's own message is shown", column=part, language=self.default))
            else:
                q[part] = std
                if easy and easy != std:  # the same words: easy read shows the standard ones
                    q[f"easy_read_{part}"] = easy
                self.translate(texts, f"{q['id']}.{part}.text", std, easy,
                               f"{q['id']}.{part}.easy_read")

    def unused(self, el: dict[str, Any], q: dict[str, Any], row: int | None, name: str,
               xtype: str) -> None:
        """The columns of a question's row a bank has no place for: guidance_hint becomes the
        facilitator's prompt; audio, video, a default answer and read_only get a line each."""
        self.guidance(el, q, q["id"], row, name, xtype)
        for kind, files in (el.get("media") or {}).items():
            file = next(iter(files.values()), "") if isinstance(files, dict) else files
            if kind != "image" and file:
                self.note(row, name, xtype, _(
                    "its media::%(kind)s '%(file)s' is left out: reviewkit shows pictograms "
                    "and reads the words aloud", kind=kind, file=file))
        if str(el.get("default") or "").strip():
            self.note(row, name, xtype, _("its default '%(value)s' is left out: the person "
                                          "starts with no answer", value=el["default"]))
        if str((el.get("bind") or {}).get("readonly", "")).strip().lower() in t.TRUE:
            self.note(row, name, xtype, _("read_only is left out: the person can answer it"))

    def guidance(self, el: dict[str, Any], target: dict[str, Any], tid: str, row: int | None,
                 name: str, xtype: str) -> None:
        """A row's guidance_hint (for whoever fills in the form with the person, as reviewkit's
        facilitator's prompt is) becomes the prompt of its question or section, with its
        translations; a row's own 'prompt' column comes first."""
        guide, _easy, guides = self.wording(el, "guidance_hint")
        if guide and target.get("prompt", guide) != guide:
            self.note(row, name, xtype, _("its guidance_hint is left out: the prompt column is "
                                          "the facilitator's prompt"))
        elif guide:
            target["prompt"] = guide
            for (code, is_easy), text in guides.items():
                if code != self.default and not is_easy and text != guide:
                    self.translations.setdefault(code, {})[f"{tid}.prompt"] = text

    def question_id(self, name: str, row: int | None, xtype: str) -> str:
        qid = t.unique(t.slug(name) or "question", {q["id"] for q, *_x in self.questions.values()})
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
        q["type"] = t.CHOICE_TYPES[el["type"]]
        if el.get("choice_filter"):
            self.note(row, name, xtype, _("choice_filter '%(expr)s' cannot be applied: every "
                                          "choice of '%(list)s' is shown",
                                          expr=el["choice_filter"], list=el.get("list_name", "")))
        out, seen = [], {}
        for c in items:
            crow = int(c[t.ROW]) if c.get(t.ROW) else None
            value = str(c.get("name", ""))
            value_id = t.slug(value) or "choice"
            if value_id in seen:
                self.note(crow, value, "", _("already in list '%(list)s' (row %(row)s); shown once",
                                             list=el.get("list_name", ""), row=seen[value_id]),
                          sheet="choices")
                continue
            seen[value_id] = crow or "-"
            if value_id != value:
                self.note(crow, value, "", _("the value becomes '%(slug)s'", slug=value_id),
                          sheet="choices")
            label, ceasy, ctexts = self.wording(c)
            label = label or value
            self.no_easy |= ceasy is None
            out.append({"value": value_id, "label": label, "easy_read": ceasy or label,
                        "pictogram": self.picture(c, DEFAULT_CHOICE_PICTOGRAM, crow, value, "")})
            self.translate(ctexts, f"{q['id']}.{value_id}.label", label, ceasy,
                           f"{q['id']}.{value_id}.easy_read")
            values.append(value)
        if len(out) < 2:
            self.skip(el, t.WHY["few_choices"])
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
        for line, q, name, conditions in self.pending:
            relevant = conditions[-1]  # a bank question has one: its own, else its group's
            parsed = t.parse_relevant(relevant)
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
            mapped = list(dict.fromkeys(slugs.get(v, t.slug(v)) for v in parsed[1]))
            q["show_if"] = ({"question": tq["id"], "equals": mapped[0]} if len(mapped) == 1
                            else {"question": tq["id"], "any_of": mapped})
            # a group's relevant holds too where the question it asks about is in that group
            # (hidden with it, so never answered); otherwise it is lost, and the report says so
            for outer in dict.fromkeys(conditions[:-1]):
                if outer != relevant and outer not in self.under.get(parsed[0], ()):
                    self.note(line.row, line.name, line.type, _(
                        "its group's relevant '%(outer)s' is not checked as well: a bank "
                        "question has one condition, so it is shown whenever '%(expr)s'",
                        outer=outer, expr=relevant))

    def unused_lists(self) -> None:
        """A list of the choices sheet no question uses, often a misspelt list_name (its rows
        are missing from the list meant, and KoboToolbox says nothing either): one line each."""
        from difflib import get_close_matches

        used: set[str] = set()

        def visit(el: dict[str, Any]) -> None:
            used.update(str(el[k]) for k in ("list_name", "itemset") if el.get(k))
            for child in el.get("children", []):
                visit(child)

        visit(self.form)
        for xtype, _name in self.raw.values():  # loops and rank name their list last
            words = [w for w in xtype.split() if w != "or_other"]
            if len(words) > 1 and words[0].lower().startswith(("select", "rank", "begin")):
                used.add(words[-1])
        for name, items in (self.form.get("choices") or {}).items():
            if name in used or not items:
                continue
            rows = [int(c[t.ROW]) for c in items if c.get(t.ROW)]
            why = _("no question uses this list, so its choices are not shown")
            if near := get_close_matches(name, sorted(used), n=1, cutoff=0.6):
                why += "; " + _("did you mean '%(name)s'?", name=near[0])
            self.note(min(rows) if rows else None, name, "", why, sheet="choices")

    @property
    def title(self) -> str:
        return str(self.settings.get("form_title") or self.form.get("title") or self.path.stem)

    def bank(self, bank_id: str | None) -> ImportResult:
        self.walk(t.expand_loops(self.form.get("children", [])), (), ())
        self.conditions()
        self.unused_lists()
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
        for setting, value in self.settings.items():  # form_title_cy, as reviewkit exports
            if (m := SETTING_IN.match(setting)) and str(value).strip():
                key = "title" if m["what"] == "form_title" else m["what"]
                self.translations.setdefault(m["lang"], {})[key] = str(value).strip()
        version = str(self.form.get("version") or "")
        if version and not (version.isdigit() and int(version) >= 1):
            self.note(None, "", "", _("version '%(v)s' is not a whole number; version 1 is used",
                                      v=version))
        self.lines.sort(key=lambda line: (line.row is None, line.sheet != "survey",
                                          line.row or 0))
        s = self.settings
        data = {
            "id": bank_id or t.slug(str(self.form.get("id_string") or self.path.stem)) or "form",
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
