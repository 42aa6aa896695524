"""`sla check` as a function: a §3.3 document in, the clocks of every ticket out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from halt_desk.domain.clocks import TicketEvaluation, evaluate
from halt_desk.domain.errors import InvalidTimeline
from halt_desk.domain.profiles import load_profile
from halt_desk.domain.timeline import parse_document


def evaluate_document(
    document: object, profile: str | None = None, now: datetime | None = None
) -> tuple[str, datetime, list[TicketEvaluation]]:
    """Checks the whole document first, then evaluates every ticket (all or nothing)."""
    parsed = parse_document(document)
    profile_name = profile or parsed.profile
    if profile_name is None:
        raise InvalidTimeline(None, "profile", "missing: give 'profile' in the file or --profile")
    loaded = load_profile(profile_name)
    moment = now or parsed.now or datetime.now(UTC)
    return profile_name, moment, [evaluate(loaded, ticket, moment) for ticket in parsed.tickets]


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
