"""The `halt-desk` command: subcommands for scripts and terminals (DESIGN §3.1)."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from halt_desk import __version__
from halt_desk.domain.errors import HaltDeskError

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


def cmd_demo(args: argparse.Namespace) -> int:
    from halt_desk.demo_board import run_demo

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
    from halt_desk.central.service import Central

    with Central.open(args.db) as central:
        problems = central.verify_audit()
    if not problems:
        print("audit log intact")
        return 0
    for problem in problems:
        print(f"row {problem.row_id}: {problem.kind}: {problem.message}")
    print(f"audit log damaged: {len(problems)} problem(s)", file=sys.stderr)
    return 1


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="halt-desk",
        description="HALT Desk: servicedesk with contract SLA clocks, P1-uplift and loaner swaps.",
    )
    parser.add_argument("--version", action="version", version=f"halt-desk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="load the demo data set into a demo store and show the SLA board",
        description=(
            "Builds a fresh demo store (two customers, loaner depots, months of tickets up "
            "to now, deterministic by seed) and prints the SLA board of the open tickets."
        ),
    )
    demo.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    demo.add_argument("--months", type=_positive_int, default=3, help="months of tickets")
    demo.add_argument(
        "--tickets-per-month", type=_positive_int, default=400, help="tickets per month"
    )
    demo.add_argument("--store", help="demo database file (default: demo.sqlite3 in the data dir)")
    demo.add_argument("--limit", type=_positive_int, default=25, help="board rows to show")
    demo.set_defaults(handler=cmd_demo)

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
    verify = audit_commands.add_parser("verify", help="check the hash chain of the audit log")
    verify.add_argument("--db", help=db_help)
    verify.set_defaults(handler=cmd_audit_verify)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
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
