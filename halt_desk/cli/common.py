"""What every subcommand shares: the exit code of bad input, its error, and argument
parsing helpers."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from halt_desk.domain.errors import HaltDeskError

EXIT_BAD_INPUT = 2


class CliError(HaltDeskError):
    """A problem with the command line or its input, shown as one line and exit code 2."""


def read_text(source: str) -> bytes:
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        return Path(source).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or exc}") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def add_check_arguments(check: Any, metavar: str) -> None:
    """The arguments `sla check` and `escalation check` share: the timelines file (or -),
    `--profile`, `--now` and `--indent`."""
    check.add_argument("timelines", metavar=metavar, help="file, or - for standard input")
    check.add_argument("--profile", help="contract profile (overrides the file's 'profile')")
    check.add_argument("--now", help="moment of evaluation, ISO-8601 with UTC offset")
    check.add_argument("--indent", type=int, default=None, help="pretty-print with N spaces")


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    from halt_desk.domain.events import parse_instant

    try:
        return parse_instant(value, "--now")
    except ValueError as exc:
        raise CliError(str(exc)) from None


def report_source_export(
    args: argparse.Namespace, build: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """The export document `build(source)` makes from `--server` (the token in
    HALT_DESK_TOKEN, the TLS files of this computer's sync settings: a private CA, mutual
    TLS) or from the local cache (`--store`, else this computer's)."""
    from halt_desk.reports.sources import (
        EventsSource,
        StoreSource,
        api_base,
        fetch_changes,
        open_store_source,
    )

    if getattr(args, "server", None) and args.store:
        raise CliError("give --server or --store, not both")
    if getattr(args, "server", None):
        token = os.environ.get("HALT_DESK_TOKEN", "").strip()
        if not token:
            raise CliError(
                "--server needs the API token in the environment variable HALT_DESK_TOKEN"
            )
        from halt_desk.sync.settings import effective_settings

        base = api_base(args.server)
        tls = effective_settings().tls()
        return build(EventsSource(fetch_changes(base, token, tls=tls), base))
    store = open_store_source(Path(args.store) if args.store else None)
    with store:
        return build(StoreSource(store))


def report_document(
    args: argparse.Namespace,
    now: datetime | None,
    export: Callable[[datetime], dict[str, Any]],
) -> tuple[object, str]:
    """The export document a report reads and where it came from: `--from` a file (or -)
    as it is, else `export(now)` from the server or the local cache."""
    if not args.from_file:
        return export(now or datetime.now(UTC)), args.server or "local cache"
    if now is not None:
        raise CliError("--now cannot be used with --from: the export fixes its own moment")
    if args.store:
        raise CliError("--store cannot be used with --from")
    from halt_desk.cli.sla_check import load_json

    source = "standard input" if args.from_file == "-" else args.from_file
    return load_json(read_text(args.from_file), source), source
