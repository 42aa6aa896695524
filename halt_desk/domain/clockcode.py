"""The SLA engine's fast paths, written as Python source from the clock table (`CLOCKS`).

`clocks.py` compiles them once, at import: an event handler per event type, and the
function that evaluates every clock of a folded ticket. Straight-line code written from
the table runs as fast as the hand-written `elif` chain it replaced; a walk over the
table for every event and clock made the engine several per cent slower, and `sla check`
runs it for millions of events. Everything a clock does is still declared in `clockspec.py`.

What the fold finds per clock lives in one list per ticket, `marks`, at the places
`LAYOUT` gives (`Marks`); a list per kind of mark cost more than the fold itself.
"""

from __future__ import annotations

from typing import NamedTuple

from halt_desk.domain.clockspec import CLOCKS, REPORTED, ClockKind


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
    """`evaluate_clocks(ev)`: every clock of the folded ticket `ev`, in the order of `CLOCKS`."""
    items = []
    for spec, where in zip(CLOCKS, LAYOUT, strict=True):
        applies = "True" if where.requested is None else f"m[{where.requested}]"
        if spec.kind is ClockKind.INTERVAL:
            assert where.restarts is not None
            start = "ev.report_ts" if where.start is None else f"m[{where.start}]"
            times = f"m[{where.restarts}]"
            call = f"ev.interval_clock({spec.name!r}, {start}, {times}, m[{where.stop}], {applies})"
        else:
            call = f"ev.deadline_clock({spec.name!r}, m[{where.stop}], {applies}, {spec.pausable})"
        items.append(f"        {spec.name!r}: {call},\n")
    head = "def evaluate_clocks(ev):\n    m = ev.marks\n    return {\n"
    return head + "".join(items) + "    }\n"
