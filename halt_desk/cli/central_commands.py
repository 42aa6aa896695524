"""`halt-desk serve` and `halt-desk central …`: the central API and its administration
(users, organisations, reference data, the audit log, contract profiles)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from halt_desk.central.service import Central
    from halt_desk.central.transport import TlsFiles

from halt_desk.cli.common import CliError, positive_int
from halt_desk.cli.courier_commands import add_courier_commands
from halt_desk.cli.mail_commands import add_mail_commands
from halt_desk.cli.mailorg_commands import add_mailorg_commands
from halt_desk.domain.errors import HaltDeskError

log = logging.getLogger("halt_desk")


def open_central(url: str | None) -> Central:
    """The central on `url` (default: the data folder's SQLite file), migrated; CliError,
    one line naming the database (password hidden) and the reason, when it cannot be
    used: not a URL the central runs on, a server that cannot be reached, a file that
    cannot be opened or written."""
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import DBAPIError

    from halt_desk.central.engine import default_url, parse_url
    from halt_desk.central.service import Central

    target = url or default_url()
    try:
        shown = parse_url(target).render_as_string(hide_password=True)
    except HaltDeskError as exc:
        raise CliError(f"--db: {exc}") from None
    try:
        return Central.open(target)
    except DBAPIError as exc:
        reason = str(exc.orig if exc.orig is not None else exc)
    except (OSError, CommandError, HaltDeskError) as exc:
        reason = str(exc)
    first_line = reason.strip().splitlines()[0] if reason.strip() else "unknown error"
    raise CliError(f"cannot use the central database {shown}: {first_line}")


def cmd_serve(args: argparse.Namespace) -> int:
    from halt_desk.central.api import serve
    from halt_desk.central.transport import uvicorn_options

    tls, proxies = _serve_transport(args)
    if args.entra_config:  # read here, so a bad file stops the start; the workers read it too
        from halt_desk.central.entra import ENTRA_CONFIG_ENV, EntraConfigError, load_entra_settings

        try:
            load_entra_settings(Path(args.entra_config))
        except EntraConfigError as exc:
            raise CliError(str(exc)) from None
        os.environ[ENTRA_CONFIG_ENV] = str(Path(args.entra_config).resolve())
    central = open_central(args.db)
    scheme = "https" if tls is not None else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"HALT Desk central API on {scheme}://{host}:{args.port}/api/v1", flush=True)
    serve(central, args.host, args.port, args.workers, uvicorn_options(tls, proxies))
    return 0


def _serve_transport(args: argparse.Namespace) -> tuple[TlsFiles | None, list[str]]:
    """The TLS files (checked: a context is built once here, so a bad file is one line
    before anything starts) and trusted proxies of `serve`; refuses plain HTTP on an
    address other computers reach unless --insecure-http says so."""
    from halt_desk.central.transport import (
        TlsFiles,
        is_loopback,
        server_context,
        tls_warnings,
        trusted_proxies,
    )

    proxies = trusted_proxies(args.trusted_proxy)
    if args.tls_cert is None and args.tls_key is None:
        if args.tls_client_ca is not None:
            raise CliError("--tls-client-ca needs --tls-cert and --tls-key (HTTPS)")
        if not args.insecure_http and not is_loopback(args.host):
            raise CliError(
                f"refusing plain HTTP on {args.host}, which other computers can reach: give "
                "--tls-cert and --tls-key, or --insecure-http when a TLS proxy is in front"
            )
        if args.insecure_http and not is_loopback(args.host):
            print(
                f"halt-desk: warning: plain HTTP on {args.host} (--insecure-http): tokens and "
                "personal data cross the network unencrypted unless a TLS proxy is in front",
                file=sys.stderr,
                flush=True,
            )
        return None, proxies
    if args.tls_cert is None or args.tls_key is None:
        raise CliError("give --tls-cert and --tls-key together")
    if args.insecure_http:
        raise CliError("--insecure-http and --tls-cert exclude each other")
    files = TlsFiles(
        Path(args.tls_cert),
        Path(args.tls_key),
        Path(args.tls_client_ca) if args.tls_client_ca is not None else None,
    )
    server_context(files)
    for warning in tls_warnings(files):
        print(f"halt-desk: warning: {warning}", file=sys.stderr, flush=True)
    return files, proxies


def cmd_user_add(args: argparse.Namespace) -> int:
    from halt_desk.central.staff import record_staff, staff_data

    orgs = sorted(set(args.org or ()))
    staff = None
    if args.display_name is not None or args.email is not None:
        staff = staff_data(args.display_name or args.name, args.role, args.email, orgs)
    with open_central(args.db) as central:
        token = central.add_user(args.name, args.role, args.org)
        if staff is not None:
            record_staff(central, args.name, staff)
    scope = f"organisations {', '.join(orgs)}" if orgs else "the provider"
    print(f"user {args.name} ({args.role}, {scope}) added; token (shown only now):")
    print(token)
    return 0


def cmd_user_update(args: argparse.Namespace) -> int:
    """Changes the display name or work e-mail colleagues see (`staff:<user name>`)."""
    from halt_desk.central.staff import record_staff, staff_data

    if args.display_name is None and args.email is None:
        raise HaltDeskError("nothing to change: give --display-name and/or --email")
    with open_central(args.db) as central:
        user = central.user_named(args.name)
        orgs = sorted(user.orgs)
        data = staff_data(args.display_name, user.role.value, args.email, orgs)
        seq = record_staff(central, args.name, data)
    print(f"user {args.name} updated (seq {seq})")
    return 0


def cmd_user_revoke(args: argparse.Namespace) -> int:
    with open_central(args.db) as central:
        central.revoke_user(args.name)
    print(f"user {args.name} revoked")
    return 0


def cmd_org_add(args: argparse.Namespace) -> int:
    from halt_desk.central.organisations import register_organisation

    with open_central(args.db) as central:
        seq = register_organisation(central, args.id, args.name, args.profile, args.regie_email)
    print(f"organisation {args.id} registered (seq {seq})")
    return 0


def cmd_org_update(args: argparse.Namespace) -> int:
    from halt_desk.central.organisations import update_organisation

    with open_central(args.db) as central:
        seq = update_organisation(
            central,
            args.id,
            args.name,
            args.profile,
            args.regie_email,
            mail_off=args.mail_off or (),
            mail_on=args.mail_on or (),
        )
    print(f"organisation {args.id} updated (seq {seq})")
    return 0


def cmd_org_list(args: argparse.Namespace) -> int:
    from halt_desk.central.organisations import list_organisations

    with open_central(args.db) as central:
        found = list_organisations(central)
    if not found:
        print("no organisations registered (add one with `halt-desk central org add`)")
        return 0
    rows = [("ID", "NAME", "PROFILE", "REGIE E-MAIL", "MAIL OFF")]
    rows += [
        (o.id, o.name, o.profile, ", ".join(o.regie_emails) or "-", ", ".join(o.mail_off) or "-")
        for o in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[4]]))
    return 0


def _add_org_commands(central_commands: Any, db_help: str) -> None:
    org = central_commands.add_parser("org", help="organisations (customers)")
    org_commands = org.add_subparsers(dest="org_command", required=True)
    add = org_commands.add_parser(
        "add",
        help="register an organisation",
        description="Records organisation_registered; clients receive it through the "
        "changes feed. Exit 2, with nothing recorded, for bad input, a known id or an "
        "unknown profile.",
    )
    add.add_argument("id", metavar="ID", help="short lowercase code, e.g. halt")
    add.add_argument("--name", required=True, help="the organisation's name")
    add.add_argument("--profile", required=True, help="its contract profile, e.g. halt")
    update = org_commands.add_parser(
        "update",
        help="change an organisation's name, profile or regie e-mail addresses",
        description="Records organisation_updated with the options given; --regie-email "
        "replaces the addresses as a whole. Clocks of the organisation's tickets follow a "
        "new profile.",
    )
    update.add_argument("id", metavar="ID")
    update.add_argument("--name", help="new name")
    update.add_argument("--profile", help="new contract profile")
    update.add_argument(
        "--mail-off",
        action="append",
        metavar="KIND",
        help="stop sending this kind of mail for the organisation (repeatable; see "
        "`central template kinds`)",
    )
    update.add_argument(
        "--mail-on", action="append", metavar="KIND", help="send this kind of mail again"
    )
    for command in (add, update):
        command.add_argument(
            "--regie-email",
            action="append",
            metavar="ADDRESS",
            help="e-mail address of the customer's service manager (repeat for more)",
        )
        command.add_argument("--db", help=db_help)
    add.set_defaults(handler=cmd_org_add)
    update.set_defaults(handler=cmd_org_update)
    listing = org_commands.add_parser("list", help="the registered organisations")
    listing.add_argument("--db", help=db_help)
    listing.set_defaults(handler=cmd_org_list)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from halt_desk.central.audit import read_checkpoint_file

    checkpoints = read_checkpoint_file(Path(args.checkpoints)) if args.checkpoints else []
    with open_central(args.db) as central:
        problems = central.verify_audit(checkpoints)
    if not problems:
        kept = f" (and match {len(checkpoints)} checkpoint(s))" if checkpoints else ""
        print(f"audit log and events intact{kept}")
        return 0
    for problem in problems:
        if problem.log == "events":
            print(f"event seq {problem.row_id}: {problem.kind}: {problem.message}")
        else:
            print(f"row {problem.row_id}: {problem.kind}: {problem.message}")
    print(f"audit log or events damaged: {len(problems)} problem(s)", file=sys.stderr)
    return 1


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    from halt_desk.central.audit import append_checkpoint_file

    with open_central(args.db) as central:
        point = central.audit_checkpoint()
    if point is None:
        print("audit log is empty: nothing to keep")
        return 0
    if args.file:
        append_checkpoint_file(Path(args.file), point, datetime.now(UTC))
    print(f"row {point.row_id} {point.hash}")
    if point.event_seq is not None:
        print(f"event seq {point.event_seq} {point.event_chain}")
    return 0


def cmd_profile_publish(args: argparse.Namespace) -> int:
    from halt_desk.domain.profiles import parse_profile_text

    path = Path(args.file)
    try:
        document = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    name = args.name or path.stem
    parse_profile_text(document, name)  # a malformed profile is refused before anything
    with open_central(args.db) as central:
        result = central.publish_profile(document, name, f"publish:{path.name}")
    if result.status != "accepted":
        raise CliError(f"profile {name!r} not published: {result.reason or result.status}")
    print(f"profile {name} published (seq {result.seq})")
    return 0


def cmd_import_employees(args: argparse.Namespace) -> int:
    from halt_desk.central.imports import import_employees

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    with open_central(args.db) as central:
        report = import_employees(central, text, dry_run=args.dry_run, actor=f"import:{args.file}")
    for line in report.lines(args.dry_run):
        print(line)
    return 1 if report.rejected else 0


def cmd_security_import(args: argparse.Namespace) -> int:
    from halt_desk.central.security_import import import_vulnerabilities

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    with open_central(args.db) as central:
        result = import_vulnerabilities(
            central, text, args.org, dry_run=args.dry_run, actor=f"import:{args.file}"
        )
    for line in result.lines(args.dry_run):
        print(line, file=sys.stderr if result.rejected else sys.stdout)
    return 1 if result.rejected else 0


def _add_security_commands(central_commands: Any, db_help: str) -> None:
    security = central_commands.add_parser(
        "security", help="vulnerabilities (CVE) and measures for the monthly report"
    )
    security_commands = security.add_subparsers(dest="security_command", required=True)
    imports = security_commands.add_parser(
        "import",
        help="import vulnerabilities of one organisation from CSV",
        description="Columns: cve,severity,status,measure,date (severity low|medium|high|"
        "critical; status open|in_progress|mitigated|resolved|accepted, the last three with "
        "the measure taken; date YYYY-MM-DD, not in the future). Every rejected line is "
        "listed with its number and reason, and then nothing is imported (exit 1); exit 0 "
        "when the whole file was taken, 2 when it cannot be read or the organisation is "
        "unknown.",
    )
    imports.add_argument("file", metavar="FILE.csv")
    imports.add_argument("--org", required=True, help="the organisation the file is about")
    imports.add_argument("--dry-run", action="store_true", help="check and report only")
    imports.add_argument("--db", help=db_help)
    imports.set_defaults(handler=cmd_security_import)


def _add_serve(commands: Any, db_help: str) -> None:
    serve = commands.add_parser("serve", help="run the central HTTP API")
    serve.add_argument("--db", help=db_help)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="server processes (default 1); one per core uses every core",
    )
    serve.add_argument("--tls-cert", metavar="FILE", help="HTTPS: certificate chain (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", help="HTTPS: its private key (PEM, mode 0600)")
    serve.add_argument(
        "--tls-client-ca",
        metavar="FILE",
        help="mutual TLS: require a client certificate signed by these CAs (PEM)",
    )
    serve.add_argument(
        "--insecure-http",
        action="store_true",
        help="allow plain HTTP on an address other computers reach (behind a TLS proxy)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="believe X-Forwarded-For from this proxy (address or network; repeatable)",
    )
    serve.add_argument(
        "--entra-config",
        metavar="FILE",
        help="also accept Microsoft Entra ID access tokens as this TOML file's [entra] "
        "table says (README: Entra ID sign-in)",
    )
    serve.set_defaults(handler=cmd_serve)


def add_commands(commands: Any) -> None:
    """`serve` and `central`."""
    db_help = "database URL (default: SQLite file central.sqlite3 in the data dir)"
    _add_serve(commands, db_help)

    central = commands.add_parser("central", help="administer the central API")
    central_commands = central.add_subparsers(dest="central_command", required=True)
    user = central_commands.add_parser("user", help="users and tokens")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user and print its token once")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="agent, field, logistics, regie or admin")
    add.add_argument("--org", action="append", help="bound to this organisation (repeatable)")
    add.add_argument("--display-name", help="the name colleagues see (e.g. 'Sanne Visser')")
    add.add_argument("--email", help="work e-mail address colleagues see")
    add.add_argument("--db", help=db_help)
    add.set_defaults(handler=cmd_user_add)
    change = user_commands.add_parser(
        "update", help="change the display name or work e-mail colleagues see"
    )
    change.add_argument("name")
    change.add_argument("--display-name", help="the name colleagues see")
    change.add_argument("--email", help="work e-mail address colleagues see")
    change.add_argument("--db", help=db_help)
    change.set_defaults(handler=cmd_user_update)
    revoke = user_commands.add_parser("revoke", help="revoke a user's token")
    revoke.add_argument("name")
    revoke.add_argument("--db", help=db_help)
    revoke.set_defaults(handler=cmd_user_revoke)
    _add_org_commands(central_commands, db_help)
    add_mail_commands(central_commands, db_help, open_central)
    add_mailorg_commands(central_commands, db_help, open_central)
    imports = central_commands.add_parser("import", help="import reference data")
    import_commands = imports.add_subparsers(dest="import_command", required=True)
    employees = import_commands.add_parser(
        "employees",
        help="import the employee directory from CSV",
        description="Columns: id, org, name, email, phone, team, region, location, role "
        "(id, org and name required). Exit 0 when every line was taken, 1 when some lines "
        "were rejected (each is listed), 2 when the file cannot be read at all.",
    )
    employees.add_argument("file", metavar="FILE.csv")
    employees.add_argument("--dry-run", action="store_true", help="check and report only")
    employees.add_argument("--db", help=db_help)
    employees.set_defaults(handler=cmd_import_employees)
    _add_security_commands(central_commands, db_help)
    _add_audit_commands(central_commands, db_help)
    _add_backup_command(central_commands, db_help)
    add_courier_commands(central_commands, db_help, open_central)
    profile = central_commands.add_parser("profile", help="contract profiles")
    profile_commands = profile.add_subparsers(dest="profile_command", required=True)
    publish = profile_commands.add_parser(
        "publish",
        help="publish a contract profile (TOML) to every client through the changes feed",
        description="Checks the profile, then records it as profile_registered (new name) or "
        "profile_updated; clocks of the tickets of organisations using it follow the new "
        "document.",
    )
    publish.add_argument("file", metavar="FILE.toml")
    publish.add_argument("--name", help="profile name (default: the file name without .toml)")
    publish.add_argument("--db", help=db_help)
    publish.set_defaults(handler=cmd_profile_publish)


def cmd_backup(args: argparse.Namespace) -> int:
    from halt_desk.central.backup import PG_RESTORE_PROCEDURE, backup
    from halt_desk.central.engine import default_url

    try:
        made = backup(args.db or default_url(), Path(args.file))
    except HaltDeskError as exc:
        raise CliError(str(exc)) from None
    print(f"backup written to {made.path} ({made.method})")
    if made.method == "pg_dump":
        print(f"to restore: {PG_RESTORE_PROCEDURE}")
    else:
        print("to restore: stop `halt-desk serve`, copy the file over the database, start it")
    print(
        "after a restore, each laptop finds out at its next sync, sends again what it "
        "recorded since this backup and fetches everything after it again"
    )
    return 0


def _add_backup_command(central_commands: Any, db_help: str) -> None:
    backup = central_commands.add_parser(
        "backup",
        help="a consistent copy of the central database (while it serves)",
        description="SQLite: the online backup API; PostgreSQL: pg_dump --format=custom.",
    )
    backup.add_argument("file", metavar="FILE", help="the new backup file (never overwritten)")
    backup.add_argument("--db", help=db_help)
    backup.set_defaults(handler=cmd_backup)


def _add_audit_commands(central_commands: Any, db_help: str) -> None:
    """`central audit verify` and `central audit checkpoint`."""
    audit = central_commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser(
        "verify",
        help="check the hash chains of the audit log and of the events",
        description="Exit 0 when both are intact, 1 with every damaged row and event listed.",
    )
    verify.add_argument(
        "--checkpoints",
        metavar="FILE",
        help="checkpoint file of `audit checkpoint --file`: also catches a chain rewritten "
        "wholesale or rows cut off at the end",
    )
    verify.add_argument("--db", help=db_help)
    verify.set_defaults(handler=cmd_audit_verify)
    keep = audit_commands.add_parser(
        "checkpoint",
        help="print the latest audit row's id and hash and the latest event's seq and chain, "
        "and append them to a file kept elsewhere",
        description="Run it regularly (cron) with --file on another disk, host or write-once "
        "share; `audit verify --checkpoints FILE` then checks the log against it.",
    )
    keep.add_argument("--file", metavar="FILE", help="append the checkpoint to this file")
    keep.add_argument("--db", help=db_help)
    keep.set_defaults(handler=cmd_audit_checkpoint)
