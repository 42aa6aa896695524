"""The security figures of the service-level report (seed 003 §2.1): the organisation's
vulnerabilities (CVE) and the measures taken, chosen for the month when the export is
built, and read back from the export. Security incidents are the month's tickets with the
security flag (`ReportTicket.security`); the PDF section is `security_report.py`.

A vulnerability is in the month's report when a step of it (its `date`) falls in the
month, or when it is still not dealt with at the month's end (open, in progress or
mitigated); it is shown as it stood at the month's end (the last step dated before it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from halt_desk.domain.vulnerabilities import KIND, SEVERITIES, problem_of
from halt_desk.reports.errors import InvalidExport

if TYPE_CHECKING:
    from halt_desk.reports.sources import EventSource

#: Not dealt with: still listed in every month until resolved or accepted.
UNSETTLED = frozenset({"open", "in_progress", "mitigated"})


@dataclass(frozen=True, slots=True)
class Vulnerability:
    cve: str
    severity: str
    status: str
    measure: str
    date: date


def month_vulnerabilities(
    source: EventSource, org: str, first: date, after: date
) -> list[dict[str, Any]]:
    """The export's `vulnerabilities` of `org` for the month [first, after), most severe
    first, then by CVE."""
    found: list[dict[str, Any]] = []
    for stream, events in source.streams_of(KIND):
        if not stream.startswith(f"{KIND}:{org}/"):
            continue
        fields: dict[str, Any] = {}
        steps: list[dict[str, Any]] = []
        for event in events:
            fields = {**fields, **dict(event.data)}
            steps.append(fields)
        dated = [
            s for s in steps if isinstance(s.get("date"), str) and s["date"] < after.isoformat()
        ]
        if not dated:
            continue
        last = max(dated, key=lambda s: str(s["date"]))  # stable: the latest recorded wins ties
        in_month = any(first.isoformat() <= str(s["date"]) for s in dated)
        if in_month or last.get("status") in UNSETTLED:
            found.append(
                {k: last.get(k, "") for k in ("cve", "severity", "status", "measure", "date")}
            )
    rank = {name: i for i, name in enumerate(reversed(SEVERITIES))}
    found.sort(key=lambda v: (rank.get(v["severity"], 9), v["cve"]))
    return found


def read_vulnerabilities(raw: object, source: str) -> tuple[Vulnerability, ...]:
    """The export's `vulnerabilities` (missing in an older export: none)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidExport(source, "vulnerabilities", "expected a list")
    rows = []
    for i, item in enumerate(raw):
        where = f"vulnerabilities[{i}]"
        if not isinstance(item, dict):
            raise InvalidExport(source, where, "expected an object")
        problem = problem_of(item)
        if problem is not None:
            raise InvalidExport(source, f"{where}.{problem[0]}", problem[1])
        rows.append(
            Vulnerability(
                item["cve"],
                item["severity"],
                item["status"],
                item.get("measure") or "",
                date.fromisoformat(item["date"]),
            )
        )
    return tuple(rows)


def security_tickets(tickets: Sequence[Any]) -> list[Any]:
    """The month's security incidents: tickets with the flag that are not changes."""
    return [t for t in tickets if t.security and t.change is None]
