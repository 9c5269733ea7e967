"""The ``reviewkit`` command group. Every command has ``--help``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import create_app


def _create_app(*_args, **_kwargs):
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True,
             add_version_option=False, load_dotenv=False)
@click.version_option(package_name="reviewkit")
def main() -> None:
    """reviewkit: person-centred reviews, easy-read questionnaires and themes.

    Settings come from REVIEWKIT_* environment variables (see README)."""


def _print_problems(problems) -> None:
    for problem in problems:
        click.secho(str(problem), fg="red", err=True)


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and load the shipped question banks. Safe to run again."""
    from .services.setup import init_database

    report = init_database()
    for label in report.added:
        click.echo(f"added bank {label}")
    _print_problems(report.problems)
    click.echo(f"database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    if report.problems:
        sys.exit(1)


@main.command("check")
@with_appcontext
def check_command() -> None:
    """Say what is wrong with this install, in plain words (exit 1 if anything is)."""
    from .services.checks import PROBLEM, check_install

    findings = check_install(current_app)
    for finding in findings:
        click.secho(str(finding), fg={"problem": "red", "note": "yellow"}.get(finding.level))
    if any(f.level == PROBLEM for f in findings):
        sys.exit(1)


def _check_port_free(host: str, port: int) -> None:
    """Refuse (exit 2, in plain words) when the demo could not listen on ``host``:``port``:
    another program has the port, the port needs the administrator, or no such address."""
    import errno
    import socket

    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            # as the server will (a port left by a program that just stopped is free)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            problem = (f"Port {port} is in use: another program (or another reviewkit demo) "
                       f"is listening on it. Stop it, or choose another port with --port N "
                       f"(for example --port {port + 1 if port < 65535 else 5001}).")
        elif error.errno == errno.EACCES:
            problem = (f"Port {port} needs the administrator (ports below 1024 do): choose "
                       f"another with --port N, like --port 5000.")
        else:
            problem = (f"Cannot listen on {host} port {port}: {error.strerror or error}. "
                       f"Check --host, or choose another port with --port N.")
        raise click.UsageError(problem) from None


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Set up the demo data and stop (do not serve).")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Set up a demo organisation with answers, print logins and a link, then serve."""
    from .services.demo import build_demo
    from .services.setup import init_database

    if not no_serve:
        _check_port_free(host, port)  # before any work or anything printed as ready
    app = current_app._get_current_object()
    if "REVIEWKIT_BASE_URL" not in __import__("os").environ:
        shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        app.config["BASE_URL"] = f"http://{shown_host}:{port}"
    report = init_database()
    _print_problems(report.problems)
    demo = build_demo()
    # No separate job worker in the demo: background jobs (theming) run in the web process.
    from . import tasks

    app.config["HUEY_IMMEDIATE"] = True
    tasks.init_app(app)
    # Themes when the demo is new, or when an earlier start made it but stopped before its
    # themes were worked out (the port was taken, Ctrl+C): else the pages stay empty for good.
    from sqlalchemy import select

    from .extensions import db
    from .models import ThemeSet

    themed = any(ts.result for ts in db.session.scalars(select(ThemeSet).where(
        ThemeSet.organisation_id == demo.organisation.id)))
    if not themed and no_serve:
        click.echo("Working out themes from the demo statements…", err=True)
        tasks.theme_organisation(demo.organisation.id)
    elif not themed:  # serve at once; the themes follow in a minute or so
        import threading

        org_id = demo.organisation.id

        def theme_in_background() -> None:
            with app.app_context():
                tasks.theme_organisation(org_id)
            click.echo("The demo's themes are ready (Themes and gaps).", err=True)

        threading.Thread(target=theme_in_background, name="demo-themes", daemon=True).start()
        click.echo("Working out themes from the demo statements in the background: the Themes "
                   "and gaps pages show them in a minute or so.", err=True)
    click.echo("\nreviewkit demo is ready.\n")
    click.echo("Staff logins:")
    for email, password, role in demo.logins:
        click.echo(f"  {role:<13} {email}  password: {password}")
    click.echo(f"\nOpen this link on a phone, or scan the code:\n  {demo.link}\n")
    import segno

    segno.make(demo.link, error="m").terminal(compact=True)
    if demo.voting_link:
        click.echo(f"\nVote at the demo's open event from your phone, or scan the code:\n"
                   f"  {demo.voting_link}\n")
        segno.make(demo.voting_link, error="m").terminal(compact=True)
    if no_serve:
        return
    click.echo(f"\nServing on http://{host}:{port}  (Ctrl+C to stop)")
    from werkzeug.serving import run_simple

    # (app.run() refuses to start inside the flask CLI; run_simple is what it would call.)
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def _refused(error) -> click.UsageError:
    """A rule of the organisation's set-up, for the command line (exit 2)."""
    from flask_babel import force_locale

    with force_locale("en"):  # a lazy text made into words with no request
        return click.UsageError(str(error.message))


