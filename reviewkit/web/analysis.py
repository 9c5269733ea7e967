"""Commissioner gap analysis: themes by service, area and period, curation, downloads, jobs.

Every page and download is built from one :class:`~reviewkit.reports.gap.GapReport`; managers
see counts and masked statements only, never a person's record.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import Form, HiddenField, SelectField, StringField

from ..extensions import db
from ..forms.questions import BaseForm, MultiCheckboxField
from ..localise import InLanguage, translate
from ..models import Role, Service, Statement, ThemeSet, User
from ..reports import gap_downloads
from ..reports.charts import bar_chart_svg
from ..reports.filters import (
    MAX_PERIOD_YEARS,
    FilterError,
    Filters,
    PeriodTooLong,
    parse_when,
)
from ..reports.formats import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    csv_bytes,
    pdf_bytes,
    xlsx_bytes,
)
from ..reports.gap import build_report
from ..reports.gap_report import KINDS, PAGE_WORDS, UNASSIGNED, summary_sentences
from ..reports.themes import curate
from ..services.known_names import KnownNames
from ..services.themes import about_services
from .auth import Permission, requires
from .downloads import send_download
from .ideas import page_language

bp = Blueprint("analysis", __name__, url_prefix="/staff/analysis")


class FilterForm(Form):
    """The filter, read from the query string (GET: no CSRF, nothing changes)."""

    bank = MultiCheckboxField(_l("Question banks"), validate_choice=False, description=_l(
        "None ticked: every bank about services. The co-production self-audit is counted only "
        "when you tick it."))
    service = MultiCheckboxField(_l("Services"), validate_choice=False)
    area = MultiCheckboxField(_l("Areas"), validate_choice=False)
    start = StringField(_l("From"), name="from",
                        description=_l("A date (2026-01-01) or a quarter (2026-Q1)"))
    end = StringField(_l("To"), name="to",
                      description=_l("A date (2026-12-31) or a quarter (2026-Q4)"))


class CurateForm(BaseForm):
    op = HiddenField()
    scope = HiddenField()
    theme = SelectField(_l("Theme"), validate_choice=False)
    into = SelectField(_l("Into theme"), validate_choice=False)
    label = StringField(_l("New name"))
    statements = StringField(_l("Statement numbers"),
                             description=_l("Separate them with commas, for example 12, 15"))
    statement = StringField(_l("Statement number"))
    to = SelectField(_l("Move to"), validate_choice=False)
    i_statement = StringField(
        _l("I statement"), description=_l("What the theme means, as people at the event would "
                                          "say it, for example “I want staff to listen to me” "
                                          "(up to 200 characters; leave empty to clear it)"))


class ComputeForm(BaseForm):
    bank = HiddenField()
    start = HiddenField()
    end = HiddenField()


# ---------------------------------------------------------------------------- filters


def visible_services() -> list[Service]:
    """Admins and managers without named services see the whole organisation; a manager
    with named services sees those only."""
    services = db.session.scalars(select(Service).where(
        Service.organisation_id == current_user.organisation_id).order_by(Service.name)).all()
    if current_user.role == Role.ADMIN.value or not current_user.services:
        return list(services)
    allowed = {s.id for s in current_user.services}
    return [s for s in services if s.id in allowed]


def _bank_choices() -> list[tuple[str, str]]:
    """The banks people's shared statements came from, each by its title in the page's
    language (the bank's own title where there is no translation)."""
    from ..services.banks import all_latest

    lang = page_language()
    titles = {v.bank_id: translate(v.bank, v.bank.title, "title", lang).as_text()
              for v in all_latest()}
    used = db.session.scalars(select(Statement.bank_id).distinct().where(
        Statement.organisation_id == current_user.organisation_id,
        Statement.pooled.is_(True), Statement.deleted_at.is_(None))).all()
    return [(b, titles.get(b, b)) for b in sorted(set(used))]


def read_filters(args=None) -> tuple[FilterForm, Filters | None]:
    """The filter form and, when it is valid, the filters; errors are on the form's fields."""
    form = FilterForm(args if args is not None else request.args)
    services = visible_services()
    form.service.choices = [(str(s.id), s.name) for s in services]
    areas = {s.area.id: s.area.name for s in services if s.area}
    form.area.choices = [(str(i), n) for i, n in sorted(areas.items(), key=lambda a: a[1])]
    form.bank.choices = _bank_choices()
    ok = True
    allowed = {s.id for s in services}
    chosen: list[int] = []
    for raw in form.service.data or []:
        if not str(raw).isdigit() or int(raw) not in allowed:
            form.service.errors = [_("You cannot see one of the services you chose, or it does "
                                     "not exist. Choose from the list.")]
            ok = False
            break
        chosen.append(int(raw))
    area_ids: list[int] = []
    for raw in form.area.data or []:
        if not str(raw).isdigit() or int(raw) not in areas:
            form.area.errors = [_("You cannot see one of the areas you chose. Choose from the "
                                  "list.")]
            ok = False
            break
        area_ids.append(int(raw))
    banks = [b for b in form.bank.data or [] if b]
    if any(len(b) > 64 for b in banks):
        form.bank.errors = [_("Choose question banks from the list.")]
        ok = False
    dates = {}
    for name, end in (("start", False), ("end", True)):
        field = getattr(form, name)
        try:
            dates[name] = parse_when(field.data, end=end)
        except FilterError:
            field.errors = [_("Enter a date like 2026-03-31 or a quarter like 2026-Q1.")]
            ok = False
    if not ok:
        return form, None
    if not chosen and allowed != _all_service_ids():  # a manager of some services only
        chosen = sorted(allowed) or [-1]
    try:
        filters = Filters(current_user.organisation_id, banks=tuple(banks),
                          service_ids=tuple(chosen), area_ids=tuple(area_ids),
                          since=dates.get("start"), until=dates.get("end"))
    except PeriodTooLong:
        form.end.errors = [ngettext("A period can be at most %(num)d year long. Choose a shorter "
                                    "one.", "A period can be at most %(num)d years long. Choose a "
                                    "shorter one.", MAX_PERIOD_YEARS)]
        return form, None
    except FilterError:
        form.end.errors = [_("The period is empty: the start is after the end. Change one "
                             "of the dates.")]
        return form, None
    return form, filters


def _all_service_ids() -> set[int]:
    return set(db.session.scalars(select(Service.id).where(
        Service.organisation_id == current_user.organisation_id)))


def render_bad_filter(form: FilterForm):
    return render_template("analysis/index.html", form=form, report=None, summary=[],
                           chart="", query="", compute=ComputeForm(), **page_names()), 400


def page_names() -> dict:
    return {"kinds": KINDS, "unassigned": UNASSIGNED, **PAGE_WORDS}


def page_query() -> str:
    return request.query_string.decode("utf-8", "replace")


# ---------------------------------------------------------------------------- pages


@bp.get("/")
@requires(Permission.REPORTS)
def index():
    form, filters = read_filters()
    if filters is None:
        return render_bad_filter(form)
    report = build_report(filters, with_statements=False)
    themed = [t for t in report.themes if t.id != UNASSIGNED]
    chart = bar_chart_svg([(t.label, t.total) for t in themed[:25]],
                          title=_("Statements by theme"), page_lang=page_language())
    compute = ComputeForm(bank=",".join(filters.banks), start=form.start.data or "",
                          end=form.end.data or "")
    return render_template("analysis/index.html", form=form, report=report, chart=chart,
                           summary=summary_sentences(report, page_language()),
                           query=page_query(), compute=compute,
                           **page_names())


@bp.get("/gaps")
@requires(Permission.REPORTS)
def gaps():
    form, filters = read_filters()
    if filters is None:
        return render_bad_filter(form)
    report = build_report(filters, with_statements=False)
    return render_template("analysis/gaps.html", form=form, report=report, query=page_query(),
                           **page_names())


@bp.get("/compare")
@requires(Permission.REPORTS)
def compare():
    """Side by side: two services (?mode=services&a=ID&b=ID) or two periods (?mode=periods
    &a=2026-Q1&b=2026-Q2)."""
    mode = request.args.get("mode", "services")
    a, b = request.args.get("a", ""), request.args.get("b", "")
    services = visible_services()
    error, columns = None, []
    if mode == "periods":
        try:
            periods = [(p, parse_when(p, end=False), parse_when(p, end=True)) for p in (a, b)]
        except FilterError:
            periods, error = [], _("Enter each period as a quarter like 2026-Q1 or a date "
                                   "like 2026-03-31.")
        if periods and all(p[1] for p in periods):
            for label, since, until in periods:
                report = build_report(Filters(
                    current_user.organisation_id, service_ids=tuple(s.id for s in services),
                    since=since, until=until),
                    with_statements=False)
                columns.append((label, {t.id: t for t in report.themes}))
    else:
        by_id = {str(s.id): s for s in services}
        if (a or b) and not (a in by_id and b in by_id):
            error = _("You cannot see one of the services you chose, or it does not exist.")
        elif a and b:
            since, until = parse_when(request.args.get("start"), end=False), None
            for sid in (a, b):
                report = build_report(Filters(current_user.organisation_id,
                                              service_ids=(int(sid),), since=since),
                                      with_statements=False)
                columns.append((by_id[sid].name, {t.id: t for t in report.themes}))
    labels = {}
    for _label, themes in columns:
        for tid, t in themes.items():
            labels.setdefault(tid, t.label)
    return render_template("analysis/compare.html", mode=mode, a=a, b=b, services=services,
                           columns=columns, labels=labels, error=error,
                           **page_names()), (400 if error else 200)


# ---------------------------------------------------------------------------- downloads


def _report_or_bad_filter(**kwargs):
    form, filters = read_filters()
    if filters is None:
        # The page again with its messages (a redirect would copy the filter's text into its
        # address).
        flash(_("The download needs a filter that works: see the messages below."))
        return None, None, render_bad_filter(form)
    return filters, build_report(filters, **kwargs), None


@bp.get("/download.csv")
@requires(Permission.REPORTS)
def download_csv():
    filters, report, bad = _report_or_bad_filter(with_statements=False)
    if bad:
        return bad
    return send_download("csv", csv_bytes(gap_downloads.cells_table(report)), CSV_MIMETYPE,
                         f"gap-analysis-{date.today()}.csv", filters)


@bp.get("/statements.csv")
@requires(Permission.REPORTS)
def statements_csv():
    filters, report, bad = _report_or_bad_filter()
    if bad:
        return bad
    return send_download("statements.csv", csv_bytes(gap_downloads.statements_table(report)),
                         CSV_MIMETYPE, f"gap-analysis-statements-{date.today()}.csv", filters)


@bp.get("/download.xlsx")
@requires(Permission.REPORTS)
def download_xlsx():
    filters, report, bad = _report_or_bad_filter()
    if bad:
        return bad
    return send_download("xlsx", xlsx_bytes(gap_downloads.workbook(report)), XLSX_MIMETYPE,
                         f"gap-analysis-{date.today()}.xlsx", filters)


@bp.get("/download.pdf")
@requires(Permission.REPORTS)
def download_pdf():
    filters, report, bad = _report_or_bad_filter(with_statements=False)
    if bad:
        return bad
    document = gap_downloads.pdf_document(report, title=_("Gap analysis"))
    return send_download("pdf", pdf_bytes(document), "application/pdf",
                         f"gap-analysis-{date.today()}.pdf", filters)


# ---------------------------------------------------------------------------- curation


def _theme_set(scope: str | None) -> ThemeSet | None:
    return db.session.scalar(select(ThemeSet).filter_by(
        organisation_id=current_user.organisation_id, scope=scope or "all"))


@bp.get("/curate")
@requires(Permission.REPORTS)
def curation():
    scope = request.args.get("scope", "all")[:200]
    ts = _theme_set(scope)
    scopes = db.session.scalars(select(ThemeSet.scope).filter_by(
        organisation_id=current_user.organisation_id).order_by(ThemeSet.scope)).all()
    if ts is None or ts.result is None:
        return render_template("analysis/curate.html", ts=None, scope=scope, scopes=scopes,
                               compute=ComputeForm())
    from ..nlp import mask_personal

    rows, curated = _curated(ts)
    sizes: dict[str | None, int] = {}
    for tid in curated.assign.values():
        sizes[tid] = sizes.get(tid, 0) + 1
    languages = _languages_of_themes(rows, curated.assign)
    chosen = request.args.get("theme", "")
    mine = [r for r in rows if curated.assign.get(r[0]) == chosen][:200] \
        if chosen in curated.labels else []
    known = KnownNames(r[4] for r in mine)
    # each marked with the language it was said in (a Welsh statement on an English page)
    shown = [(r[0], InLanguage(mask_personal(known.mask(r[2][:300], r[4]), r[3]),
                               r[3] or "en")) for r in mine]
    users = {u.id: u.name for u in db.session.scalars(select(User).where(
        User.organisation_id == current_user.organisation_id))}
    # themes merged away or hidden are named too (edits made before edits kept their names)
    known = {str(t["id"]): mask_personal(str(t["label"]))
             for t in (ts.model or {}).get("themes", []) if t.get("id") and t.get("label")}
    known.update(curated.labels)
    history = [(e, users.get(e.user_id, _("someone")), describe_edit(e.edit, known))
               for e in sorted(ts.edits, key=lambda e: e.id, reverse=True)]
    form = CurateForm(scope=scope)
    choices = sorted(curated.labels.items(), key=lambda kv: kv[1].lower())
    form.theme.choices = form.into.choices = choices
    form.to.choices = [("", _("Not in any theme")), *choices]
    return render_template("analysis/curate.html", ts=ts, scope=scope, scopes=scopes,
                           labels=curated.labels, sizes=sizes, chosen=chosen, shown=shown,
                           i_statements=curated.i_statements,
                           typical=_quotes_still_shared(curated, rows),
                           theme_languages=languages, history=history, form=form,
                           compute=ComputeForm())


def _quotes_still_shared(curated, rows) -> dict:
    """Each theme's "in people's words" quote, only while its statement is still shared (not
    deleted, consent not withdrawn): ``rows`` are the shared statements."""
    shared = {r[0] for r in rows}
    return {t: v for t, v in curated.typical.items() if curated.typical_ids.get(t) in shared}


def _languages_of_themes(rows, assign: dict) -> dict[str, list[tuple[str, str, int]]]:
    """For a set of statements in more than one language: each theme's languages, most
    statements first, as (code, the language's own name, count); empty when all are in one
    language. A theme mostly in Welsh beside one mostly in English on the same topic is then
    plain to see, and one merge away."""
    codes = {r[3] or "en" for r in rows}
    if len(codes) < 2:
        return {}
    names = current_app.config["LANGUAGES"]
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        tid = assign.get(r[0])
        if tid is not None:
            counts[tid][r[3] or "en"] += 1
    return {tid: [(code, names.get(code, (code, "ltr"))[0], n) for code, n in c.most_common()]
            for tid, c in counts.items()}


def _curated(ts: ThemeSet):
    """The theme set's shared statements (id, theme id, text, language, review id) and the
    themes with people's edits applied."""
    from ..models import ThemeAssignment

    rows = db.session.execute(
        select(ThemeAssignment.statement_id, ThemeAssignment.theme_id, Statement.text,
               Statement.language, Statement.review_id)
        .join(Statement, Statement.id == ThemeAssignment.statement_id)
        .where(ThemeAssignment.theme_set_id == ts.id, Statement.pooled.is_(True),
               Statement.deleted_at.is_(None), *_services_only(ts))).all()
    return rows, curate(ts, {r[0]: r[1] for r in rows})


def _services_only(ts: ThemeSet) -> list:
    """The organisation-wide themes are about services: no self-audit statement is curated in
    them (one themed there before is left out, not deleted)."""
    return [about_services()] if ts.scope == "all" else []


def describe_edit(edit: dict, labels: dict[str, str]) -> str:
    """An edit in words, naming each theme as it was called when the edit was made (kept in the
    edit's "names"), else by its name now; the engine's ids ("t12") only when neither is known."""
    names = edit.get("names") if isinstance(edit.get("names"), dict) else {}

    def name(tid) -> str:
        return str(names.get(str(tid)) or labels.get(str(tid)) or tid)

    op = edit.get("op")
    if op == "rename":
        theme = str(edit.get("theme"))
        was = names.get(theme) or (labels.get(theme) if labels.get(theme) != edit.get("label")
                                   else None)  # not "renamed Parking to “Parking”"
        return _("renamed %(theme)s to “%(label)s”", theme=was or theme,
                 label=edit.get("label"))
    if op == "merge":
        into = str(edit.get("into") or (edit.get("themes") or [""])[0])
        return _("merged %(themes)s into %(into)s", themes=", ".join(
            name(t) for t in edit.get("themes", []) if str(t) != into), into=name(into))
    if op == "split":
        return ngettext("split %(num)d statement out of %(theme)s as “%(label)s”",
                        "split %(num)d statements out of %(theme)s as “%(label)s”",
                        len(edit.get("statements", [])), theme=name(edit.get("theme")),
                        label=edit.get("label") or "")
    if op == "move":
        return _("moved statement %(s)s to %(to)s", s=edit.get("statement"),
                 to=name(edit["to"]) if edit.get("to") else _("no theme"))
    if op == "not_a_theme":
        return _("hid %(theme)s (not a theme)", theme=name(edit.get("theme")))
    if op == "i_statement":
        if not edit.get("text"):
            return _("cleared the I statement of %(theme)s", theme=name(edit.get("theme")))
        return _("wrote the I statement “%(text)s” for %(theme)s", text=edit.get("text"),
                 theme=name(edit.get("theme")))
    return str(op)


_THEME_ID = re.compile(r"t\d{1,9}")


@bp.post("/curate")
@requires(Permission.REPORTS)
def curation_edit():
    from ..services.themes import ThemingError, add_edit

    form = CurateForm()
    ts = _theme_set((form.scope.data or "all")[:200])
    # Back to the page: only a stored scope and a theme id go into its address, never text sent.
    theme = form.theme.data if _THEME_ID.fullmatch(form.theme.data or "") else None
    back = redirect(url_for(".curation", scope=ts.scope if ts else "all", theme=theme))
    if not form.validate_on_submit() or ts is None:
        flash(_("That change could not be made: the form was out of date. Please try again."))
        return back
    labels = _curated(ts)[1].labels
    try:
        edit = _edit_from(form, ts)
        # the names the themes have now, for the history ("merged Does dim bws into Bus
        # stopped"): a later run or rename does not change what this edit was about
        involved = [edit.get("theme"), edit.get("into"), edit.get("to"), *edit.get("themes", [])]
        edit["names"] = {str(t): str(labels[t]) for t in involved if t in labels}
        add_edit(ts, edit, user_id=current_user.id)
    except (ValueError, ThemingError) as exc:
        flash(_("That change could not be made: %(why)s", why=str(exc)))
        return back
    flash(_("Saved: %(what)s. Pages and downloads use it now.",
            what=describe_edit(edit, labels)))
    return back


def _edit_from(form: CurateForm, ts: ThemeSet) -> dict:
    op = form.op.data
    theme = (form.theme.data or "").strip()
    label = (form.label.data or "").strip()[:120]
    if op == "rename":
        if not label:
            raise ValueError(_("type the new name"))
        return {"op": "rename", "theme": theme, "label": label}
    if op == "merge":
        into = (form.into.data or "").strip()
        if not into or into == theme:
            raise ValueError(_("choose two different themes"))
        return {"op": "merge", "themes": [into, theme], "into": into,
                **({"label": label} if label else {})}
    if op == "split":
        ids = [p.strip() for p in (form.statements.data or "").split(",") if p.strip()]
        if not ids or not all(i.isdigit() for i in ids):
            raise ValueError(_("list the statement numbers, separated by commas"))
        _check_statements(ids, ts)
        return {"op": "split", "theme": theme, "statements": ids,
                **({"label": label} if label else {})}
    if op == "move":
        sid = (form.statement.data or "").strip()
        if not sid.isdigit():
            raise ValueError(_("type the statement number"))
        _check_statements([sid], ts)
        return {"op": "move", "statement": sid, "to": form.to.data or None}
    if op == "hide":
        return {"op": "not_a_theme", "theme": theme}
    if op == "i_statement":
        return {"op": "i_statement", "theme": theme, "text": _i_statement(form.i_statement.data)}
    raise ValueError(_("choose what to change"))


def _i_statement(raw: str | None) -> str:
    from ..nlp.curation import I_STATEMENT_MAX, i_statement_problems

    text = (raw or "").strip()
    if len(text) > I_STATEMENT_MAX:
        raise ValueError(ngettext(
            "the I statement has %(num)d character: keep it to %(most)d or fewer",
            "the I statement has %(num)d characters: keep it to %(most)d or fewer",
            len(text), most=I_STATEMENT_MAX))
    if i_statement_problems(text):
        raise ValueError(_("write the I statement as plain text on one line, without tags"))
    return text


def _check_statements(ids: list[str], ts: ThemeSet) -> None:
    found = set(db.session.scalars(select(Statement.id).where(
        Statement.id.in_([int(i) for i in ids]), Statement.pooled.is_(True),
        Statement.deleted_at.is_(None), Statement.organisation_id == ts.organisation_id,
        *_services_only(ts))))
    if len(found) != len(set(ids)):
        raise ValueError(_("no shared statement has that number"))


# ---------------------------------------------------------------------------- jobs

# What the job page says while a theming run is on each of its steps (tasks.STAGES).
STEP_MESSAGES = {
    "reading": _l("Step %(n)d of %(total)d: reading the statements."),
    "grouping": _l("Step %(n)d of %(total)d: grouping statements into themes."),
    "naming": _l("Step %(n)d of %(total)d: naming the themes."),
    "saving": _l("Step %(n)d of %(total)d: saving the themes."),
    "counting": _l("Step %(n)d of %(total)d: counting the themes and hiding small numbers."),
}


@bp.post("/compute")
@requires(Permission.REPORTS)
def compute():
    from ..tasks import enqueue_theming

    form = ComputeForm()
    if not form.validate_on_submit():
        flash(_("The form was out of date. Please try again."))
        return redirect(url_for(".index"))
    banks = [b for b in (form.bank.data or "").split(",") if b]
    try:
        since = parse_when(form.start.data, end=False)
        until = parse_when(form.end.data, end=True)
    except FilterError:
        since = until = None
    job = enqueue_theming(current_user, banks[0] if len(banks) == 1 else None, since, until)
    return redirect(url_for(".job", id=job))


@bp.get("/job")
@requires(Permission.REPORTS)
def job():
    from ..tasks import STAGES, job_info, job_progress, job_result

    job_id = request.args.get("id", "")[:64]
    info = job_info(job_id) if job_id else None
    if not info or info.get("organisation_id") != current_user.organisation_id:
        return render_template("analysis/job.html", job=None, state="unknown", progress=None,
                               result=None)
    state, result = job_result(job_id)
    progress = job_progress(job_id)
    # which step of the run it is on; a job's last moment ("done" before its result is kept)
    # counts as the last step
    stage = (progress or {}).get("stage") or STAGES[0]
    step = STAGES.index(stage) + 1 if stage in STAGES else len(STAGES)
    stage = STAGES[step - 1]
    return render_template("analysis/job.html", job=job_id, info=info, state=state,
                           progress=progress, result=result, step=step, steps=len(STAGES),
                           stage=stage, step_message=str(STEP_MESSAGES[stage]) % {
                               "n": step, "total": len(STAGES)})
