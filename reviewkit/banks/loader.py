"""Load bank YAML files into :class:`Bank` objects, reporting problems as ``file:line: reason``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .schema import Bank, cross_checks

PICTOGRAM_DIR = Path(__file__).resolve().parent.parent / "static" / "pictograms"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str
    kind: str = ""  # for PO files: "unreadable" (nothing else can be checked), "plural"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class BankError(Exception):
    """A bank file could not be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _BankYamlLoader(yaml.SafeLoader):
    """YAML 1.2-style booleans: only true/false, so a choice value 'yes' or 'no' stays a string."""


_BankYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BankYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false|True|False|TRUE|FALSE)$"), list("tTfF")
)


def compose_yaml(text: str, filename: str) -> tuple[Any, yaml.Node | None]:
    """A bank file's data and its YAML node tree (for line numbers), with the bank loader's
    rules (only true/false are booleans). Raises :class:`BankError` with file and line."""
    loader = _BankYamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
        return data, node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = f"not valid YAML: {exc.problem or exc.context}"
        raise BankError([Problem(filename, line, reason)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors carry no mark
        raise BankError([Problem(filename, 1, f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()


def line_for(node: yaml.Node | None, loc: Iterable[Any]) -> int:
    """The 1-based line of the YAML node at a pydantic error location (closest known parent)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            continue  # pydantic adds type tags such as 'function-after'; skip them
        line = node.start_mark.line + 1
    return line


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function"))
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        msg = "unknown field (check the spelling; see docs/question-banks.md)"
    return f"{where}: {msg}" if where else msg


def _lint(bank: Bank) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Checks that need more than one field: ids and conditions, pictogram files that exist."""
    yield from cross_checks(bank)
    known = {p.stem for p in PICTOGRAM_DIR.glob("*.svg")}
    if not known:
        return

    def missing(name: str) -> str:
        """The reason, with the nearest names there are ('ears': did you mean 'ear'?)."""
        from difflib import get_close_matches

        near = get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        maybe = " or ".join(f"'{n}'" for n in near)
        return f"no pictogram called '{name}'" + (f" (did you mean {maybe}?)" if near else
                                                  " (see reviewkit/static/pictograms/)")

    for si, section in enumerate(bank.sections):
        if section.pictogram not in known:
            yield ("sections", si, "pictogram"), missing(section.pictogram)
        for qi, q in enumerate(section.questions):
            base = ("sections", si, "questions", qi)
            if q.pictogram not in known:
                yield (*base, "pictogram"), missing(q.pictogram)
            for ci, choice in enumerate(q.choices):
                if choice.pictogram and choice.pictogram not in known:
                    yield (*base, "choices", ci, "pictogram"), missing(choice.pictogram)
            for choice in q.effective_choices():
                if q.type.value in ("scale", "yes_no") and choice.pictogram not in known:
                    yield (*base, "type"), missing(choice.pictogram)


def parse_bank(text: str, filename: str = "<bank>") -> Bank:
    """Parse and validate bank YAML text; raise :class:`BankError` listing every problem."""
    data, node = compose_yaml(text, filename)
    if not isinstance(data, dict):
        raise BankError([Problem(filename, 1, "a bank file must be a YAML mapping (id, title, …)")])
    try:
        bank = Bank.model_validate(data, context={"defer_cross_checks": True})
    except ValidationError as exc:
        problems = [
            Problem(filename, line_for(node, err["loc"]), _describe(err)) for err in exc.errors()
        ]
        raise BankError(problems) from None
    problems = [Problem(filename, line_for(node, loc), msg) for loc, msg in _lint(bank)]
    if problems:
        raise BankError(problems)
    return bank


def load_bank(path: Path | str) -> Bank:
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        reason = (f"not UTF-8 text: byte {raw[exc.start]:#04x} cannot be read"
                  " (save the file as UTF-8)")
        raise BankError([Problem(str(path), line, reason)]) from None
    except OSError as exc:
        raise BankError([Problem(str(path), 0, f"cannot read the file: {exc.strerror}")]) from None
    bank = parse_bank(text, str(path))
    if path.stem != bank.id:
        line = line_for(compose_yaml(text, str(path))[1], ("id",))
        raise BankError([Problem(str(path), line, f"bank id '{bank.id}' must match the file name")])
    return bank


def bank_files(paths: Iterable[Path | str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
    return out


def check_paths(paths: Iterable[Path | str]) -> tuple[list[Bank], list[Problem]]:
    banks: list[Bank] = []
    problems: list[Problem] = []
    for path in bank_files(paths):
        try:
            banks.append(load_bank(path))
        except BankError as exc:
            problems.extend(exc.problems)
    return banks, problems
