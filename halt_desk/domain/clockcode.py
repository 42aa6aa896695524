"""The SLA engine's fast paths, written as Python source from the clock table (`CLOCKS`).

They are compiled once, when `clocks.py` is imported: an event handler per event type,
and the function that evaluates every clock of a folded ticket. Straight-line code written from
the table runs as fast as the hand-written `elif` chain it replaced; a walk over the
table for every event and clock made the engine several per cent slower, and `sla check`
runs it for millions of events. Everything a clock does is still declared in `clockspec.py`.

What the fold finds per clock lives in one list per ticket, `marks`, at the places
`LAYOUT` gives (`Marks`); a list per kind of mark cost more than the fold itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from halt_desk.domain.clockspec import CLOCKS, REPORTED, ClockKind
from halt_desk.domain.events import TICKET_EVENT_TYPES


class Marks(NamedTuple):
    """Where one clock keeps what the fold finds in a ticket's `marks` list."""

    stop: int  # the moment of its first stop event (None: still open)
    start: int | None  # clocks started by an event: the moment of the first one
    requested: int | None  # clocks that wait for a request: True once requested
    restarts: int | None  # interval clocks: the list of the moments of its restart events


def layout() -> tuple[tuple[Marks, ...], tuple[str, ...]]:
    """The `Marks` of each clock of `CLOCKS`, and the initial value of each mark (source)."""
    initial: list[str] = []

    def place(value: str) -> int:
        initial.append(value)
        return len(initial) - 1

    layout = tuple(
        Marks(
            stop=place("None"),
            start=None if spec.starts == REPORTED else place("None"),
            requested=None if spec.requested_by is None else place("False"),
            restarts=None if spec.restarts is None else place("[]"),
        )
        for spec in CLOCKS
    )
    return layout, tuple(initial)


LAYOUT, INITIAL_MARKS = layout()


def new_marks_source() -> str:
    """`new_marks()`: the marks of a ticket before its first event (a fresh list of restarts
    for each interval clock)."""
    return f"def new_marks():\n    return [{', '.join(INITIAL_MARKS)}]\n"


def clock_steps(kind: str) -> tuple[list[str], dict[str, object]]:
    """The statements that the clocks of `CLOCKS` declare for an event of type `kind`,
    and the names those statements use (`m` is the ticket's marks, `ts` the event's moment)."""
    lines: list[str] = []
    names: dict[str, object] = {}
    for spec, where in zip(CLOCKS, LAYOUT, strict=True):
        for index, stop in enumerate(spec.stops):
            if stop.event != kind:
                continue
            lines.append(f"if m[{where.stop}] is None:")
            if stop.rule is None:
                lines.append(f"    m[{where.stop}] = ts")
                continue
            rule = f"rule_{where.stop}_{index}"  # stop.rule, given the latest priority
            names[rule] = stop.rule
            lines += [  # a profile without this clock: it does not apply, whatever stops it
                f"    clock_rule = ev.profile.clocks.get({spec.name!r})",
                f"    if clock_rule is None or {rule}(clock_rule, ev.changes[-1].priority, event):",
                f"        m[{where.stop}] = ts",
            ]
        if spec.starts == kind:
            lines += [f"if m[{where.start}] is None:", f"    m[{where.start}] = ts"]
        if spec.restarts == kind:
            lines.append(f"m[{where.restarts}].append(ts)")
        if spec.requested_by == kind:
            lines.append(f"m[{where.requested}] = True")
    return lines, names


def clocks_source() -> str:
    """`evaluate_clocks(ev)`: every clock of the folded ticket `ev`, in the order of `CLOCKS`.

    A clock that waits for a request and got none is `NA[name]` (its not-applicable
    result) without a call: most tickets request no onsite visit or swap.
    """
    items = []
    for spec, where in zip(CLOCKS, LAYOUT, strict=True):
        if spec.kind is ClockKind.INTERVAL:
            assert where.restarts is not None
            start = "ev.report_ts" if where.start is None else f"m[{where.start}]"
            times = f"m[{where.restarts}]"
            call = f"ev.interval_clock({spec.name!r}, {start}, {times}, m[{where.stop}])"
        else:
            call = f"ev.deadline_clock({spec.name!r}, m[{where.stop}], True, {spec.pausable})"
        if where.requested is not None:
            call = f"({call} if m[{where.requested}] else NA[{spec.name!r}])"
        items.append(f"        {spec.name!r}: {call},\n")
    head = "def evaluate_clocks(ev):\n    m = ev.marks\n    return {\n"
    return head + "".join(items) + "    }\n"


def compile_function(source: str, name: str, names: Mapping[str, object] | None = None) -> Any:
    """The function `name` that `source` defines, with `names` as its globals."""
    namespace: dict[str, Any] = dict(names or {})
    exec(source, namespace)  # our own text, written from the clock table
    return namespace[name]


_USES_TS = re.compile(r"\bts\b").search


def bind_handlers(
    facts: Mapping[str, Callable[[Any, Any], None]],
    ignore: Callable[[Any, Any], None],
    ts_index: int,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Event type → handler, for every ticket event type; and the source of each handler
    written here (for reading, and for tests).

    A handler does the ticket's fact (`facts`, the evaluator's own handlers), then what
    each clock of `CLOCKS` declares for its type, as straight-line code: a walk over the
    table for each event made the fold a third slower than the `elif` chain it replaced,
    and `sla check` runs it for millions of events. `ts_index` is the place of the
    event's moment in its tuple; events of no clock and no fact go to `ignore`.
    """
    handlers: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for kind in sorted(TICKET_EVENT_TYPES):
        lines, names = clock_steps(kind)
        fact = facts.get(kind)
        if not lines:
            handlers[kind] = ignore if fact is None else fact
            continue
        body = ["fact(ev, event)"] if fact is not None else []
        body.append("m = ev.marks")
        if any(_USES_TS(line) for line in lines):
            body.append(f"ts = event[{ts_index}]")  # event.ts
        source = f"def on_{kind}(ev, event):\n" + "".join(f"    {line}\n" for line in body + lines)
        handlers[kind] = compile_function(source, f"on_{kind}", {"fact": fact, **names})
        sources[kind] = source
    return handlers, sources
