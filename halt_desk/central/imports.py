"""`halt-desk central import employees FILE.csv`: the employee directory from a CSV file.

Every line becomes an `employee_registered` (new) or `employee_updated` (changed fields
only) event recorded like any other, so the import travels through the changes feed and
lands in the audit log. A dry run checks and reports the same without recording anything.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from halt_desk.central.auth import Role, User
from halt_desk.central.schema import organisations, reference_records
from halt_desk.central.service import Central
from halt_desk.domain.errors import HaltDeskError

COLUMNS = ("id", "org", "name", "email", "phone", "team", "region", "location", "role", "lang")
#: The languages central writes an employee's mail in (empty: Dutch).
LANGUAGES = ("nl", "en")
REQUIRED = ("id", "org", "name")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{7,16}$")
_ID = re.compile(r"^[A-Za-z0-9._\-]{1,100}$")


class InvalidImport(HaltDeskError):
    """The file as a whole cannot be imported (not CSV, missing columns)."""


@dataclass
class ImportReport:
    registered: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would be" if dry_run else "were"
        out = [
            f"{self.registered} employees {verb} registered, {self.updated} {verb} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} lines rejected"
        ]
        out += [f"line {line}: {reason}" for line, reason in self.rejected]
        return out


def _check_line(row: dict[str, str], orgs: set[str]) -> str | None:
    for name in REQUIRED:
        if not row.get(name):
            return f"{name} is empty"
    if not _ID.match(row["id"]):
        return f"id {row['id']!r} may only hold letters, digits, '.', '_' and '-'"
    if row["org"] not in orgs:
        return f"unknown organisation {row['org']!r}"
    if row.get("email") and not _EMAIL.match(row["email"]):
        return "email is not an e-mail address"
    if row.get("phone") and not _PHONE.match(row["phone"]):
        return "phone is not a phone number"
    if row.get("lang") and row["lang"] not in LANGUAGES:
        return f"lang {row['lang']!r} is not one of {', '.join(LANGUAGES)}"
    return None


def import_employees(
    central: Central, text: str, dry_run: bool = False, actor: str = "import"
) -> ImportReport:
    """Checks every line, then records the valid ones (unless `dry_run`)."""
    reader = _open_csv(text)
    orgs, existing = _directory(central)
    report = ImportReport()
    now = datetime.now(UTC).isoformat()
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error as exc:
        raise InvalidImport(f"not a CSV file: {exc}") from None
    events, event_lines = _events(rows, orgs, existing, now, actor, report)
    if dry_run or not events:
        return report
    _record(central, actor, events, event_lines, report)
    report.rejected.sort()
    return report


def _open_csv(text: str) -> csv.DictReader[str]:
    """A reader of the lines of `text`, once its header names the columns we know."""
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InvalidImport(f"not a CSV file: {exc}") from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidImport(
            f"missing column(s): {', '.join(missing)} (expected {', '.join(COLUMNS)})"
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise InvalidImport(f"unknown column(s): {', '.join(unknown)}")
    return reader


def _directory(central: Central) -> tuple[set[str], dict[str, str]]:
    """The organisations' ids, and the stored employees' data (JSON) by employee id."""
    with central.reader.connect() as conn:
        orgs = set(conn.execute(select(organisations.c.id)).scalars())
        existing = {
            row.stream.partition(":")[2]: row.data
            for row in conn.execute(
                select(reference_records).where(reference_records.c.stream.like("employee:%"))
            )
        }
    return orgs, existing


def _events(
    rows: list[tuple[int, dict[str | Any, str | Any]]],
    orgs: set[str],
    existing: dict[str, str],
    now: str,
    actor: str,
    report: ImportReport,
) -> tuple[list[dict[str, Any]], list[int]]:
    """The events of the valid lines that change something, with their line numbers;
    counted (and the rejected lines listed) in `report`."""
    events: list[dict[str, Any]] = []
    event_lines: list[int] = []
    seen: set[str] = set()
    for line, raw in rows:
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        problem = _check_line(row, orgs)
        if problem is None and row["id"] in seen:
            problem = f"employee {row['id']} appears twice in the file"
        if problem is not None:
            report.rejected.append((line, problem))
            continue
        seen.add(row["id"])
        fields = {k: v for k, v in row.items() if k != "id" and v}
        if row["id"] in existing:
            before = json.loads(existing[row["id"]])
            changed = {k: v for k, v in fields.items() if before.get(k) != v}
            if not changed:
                report.unchanged += 1
                continue
            kind, data = "employee_updated", changed
            report.updated += 1
        else:
            kind, data = "employee_registered", fields
            report.registered += 1
        events.append(
            {
                "id": str(uuid.uuid4()),
                "stream": f"employee:{row['id']}",
                "type": kind,
                "at": now,
                "actor": actor,
                "data": data,
            }
        )
        event_lines.append(line)
    return events, event_lines


def _record(
    central: Central,
    actor: str,
    events: list[dict[str, Any]],
    event_lines: list[int],
    report: ImportReport,
) -> None:
    """Records `events` in batches of 500; the central's refusals go into `report`."""
    importer = User(0, actor, Role.ADMIN)
    for start in range(0, len(events), 500):
        chunk = events[start : start + 500]
        results = central.record(importer, chunk, "local")
        for event, line, result in zip(chunk, event_lines[start:], results, strict=False):
            if result.status != "rejected":
                continue
            report.rejected.append((line, result.reason or "rejected"))
            if event["type"] == "employee_registered":
                report.registered -= 1
            else:
                report.updated -= 1
