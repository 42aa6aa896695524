"""`halt-desk escalation check`: the clocks of escalation timelines as JSON (issue 23), in
the style of `sla check`: exit 0 on success, 2 with a message on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from halt_desk.cli.common import add_check_arguments, parse_now, read_text


def cmd_escalation_check(args: argparse.Namespace) -> int:
    from halt_desk.cli.sla_check import load_json
    from halt_desk.domain.escalation_check import check_escalations

    now = parse_now(args.now)
    source = "standard input" if args.timelines == "-" else args.timelines
    document = load_json(read_text(args.timelines), source)
    result = check_escalations(document, profile=args.profile, now=now)
    indent = args.indent if args.indent is not None or not sys.stdout.isatty() else 2
    separators = (",", ":") if indent is None else None
    print(json.dumps(result, ensure_ascii=False, indent=indent, separators=separators))
    return 0


def add_commands(commands: Any) -> None:
    """`escalation check`."""
    escalation = commands.add_parser("escalation", help="the escalation register")
    sub = escalation.add_subparsers(dest="escalation_command", metavar="SUBCOMMAND", required=True)
    check = sub.add_parser(
        "check",
        help="print the clocks of escalation timelines as JSON",
        description=(
            "Reads escalation timelines (JSON, see README) and prints their clocks (start, "
            "meeting, escalation, weekly update) as JSON. Exit 0 on success, 2 with a "
            "message on bad input."
        ),
    )
    add_check_arguments(check, "FILE.json")
    check.set_defaults(handler=cmd_escalation_check)
