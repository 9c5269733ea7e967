"""Extract, update, check and count the gettext catalogues under ``translations/``.

Two domains per language: ``messages`` (interface text, extracted from the Python code and the
Jinja templates with ``babel.cfg``) and ``banks`` (question-bank text, extracted from the YAML
banks by :func:`reviewkit.translate.extract.extract_banks`).
"""

from __future__ import annotations

import copy
import gettext
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, PoFileParser, normalize, unescape, write_po
from flask_babel import gettext as _
from flask_babel import ngettext

from ..banks.loader import Problem
from ..config import LANGUAGES, REPO_ROOT

DOMAINS = ("messages", "banks")
BANKS_METHOD = "reviewkit.translate.extract:extract_banks"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
REVIEW_HEADER = "X-Review-Status"
DRAFT = "draft (needs native-speaker review)"

# Plural forms as GNU gettext and the usual PO editors expect them. Babel's CLDR-derived rule for
# Welsh has five forms; gettext's has six (zero, one, two, few, many, other), and Arabic's order
# follows gettext's zero, one, two, few (3-10), many (11-99), other.
PLURAL_FORMS = {
    "cy": (6, "(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5"),
    "pl": (3, "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    "ur": (2, "(n != 1)"),
    "pa": (2, "(n != 1)"),
    "ar": (6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)"),
    "ro": (3, "(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2)"),
}


def languages() -> list[str]:
    """The shipped languages other than the source language (English)."""
    return [code for code in LANGUAGES if code != "en"]


def expected_plural_forms(lang: str) -> str:
    if lang in PLURAL_FORMS:
        n, expr = PLURAL_FORMS[lang]
        return f"nplurals={n}; plural={expr};"
    return Catalog(locale=lang).plural_forms


class PoCatalog(Catalog):
    """A Babel catalogue that keeps header fields Babel does not know (such as
    ``X-Review-Status``) when a PO file is read and written again."""

    def __init__(self, *args, **kwargs):
        self.extra_headers: list[tuple[str, str]] = []
        super().__init__(*args, **kwargs)

    def _get_headers(self) -> list[tuple[str, str]]:
        headers = list(Catalog.mime_headers.fget(self))
        # Babel ends its list with "Generated-By: Babel x\n"; keep that last.
        tail = [h for h in headers if h[0] == "Generated-By"]
        return [h for h in headers if h[0] != "Generated-By"] + list(self.extra_headers) + tail

    def _set_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        headers = list(headers)
        Catalog.mime_headers.fset(self, headers)
        if (getattr(self, "_num_plurals", None) or 0) > MAX_PLURALS:  # see check_plural_header
            raise ValueError(f"nplurals={self._num_plurals} is more plural forms than any "
                             f"language has (at most {MAX_PLURALS})")
        self.extra_headers = [(k, v) for k, v in headers if k.lower().startswith("x-")
                              and k.lower() != "x-generator"]

    mime_headers = property(_get_headers, _set_headers)

    def set_header(self, name: str, value: str) -> None:
        self.extra_headers = [(k, v) for k, v in self.extra_headers if k.lower() != name.lower()]
        self.extra_headers.append((name, value))

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.mime_headers if k.lower() == name.lower()), None)

    def set_plural_forms(self, lang: str) -> None:
        n, expr = PLURAL_FORMS.get(lang, (None, None))
        if n is None:
            base = Catalog(locale=lang)
            n, expr = base.num_plurals, base.plural_expr
        self._num_plurals, self._plural_expr = n, expr


def read_catalog(path: Path, locale: str | None = None, abort_invalid: bool = False) -> PoCatalog:
    catalog = PoCatalog(locale=locale, domain=path.stem)
    with path.open("rb") as fh:
        PoFileParser(catalog, abort_invalid=abort_invalid).parse(fh)
    for message in [*catalog, *catalog.obsolete.values()]:
        _previous_from_comments(message)
    return catalog


