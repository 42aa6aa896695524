"""The `halt-desk` command: subcommands for scripts and terminals (DESIGN §3.1), one
module per group (`app_commands`, `central_commands`, `sync_commands`, `report_commands`)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from halt_desk import __version__
from halt_desk.cli import (
    app_commands,
    central_commands,
    escalation_commands,
    report_commands,
    sync_commands,
)
from halt_desk.cli.common import EXIT_BAD_INPUT
from halt_desk.domain.errors import HaltDeskError


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

    groups = (app_commands, central_commands, sync_commands, report_commands, escalation_commands)
    for group in groups:
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler = (
        app_commands.cmd_self_test
        if args.self_test
        else getattr(args, "handler", app_commands.cmd_app)
    )
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
