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
from halt_desk.desk.ticket_words import STATUSES, TICKET_CLOCK_WORDS
from halt_desk.domain.events import Event
from halt_desk.domain.uplift import UPLIFT_LABEL
from halt_desk.i18n import DEFAULT_LANGUAGE, N_, Words, grouped
from halt_desk.paths import private_dir, user_data_dir
from halt_desk.store import Store

log = logging.getLogger(__name__)
DISPLAY_TZ = DEMO_TZ
DEMO_FILE = "demo.sqlite3"


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


#: The words of the board's codes (the same texts as the window's).
_STATUS = STATUSES
_CLOCK = {
    **TICKET_CLOCK_WORDS,
    "change_planning": N_("Implemented within planning"),
    "change_first_plan": N_("First plan date within 5 working days"),
}
_COLUMNS = (
    (N_("Number"), 18),
    (N_("Priority"), 10),
    (N_("Status"), 18),
    (N_("Next deadline"), 46),
    (N_("Summary"), 0),
)


def _t(message: str, lang: str, **params: object) -> str:
    """A catalogue text (marked with N_) in `lang`, its parameters filled in."""
    return Words.of(message, **params).text(lang)


def _countdown(due: datetime, now: datetime, lang: str) -> str:
    """'nog 3 u 05 min', 'te laat 2 d 4 u': as the window's countdown words it."""
    seconds = int((due - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    days, hours = divmod(hours, 24)
    if days:
        span = _t(N_("{d} d {h} h"), lang, d=days, h=hours)
    elif hours:
        span = _t(N_("{h} h {m:02d} min"), lang, h=hours, m=minutes)
    else:
        span = _t(N_("{m} min"), lang, m=minutes)
    if seconds < 0:
        return _t(N_("{span} overdue"), lang, span=span)
    return _t(N_("{span} left"), lang, span=span)


def _clock(name: str, lang: str) -> str:
    return _t(_CLOCK[name], lang) if name in _CLOCK else name


def _deadline(row: BoardRow, now: datetime, lang: str) -> str:
    if row.overdue:
        first = min(row.overdue, key=lambda c: c.due or now)
        due = (first.due or now).astimezone(DISPLAY_TZ)
        return _t(
            N_("{clock} overdue since {due}"), lang, clock=_clock(first.name, lang),
            due=f"{due:%d-%m %H:%M}",
        )  # fmt: skip
    clock = row.next_clock
    if clock is None or clock.due is None:
        return "-"
    due = clock.due.astimezone(DISPLAY_TZ)
    left = _countdown(clock.due, now, lang)
    return f"{_clock(clock.name, lang)} {due:%d-%m %H:%M} ({left})"


def print_board(
    rows: list[BoardRow], now: datetime, limit: int, out: TextIO, lang: str = DEFAULT_LANGUAGE
) -> None:
    """The SLA board of `rows` at `now` as text in `lang`, at most `limit` tickets."""
    overdue = sum(1 for r in rows if r.overdue)
    local = now.astimezone(DISPLAY_TZ)
    title = _t(
        N_("SLA board at {time} ({zone}): {open} open tickets, {overdue} with a clock overdue"),
        lang, time=f"{local:%Y-%m-%d %H:%M}", zone=DISPLAY_TZ.key, open=grouped(len(rows), lang),
        overdue=grouped(overdue, lang),
    )  # fmt: skip
    out.write(f"\n{title}\n\n")
    header = " ".join(
        f"{_t(name, lang).upper():<{width}}" if width else _t(name, lang).upper()
        for name, width in _COLUMNS
    )
    out.write(header + "\n" + "-" * len(header) + "\n")
    widths = [width for _, width in _COLUMNS]
    for row in rows[:limit]:
        ticket = row.ticket
        summary = (ticket.summary or "")[:40]
        if row.evaluation.uplift:
            summary = f"[{UPLIFT_LABEL}] {summary}"
        status = row.evaluation.status.value
        cells = (
            ticket.id,
            row.evaluation.priority,
            _t(_STATUS[status], lang) if status in _STATUS else status,
            _deadline(row, now, lang),
        )
        out.write(" ".join(f"{c:<{w}}" for c, w in zip(cells, widths, strict=False)))
        out.write(f" {summary}\n")
    if len(rows) > limit:
        more = grouped(len(rows) - limit, lang)
        out.write(_t(N_("… and {n} more (--limit)"), lang, n=more) + "\n")


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
    lang: str = DEFAULT_LANGUAGE,
) -> int:
    """Rebuilds the demo store (its own file, never the real cache) and prints the board
    in `lang` (Dutch unless asked otherwise)."""
    moment = now or datetime.now(UTC)
    path = path or user_data_dir() / DEMO_FILE
    events, elapsed = build_demo_store(path, seed, months, tickets_per_month, moment)
    kinds = Counter(e.stream_kind for e in events if e.type.endswith("_registered"))
    tickets = sum(1 for e in events if e.type == "ticket_reported")
    seconds = f"{elapsed:.1f}".replace(".", "," if lang == "nl" else ".")
    out.write(_t(N_("HALT Desk demo store: {path}"), lang, path=path) + "\n")
    loaded = _t(
        N_(
            "Loaded {orgs} organisations, {employees} employees, {depots} depots, "
            "{loaners} loaners and {tickets} tickets ({events} events, seed {seed}) "
            "in {seconds} s"
        ),
        lang, orgs=kinds["org"], employees=kinds["employee"], depots=kinds["depot"],
        loaners=kinds["device"], tickets=grouped(tickets, lang),
        events=grouped(len(events), lang), seed=seed, seconds=seconds,
    )  # fmt: skip
    out.write(loaded + "\n")
    with Store.open(path) as store:
        print_board(sla_board(store, moment), moment, limit, out, lang)
    hint = N_(
        "`halt-desk demo` without --no-window opens the desktop app on the demo data; "
        "`halt-desk sla check` evaluates any timeline file with the same engine."
    )
    out.write(f"\n{_t(hint, lang)}\n")
    return 0