def _previous_from_comments(message: Message) -> None:
    """Babel reads ``#| msgid "…"`` (the English before it changed) as a translator comment;
    give it back to ``previous_id`` so it is written as ``#|`` again, not ``# |``."""
    parts, kept, current = [], [], None
    for comment in message.user_comments:
        body = comment[1:].strip() if comment.startswith("|") else None
        if body is None:
            kept.append(comment)
        elif body.startswith("msgid_plural "):
            current = [body[len("msgid_plural "):].strip()]
            parts.append(current)
        elif body.startswith("msgid "):
            current = [body[len("msgid "):].strip()]
            parts.append(current)
        elif body.startswith('"') and current is not None:
            current.append(body)
        elif not body.startswith("msgctxt"):
            kept.append(comment)
    if parts:
        message.previous_id = ["".join(unescape(x) for x in part) for part in parts]
        message.user_comments = kept


PO_WIDTH = 100


def render(catalog: Catalog) -> bytes:
    """The PO file's bytes. A previous msgid (``#| msgid``) is written as msgmerge writes it, one
    quoted piece a line (``#| msgid ""`` then ``#| "…"``): Babel wraps a long one like prose, in
    lines no PO reader understands, so it was cut up the next time the file was read. Babel
    writes a short mark in its place, which is then replaced."""
    nonce = secrets.token_hex(8)
    texts: list[str] = []
    marked = [(m, m.previous_id) for m in catalog if m.previous_id]
    try:
        for m, previous in marked:
            m.previous_id = []
            for text in previous[:2]:  # msgid and msgid_plural
                m.previous_id.append(f"{nonce}-{len(texts)}")
                texts.append(text)
        buf = io.BytesIO()
        write_po(buf, catalog, width=PO_WIDTH, include_previous=True, sort_output=False)
    finally:
        for m, previous in marked:
            m.previous_id = previous

    def unmark(match: re.Match) -> bytes:
        pieces = normalize(texts[int(match.group(2))], width=PO_WIDTH - 3).split("\n")
        lines = [f"#| {match.group(1).decode()} {pieces[0]}", *(f"#| {p}" for p in pieces[1:])]
        return "".join(f"{line}\n" for line in lines).encode(catalog.charset or "utf-8")

    mark = re.compile(rb'^#\| (msgid|msgid_plural) "' + nonce.encode() + rb'-(\d+)"\n', re.M)
    return mark.sub(unmark, buf.getvalue())


_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.M)


def save(path: Path, catalog: Catalog) -> bool:
    """Write ``catalog`` unless only its dates would change (so an update that finds nothing new
    leaves the repository clean). Returns True when the file was written."""
    data = render(catalog)
    if path.exists() and _VOLATILE.sub(b"", path.read_bytes()) == _VOLATILE.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# --- extraction -------------------------------------------------------------------------------

def _template(domain: str) -> PoCatalog:
    cat = PoCatalog(project="reviewkit", version="1", domain=domain,
                    msgid_bugs_address="https://github.com/reviewkit/reviewkit/issues",
                    copyright_holder="reviewkit contributors", charset="utf-8", fuzzy=False)
    cat.creation_date = datetime.now(UTC)
    return cat


def _collect(catalog: Catalog, results, root: Path) -> Catalog:
    for filename, lineno, message, comments, context in results:
        where = (Path(root, filename).resolve().relative_to(REPO_ROOT).as_posix()
                 if Path(root, filename).resolve().is_relative_to(REPO_ROOT)
                 else Path(filename).as_posix())
        catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def extract_messages(source_root: Path = REPO_ROOT, mapping: Path | None = None) -> Catalog:
    """Interface text: ``_()``, ``gettext``, ``N_`` and lazy ``_l()`` in Python, ``{{ _("…") }}``
    in templates, as mapped by ``babel.cfg``."""
    mapping = mapping or source_root / "babel.cfg"
    with mapping.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(mapping))
    results = extract_from_dir(source_root, method_map, options_map, keywords=KEYWORDS,
                               comment_tags=COMMENT_TAGS, strip_comment_tags=True)
    return _collect(_template("messages"), results, source_root)


def extract_bank_messages(banks_dir: Path) -> Catalog:
    """Bank text from every ``*.yaml`` bank in ``banks_dir``."""
    results = extract_from_dir(banks_dir, [("**.yaml", BANKS_METHOD)], {}, keywords=KEYWORDS)
    return _collect(_template("banks"), results, banks_dir)


# --- update -----------------------------------------------------------------------------------

