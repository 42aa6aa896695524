"""Escalations suggested by what the tickets show (issue 23), never applied silently: the
service manager registers a suggestion (`escalation_registered` on its stream) or dismisses
it (`escalation_suggestion_dismissed`, with the reason).

The triggers, over the tickets of one organisation evaluated at `now` by the SLA engine:

* `p1_breached` → N1: a P1 ticket (uplift included) with a breached clock; one suggestion
  per ticket.
* `repeated_breaches` → N2: three tickets with a breached clock in the same category, or
  for callers at the same location, whose first breaches lie within 30 days (the first
  such three; a ticket counts in one such suggestion only). One at a time per category or
  location: none while an earlier one for it is pending or its escalation open; after it
  was dismissed or closed, only breaches after that count.
* `uplift_refused_then_granted` → N1: a P1-uplift refused and later granted on the same
  ticket.
* `swap_missed_twice` → N2: two tickets whose loaner swap missed its deadline (`swap`
  clock breached) within 30 days.

A suggestion's stream id is derived from its organisation, trigger and tickets, so the
desk and the central find the same one twice and record it once; a ticket that already
is evidence of a suggestion (any outcome) of the same trigger, or linked to a registered
escalation for the single-ticket triggers, is not suggested again. This module is a pure
function of ticket events; `halt_desk.desk.escalations` runs it over the local store, the
central can run it over its events the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from halt_desk.domain.change_kpi import is_change
from halt_desk.domain.clocks import ClockState, evaluate
from halt_desk.domain.errors import HaltDeskError
from halt_desk.domain.escalations import EscalationState
from halt_desk.domain.events import Event
from halt_desk.domain.profiles import Profile
from halt_desk.domain.timeline import timeline_from_events

#: "Within a month" of the triggers.
MONTH = timedelta(days=30)
REPEATED_BREACHES = 3
SWAP_MISSES = 2
TRIGGER_LEVEL: Mapping[str, str] = {
    "p1_breached": "N1",
    "repeated_breaches": "N2",
    "uplift_refused_then_granted": "N1",
    "swap_missed_twice": "N2",
}


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What the triggers read of one ticket. `breaches`: (clock, due) of its breached
    clocks, earliest first; `uplifts`: (at, granted) of its uplift decisions in order."""

    id: str
    org: str
    priority: str
    category: str | None = None
    location: str | None = None
    breaches: tuple[tuple[str, datetime], ...] = ()
    uplifts: tuple[tuple[datetime, bool], ...] = ()

    @property
    def first_breach(self) -> datetime | None:
        return self.breaches[0][1] if self.breaches else None

    def breach_texts(self, clock: str | None = None) -> list[str]:
        return [f"{self.id}:{name}" for name, _ in self.breaches if clock in (None, name)]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested escalation: record it as `escalation_suggested` with `event_data()` on
    stream `escalation:<id>`. `at`: when the trigger's condition became true."""

    id: str
    org: str
    trigger: str
    level: str
    at: datetime
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def stream(self) -> str:
        return f"escalation:{self.id}"

    def event_data(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "trigger": self.trigger,
            "level": self.level,
            "evidence": dict(self.evidence),
        }


def ticket_facts(
    ticket_id: str,
    events: Sequence[Event],
    profile: Profile,
    now: datetime,
    location_of: Callable[[str], str | None] = lambda caller: None,
) -> TicketFacts | None:
    """The facts of one ticket stream (None when it cannot be evaluated: no report; or
    when it is a change, which is no incident: its deadlines are the change KPIs')."""
    reported = next((e for e in events if e.type == "ticket_reported"), None)
    if reported is None or is_change(reported.data):
        return None
    try:
        evaluation = evaluate(profile, timeline_from_events(ticket_id, events), now)
    except (HaltDeskError, ValueError, OverflowError):
        return None
    data: dict[str, Any] = dict(reported.data)
    for event in events:
        changes = event.data.get("changes") if event.type == "ticket_updated" else None
        if isinstance(changes, Mapping):
            data.update({k: v for k, v in changes.items() if k in ("category", "caller")})
    caller = data.get("caller")
    category = data.get("category")
    breaches = sorted(
        (
            (name, clock.due)
            for name, clock in evaluation.clocks.items()
            if clock.state is ClockState.BREACHED and clock.due is not None
        ),
        key=lambda item: item[1],
    )
    uplifts = tuple(
        (e.at, e.data.get("granted") is True) for e in events if e.type == "uplift_decided"
    )
    return TicketFacts(
        id=ticket_id,
        org=str(data.get("org")),
        priority=evaluation.priority,
        category=category if isinstance(category, str) else None,
        location=location_of(caller) if isinstance(caller, str) else None,
        breaches=tuple(breaches),
        uplifts=uplifts,
    )


#: How a suggestion's stream key starts (the rest is a digest of its evidence).
SUGGESTION_PREFIX = "SUG-"


def suggestion_id(org: str, trigger: str, tickets: Iterable[str]) -> str:
    """The stream key of a suggestion: the same organisation, trigger and tickets give the
    same id on every desk and at the central."""
    text = "\n".join([org, trigger, *sorted(tickets)])
    return SUGGESTION_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _suggestion(
    org: str, trigger: str, at: datetime, tickets: Sequence[TicketFacts], **detail: Any
) -> Suggestion:
    ids = [t.id for t in tickets]
    clock = "swap" if trigger == "swap_missed_twice" else None
    breaches = [text for t in tickets for text in t.breach_texts(clock)]
    evidence = {"tickets": ids, "breaches": breaches, **detail}
    return Suggestion(
        suggestion_id(org, trigger, ids), org, trigger, TRIGGER_LEVEL[trigger], at, evidence
    )