@main.command("setup")
@click.option("--name", prompt="The organisation's name", help="The organisation's name.")
@click.option("--admin-email", prompt="The first admin's email address",
              help="The email address of the first organisation admin.")
@click.option("--admin-name", default="", help="The first admin's name (default: from the "
              "email address).")
@click.option("--another", is_flag=True, help="Add a further organisation to an install that "
              "has one already.")
@with_appcontext
def setup_command(name: str, admin_email: str, admin_name: str, another: bool) -> None:
    """Set up a real organisation: create or upgrade the database, make the organisation and
    its first admin, and print a one-time link (24 hours) where the admin sets a password."""
    from .extensions import db
    from .models import Role
    from .services import organisation as orgs
    from .services.setup import init_database

    report = init_database()
    _print_problems(report.problems)
    if report.problems:
        sys.exit(1)
    try:
        orgs.checked_email(admin_email)
        org = orgs.create_organisation(name, another=another)
        admin = orgs.add_user(org, email=admin_email, name=admin_name, role=Role.ADMIN.value)
    except orgs.OrganisationError as exc:
        db.session.rollback()
        raise _refused(exc) from None
    click.echo(f"Organisation {org.name!r} is set up (short name: {org.slug}).")
    click.echo(f"Open this link to set {admin.email}'s password (it works once, for 24 hours):")
    click.echo(f"  {orgs.password_link(admin)}")
    click.echo("Then sign in, add your services under Organisation settings, and add staff "
               "with 'reviewkit users add'.")


