"""The `halt-desk` command: subcommands for scripts and terminals (DESIGN §3.1)."""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from halt_desk import __version__
from halt_desk.domain.errors import HaltDeskError

if TYPE_CHECKING:
    from halt_desk.store import Store
    from halt_desk.sync import ServerClock, SyncSummary, TokenStore

log = logging.getLogger("halt_desk")
EXIT_BAD_INPUT = 2


class CliError(HaltDeskError):
    """A problem with the command line or its input, shown as one line and exit code 2."""


def _read_text(source: str) -> bytes:
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        return Path(source).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or exc}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    from halt_desk.domain.events import parse_instant

    try:
        return parse_instant(value, "--now")
    except ValueError as exc:
        raise CliError(str(exc)) from None


def cmd_sla_check(args: argparse.Namespace) -> int:
    from halt_desk.sla_batch import render_check_text

    now = _parse_now(args.now)
    source = "standard input" if args.timelines == "-" else args.timelines
    data = _read_text(args.timelines)
    indent = args.indent if args.indent is not None or not sys.stdout.isatty() else 2
    gc.disable()  # a one-shot batch of long-lived objects: cyclic collection only costs time
    text = render_check_text(data, source, profile=args.profile, now=now, indent=indent)
    sys.stdout.write(text)
    sys.stdout.write("\n")
    return 0