def _new_catalog(lang: str, template: Catalog, domain: str) -> PoCatalog:
    cat = PoCatalog(locale=lang, domain=domain, project="reviewkit", version="1",
                    msgid_bugs_address=template.msgid_bugs_address, fuzzy=False,
                    copyright_holder="reviewkit contributors",
                    language_team=f"{LANGUAGES.get(lang, (lang,))[0]} <translators@reviewkit>")
    cat.header_comment = (f"# {LANGUAGES.get(lang, (lang,))[0]} translation of reviewkit "
                          f"({domain}).\n# This file is distributed under the same license as "
                          "reviewkit (AGPL-3.0-or-later).\n#")
    cat.creation_date = template.creation_date
    cat.set_plural_forms(lang)
    cat.set_header(REVIEW_HEADER, DRAFT)
    return cat


def merge_by_context(old: PoCatalog, template: Catalog) -> None:
    """Update ``old`` in place from ``template`` for a catalogue whose contexts are unique keys
    (bank text). A message whose English changed keeps its context, so its translation is kept,
    marked fuzzy and given the previous msgid (``#| msgid``), like msgmerge. Translations whose
    context went away become obsolete (``#~``)."""
    previous = {m.context: m for m in old if m.id}
    exact = {(m.context, m.id): m for m in old if m.id}
    used: set[tuple] = set()
    new_messages: list[Message] = []
    for t in template:
        if not t.id:
            continue
        m = t.clone()
        m.flags = set(t.flags)
        m.string = ""
        if (hit := exact.get((t.context, t.id))) is not None:
            m.string, m.user_comments = hit.string, list(hit.user_comments)
            m.flags |= hit.flags
            m.previous_id = list(hit.previous_id)
            used.add((t.context, t.id))
        elif (hit := previous.get(t.context)) is not None and hit.string:
            m.string, m.user_comments = hit.string, list(hit.user_comments)
            m.flags |= hit.flags | {"fuzzy"}
            m.previous_id = [hit.id] if isinstance(hit.id, str) else list(hit.id)
            used.add((hit.context, hit.id))
        new_messages.append(m)
    leftovers = [m for m in old if m.id and (m.context, m.id) not in used and m.string]
    for key in [k for k in old._messages if k != ""]:
        del old._messages[key]
    for m in new_messages:
        old[m.id] = m
    for m in leftovers:
        old.obsolete[old._key_for(m.id, m.context)] = m
    old.creation_date = template.creation_date


def _has_string(m: Message) -> bool:
    return any(m.string) if isinstance(m.string, (list, tuple)) else bool(m.string)


def merge_messages(cat: PoCatalog, template: Catalog, cutoff: float = 0.75) -> None:
    """Update interface text (no contexts) like msgmerge, but only guess a fuzzy translation
    from text that went away in this update (the English was edited), never from text that is
    still in use: Babel's own matching would offer "Sad" for a new "Add"."""
    before = {(m.id, m.context): m.previous_id for m in cat if m.previous_id}
    cat.update(template, no_fuzzy_matching=True, update_header_comment=False)
    live = {m.id for m in cat if m.id}
    for m in cat:
        if not (m.id and m.fuzzy):
            continue
        if not m.previous_id and (m.id, m.context) in before:
            m.previous_id = before[(m.id, m.context)]  # Babel forgets an unchanged #| msgid
        if m.previous_id and m.previous_id[0] in live and m.previous_id[0] != m.id:
            m.string, m.previous_id = "", []  # a guess from other, still-used text
            m.flags.discard("fuzzy")
    gone = {k: m for k, m in cat.obsolete.items() if _has_string(m) and isinstance(m.id, str)}
    for m in cat:
        if not m.id or _has_string(m) or not isinstance(m.id, str) or not gone:
            continue
        scored = [(SequenceMatcher(None, m.id.lower(), old.id.lower()).ratio(), key)
                  for key, old in gone.items() if old.context == m.context]
        score, key = max(scored, default=(0.0, None))
        if key is not None and score >= cutoff:
            old = gone.pop(key)
            m.string, m.previous_id = old.string, [old.id]
            m.flags |= {"fuzzy"}
            del cat.obsolete[key]
    for key in [k for k, m in cat.obsolete.items() if not _has_string(m)]:
        del cat.obsolete[key]  # nothing to keep from an untranslated message


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def update(translations_dir: Path, banks_dir: Path, source_root: Path = REPO_ROOT,
           langs: Iterable[str] | None = None) -> UpdateReport:
    """Extract both templates and update (or create) every language's PO files."""
    report = UpdateReport()
    templates = {"messages": extract_messages(source_root),
                 "banks": extract_bank_messages(banks_dir)}
    for domain, template in templates.items():
        pot = translations_dir / f"{domain}.pot"
        (report.written if save(pot, template) else report.unchanged).append(pot)
    for lang in langs or languages():
        for domain, template in templates.items():
            path = translations_dir / lang / "LC_MESSAGES" / f"{domain}.po"
            if path.exists():
                cat = read_catalog(path, locale=lang)
                # Babel's update puts the template's own messages into the catalogue: each
                # language gets its own copy, or one language's fuzzy guess lands in the next.
                if domain == "banks":
                    merge_by_context(cat, copy.deepcopy(template))
                else:
                    merge_messages(cat, copy.deepcopy(template))
                cat.set_plural_forms(lang)
                if cat.header(REVIEW_HEADER) is None:
                    cat.set_header(REVIEW_HEADER, DRAFT)
                bucket = report.written
            else:
                cat = _new_catalog(lang, template, domain)
                for t in template:
                    if t.id:
                        cat[t.id] = Message(t.id, "", list(t.locations), set(t.flags),
                                            list(t.auto_comments), context=t.context)
                bucket = report.created
            (bucket if save(path, cat) else report.unchanged).append(path)
    return report