@main.group("users")
def users_group() -> None:
    """Staff accounts."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", required=True, help="admin, facilitator, manager or translator.")
@click.option("--name", default="", help="Their name (default: from the email address).")
@click.option("--service", "services", multiple=True,
              help="A service's short name they work in (repeatable; for facilitators).")
@click.option("--organisation", "slug", help="The organisation's short name (needed when "
              "there are several).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input "
              "(for scripts) instead of printing a one-time link.")
@with_appcontext
def users_add_command(email: str, role: str, name: str, services: tuple[str, ...],
                      slug: str | None, password_stdin: bool) -> None:
    """Add a staff account and print a one-time link (24 hours) to set its password."""
    from .extensions import db
    from .services import organisation as orgs

    try:
        org = orgs.organisation_named(slug)
        password = sys.stdin.readline().rstrip("\r\n") \
            if password_stdin else None
        user = orgs.add_user(org, email=email, name=name, role=role.strip().lower(),
                             services=services, password=password)
    except orgs.OrganisationError as exc:
        db.session.rollback()
        raise _refused(exc) from None
    click.echo(f"Account made for {user.email} ({user.role}).")
    if password is None:
        click.echo("Give them this link to set a password (it works once, for 24 hours):")
        click.echo(f"  {orgs.password_link(user)}")


@main.command("invite")
@click.argument("bank")
@click.option("--language", default=None,
              help="First language (en, cy, ur…), one the organisation offers (default: English, "
                   "or its first language when it does not offer English).")
@click.option("--easy-read", is_flag=True, help="Start in easy read.")
@click.option("--person", "person_ref", help="A reference for the person (no names).")
@click.option("--service", help="The service or team (its short name).")
@click.option("--count", default=1, show_default=True, type=click.IntRange(1, 10_000),
              help="How many invitations to make.")
@click.option("--open-link", is_flag=True,
              help="One link many people can use (for a poster) instead of single-use links.")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), help="Links stop working after.")
@click.option("--qr", "qr_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a QR code of the (first) link to FILE.png or FILE.svg.")
@click.option("--card", "card_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write printable cards to FILE.pdf, one page per link.")
@click.option("--card-size", type=click.Choice(["a6", "a4"], case_sensitive=False), default="a6",
              show_default=True, help="A6 card or A4 poster.")
@click.option("--organisation", "slug", help="The organisation's short name (needed when "
              "there are several).")
@with_appcontext
def invite_command(bank, language, easy_read, person_ref, service, count, open_link,
                   expires_in_days, qr_path, card_path, card_size, slug) -> None:
    """Create invitation links for BANK and print them, one per line."""
    from .i18n import fallback_language, normalise_language, offered_by
    from .services import invitations as inv
    from .services.banks import latest_version

    lang = normalise_language(language) if language is not None else None
    if language is not None and lang is None:
        raise click.BadParameter(
            f"'{language}' is not a language reviewkit has; use one of "
            + ", ".join(current_app.config["LANGUAGES"]), param_hint="--language")
    if person_ref and count > 1:
        raise click.UsageError("--person makes one personal invitation; leave out --count.")
    if qr_path and qr_path.suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter("the file name must end in .png or .svg", param_hint="--qr")
    if card_path and card_path.suffix.lower() != ".pdf":
        raise click.BadParameter("the file name must end in .pdf", param_hint="--card")
    version = latest_version(bank)
    if version is None:
        from .services.banks import all_latest

        known = ", ".join(v.bank_id for v in all_latest()) or "none (run 'reviewkit init')"
        raise click.UsageError(f"there is no bank called '{bank}'. Banks: {known}")
    from .services import organisation as orgs

    try:
        org = orgs.organisation_named(slug)
    except orgs.OrganisationError as exc:
        raise _refused(exc) from None
    offered = offered_by(org.languages)
    if lang is None:
        lang = fallback_language(offered)
    elif lang not in offered:
        raise click.BadParameter(
            f"{org.name} does not offer '{lang}' (its languages: {', '.join(offered)}); "
            "change them on the organisation's settings page", param_hint="--language")
    try:
        svc_row = inv.find_service(org, service) if service else None
    except inv.InvitationError as exc:
        raise click.BadParameter(str(exc), param_hint="--service") from None
    survey = inv.survey_for(version, svc_row, org)
    invitations = inv.create_invitations(
        survey, count=count, language=lang, easy_read=easy_read, person_ref=person_ref,
        single_use=not open_link, expires_in_days=expires_in_days)
    for invitation in invitations:
        click.echo(inv.invitation_url(invitation))
    if qr_path:
        inv.write_qr(inv.invitation_url(invitations[0]), qr_path)
        click.echo(f"QR code written to {qr_path}", err=True)
    if card_path:
        from .cards import CardError, render_cards

        try:
            card_path.write_bytes(render_cards(invitations, size=card_size.lower()))
        except (CardError, OSError) as exc:
            raise click.ClickException(f"the cards could not be written: {exc}") from None
        click.echo(f"Card(s) written to {card_path}", err=True)


@main.group("export")
def export_group() -> None:
    """Download stored data."""


@export_group.command("responses")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_responses_command(out: Path) -> None:
    """Write every stored answer to OUT.csv, one row per answer (UTF-8 with BOM, for Excel)."""
    from .services.export import export_responses

    n = export_responses(out)
    click.echo(f"{n} answers written to {out}")


@export_group.command("register")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--organisation", "slug", help="The organisation's short name (needed when "
              "there are several).")
@click.option("--names", is_flag=True, help="Include who sent each idea, where they agreed "
              "(as the staff download for admins and facilitators).")
@with_appcontext
def export_register_command(out: Path, slug: str | None, names: bool) -> None:
    """Write the register to OUT.csv: every idea with its answer and flags, the same CSV as
    the staff download."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Organisation
    from .reports import register as report
    from .reports.formats import csv_bytes
    from .services.register import answer_days, today_

    orgs = db.session.scalars(select(Organisation).order_by(Organisation.slug)).all()
    chosen = [o for o in orgs if slug is None or o.slug == slug]
    if len(chosen) != 1:
        if not orgs:
            raise click.UsageError("there is no organisation yet")
        known = ", ".join(o.slug for o in orgs)
        raise click.UsageError(
            (f"there is no organisation {slug!r}" if slug else
             "there are several organisations: choose one with --organisation")
            + f" (organisations: {known})")
    org = chosen[0]
    register = report.build(report.RegisterFilters(org.id), today=today_(),
                            answer_days=answer_days(org.id), with_names=names)
    out.write_bytes(csv_bytes(report.table(register)))
    click.echo(f"{len(register.rows)} ideas written to {out}")


