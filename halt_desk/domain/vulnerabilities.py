"""Vulnerabilities (CVE identifiers) and the measures taken, per organisation, for the
security part of the monthly report (seed 003 §2.1: "een overzicht van security-incidenten,
kwetsbaarheden (zoals CVE's) en genomen beveiligingsmaatregelen").

Reference records like employees and depots, one stream per CVE of an organisation,
`vulnerability:<org>/<CVE>`: `vulnerability_registered` {org, cve, severity, status,
measure, date} and `vulnerability_updated` with the fields that changed (a new status and
measure, the date of that step). Central checks every event with the same rules the import
(`halt-desk central security import`) and the desk use, so the changes feed carries them to
every desk and the report reads them from any source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event

KIND: Final = "vulnerability"
SEVERITIES: Final = ("low", "medium", "high", "critical")
STATUSES: Final = ("open", "in_progress", "mitigated", "resolved", "accepted")
#: Statuses that need the measure taken (what was done, or why the risk is accepted).
NEEDS_MEASURE: Final = frozenset({"mitigated", "resolved", "accepted"})
FIELDS: Final = ("cve", "severity", "status", "measure", "date")
_CVE: Final = re.compile(r"CVE-(\d{4})-(\d{4,7})\Z")
MAX_MEASURE: Final = 1000


def stream_of(org: str, cve: str) -> str:
    return f"{KIND}:{org}/{cve}"


def is_cve(text: str) -> bool:
    """`CVE-2027-12345`: the year and a sequence number of four to seven digits."""
    return _CVE.match(text) is not None


def problem_of(fields: Mapping[str, Any], today: date | None = None) -> tuple[str, str] | None:
    """(field, what is wrong) with a vulnerability's fields, or None when they are right;
    `today`: a date after it is refused (the import's check)."""
    cve = fields.get("cve")
    if not isinstance(cve, str) or not is_cve(cve):
        return "cve", f"{cve!r} is not a CVE identifier (CVE-YYYY-NNNN)"
    severity = fields.get("severity")
    if severity not in SEVERITIES:
        return "severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}"
    status = fields.get("status")
    if status not in STATUSES:
        return "status", f"{status!r} is not one of {', '.join(STATUSES)}"
    measure = fields.get("measure") or ""
    if not isinstance(measure, str):
        return "measure", "expected text"
    if len(measure) > MAX_MEASURE:
        return "measure", f"longer than {MAX_MEASURE} characters"
    if status in NEEDS_MEASURE and not measure.strip():
        return "measure", f"a {status} vulnerability needs the measure taken"
    day = fields.get("date")
    try:
        parsed = date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        return "date", f"{day!r} is not a date YYYY-MM-DD"
    if today is not None and parsed > today:
        return "date", f"{day} lies in the future"
    return None


def check_vulnerability_event(event: Event, before: Mapping[str, Any] | None) -> None:
    """The record after `event` (merged onto `before`) must be a whole, valid one of the
    stream's organisation and CVE. Raises InvalidEvent naming the field."""
    merged = {**(before or {}), **dict(event.data)}
    org, _, cve = event.stream_key.partition("/")
    if merged.get("org") != org:
        raise InvalidEvent(event.id, "data.org", f"must be {org!r}, the stream's organisation")
    if merged.get("cve") != cve:
        raise InvalidEvent(event.id, "data.cve", f"must be {cve!r}, the stream's CVE")
    problem = problem_of(merged)
    if problem is not None:
        raise InvalidEvent(event.id, f"data.{problem[0]}", problem[1])
