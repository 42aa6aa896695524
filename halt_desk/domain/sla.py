"""`sla check` as a function: a §3.3 document in, the clocks of every ticket out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from halt_desk.domain.calendar import LAST_YEAR
from halt_desk.domain.clocks import TicketEvaluation, evaluate
from halt_desk.domain.errors import InvalidTimeline, OutOfCalendarRange, UnknownProfile
from halt_desk.domain.profiles import Profile, load_profile
from halt_desk.domain.timeline import (
    DocumentHeader,
    TicketTimeline,
    TimelineEvent,
    parse_header,
    parse_ticket,
)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What every ticket of one document is evaluated against."""

    profile: Profile
    now: datetime
    header: DocumentHeader


def check_context(
    document: object, profile: str | None = None, now: datetime | None = None
) -> CheckContext:
    """Checks the document's header; `profile` and `now` override the document's own."""
    header = parse_header(document)
    profile_name = profile or header.profile
    if profile_name is None:
        raise InvalidTimeline(None, "profile", "missing: give 'profile' in the file or --profile")
    try:
        loaded = load_profile(profile_name)
    except UnknownProfile as exc:
        raise InvalidTimeline(None, "--profile" if profile else "profile", str(exc)) from None
    return CheckContext(loaded, now or header.now or datetime.now(UTC), header)


def evaluate_range(context: CheckContext, start: int, stop: int) -> Iterator[TicketEvaluation]:
    """Parses and evaluates tickets[start:stop]; errors name the ticket and its position."""
    tickets: Sequence[object] = context.header.tickets
    for index in range(start, stop):
        timeline = parse_ticket(tickets[index], f"tickets[{index}]")
        yield evaluate_ticket(context.profile, timeline, context.now)


def evaluate_ticket(profile: Profile, timeline: TicketTimeline, now: datetime) -> TicketEvaluation:
    """`evaluate`, with a moment the business calendar does not cover (before its first
    year, after its last, or past what a date can hold) named by its ticket and field."""
    try:
        return evaluate(profile, timeline, now)
    except (OutOfCalendarRange, OverflowError) as exc:
        raise _out_of_range(profile, timeline, now, exc) from None


def _out_of_range(
    profile: Profile, timeline: TicketTimeline, now: datetime, exc: Exception
) -> InvalidTimeline:
    """The first of the ticket's moments (report, events in their given order, `now`) that
    the calendar refuses; else a deadline beyond the calendar, counted from the report."""
    moments = [("reported_at", timeline.reported_at)]
    moments += [(f"{e.field}.at", e.at) for e in sorted(timeline.events, key=_by_position)]
    moments.append(("now", now))
    for where, at in moments:
        try:
            profile.calendar.ordinal(at.timestamp())
        except (OutOfCalendarRange, OverflowError, ValueError) as refused:
            problem = _range_problem(refused)
            return InvalidTimeline(timeline.id, where, f"{at.isoformat()}: {problem}")
    problem = f"its deadlines fall beyond the calendar ({_range_problem(exc)})"
    return InvalidTimeline(timeline.id, "reported_at", problem)


def _by_position(event: TimelineEvent) -> int:
    return event.position


def _range_problem(exc: Exception) -> str:
    if isinstance(exc, OutOfCalendarRange):
        return str(exc)
    return f"dates after {LAST_YEAR} are not supported"


def evaluate_document(
    document: object, profile: str | None = None, now: datetime | None = None
) -> tuple[str, datetime, list[TicketEvaluation]]:
    """Every ticket of the document, or the first error (nothing partial)."""
    context = check_context(document, profile, now)
    results = list(evaluate_range(context, 0, len(context.header.tickets)))
    return context.profile.name, context.now, results


def check_document(
    document: object, profile: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON output of `halt-desk sla check` (DESIGN §3.3)."""
    profile_name, moment, results = evaluate_document(document, profile, now)
    return {
        "profile": profile_name,
        "now": moment.isoformat(),
        "tickets": [result.to_json() for result in results],
    }