VOTE_COLUMNS = ["event_id", "event_name", "event_date", "item_id", "item_label", "method",
                "dots", "rank", "count", "channel", "time", "withdrawn_at"]


def _vote_rows():
    """Every vote (a phone's or an assisted ballot's, for one item), then every paper tally
    count, oldest event first: what was chosen and when, never who (no voter key, no person,
    no member of staff)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Ballot, BallotItem, Event, TallyCount, TallySheet, Vote
    from .services.clock import local_time

    def start(event: Event, item: BallotItem) -> dict:
        day = local_time(event.starts_at, event.organisation_id).date()  # its own calendar's
        return {"event_id": event.id, "event_name": event.name,
                "event_date": day.isoformat(), "item_id": item.id,
                "item_label": item.label, "method": event.method}

    for vote, ballot, item, event in db.session.execute(
            select(Vote, Ballot, BallotItem, Event).join(Ballot, Ballot.id == Vote.ballot_id)
            .join(BallotItem, BallotItem.id == Vote.item_id)
            .join(Event, Event.id == Ballot.event_id)
            .order_by(Event.starts_at, Event.id, Ballot.changed_at, Ballot.id, Vote.id)):
        yield {**start(event, item), "dots": vote.dots, "rank": vote.rank, "count": 1,
               "channel": ballot.channel, "time": ballot.changed_at.isoformat()}
    for count, sheet, item, event in db.session.execute(
            select(TallyCount, TallySheet, BallotItem, Event)
            .join(TallySheet, TallySheet.id == TallyCount.sheet_id)
            .join(BallotItem, BallotItem.id == TallyCount.item_id)
            .join(Event, Event.id == TallySheet.event_id)
            .order_by(Event.starts_at, Event.id, TallySheet.entered_at, TallyCount.id)):
        yield {**start(event, item), "rank": count.rank, "count": count.count,
               "channel": "paper", "time": sheet.entered_at.isoformat(),
               "withdrawn_at": sheet.withdrawn_at.isoformat() if sheet.withdrawn_at else ""}


def _checked_csv_path(out: Path) -> None:
    if out.suffix.lower() != ".csv":
        raise click.BadParameter("the file name must end in .csv", param_hint="OUT")
    if not out.parent.is_dir():
        raise click.BadParameter(f"there is no folder {str(out.parent)!r}", param_hint="OUT")


@export_group.command("votes")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_votes_command(out: Path) -> None:
    """Write every vote at every local event to OUT.csv, one row per vote: the event, the
    item, dots or rank, the channel (phone, assisted, or paper: one row per tally count with
    its count) and the time. Nothing in it says who voted."""
    import csv
    import os
    import tempfile

    from .reports.cells import neutralise

    _checked_csv_path(out)
    n, part = 0, None
    try:  # written beside OUT, then moved into place: nothing is left half-written
        with tempfile.NamedTemporaryFile("w", newline="", encoding="utf-8-sig",
                                         dir=out.parent, suffix=".part", delete=False) as fh:
            part = Path(fh.name)
            writer = csv.DictWriter(fh, fieldnames=VOTE_COLUMNS, restval="")
            writer.writeheader()
            for row in _vote_rows():
                writer.writerow({k: neutralise(v) for k, v in row.items()})
                n += 1
        os.replace(part, out)
        part = None
    except OSError as exc:
        raise click.ClickException(f"{out} could not be written: {exc.strerror or exc}") from None
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
    click.echo(f"{n} votes written to {out}")


@main.group("people")
def people_group() -> None:
    """A person's data, on request: export everything held, or erase it."""


def _person_by_reference(reference: str):
    from sqlalchemy import select

    from .extensions import db
    from .models import Person

    people = db.session.scalars(select(Person).where(
        Person.reference == reference, Person.erased_at.is_(None))).all()
    if not people:
        raise click.BadParameter(f"nobody has the reference '{reference}'", param_hint="REFERENCE")
    if len(people) > 1:
        raise click.BadParameter(f"{len(people)} people share the reference '{reference}'; "
                                 "use the staff pages", param_hint="REFERENCE")
    return people[0]


@people_group.command("export")
@click.argument("reference")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def people_export_command(reference: str, out: Path) -> None:
    """Write everything held about the person with REFERENCE to OUT.json (logged)."""
    from .services.people import export_person

    _write_json(out, export_person(None, _person_by_reference(reference)))


