"""What every subcommand shares: the exit code of bad input, its error, and argument
parsing helpers."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

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


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    from halt_desk.domain.events import parse_instant

    try:
        return parse_instant(value, "--now")
    except ValueError as exc:
        raise CliError(str(exc)) from None