# --- checks -----------------------------------------------------------------------------------

_PY_FORMAT = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>|&#|javascript:", re.I)


def placeholders(text: str) -> list[str]:
    """Python %-format and {name} placeholders in ``text``, sorted (``%%`` excluded)."""
    found = [m.group(0) for m in _PY_FORMAT.finditer(text) if m.group(0) != "%%"]
    return sorted(found + _BRACE.findall(text))


def msg_lines(path: Path) -> dict[tuple, int]:
    """Line of each (msgctxt, msgid) in a PO file: Babel keeps only source locations."""
    lines: dict[tuple, int] = {}
    ctx, start, mode, buf, ident = None, 0, None, [], None

    def unq(s: str) -> str:
        return unescape(s.strip())

    text = path.read_text("utf-8", errors="replace").splitlines()
    for no, raw in enumerate(text, 1):
        line = raw.strip()
        if line.startswith("msgctxt "):
            ctx, start, mode, buf = None, no, "ctx", [line[8:]]
        elif line.startswith("msgid "):
            if mode == "ctx":
                ctx = "".join(unq(b) for b in buf)
            else:
                ctx, start = None, no
            mode, buf = "id", [line[6:]]
        elif line.startswith('"') and mode in ("ctx", "id"):
            buf.append(line)
        elif line.startswith(("msgid_plural", "msgstr")) and mode == "id":
            try:
                ident = "".join(unq(b) for b in buf)
            except (UnicodeError, ValueError):
                ident = None
            lines.setdefault((ctx, ident), start)
            mode = None
    return lines


_MSGSTR_N = re.compile(r"msgstr\[(\d+)\]\s*(.*)$")


@dataclass
class RawPlural:
    """A plural entry as written in a PO file, before Babel fills missing forms in."""
    line: int  # the entry's msgctxt line, or its msgid line (as :func:`msg_lines`)
    msgid: str
    forms: dict[int, str] = field(default_factory=dict)  # msgstr[n] index -> translation


def raw_plural_entries(text: str) -> list[RawPlural]:
    """Every active (not ``#~`` obsolete) entry with a ``msgid_plural``, with the ``msgstr[n]``
    forms the file really has. Babel's parser pads a short entry with empty strings up to the
    header's ``nplurals``, so only the raw text shows that a form is missing."""
    found: list[RawPlural] = []
    entry_line, msgid_parts, mode, in_context = 0, [], None, False
    strings: dict[int, list[str]] = {}
    plural = False

    def finish() -> None:
        if plural:
            ident = ""
            try:
                ident = "".join(unescape(x) for x in msgid_parts)
            except (UnicodeError, ValueError):
                pass
            forms = {}
            for n, parts in strings.items():
                try:
                    forms[n] = "".join(unescape(x) for x in parts)
                except (UnicodeError, ValueError):
                    forms[n] = "?"
            found.append(RawPlural(entry_line, ident, forms))

    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgctxt "):
            finish()
            plural, strings, msgid_parts = False, {}, []
            entry_line, mode, in_context = no, "ctx", True
        elif line.startswith("msgid_plural "):
            plural, mode = True, "plural"
        elif line.startswith("msgid "):
            if not in_context:
                finish()
                plural, strings, entry_line = False, {}, no
            in_context = False
            mode, msgid_parts = "id", [line[6:]]
        elif (match := _MSGSTR_N.match(line)) is not None:
            n = int(match.group(1))
            strings[n] = [match.group(2)]
            mode, in_context = ("str", n), False
        elif line.startswith("msgstr "):
            mode, in_context = "single", False
        elif line.startswith('"'):
            if mode == "id":
                msgid_parts.append(line)
            elif isinstance(mode, tuple):
                strings[mode[1]].append(line)
    finish()
    return found


