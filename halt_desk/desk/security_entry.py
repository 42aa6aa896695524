"""A vulnerability (CVE) and the measure taken, entered at the desk for the month's report
(the desk's way besides `halt-desk central security import`): checked with the rules central
applies (domain/vulnerabilities.py) and recorded with its outbox row like any action.
Reference data: central takes it from an admin (the provider's service manager) only; an
account whose name says another role (`agent:…`, `field:…`, `logistics:…`, `regie:…`) is
refused here already, an account without a role in its name is left to central."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from halt_desk.desk.staff import role_of
from halt_desk.domain.errors import DeskInputError
from halt_desk.domain.events import Event
from halt_desk.domain.messages import Msg
from halt_desk.domain.vulnerabilities import FIELDS, problem_of, stream_of
from halt_desk.store import Store

#: The role central lets record vulnerabilities (central/auth.py: admin.vulnerability).
WRITER_ROLE = "admin"

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


def may_record_vulnerabilities(actor: str) -> bool:
    """False for an account whose name gives a role central refuses (all but admin)."""
    role = role_of(actor)
    return role is None or role == WRITER_ROLE


def parse_day(text: str) -> str:
    """A date typed as dd-mm-yyyy (or yyyy-mm-dd) as `YYYY-MM-DD`; DeskInputError else."""
    parts = text.strip().replace("/", "-").split("-")
    if len(parts) == 3 and len(parts[2]) == 4:
        parts.reverse()
    try:
        if len(parts) != 3 or len(parts[0]) != 4:
            raise ValueError(text)
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        raise DeskInputError("date", Msg.VULNERABILITY_DATE) from None


def _check_in_month(day: str, month: str, now: datetime) -> None:
    """`day` (YYYY-MM-DD) must lie in `month` (YYYY-MM) and not after today."""
    year, number = int(month[:4]), int(month[5:7])
    last = calendar.monthrange(year, number)[1]
    if not day.startswith(f"{month}-") or day > now.date().isoformat():
        first_day, last_day = date(year, number, 1), date(year, number, last)
        raise DeskInputError(
            "date",
            Msg.VULNERABILITY_DATE_IN_MONTH,
            first=first_day.strftime("%d-%m-%Y"),
            last=min(last_day, max(first_day, now.date())).strftime("%d-%m-%Y"),
        )


def vulnerability_event(
    store: Store, entry: VulnerabilityEntry, actor: str, now: datetime, month: str | None = None
) -> Event:
    """`vulnerability_registered` for a CVE the organisation does not have yet, else
    `vulnerability_updated` with what changed; DeskInputError naming the field. With
    `month` (YYYY-MM, the month the desk screen shows) the date must lie in it."""
    if not may_record_vulnerabilities(actor):
        raise DeskInputError("org", Msg.ONLY_ADMIN_RECORDS_VULNERABILITIES)
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
    if month is not None:
        _check_in_month(entry.date, month, now)
    stream = stream_of(entry.org, fields["cve"])
    before = {k: v for e in store.events_for(stream) for k, v in e.data.items() if k in FIELDS}
    if not before:
        return store.stamped_event(stream, "vulnerability_registered", actor, fields, at=now)
    changed = {k: v for k, v in fields.items() if k != "org" and before.get(k) != v}
    if not changed:
        raise DeskInputError("status", Msg.NOTHING_CHANGED)
    return store.stamped_event(stream, "vulnerability_updated", actor, changed, at=now)


def record_vulnerability(
    store: Store, entry: VulnerabilityEntry, actor: str, now: datetime, month: str | None = None
) -> Event:
    event = vulnerability_event(store, entry, actor, now, month)
    store.record_events([event])
    return event
