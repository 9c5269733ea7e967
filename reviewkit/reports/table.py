"""A report as plain tables: what :mod:`reviewkit.reports.formats` writes as CSV, XLSX and PDF.

A :class:`Table` is columns and rows of plain values (text, numbers, dates, lists of text) with
:data:`HIDDEN` where a small number was suppressed, and notes that say what "hidden" means.
A :class:`Document` is a report's tables in order, with a title and a summary, for the
formats that hold more than one table (a workbook sheet per table, a PDF section per table).
Nothing here knows any one report: a report builds its tables, the formats only format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SUPPRESSED_TEXT = "hidden"
SUPPRESSED_NOTE = ("hidden: fewer than 5, or hidden so that a number under 5 cannot be worked "
                   "out from the totals")


class Hidden:
    """The value of a suppressed cell: written as "hidden", never as a number."""

    _instance: Hidden | None = None

    def __new__(cls) -> Hidden:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return SUPPRESSED_TEXT

    def __repr__(self) -> str:
        return "HIDDEN"

    def __bool__(self) -> bool:
        return False


HIDDEN = Hidden()


def count(n: int | None) -> int | Hidden:
    """A published count for a table: the number, or :data:`HIDDEN` where it is suppressed
    (``None``)."""
    return HIDDEN if n is None else n


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False  # counts and scores: right-aligned in a PDF
    width: int | None = None  # in characters, for a spreadsheet (None: the default)
    key: bool = False  # names the row (a row header in a PDF)


@dataclass(frozen=True)
class Chart:
    """A bar chart of some numeric columns of a table (a spreadsheet draws it natively; a PDF
    draws it from :attr:`Document.figures`)."""

    title: str
    label_column: int  # the column with the bars' names (0-based)
    value_columns: tuple[int, ...]
    rows: int  # how many of the table's first rows to draw
    stacked: bool = True


@dataclass
class Table:
    title: str  # a sheet's name (31 characters at most) or a section's heading
    columns: list[Column]
    rows: list[list[Any]]
    caption: str = ""  # one line above the table in a PDF
    heading: str = ""  # a bold first line above the intro in a spreadsheet
    intro: list[str] = field(default_factory=list)  # paragraphs before the table
    notes: list[str] = field(default_factory=list)  # after it in a PDF
    chart: Chart | None = None
    freeze: bool = True  # keep the header in view in a spreadsheet
    limit: int | None = None  # a PDF shows the first ``limit`` rows only

    def __post_init__(self):
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"{self.title}: row {i + 1} has {len(row)} cells, "
                                 f"not {width}")

    @property
    def header(self) -> list[str]:
        return [c.title for c in self.columns]

    @property
    def has_hidden(self) -> bool:
        return any(v is HIDDEN for row in self.rows for v in row)


def columns(*titles: str, numeric: Iterable[str] = ()) -> list[Column]:
    """Columns by title; those named in ``numeric`` are numeric."""
    numeric = set(numeric)
    return [Column(t, numeric=t in numeric) for t in titles]


@dataclass
class Document:
    """A report for a workbook or a PDF: its tables in order, with what goes around them."""

    title: str
    tables: list[Table]
    meta: str = ""  # one line under the title (the period, how many services…)
    summary: list[str] = field(default_factory=list)
    note: str = ""  # after the summary (what "hidden" means)
    method: list[str] = field(default_factory=list)  # "how these numbers were made"
    # table title -> (an SVG chart, its caption), drawn above that table in a PDF
    figures: dict[str, tuple[str, str]] = field(default_factory=dict)
    hidden_text: str = SUPPRESSED_TEXT  # the word for a hidden number in a PDF
    # the headings a PDF writes itself, in the document's language
    words: dict[str, str] = field(default_factory=lambda: {
        "summary": "Summary", "method": "How these numbers were made"})
    language: str | None = None  # None: the page's language
    direction: str | None = None
    landscape: bool = False  # a PDF on A4 turned sideways, for wide tables


def text_table(title: str, heading: str, lines: Sequence[str]) -> Table:
    """A one-column table of sentences (e.g. the method, for a spreadsheet)."""
    return Table(title, [Column(heading)], [[line] for line in lines])