def check_plural_counts(path: Path, nplurals: int, text: str | None = None) -> list[Problem]:
    """A translated plural entry must have every ``msgstr[0]`` … ``msgstr[nplurals-1]``; one
    with fewer (or with a gap) would give English, or nothing, for some numbers. Entries with
    no translation at all are left alone (they are simply missing)."""
    text = path.read_text("utf-8") if text is None else text
    problems: list[Problem] = []
    for entry in raw_plural_entries(text):
        if not any(entry.forms.values()):
            continue
        absent = [n for n in range(nplurals) if n not in entry.forms]
        if absent:
            have = len([n for n in entry.forms if n < nplurals])
            problems.append(Problem(str(path), entry.line, ngettext(
                "%(num)d plural form, expected %(expected)d (the header's nplurals): "
                "%(forms)s missing in the translation of %(msgid)s",
                "%(num)d plural forms, expected %(expected)d (the header's nplurals): "
                "%(forms)s missing in the translation of %(msgid)s", have,
                expected=nplurals, forms=", ".join(f"msgstr[{n}]" for n in absent),
                msgid=repr(entry.msgid)), "plural"))
    return problems


def single_number_forms(expr: str, nplurals: int) -> set[int]:
    """The plural forms used for one number only (Welsh: 0, 1, 2, 3 and 6; Polish: 1). As with
    msgfmt, their translation may leave out a named placeholder: Welsh writes "Dim datganiadau"
    for 0 and "Un datganiad" for 1, not "0 datganiadau" and "1 datganiad"."""
    try:
        plural = gettext.c2py(expr)
        counts = [0] * nplurals
        for n in range(1000):
            counts[plural(n)] += 1
    except Exception:  # noqa: BLE001 - a broken expression is reported where it compiles
        return set()
    return {form for form, count in enumerate(counts) if count == 1}


def _leaves_out_named(got: list[str], want: list[str]) -> bool:
    """Every placeholder of the translation is one of the English's, and those it leaves out
    are named (``%(num)d``): the values are given by name, so one left out is never missed,
    while a positional ``%d`` left out breaks the formatting."""
    return set(got) <= set(want) and all(p.startswith(("%(", "{")) for p in set(want) - set(got))


# gettext's languages have at most 6 plural forms (Arabic); more is a mistake or an attack
# (Babel makes a list of that many strings for every plural entry: 50 million took 5.8 GB).
MAX_PLURALS = 10


def _header_lines(text: str) -> list[tuple[int, str]]:
    """The header entry's msgstr as written: (line number, text inside the quotes) for each of
    its lines. The header is the first ``msgid ""`` without a ``msgctxt``, wherever it is."""
    lines = text.splitlines()
    previous = ""
    for no, raw in enumerate(lines):
        line = raw.strip()
        if line == 'msgid ""' and not previous.startswith("msgctxt"):
            found: list[tuple[int, str]] = []
            for later, body in enumerate(lines[no + 1:], no + 2):
                body = body.strip()
                if body.startswith('msgstr "') and not found:
                    found.append((later, body[len('msgstr "'):].removesuffix('"')))
                elif body.startswith('"') and found:
                    found.append((later, body[1:].removesuffix('"')))
                elif body.startswith('"'):  # the msgid "" going on: not the header
                    break
                else:
                    return found
            return found
        if line and not line.startswith("#"):
            previous = line
    return []