@people_group.command("erase")
@click.argument("reference")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def people_erase_command(reference: str, yes: bool) -> None:
    """Erase the person with REFERENCE: their reviews, statements, phone answers and consent."""
    from .services.people import erase_person

    person = _person_by_reference(reference)
    _confirm_erase(yes, f"everything about {reference}")
    erase_person(None, person)
    click.echo(f"erased {reference}")


def _write_json(out: Path, data) -> None:
    """A person's data, as JSON in UTF-8 (names as they are written)."""
    import json

    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"written to {out}")


def _confirm_erase(yes: bool, what: str) -> None:
    if not yes:
        click.confirm(f"Erase {what}? This cannot be undone", abort=True)


@people_group.command("export-name")
@click.argument("name")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def people_export_name_command(name: str, out: Path) -> None:
    """Write what the register holds under NAME (a partner, a signature, who sent an idea or
    its credit: someone with no record of their own) to OUT.json (logged)."""
    from .services.named import export_name

    _write_json(out, export_name(None, name))


@people_group.command("erase-name")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def people_erase_name_command(name: str, yes: bool) -> None:
    """Erase NAME from the register: partners and signatures under it go, ideas lose it (and
    their credit); the history keeps the changes, not the name."""
    from .services.named import erase_name

    _confirm_erase(yes, f"'{name}' from the register")
    partners, signatures, ideas = erase_name(None, name)
    click.echo(f"erased: {partners} partner(s), {signatures} signature(s), "
               f"{ideas} idea(s) named '{name}'")


@main.command("purge-deleted")
@click.option("--dry-run", is_flag=True, help="Say what would be erased, and change nothing.")
@with_appcontext
def purge_deleted_command(dry_run: bool) -> None:
    """Erase for good the statements and actions deleted on the tablet more than
    REVIEWKIT_DELETED_KEPT_DAYS days ago (30 by default), and put right what pointed at them.
    The job worker does this every night; see docs/backups.md."""
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db
    from .services.deleted import purge_deleted
    from .services.retention import KeptDaysError

    try:
        done = purge_deleted(dry_run=dry_run)
    except KeptDaysError as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        db.session.rollback()
        why = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise click.ClickException(f"The database could not be read ({why}): run "
                                   "`reviewkit check` to see what is wrong.") from None
    ago = f"deleted more than {done.days} day(s) ago"
    counts = f"{done.statements} statement(s) and {done.actions} action(s) {ago}"
    if not done.statements and not done.actions:
        click.echo(f"Nothing to erase: no statement or action was {ago}.")
    elif dry_run:
        click.echo(f"Would erase for good {counts}.")
    else:
        click.echo(f"Erased for good {counts}.")
    if done.kept_for_ideas:
        click.echo(f"Kept: {done.kept_for_ideas} deleted statement(s) that an idea in the "
                   "register was raised from (they go when the person is erased).")
    if dry_run:
        click.echo("Nothing was changed (--dry-run).")


@main.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Write the database (an online copy: the app may go on serving) and the instance files
    to OUT.tar.gz, with a manifest of checksums. See docs/backups.md."""
    from .services.backup import BackupError, make_backup

    try:
        done = make_backup(out)
    except BackupError as exc:
        raise _refused(exc) from None
    database = done.manifest["database"]
    click.echo(f"Backup written to {done.path} ({done.size:,} bytes): the {database['kind']} "
               f"database at migration {database['revision']} and "
               f"{len(done.manifest['files']) - 1} file(s).")


@main.command("restore")
@click.argument("backup_file", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.option("--banks-and-translations", is_flag=True, help="Also put back the backup's "
              "question bank and translation files where they differ from this install's.")
@with_appcontext
def restore_command(backup_file: Path, force: bool, banks_and_translations: bool) -> None:
    """Restore a backup made by 'reviewkit backup' (stop the app first), then bring the
    database up to this version's newest migration. See docs/backups.md."""
    from .services.backup import BackupError, restore_backup

    try:
        done = restore_backup(backup_file, force=force,
                              banks_and_translations=banks_and_translations)
    except BackupError as exc:
        raise _refused(exc) from None
    database = done.manifest["database"]
    click.echo(f"Restored the {database['kind']} database from {backup_file} (made "
               f"{done.manifest['created_at']} by reviewkit {done.manifest['reviewkit_version']},"
               f" migration {database['revision']}).")
    if done.upgraded_to:
        click.echo(f"Upgraded the database from migration {database['revision']} to "
                   f"{done.upgraded_to}.")
    for name in done.files:
        click.echo(f"Restored {name}")
    if done.erasures.people or done.erasures.names:
        click.echo(f"Erased again: {done.erasures.people} person(s) and {done.erasures.names} "
                   "name(s) erased on request after this backup was made.")
    if not done.replaced_data:
        click.echo(f"The database replaced was empty, so it could not say who was erased on "
                   f"request after {done.manifest['created_at']}: make those erasures again "
                   "('reviewkit people erase', 'reviewkit people erase-name') from your records "
                   "of the requests before the app is used.")
    if done.differing:
        click.echo(f"{len(done.differing)} question bank or translation file(s) in the backup "
                   "differ from this install's and were left as they are; add "
                   "--banks-and-translations to put them back.")

