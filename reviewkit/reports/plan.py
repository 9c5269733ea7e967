"""The organisation's action plan as a report: every action as a row for the data files, and
the plan by status, to read, for the PDF.

The plan names staff (who owns an action, who added it) and never a person who is supported;
it has no counts, so nothing needs suppressing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import PlanAction, User
from ..services.clock import local_time
from ..services.plans import where
from .table import Column, Document, Table, columns

#: The action plan download: one row per action.
PLAN_COLUMNS = ["id", "theme_id", "theme", "where", "what_will_change", "root_cause",
                "success_looks_like", "owner", "due_on", "status", "overdue", "done_on",
                "you_said_we_did", "created_by", "created_at", "updated_at"]


def plan_table(actions: list[PlanAction], today: date | None = None) -> Table:
    """The plan as plain rows (see :data:`PLAN_COLUMNS`); staff names only, never a person's."""
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({a.created_by_id for a in actions if a.created_by_id}))).all())
    return Table("Action plan", columns(*PLAN_COLUMNS, numeric=("id",)), [
        [a.id, a.theme_id, a.theme_label, where(a), a.change, a.root_cause, a.success,
         a.owner, a.due_on.isoformat(), a.status, "yes" if a.is_overdue(today) else "no",
         local_time(a.done_at, a.organisation_id).date().isoformat() if a.done_at
         else "", a.public_sentence,
         names.get(a.created_by_id, ""), a.created_at.isoformat(timespec="seconds"),
         a.updated_at.isoformat(timespec="seconds")] for a in actions])


def workbook(actions: list[PlanAction], today: date | None = None) -> Document:
    return Document("Action plan", [plan_table(actions, today)])


def pdf_document(groups, *, title: str, labels: dict, today: date | None = None) -> Document:
    """The plan to read and print, in the page's language: a section per status (``groups``:
    (status, actions) as on the plan page; ``labels``: each status's name), each action with
    its theme, where, owner, date and, once done, its "you said, we did" sentence."""
    from flask_babel import gettext as _

    tables = []
    for status, actions in groups:
        done = status.value == "done"
        cols = [Column(_("What will change"), key=True), *columns(
            _("Theme"), _("Where"), _("Who owns it"), _("By when"))]
        if done:
            cols.append(Column(_("You said, we did")))
        rows = []
        for a in actions:
            due = a.due_on.isoformat() + (f" ({_('overdue')})" if a.is_overdue(today) else "")
            row = [a.change, a.theme_label, where(a) or _("The whole organisation"), a.owner, due]
            rows.append(row + [a.public_sentence or ""] if done else row)
        tables.append(Table(f"{labels[status.value]} ({len(actions)})", cols, rows))
    return Document(title, tables, meta=(today or date.today()).isoformat())
