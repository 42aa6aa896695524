"""`halt-desk demo` in a terminal: a fresh demo store and the SLA board of its open tickets."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from halt_desk.demo.desk_cache import DEMO_TZ, demo_events
from halt_desk.desk.board import BoardRow, sla_board
from halt_desk.domain.events import Event
from halt_desk.domain.uplift import UPLIFT_LABEL
from halt_desk.paths import private_dir, user_data_dir
from halt_desk.store import Store

log = logging.getLogger(__name__)
DISPLAY_TZ = DEMO_TZ
DEMO_FILE = "demo.sqlite3"


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _countdown(due: datetime, now: datetime) -> str:
    seconds = int((due - now).total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    text = f"{days}d {hours:02d}h{minutes:02d}m" if days else f"{hours}h{minutes:02d}m"
    return f"{sign}{text}"


def _deadline(row: BoardRow, now: datetime) -> str:
    if row.overdue:
        first = min(row.overdue, key=lambda c: c.due or now)
        due = (first.due or now).astimezone(DISPLAY_TZ)
        return f"OVERDUE {first.name} since {due:%d-%m %H:%M}"
    clock = row.next_clock
    if clock is None or clock.due is None:
        return "-"
    due = clock.due.astimezone(DISPLAY_TZ)
    return f"{clock.name} {due:%d-%m %H:%M} (in {_countdown(clock.due, now)})"


def print_board(rows: list[BoardRow], now: datetime, limit: int, out: TextIO) -> None:
    overdue = sum(1 for r in rows if r.overdue)
    local = now.astimezone(DISPLAY_TZ)
    out.write(
        f"\nSLA board at {local:%Y-%m-%d %H:%M} ({DISPLAY_TZ.key}): "
        f"{len(rows)} open tickets, {overdue} with a breached clock\n\n"
    )
    header = f"{'TICKET':<18} {'PRIO':<4} {'STATUS':<8} {'NEXT DEADLINE':<42} SUMMARY"
    out.write(header + "\n" + "-" * len(header) + "\n")
    for row in rows[:limit]:
        ticket = row.ticket
        summary = (ticket.summary or "")[:40]
        if row.evaluation.uplift:
            summary = f"[{UPLIFT_LABEL}] {summary}"
        out.write(
            f"{ticket.id:<18} {row.evaluation.priority:<4} {row.evaluation.status.value:<8} "
            f"{_deadline(row, now):<42} {summary}\n"
        )
    if len(rows) > limit:
        out.write(f"... and {len(rows) - limit} more (--limit)\n")


def build_demo_store(
    path: Path,
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    now: datetime | None = None,
) -> tuple[list[Event], float]:
    """Replaces `path` with a store of the demo data set up to `now`; returns its events and
    the seconds it took."""
    private_dir(path.parent)
    _remove_database(path)
    started = time.perf_counter()
    events = demo_events(seed, months, tickets_per_month, now or datetime.now(UTC))
    with Store.open(path) as store:
        store.record_events(events, bulk=True)
    return events, time.perf_counter() - started


def run_demo(
    seed: int = 1,
    months: int = 3,
    tickets_per_month: int = 400,
    path: Path | None = None,
    limit: int = 25,
    now: datetime | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Rebuilds the demo store (its own file, never the real cache) and prints the board."""
    moment = now or datetime.now(UTC)
    path = path or user_data_dir() / DEMO_FILE
    events, elapsed = build_demo_store(path, seed, months, tickets_per_month, moment)
    kinds = Counter(e.stream_kind for e in events if e.type.endswith("_registered"))
    tickets = sum(1 for e in events if e.type == "ticket_reported")
    out.write(
        f"HALT Desk demo store: {path}\n"
        f"Loaded {kinds['org']} organisations, {kinds['employee']} employees, "
        f"{kinds['depot']} depots, {kinds['device']} loaners and {tickets:,} tickets "
        f"({len(events):,} events, seed {seed}) in {elapsed:.1f} s\n"
    )
    with Store.open(path) as store:
        print_board(sla_board(store, moment), moment, limit, out)
    out.write(
        "\n`halt-desk demo` without --no-window opens the desktop app on the demo data; "
        "`halt-desk sla check` evaluates any timeline file with the same engine.\n"
    )
    return 0
