"""`sla check` as a function: a §3.3 document in, the clocks of every ticket out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from halt_desk.domain.clocks import TicketEvaluation, evaluate
from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.profiles import Profile, load_profile
from halt_desk.domain.timeline import DocumentHeader, parse_header, parse_ticket


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
    return CheckContext(load_profile(profile_name), now or header.now or datetime.now(UTC), header)


def evaluate_range(context: CheckContext, start: int, stop: int) -> Iterator[TicketEvaluation]:
    """Parses and evaluates tickets[start:stop]; errors name the ticket and its position."""
    tickets: Sequence[object] = context.header.tickets
    for index in range(start, stop):
        timeline = parse_ticket(tickets[index], f"tickets[{index}]")
        yield evaluate(context.profile, timeline, context.now)


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