@main.group("banks")
def banks_group() -> None:
    """Question banks: list and check."""


@banks_group.command("list")
@with_appcontext
def banks_list_command() -> None:
    """List the question banks in the banks folder."""
    from .banks import check_paths

    banks, problems = check_paths([current_app.config["BANKS_PATH"]])
    for bank in banks:
        n = len(bank.questions)
        click.echo(f"{bank.id:<24} v{bank.version:<3} {n:>3} questions  {bank.title}")
    _print_problems(problems)
    if problems:
        sys.exit(1)


@banks_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_appcontext
def banks_check_command(paths: tuple[Path, ...]) -> None:
    """Validate bank files (default: the banks folder); print FILE:LINE: REASON for each problem."""
    from .banks import check_paths

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        click.secho(f"{p}:0: no such file or folder", fg="red", err=True)
    targets = ([p for p in paths if p.exists()]
               or ([] if paths else [current_app.config["BANKS_PATH"]]))
    banks, problems = check_paths(targets)
    _print_problems(problems)
    from .banks.easyread import check_files  # easy-read warnings: shown, never a failure

    for warning in check_files(targets):
        click.secho(str(warning), fg="yellow", err=True)
    click.echo(f"{len(banks)} bank(s) OK, {len(problems) + len(missing)} problem(s)")
    if problems or missing or not banks:
        sys.exit(1)


from .banks.xlsform_cli import export_command as _export_xlsform  # noqa: E402
from .banks.xlsform_cli import import_command as _import_xlsform  # noqa: E402

banks_group.add_command(_import_xlsform)
banks_group.add_command(_export_xlsform)


def _register_optional() -> None:
    """Command groups that live beside their feature (theming, translations)."""
    import importlib

    for module, name in (("reviewkit.nlp.cli", "themes_cli"),
                         ("reviewkit.translate.cli", "translations_cli")):
        try:
            group = getattr(importlib.import_module(module), name)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        main.add_command(group)
        if name == "themes_cli":
            group.add_command(themes_run_command)


@click.command("run")
@click.option("--service", "services", multiple=True, help="A service's short name (repeatable).")
@click.option("--bank", help="Only statements from this bank.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this date (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this date (YYYY-MM-DD).")
@click.option("--themes", "n_themes", type=click.IntRange(5, 50), help="How many themes (5–50).")
@click.option("--organisation", "slug", help="The organisation's short name (needed when "
              "there are several).")
@with_appcontext
def themes_run_command(services, bank, since, until, n_themes, slug) -> None:
    """Theme the stored, consented statements of the organisation (or some services/dates)."""
    from .services import invitations as inv
    from .services import organisation as orgs
    from .services.themes import Scope, ThemingError, run_themes

    try:
        org = orgs.organisation_named(slug)
    except orgs.OrganisationError as exc:
        raise _refused(exc) from None
    try:
        service_ids = tuple(inv.find_service(org, s).id for s in services)
    except inv.InvitationError as exc:
        raise click.BadParameter(str(exc), param_hint="--service") from None
    if since and until and since > until:
        raise click.BadParameter("--since must be before --until", param_hint="--since")
    scope = Scope(org.id, service_ids, bank, since.date() if since else None,
                  until.date() if until else None)
    try:
        ts = run_themes(org, scope, n_themes=n_themes)
    except ThemingError as exc:
        raise click.ClickException(str(exc)) from None
    for theme in ts.result["themes"]:
        counts = theme.get("counts", {}).get("kind", {})
        summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
        click.echo(f"{theme['id']:>6}  {theme['label']}  ({theme['size']}: {summary})")


_register_optional()


if __name__ == "__main__":  # python -m reviewkit.cli
    main()
