"""A vulnerability (CVE) and the measure taken, entered at the desk for the month's report
(the desk's way besides `halt-desk central security import`): checked with the rules central
applies (domain/vulnerabilities.py) and recorded with its outbox row like any action.
Reference data: central takes it from an admin (the provider's service manager)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.vulnerabilities import FIELDS, problem_of, stream_of
from halt_desk.store import Store

#: The message of each field the check can name.
_MESSAGES = {
    "cve": Msg.NOT_A_CVE,
    "severity": Msg.CHOOSE_SEVERITY,
    "status": Msg.CHOOSE_VULNERABILITY_STATUS,
    "measure": Msg.DESCRIBE_MEASURE,
    "date": Msg.VULNERABILITY_DATE,
}


@dataclass(frozen=True, slots=True)
class VulnerabilityEntry:
    org: str
    cve: str
    severity: str
    status: str
    measure: str
    date: str  # YYYY-MM-DD


def vulnerability_event(
    store: Store, entry: VulnerabilityEntry, actor: str, now: datetime
) -> Event:
    """`vulnerability_registered` for a CVE the organisation does not have yet, else
    `vulnerability_updated` with what changed; DeskInputError naming the field."""
    if store.reference(f"org:{entry.org}") is None:
        raise DeskInputError("org", Msg.CHOOSE_ORGANISATION)
    fields = {
        "org": entry.org,
        "cve": entry.cve.strip().upper(),
        "severity": entry.severity,
        "status": entry.status,
        "measure": entry.measure.strip(),
        "date": entry.date,
    }
    problem = problem_of(fields, now.date())
    if problem is not None:
        raise DeskInputError(problem[0], _MESSAGES[problem[0]])
    stream = stream_of(entry.org, fields["cve"])
    before = {k: v for e in store.events_for(stream) for k, v in e.data.items() if k in FIELDS}
    if not before:
        return store.stamped_event(stream, "vulnerability_registered", actor, fields, at=now)
    changed = {k: v for k, v in fields.items() if k != "org" and before.get(k) != v}
    if not changed:
        raise DeskInputError("status", Msg.NOTHING_CHANGED)
    return store.stamped_event(stream, "vulnerability_updated", actor, changed, at=now)


def record_vulnerability(
    store: Store, entry: VulnerabilityEntry, actor: str, now: datetime
) -> Event:
    event = vulnerability_event(store, entry, actor, now)
    store.record_events([event])
    return event
