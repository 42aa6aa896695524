"""The `halt-desk` command: subcommands for scripts and terminals (DESIGN §3.1)."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
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


def utc_now() -> datetime:
    return datetime.now(UTC)