def header_plural_forms(text: str) -> str | None:
    """The Plural-Forms of a PO file's header (its msgstr, whose quoted lines are joined), read
    from the text itself; None when there is none."""
    body = "".join(part for _line, part in _header_lines(text))
    match = re.search(r"Plural-Forms:\s*(.*?)(?:\\n|$)", body, re.I)
    return match.group(1).strip() if match else None


def check_plural_header(path: Path, text: str) -> list[Problem]:
    """A header nplurals no language has, with the line it is on; read from the text before any
    parser makes a list of that many forms."""
    forms = header_plural_forms(text) or ""
    match = re.search(r"nplurals\s*=\s*(\d+)", forms, re.I)
    if match is None or int(match.group(1)) <= MAX_PLURALS:
        return []
    header = _header_lines(text)
    line = next((no for no, part in header if "plural-forms" in part.lower()), header[0][0])
    return [Problem(str(path), line, _("nplurals=%(n)d is more plural forms than any language "
                                       "has (at most %(max)d)", n=int(match.group(1)),
                                       max=MAX_PLURALS), "unreadable")]


def check_file(path: Path, lang: str | None = None) -> list[Problem]:
    """Everything that would stop a PO file working or make it unsafe, with file:line."""
    lang = lang or path.parent.parent.name
    name = str(path)
    try:
        raw = path.read_bytes()
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [Problem(name, line, _("not UTF-8: byte %(byte)s cannot be read",
                                      byte=f"{raw[exc.start]:#04x}"), "unreadable")]
    # The header first: with a wrong nplurals, Babel cannot read the plural entries at all.
    if too_many := check_plural_header(path, raw.decode("utf-8")):
        return too_many
    want = expected_plural_forms(lang)
    got = header_plural_forms(raw.decode("utf-8"))
    if got is not None and re.sub(r"\s", "", got) != re.sub(r"\s", "", want):
        return [Problem(name, 1, _("Plural-Forms is '%(got)s', expected '%(want)s'", got=got,
                                   want=want), "unreadable")]
    try:
        catalog = read_catalog(path, locale=lang, abort_invalid=True)
    except PoFileError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return [Problem(name, int(match.group(1)) if match else 1,
                        _("cannot be read: %(error)s", error=str(exc)), "unreadable")]
    except Exception as exc:  # noqa: BLE001 - any parser failure is a problem to report
        return [Problem(name, 1, _("cannot be read: %(error)s", error=str(exc)), "unreadable")]
    problems: list[Problem] = []
    got = catalog.plural_forms
    if re.sub(r"\s", "", got) != re.sub(r"\s", "", want):
        problems.append(Problem(name, 1, _("Plural-Forms is '%(got)s', expected '%(want)s'",
                                           got=got, want=want), "unreadable"))
    problems.extend(check_plural_counts(path, catalog.num_plurals, raw.decode("utf-8")))
    where = msg_lines(path)
    single = single_number_forms(catalog.plural_expr, catalog.num_plurals)
    for m in catalog:
        if not m.id or not m.string:
            continue
        line = where.get((m.context, m.id if isinstance(m.id, str) else m.id[0]),
                         m.lineno or 1)
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        if m.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(Problem(name, line, ngettext(
                "%(num)d plural form, expected %(expected)d",
                "%(num)d plural forms, expected %(expected)d", len(strings),
                expected=catalog.num_plurals), "plural"))
        want_ph = placeholders(ids[0])
        want_named = sorted(set(want_ph) | set(placeholders(ids[-1])))
        # Bank text (context "<bank>:<where>") is shown as it is, never formatted: the "% o" of
        # "More than 50% of days" is no placeholder, and "Mwy na hanner" need not keep it.
        formatted = not (m.context and ":" in m.context)
        found: list[str] = []  # one line per problem, not one per plural form that has it
        for index, s in enumerate(strings):
            if not s:
                continue
            got_ph = placeholders(s)
            if formatted and got_ph != want_ph and sorted(set(got_ph)) != want_named and not (
                    m.pluralizable and index in single and _leaves_out_named(got_ph, want_named)):
                found.append(_("placeholders %(got)s do not match the English %(want)s in "
                               "%(msgid)s", got=got_ph or _("none"), want=want_ph or _("none"),
                               msgid=repr(ids[0])))
            if _MARKUP.search(s) and not _MARKUP.search(ids[0]):
                found.append(_("markup in the translation of %(msgid)s (the English has none)",
                               msgid=repr(ids[0])))
        problems.extend(Problem(name, line, reason) for reason in dict.fromkeys(found))
    try:
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        trans = gettext.GNUTranslations(buf)
        for n in range(200):  # the plural expression must work and give a form that exists
            if not 0 <= trans.plural(n) < catalog.num_plurals:
                raise ValueError(f"plural form {trans.plural(n)} for n={n} does not exist")
    except Exception as exc:  # noqa: BLE001
        problems.append(Problem(name, 1, _("does not compile: %(error)s", error=str(exc))))
    return problems