def _used(known: Iterable[EscalationState]) -> tuple[dict[str, set[str]], set[str]]:
    """Tickets already evidence of a suggestion, per trigger; tickets of registered
    escalations."""
    by_trigger: dict[str, set[str]] = {}
    linked: set[str] = set()
    for state in known:
        if state.trigger is not None:
            tickets = state.evidence.get("tickets", [])
            by_trigger.setdefault(state.trigger, set()).update(
                t for t in tickets if isinstance(t, str)
            )
        linked.update(state.tickets)
    return by_trigger, linked


def _windows(
    tickets: Sequence[tuple[datetime, TicketFacts]],
    size: int,
    used: set[str],
    limit: int | None = None,
) -> list[list[tuple[datetime, TicketFacts]]]:
    """Groups of `size` unused tickets whose moments lie within MONTH, earliest first (at
    most `limit`); a ticket is in one group at most (`used` grows)."""
    groups: list[list[tuple[datetime, TicketFacts]]] = []
    window: list[tuple[datetime, TicketFacts]] = []
    for moment, facts in sorted(tickets, key=lambda item: (item[0], item[1].id)):
        if facts.id in used:
            continue
        window = [item for item in window if moment - item[0] <= MONTH and item[1].id not in used]
        window.append((moment, facts))
        if len(window) == size:
            groups.append(window)
            used.update(item[1].id for item in window)
            window = []
            if limit is not None and len(groups) >= limit:
                break
    return groups


#: (category|location, value) → None while a suggestion for it is pending or its
#: escalation open; else the moment the last one ended (dismissed or closed).
Blocked = dict[tuple[str, str], datetime | None]


def _blocked(org: str, known: Iterable[EscalationState]) -> Blocked:
    blocked: Blocked = {}
    for state in known:
        if state.org != org or state.trigger != "repeated_breaches":
            continue
        for key in ("category", "location"):
            value = state.evidence.get(key)
            if not isinstance(value, str):
                continue
            ended = state.dismissed_at or state.closed_at
            if (key, value) in blocked and blocked[(key, value)] is None:
                continue
            if ended is None:
                blocked[(key, value)] = None
            else:
                earlier = blocked.get((key, value))
                blocked[(key, value)] = ended if earlier is None else max(earlier, ended)
    return blocked


def _repeated(
    org: str, tickets: Sequence[TicketFacts], used: set[str], blocked: Blocked
) -> list[Suggestion]:
    found: list[Suggestion] = []
    for key in ("category", "location"):
        groups: dict[str, list[tuple[datetime, TicketFacts]]] = {}
        for facts in tickets:
            value = getattr(facts, key)
            moment = facts.first_breach
            if not value or moment is None:
                continue
            if (key, value) in blocked:
                since = blocked[(key, value)]
                if since is None or moment <= since:
                    continue
            groups.setdefault(value, []).append((moment, facts))
        for value, items in sorted(groups.items()):
            for window in _windows(items, REPEATED_BREACHES, used, limit=1):  # one at a time
                at = window[-1][0]
                facts_of = [item[1] for item in window]
                found.append(_suggestion(org, "repeated_breaches", at, facts_of, **{key: value}))
    return found


def _refused_then_granted(facts: TicketFacts) -> datetime | None:
    refused = False
    for at, granted in facts.uplifts:
        if not granted:
            refused = True
        elif refused:
            return at
    return None


def suggest(
    tickets: Iterable[TicketFacts], known: Iterable[EscalationState] = ()
) -> list[Suggestion]:
    """The suggestions the tickets call for that `known` (the escalation streams of the
    store or central, suggestions included) does not hold yet; in time order."""
    known = list(known)
    used, linked = _used(known)
    by_org: dict[str, list[TicketFacts]] = {}
    for facts in tickets:
        by_org.setdefault(facts.org, []).append(facts)
    found: list[Suggestion] = []
    for org, facts_of_org in sorted(by_org.items()):
        for facts in facts_of_org:
            taken = linked | used.get("p1_breached", set())
            if facts.priority == "P1" and facts.breaches and facts.id not in taken:
                found.append(_suggestion(org, "p1_breached", facts.breaches[0][1], [facts]))
            granted = _refused_then_granted(facts)
            taken = linked | used.get("uplift_refused_then_granted", set())
            if granted is not None and facts.id not in taken:
                trigger = "uplift_refused_then_granted"
                found.append(_suggestion(org, trigger, granted, [facts]))
        repeated = used.setdefault("repeated_breaches", set())
        found += _repeated(org, facts_of_org, repeated, _blocked(org, known))
        swaps = [
            (due, facts) for facts in facts_of_org for name, due in facts.breaches if name == "swap"
        ]
        for window in _windows(swaps, SWAP_MISSES, used.setdefault("swap_missed_twice", set())):
            facts_of = [item[1] for item in window]
            found.append(_suggestion(org, "swap_missed_twice", window[-1][0], facts_of))
    return sorted(found, key=lambda s: (s.at, s.id))
