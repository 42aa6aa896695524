"""The clocks of DESIGN §2.4 as one table: what starts, stops and pauses each clock.

The engine (`clocks.py`), profile validation, the report and the screens all read `CLOCKS`;
adding a clock is a row here, its stop rule if it has one, its targets in the profiles
and its label text. The engine binds the table to event handlers once, at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from halt_desk.domain.events import CLOCK_EVENT_TYPES

if TYPE_CHECKING:
    from halt_desk.domain.timeline import TimelineEvent


class ClockTerms(Protocol):
    """What a stop rule reads of a clock's terms in the contract (`profiles.ClockRule`,
    which reads this table: the profile depends on the clocks, not the other way round)."""

    @property
    def channels(self) -> Mapping[str, frozenset[str]]: ...

    @property
    def stop_on_workaround(self) -> frozenset[str]: ...


#: Whether an event stops a clock, given the clock's terms and the ticket's priority at the
#: moment of the event.
StopRule = Callable[[ClockTerms, str, "TimelineEvent"], bool]

#: A clock that runs from the report (every deadline clock does).
REPORTED = "reported"


class ClockKind(StrEnum):
    #: One deadline from the report, re-rated by priority changes; the first stop event ends it.
    DEADLINE = "deadline"
    #: A deadline every interval from its start event; each restart event begins a new
    #: interval, and an interval that passed without one counts as missed.
    INTERVAL = "interval"


@dataclass(frozen=True, slots=True)
class Stop:
    """An event type that stops a clock: every such event, or those its `rule` accepts."""

    event: str
    rule: StopRule | None = None


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """One clock: its §3.3 name and the events that drive it. Its targets per priority are
    the profile's `[clocks.<name>]` table (`ClockRule`)."""

    name: str
    stops: tuple[Stop, ...]
    kind: ClockKind = ClockKind.DEADLINE
    #: `REPORTED`, or the event type whose first occurrence starts the clock.
    starts: str = REPORTED
    #: Interval clocks: the event type that begins a new interval.
    restarts: str | None = None
    #: The clock applies only to a ticket with an event of this type (at any moment).
    requested_by: str | None = None
    #: `waiting_on_user` … `resumed` pauses it (its JSON then has "paused").
    pausable: bool = False
    #: Every profile must give its targets.
    required: bool = False
    #: Targets may be "same_day" / "next_day" (the end of a business day).
    day_end_targets: bool = False
    #: A ticket is within norm when every such clock was met (DESIGN §2.4).
    within_norm: bool = False
    #: A field engineer's route is ordered by this clock's deadline (`halt_desk.field`).
    field_work: bool = False


# ------------------------------------------------------------------------- stop rules
def counts_as_reaction(rule: ClockTerms, priority: str, event: TimelineEvent) -> bool:
    """A first response stops the reaction clock only by a channel the profile names for
    the priority at that moment (halt: P1 only by phone); no channels named: any channel."""
    allowed = rule.channels.get(priority)
    return allowed is None or event.channel in allowed


def workaround_stops(rule: ClockTerms, priority: str, event: TimelineEvent) -> bool:
    """A workaround stops the resolution clock at the priorities the profile names (halt: P1)."""
    return priority in rule.stop_on_workaround


# ------------------------------------------------------------------------------ table
#: Every clock, in the order of `sla check` output, the report's columns and the screens.
CLOCKS: tuple[ClockSpec, ...] = (
    ClockSpec(
        "reaction",
        stops=(Stop("first_response", counts_as_reaction),),
        required=True,
        within_norm=True,
    ),
    ClockSpec(
        "resolution",
        stops=(Stop("resolved"), Stop("workaround", workaround_stops)),
        pausable=True,
        required=True,
        within_norm=True,
        field_work=True,
    ),
    ClockSpec(
        "update",
        kind=ClockKind.INTERVAL,
        starts="first_response",
        restarts="status_update",
        stops=(Stop("resolved"),),
    ),
    ClockSpec(
        "onsite",
        requested_by="onsite_requested",
        stops=(Stop("onsite_arrival"),),
        field_work=True,
    ),
    ClockSpec(
        "swap",
        requested_by="swap_requested",
        stops=(Stop("swap_delivered"),),
        day_end_targets=True,
        field_work=True,
    ),
    ClockSpec(
        "emergency_workplace",
        requested_by="swap_requested",
        stops=(Stop("swap_delivered"), Stop("emergency_workplace"), Stop("productive_again")),
    ),
)

#: Clock names of DESIGN §3.3, in the order they are reported.
CLOCK_NAMES: tuple[str, ...] = tuple(spec.name for spec in CLOCKS)
CLOCK_SPECS: Mapping[str, ClockSpec] = {spec.name: spec for spec in CLOCKS}
REQUIRED_CLOCKS: tuple[str, ...] = tuple(spec.name for spec in CLOCKS if spec.required)


def _check(clocks: tuple[ClockSpec, ...]) -> None:
    """Refuses a table the engine cannot run, when the module is imported."""
    if len({spec.name for spec in clocks}) != len(clocks):
        raise ValueError("CLOCKS: clock names must be distinct")
    for spec in clocks:
        events = [stop.event for stop in spec.stops]
        events += [e for e in (spec.restarts, spec.requested_by) if e is not None]
        if spec.starts != REPORTED:
            events.append(spec.starts)
        unknown = [e for e in events if e not in CLOCK_EVENT_TYPES]
        if unknown:
            raise ValueError(f"CLOCKS: {spec.name}: unknown event types {unknown}")
        if not spec.stops:
            raise ValueError(f"CLOCKS: {spec.name}: a clock needs a stop event")
        if spec.kind is ClockKind.DEADLINE and (spec.starts != REPORTED or spec.restarts):
            raise ValueError(f"CLOCKS: {spec.name}: a deadline clock runs from the report")
        if spec.kind is ClockKind.INTERVAL and (
            spec.restarts is None or spec.pausable or spec.day_end_targets
        ):
            raise ValueError(f"CLOCKS: {spec.name}: an interval clock has a restart event only")


_check(CLOCKS)