def compile_to(path: Path, target: Path, lang: str) -> None:
    catalog = read_catalog(path, locale=lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        write_mo(fh, catalog)


# --- coverage ---------------------------------------------------------------------------------

@dataclass
class Coverage:
    lang: str
    file: str  # "messages" or "banks:<bank id>"
    total: int = 0
    translated: int = 0
    missing: int = 0
    outdated: int = 0
    missing_items: list[tuple[int, str | None, str]] = field(default_factory=list)
    # (line, context, English now, English it was translated from or "") of each fuzzy text
    outdated_items: list[tuple[int, str | None, str, str]] = field(default_factory=list)


def coverage(translations_dir: Path, langs: Iterable[str] | None = None) -> list[Coverage]:
    """Per language and file (bank text split per bank): translated, missing (no translation)
    and outdated (fuzzy: the English changed since it was translated) counts, counted over the
    messages of each PO file (obsolete ``#~`` entries excluded), plus any message of the
    template the PO file does not have yet (as missing).

    Each language's rows are worked out once per version of its files (their size and time of
    change), so the translation pages do not read every catalogue again on every view."""
    pots = [translations_dir / f"{d}.pot" for d in DOMAINS]
    templates: dict[str, PoCatalog] | None = None  # read once, if any language needs them
    rows: list[Coverage] = []
    for lang in langs or languages():
        files = [*pots, *(translations_dir / lang / "LC_MESSAGES" / f"{d}.po" for d in DOMAINS)]
        key = (str(translations_dir), lang, tuple(_version(f) for f in files))
        if key not in _COVERAGE:
            if templates is None:
                templates = {d: read_catalog(pot) for d, pot in zip(DOMAINS, pots, strict=True)
                             if pot.exists()}
            if len(_COVERAGE) >= 64:
                _COVERAGE.clear()
            _COVERAGE[key] = _coverage(translations_dir, lang, templates)
        rows.extend(copy.deepcopy(_COVERAGE[key]))
    return rows


_COVERAGE: dict[tuple, list[Coverage]] = {}


def _version(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _coverage(translations_dir: Path, lang: str, templates: dict[str, PoCatalog]
              ) -> list[Coverage]:
    rows: list[Coverage] = []
    for domain in DOMAINS:
        path = translations_dir / lang / "LC_MESSAGES" / f"{domain}.po"
        cat = read_catalog(path, locale=lang) if path.exists() else None
        where = msg_lines(path) if path.exists() else {}
        messages = [m for m in cat if m.id] if cat is not None else []
        template = templates.get(domain)
        if template is not None:
            messages += [t for t in template
                         if t.id and (cat is None or cat.get(t.id, t.context) is None)]
        by_file: dict[str, Coverage] = {}
        if domain == "messages":
            by_file["messages"] = Coverage(lang, "messages")
        for m in messages:
            bank = (m.context or "").split(":")[0]
            file = domain if domain == "messages" else f"banks:{bank}"
            row = by_file.setdefault(file, Coverage(lang, file))
            row.total += 1
            string = m.string
            has = any(string) if isinstance(string, (list, tuple)) else bool(string)
            key = m.id if isinstance(m.id, str) else m.id[0]
            if has and m.fuzzy:
                row.outdated += 1
                before = m.previous_id[0] if m.previous_id else ""
                row.outdated_items.append((where.get((m.context, key), 0), m.context, key,
                                           before))
            elif has:
                row.translated += 1
            else:
                row.missing += 1
                row.missing_items.append((where.get((m.context, key), 0), m.context, key))
        rows.extend(sorted(by_file.values(), key=lambda r: r.file))
    return rows