def _month_export(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    """The export document of `--month` from `--server` or the local cache."""
    from halt_desk.reports.export import build_export
    from halt_desk.reports.month import Month
    from halt_desk.reports.sources import (
        EventsSource,
        StoreSource,
        api_base,
        fetch_changes,
        open_store_source,
    )

    month = Month.parse(args.month)
    if getattr(args, "server", None) and args.store:
        raise CliError("give --server or --store, not both")
    if getattr(args, "server", None):
        token = os.environ.get("HALT_DESK_TOKEN", "").strip()
        if not token:
            raise CliError(
                "--server needs the API token in the environment variable HALT_DESK_TOKEN"
            )
        base = api_base(args.server)
        source = EventsSource(fetch_changes(base, token), base)
        return build_export(source, month, args.org, now)
    store = open_store_source(Path(args.store) if args.store else None)
    with store:
        return build_export(StoreSource(store), month, args.org, now)


def cmd_report_slr(args: argparse.Namespace) -> int:
    from halt_desk.reports import kpi_csv, read_export, texts, tickets_csv, tickets_path
    from halt_desk.reports.month import Month
    from halt_desk.reports.output import write_files
    from halt_desk.reports.pdf import render_pdf
    from halt_desk.sla_batch import load_json

    t = texts(args.lang)
    month = Month.parse(args.month)
    now = _parse_now(args.now)
    gc.disable()  # a one-shot batch of long-lived objects: cyclic collection only costs time
    if args.from_file:
        if now is not None:
            raise CliError("--now cannot be used with --from: the export fixes its own moment")
        if args.store:
            raise CliError("--store cannot be used with --from")
        source = "standard input" if args.from_file == "-" else args.from_file
        document: object = load_json(_read_text(args.from_file), source)
    else:
        source = args.server or "local cache"
        document = _month_export(args, now or datetime.now(UTC))
    report = read_export(document, source, month, args.org)
    out = Path(args.out)
    outputs = [(out, render_pdf(report, t))]
    if args.csv:
        csv_path = Path(args.csv)
        outputs.append((csv_path, kpi_csv(report, t).encode("utf-8")))
        outputs.append((tickets_path(csv_path), tickets_csv(report, t).encode("utf-8")))
    write_files(outputs)
    written = ", ".join(str(path) for path, _ in outputs)
    print(f"{report.org_id} {report.month}: {len(report.tickets)} tickets; wrote {written}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from halt_desk.reports.output import write_files

    now = _parse_now(args.now) or datetime.now(UTC)
    document = _month_export(args, now)
    text = json.dumps(document, ensure_ascii=False, indent=args.indent)
    write_files([(Path(args.out), (text + "\n").encode("utf-8"))])
    print(
        f"{document['org']['id']} {document['month']}: {len(document['tickets'])} tickets; "
        f"wrote {args.out}"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from halt_desk.demo_board import run_demo
    from halt_desk.paths import user_data_dir

    if not args.no_window:
        app = importlib.import_module("ui.app")
        code: int = app.run_demo_app(
            user_data_dir() / "demo",
            seed=args.seed,
            months=args.months,
            tickets_per_month=args.tickets_per_month,
            language=args.lang,
        )
        return code
    return run_demo(
        seed=args.seed,
        months=args.months,
        tickets_per_month=args.tickets_per_month,
        path=Path(args.store) if args.store else None,
        limit=args.limit,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from halt_desk.central.app import serve
    from halt_desk.central.service import Central

    central = Central.open(args.db)
    print(f"HALT Desk central API on http://{args.host}:{args.port}/api/v1", flush=True)
    serve(central, args.host, args.port, args.workers)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from halt_desk.central.service import Central

    with Central.open(args.db) as central:
        token = central.add_user(args.name, args.role, args.org)
    print(f"user {args.name} ({args.role}) added; token (shown only now):")
    print(token)
    return 0


def cmd_user_revoke(args: argparse.Namespace) -> int:
    from halt_desk.central.service import Central

    with Central.open(args.db) as central:
        central.revoke_user(args.name)
    print(f"user {args.name} revoked")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from halt_desk.central.audit import read_checkpoint_file
    from halt_desk.central.service import Central

    checkpoints = read_checkpoint_file(Path(args.checkpoints)) if args.checkpoints else []
    with Central.open(args.db) as central:
        problems = central.verify_audit(checkpoints)
    if not problems:
        kept = f" (and matches {len(checkpoints)} checkpoint(s))" if checkpoints else ""
        print(f"audit log intact{kept}")
        return 0
    for problem in problems:
        print(f"row {problem.row_id}: {problem.kind}: {problem.message}")
    print(f"audit log damaged: {len(problems)} problem(s)", file=sys.stderr)
    return 1


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    from halt_desk.central.audit import append_checkpoint_file
    from halt_desk.central.service import Central

    with Central.open(args.db) as central:
        point = central.audit_checkpoint()
    if point is None:
        print("audit log is empty: nothing to keep")
        return 0
    if args.file:
        append_checkpoint_file(Path(args.file), point, datetime.now(UTC))
    print(f"row {point.row_id} {point.hash}")
    return 0


def cmd_profile_publish(args: argparse.Namespace) -> int:
    from halt_desk.central.service import Central
    from halt_desk.domain.profiles import parse_profile_text

    path = Path(args.file)
    try:
        document = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    name = args.name or path.stem
    parse_profile_text(document, name)  # a malformed profile is refused before anything
    with Central.open(args.db) as central:
        result = central.publish_profile(document, name, f"publish:{path.name}")
    if result.status != "accepted":
        raise CliError(f"profile {name!r} not published: {result.reason or result.status}")
    print(f"profile {name} published (seq {result.seq})")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    # The desktop app lives in the `ui` package (Qt); the core only starts it, so importing
    # halt_desk never loads Qt.
    app = importlib.import_module("ui.app")
    store = Path(args.store) if getattr(args, "store", None) else None
    code: int = app.run_app(
        store,
        getattr(args, "user", None),
        getattr(args, "lang", None),
        field=bool(getattr(args, "field", False)),
    )
    return code


def cmd_self_test(args: argparse.Namespace) -> int:
    from halt_desk.self_test import run_self_test

    return run_self_test()


def cmd_import_employees(args: argparse.Namespace) -> int:
    from halt_desk.central.imports import import_employees
    from halt_desk.central.service import Central

    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.file}: {exc}") from None
    with Central.open(args.db) as central:
        report = import_employees(central, text, dry_run=args.dry_run, actor=f"import:{args.file}")
    for line in report.lines(args.dry_run):
        print(line)
    return 1 if report.rejected else 0


def _ask_passphrase() -> str | None:
    """The passphrase of the encrypted token file: environment, else asked on a terminal."""
    from halt_desk.sync.credentials import passphrase_from_env

    given = passphrase_from_env()
    if given or not sys.stdin.isatty():
        return given
    import getpass

    return getpass.getpass("Passphrase for the HALT Desk token file: ") or None


def _token_store() -> TokenStore:
    from halt_desk.sync import open_token_store

    return open_token_store(
        passphrase=_ask_passphrase,
        notify=lambda message: print(f"halt-desk: note: {message}", file=sys.stderr),
    )


def _client_store(path: str | None) -> tuple[Store, ServerClock]:
    from halt_desk.store import Store
    from halt_desk.sync import ServerClock

    clock = ServerClock()
    store = Store.open(Path(path) if path else None, recording_clock=clock, clock=clock.now)
    clock.attach(store)
    return store, clock


def _print_summary(summary: SyncSummary, store: Store, server: str) -> None:
    from halt_desk.sync import describe_offset

    print(f"state: {summary.state}")
    print(f"server: {server}")
    print(
        f"pushed {summary.pushed}, duplicates {summary.duplicates}, rejected {summary.rejected}, "
        f"pulled {summary.pulled}, new conflicts {summary.conflicts}"
    )
    print(f"outbox: {summary.outbox} waiting")
    if summary.clock_offset is None:
        print("clock: not measured yet")
    else:
        measured = summary.clock_measured_at.isoformat() if summary.clock_measured_at else "?"
        offset_ms = round(summary.clock_offset.total_seconds() * 1000)
        print(
            f"clock: this computer is {describe_offset(summary.clock_offset)} "
            f"(offset {offset_ms:+d} ms, measured {measured})"
        )
    rejected = store.rejected_events()
    if rejected:
        print(f"rejected by central ({len(rejected)}):")
        for item in rejected:
            event = item.event
            print(f"  {event.id} {event.type} on {event.stream}: {item.reason}")
    conflicts = store.conflicts(open_only=True)
    if conflicts:
        print(f"open conflicts ({len(conflicts)}):")
        for conflict in conflicts:
            ours, theirs = conflict.local_event, conflict.remote_event
            print(
                f"  {conflict.id} ticket {conflict.ticket} {conflict.field}: "
                f"ours {ours.type} {ours.id} by {ours.actor}, "
                f"theirs {theirs.type} {theirs.id} by {theirs.actor}"
            )
    if summary.error:
        print(f"error: {summary.error}")
    for warning in summary.warnings:
        print(f"warning: {warning}")


def _exit_code(state: str) -> int:
    """0 reached central, 1 offline (try later), 2 signed out or an error."""
    if state in ("online", "clock_warning"):
        return 0
    return 1 if state == "offline" else EXIT_BAD_INPUT


def cmd_sync(args: argparse.Namespace) -> int:
    import json
    import threading

    if args.worker:
        from halt_desk.store import default_path
        from halt_desk.sync.worker import run_worker

        return run_worker(Path(args.store) if args.store else default_path())
    from halt_desk.sync import connect, effective_settings

    settings = effective_settings()
    tokens = _token_store()
    store, clock = _client_store(args.store)
    try:
        server = settings.server or "?"

        def show(summary: SyncSummary) -> None:
            if args.json:
                print(json.dumps(summary.to_json()), flush=True)
            else:
                _print_summary(summary, store, server)
                print(flush=True)

        engine = connect(store, clock, settings, tokens)
        if args.once:
            summary = engine.sync_once()
            show(summary)
            return _exit_code(str(summary.state))
        engine = connect(store, clock, settings, tokens, on_summary=show)
        engine.run_forever(threading.Event(), interval=args.interval)
        return 0
    finally:
        store.close()


def _read_token() -> str:
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("Token (from your HALT Desk administrator): ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CliError("no token given (type it, or pipe it on standard input)")
    return token


def cmd_sync_login(args: argparse.Namespace) -> int:
    from halt_desk.sync import (
        AuthenticationFailed,
        ServerUnreachable,
        load_settings,
        machine_settings,
    )
    from halt_desk.sync.signin import sign_in

    # Without --server the machine's configured server is used and not copied into the
    # user's settings, so a later change by IT reaches this user too.
    own = load_settings()
    if args.server:
        own = own.with_server(args.server, args.user)
    elif args.user:
        own = replace(own, user=args.user)
    if args.ca_bundle:
        own = replace(own, ca_bundle=Path(args.ca_bundle).resolve())
    if args.client_cert:
        own = replace(own, client_cert=Path(args.client_cert).resolve())
    if args.client_key:
        own = replace(own, client_key=Path(args.client_key).resolve())
    settings = own.over(machine_settings())
    if settings.server is None:
        raise CliError("give --server (no server is set in the machine configuration either)")
    token = _read_token()
    tokens = _token_store()
    try:
        path, checked = sign_in(settings, token, tokens, keep_if_unreachable=args.offline, save=own)
    except AuthenticationFailed as exc:
        raise CliError(f"sign-in refused by {settings.server}: {exc.detail}") from None
    except ServerUnreachable as exc:
        raise CliError(f"{exc} (use --offline to keep the token anyway)") from None
    if not checked:
        print(f"halt-desk: note: {settings.server} not reachable; token kept without checking",
              file=sys.stderr)  # fmt: skip
    print(f"signed in to {settings.server}; token kept in {tokens.description}")
    print(f"settings: {path}")
    return 0


def cmd_sync_logout(args: argparse.Namespace) -> int:
    from halt_desk.sync import effective_settings

    settings = effective_settings()
    if not settings.server:
        print("not signed in")
        return 0
    tokens = _token_store()
    tokens.delete(settings.server)
    print(f"signed out of {settings.server}; the token was removed from {tokens.description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="halt-desk",
        description="HALT Desk: servicedesk with contract SLA clocks, P1-uplift and loaner swaps.",
    )
    parser.add_argument("--version", action="version", version=f"halt-desk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (resources, a throwaway store, settings, the main "
        "window offscreen), print a short report; exit 0 when all passed, 1 when not",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="the desktop app against a central API with demo data (nothing to set up)",
        description=(
            "Starts a central API in this process on a free loopback port with the demo data "
            "set (two customers, loaner depots, months of tickets up to now, deterministic by "
            "seed) and opens the desktop app signed in to it, with its own demo cache. "
            "--no-window builds a demo store and prints the SLA board instead."
        ),
    )
    demo.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    demo.add_argument("--months", type=_positive_int, default=3, help="months of tickets")
    demo.add_argument(
        "--tickets-per-month", type=_positive_int, default=400, help="tickets per month"
    )
    demo.add_argument("--store", help="demo database file (default: demo.sqlite3 in the data dir)")
    demo.add_argument("--limit", type=_positive_int, default=25, help="board rows to show")
    demo.add_argument(
        "--no-window",
        action="store_true",
        help="no desktop window: build the demo store and print the SLA board",
    )
    demo.add_argument("--lang", choices=("nl", "en"), help="language of the window (default nl)")
    demo.set_defaults(handler=cmd_demo)

    app = commands.add_parser(
        "app",
        help="the desktop app (also what `halt-desk` without a command starts)",
    )
    app.add_argument("--store", help="local cache file (default: cache.sqlite3 in the data dir)")
    app.add_argument("--user", help="your name as it appears on tickets (default: login name)")
    app.add_argument("--lang", choices=("nl", "en"), help="language (default nl)")
    app.add_argument(
        "--field", action="store_true", help="open the field engineer view first (buitendienst)"
    )
    app.set_defaults(handler=cmd_app)

    db_help = "database URL (default: SQLite file central.sqlite3 in the data dir)"
    serve = commands.add_parser("serve", help="run the central HTTP API")
    serve.add_argument("--db", help=db_help)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="server processes (default 1); one per core uses every core",
    )
    serve.set_defaults(handler=cmd_serve)

    central = commands.add_parser("central", help="administer the central API")
    central_commands = central.add_subparsers(dest="central_command", required=True)
    user = central_commands.add_parser("user", help="users and tokens")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user and print its token once")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="agent, field, logistics, regie or admin")
    add.add_argument("--org", help="organisation the user belongs to")
    add.add_argument("--db", help=db_help)
    add.set_defaults(handler=cmd_user_add)
    revoke = user_commands.add_parser("revoke", help="revoke a user's token")
    revoke.add_argument("name")
    revoke.add_argument("--db", help=db_help)
    revoke.set_defaults(handler=cmd_user_revoke)
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
    audit = central_commands.add_parser("audit", help="the audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser(
        "verify",
        help="check the hash chain of the audit log",
        description="Exit 0 when the chain is intact, 1 with every damaged row listed.",
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
        help="print the latest row id and hash, and append it to a file kept elsewhere",
        description="Run it regularly (cron) with --file on another disk, host or write-once "
        "share; `audit verify --checkpoints FILE` then checks the log against it.",
    )
    keep.add_argument("--file", metavar="FILE", help="append the checkpoint to this file")
    keep.add_argument("--db", help=db_help)
    keep.set_defaults(handler=cmd_audit_checkpoint)
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

    sync = commands.add_parser(
        "sync",
        help="sync this computer's store with central (push the outbox, pull changes)",
        description=(
            "Sends the events recorded here to central and fetches everyone else's. Prints "
            "the state, the counts, this computer's clock offset, events central refused "
            "and open conflicts. Exit 0 when central was reached, 1 when it could not be "
            "reached (the outbox waits), 2 when not signed in or refused."
        ),
    )
    sync.add_argument("--once", action="store_true", help="one round, then exit")
    sync.add_argument("--store", help="local cache file (default: cache.sqlite3 in the data dir)")
    sync.add_argument("--json", action="store_true", help="print each round as one JSON line")
    sync.add_argument(
        "--interval", type=_positive_int, default=30, help="seconds between rounds (default 30)"
    )
    # The desktop app's own sync process (halt_desk.sync.worker): JSON lines on stdin/stdout.
    sync.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    sync.set_defaults(handler=cmd_sync)
    sync_commands = sync.add_subparsers(dest="sync_command", metavar="SUBCOMMAND")
    login = sync_commands.add_parser(
        "login",
        help="sign in to central with a token",
        description=(
            "Checks the token against central and keeps it in the system keychain (or, "
            "without one, in an encrypted file). The token is read from standard input, "
            "or asked for on a terminal; it is never an argument."
        ),
    )
    login.add_argument(
        "--server",
        help="central's URL, e.g. https://desk:8765 (default: the machine configuration's)",
    )
    login.add_argument("--user", help="your user name at central (for display)")
    login.add_argument("--ca-bundle", help="PEM file of the CA certificates to trust")
    login.add_argument("--client-cert", help="PEM client certificate (mutual TLS)")
    login.add_argument("--client-key", help="PEM key of the client certificate (mode 0600)")
    login.add_argument(
        "--offline", action="store_true", help="keep the token even if central is unreachable"
    )
    login.set_defaults(handler=cmd_sync_login)
    logout = sync_commands.add_parser("logout", help="remove the token of this computer")
    logout.set_defaults(handler=cmd_sync_logout)

    sla = commands.add_parser("sla", help="contract clocks")
    sla_commands = sla.add_subparsers(dest="sla_command", metavar="SUBCOMMAND", required=True)
    check = sla_commands.add_parser(
        "check",
        help="print the SLA clocks of ticket timelines as JSON",
        description=(
            "Reads ticket timelines (JSON, DESIGN §3.3) and prints every clock, MTTR and "
            "MTTP as JSON. Exit 0 on success, 2 with a message on bad input."
        ),
    )
    check.add_argument("timelines", metavar="TIMELINES.json", help="file, or - for standard input")
    check.add_argument("--profile", help="contract profile (overrides the file's 'profile')")
    check.add_argument("--now", help="moment of evaluation, ISO-8601 with UTC offset")
    check.add_argument("--indent", type=int, default=None, help="pretty-print with N spaces")
    check.set_defaults(handler=cmd_sla_check)

    month_help = "the month, YYYY-MM (tickets reported in it, in the contract's time zone)"
    org_help = "organisation id (may be left out when the source has only one)"
    now_help = "moment the clocks are evaluated at, ISO-8601 with UTC offset (default: now)"
    report = commands.add_parser("report", help="service-level reports")
    report_commands = report.add_subparsers(
        dest="report_command", metavar="SUBCOMMAND", required=True
    )
    slr = report_commands.add_parser(
        "slr",
        help="the monthly service-level report as PDF (and CSV)",
        description=(
            "Builds the monthly service-level report of one organisation from a month "
            "export (--from), the central API (--server, token in HALT_DESK_TOKEN) or the "
            "local cache (default, or --store). Exit 0 on success, 2 with a message on bad "
            "input; then no file is written."
        ),
    )
    slr.add_argument("--month", required=True, help=month_help)
    slr.add_argument("--org", help=org_help)
    where = slr.add_mutually_exclusive_group()
    where.add_argument(
        "--from", dest="from_file", metavar="EXPORT.json", help="a `halt-desk export` file"
    )
    where.add_argument(
        "--server", metavar="URL", help="central API, e.g. https://desk.example:8765"
    )
    slr.add_argument("--store", metavar="FILE", help="local cache file (default: the user's cache)")
    slr.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    slr.add_argument(
        "--csv",
        metavar="FILE.csv",
        help="also write the KPI table to FILE.csv and one line per ticket to FILE-tickets.csv",
    )
    slr.add_argument("--lang", choices=("nl", "en"), default="nl", help="language (default nl)")
    slr.add_argument("--now", help=now_help)
    slr.set_defaults(handler=cmd_report_slr)

    export = commands.add_parser(
        "export",
        help="one organisation's month as timelines plus ticket details (JSON)",
        description=(
            "Writes the tickets reported in the month as `sla check` timelines (DESIGN §3.3) "
            "with every ticket event and the report fields; `halt-desk report slr --from` "
            "reads it. Source: the local cache (default, or --store) or --server."
        ),
    )
    export.add_argument("--month", required=True, help=month_help)
    export.add_argument("--org", help=org_help)
    export.add_argument("--out", required=True, metavar="FILE.json", help="the file to write")
    export.add_argument(
        "--store", metavar="FILE", help="local cache file (default: the user's cache)"
    )
    export.add_argument("--server", metavar="URL", help="central API instead of the local cache")
    export.add_argument("--now", help=now_help)
    export.add_argument("--indent", type=int, default=None, help="pretty-print with N spaces")
    export.set_defaults(handler=cmd_export)
    _add_labels_command(commands)
    return parser


def cmd_labels(args: argparse.Namespace) -> int:
    from halt_desk.asset_labels import devices_for_labels, write_label_sheet
    from halt_desk.store import Store

    if args.depot is None and not args.tags:
        raise CliError("labels: give --depot or --tags")
    tags = [tag for tag in (args.tags or "").split(",") if tag.strip()]
    with Store.open(Path(args.store) if args.store else None) as store:
        devices = devices_for_labels(store, args.depot, tags)
    pages = write_label_sheet(devices, Path(args.out), f"Labels {args.depot or ''}".strip())
    print(f"{len(devices)} label(s) on {pages} page(s): {args.out}")
    return 0


def _add_labels_command(commands: Any) -> None:
    labels = commands.add_parser(
        "labels",
        help="asset labels (Code128 + QR) of a depot's devices as a printable PDF",
        description=(
            "Writes an A4 sheet (3 x 8 labels of 70 x 37 mm) with the asset tag as Code128 "
            "and QR code, model and serial, for every device of the depot (or the given tags) "
            "in the local cache."
        ),
    )
    labels.add_argument("--depot", help="depot id, e.g. depot-utrecht")
    labels.add_argument("--tags", help="comma-separated asset tags instead of a whole depot")
    labels.add_argument(
        "--store", metavar="FILE", help="local cache file (default: the user's cache)"
    )
    labels.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    labels.set_defaults(handler=cmd_labels)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler = cmd_self_test if args.self_test else getattr(args, "handler", cmd_app)
    try:
        code: int = handler(args)
        return code
    except HaltDeskError as exc:
        print(f"halt-desk: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
