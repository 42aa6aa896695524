"""`halt-desk central security import FILE.csv --org ORG`: vulnerabilities (CVE) and the
measures taken, for the security part of the monthly report.

Columns `cve,severity,status,measure,date` (a header line naming them, any order). Every
line is checked first (domain/vulnerabilities.py, the rules central applies to every
such event); each rejected line is listed with its line number and reason, and then
*nothing* is imported: a file is taken whole or not at all, so a report never shows half
an import. A valid file records `vulnerability_registered` for a CVE the organisation did
not have and `vulnerability_updated` with the changed fields for one it had (a line
equal to what is stored changes nothing), like any other event: through the changes feed
to every desk, and into the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from halt_desk.central.auth import Role, User
from halt_desk.central.imports import InvalidImport
from halt_desk.central.schema import organisations, reference_records
from halt_desk.central.service import Central
from halt_desk.domain.vulnerabilities import FIELDS, KIND, problem_of, stream_of


@dataclass
class SecurityImport:
    registered: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        if self.rejected:
            out = [f"line {line}: {reason}" for line, reason in self.rejected]
            return [*out, f"{len(self.rejected)} lines rejected: nothing was imported"]
        verb = "would be" if dry_run else "were"
        return [
            f"{self.registered} vulnerabilities {verb} registered, {self.updated} {verb} "
            f"updated, {self.unchanged} unchanged"
        ]


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in FIELDS if name not in header]
        if missing:
            raise InvalidImport(
                f"missing column(s): {', '.join(missing)} (expected {','.join(FIELDS)})"
            )
        unknown = [name for name in header if name not in FIELDS]
        if unknown:
            raise InvalidImport(f"unknown column(s): {', '.join(unknown)}")
        reader.fieldnames = header
        rows = []
        for raw in reader:
            extra = raw.get(None)
            row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
            if extra:
                row["\0extra"] = ",".join(extra)
            rows.append((reader.line_num, row))
        return rows
    except csv.Error as exc:
        raise InvalidImport(f"not a CSV file: {exc}") from None


def _stored(central: Central, org: str) -> dict[str, dict[str, Any]]:
    """The organisation's vulnerabilities central holds, by CVE."""
    prefix = f"{KIND}:{org}/"
    with central.reader.connect() as conn:
        known = conn.execute(select(organisations.c.id).where(organisations.c.id == org)).first()
        if known is None:
            raise InvalidImport(f"unknown organisation {org!r}")
        rows = conn.execute(
            select(reference_records).where(reference_records.c.stream.like(f"{prefix}%"))
        )
        return {row.stream[len(prefix) :]: json.loads(row.data) for row in rows}


def import_vulnerabilities(
    central: Central,
    text: str,
    org: str,
    dry_run: bool = False,
    actor: str = "import",
    today: date | None = None,
) -> SecurityImport:
    """Checks every line; records the file's events only when no line was rejected (and
    not on a dry run). Raises InvalidImport when the file as a whole cannot be read."""
    stored = _stored(central, org)
    result = SecurityImport()
    now = datetime.now(UTC)
    today = today or now.astimezone().date()
    seen: dict[str, int] = {}
    for line, row in _rows(text):
        if "\0extra" in row:
            result.rejected.append((line, "more fields than the header names"))
            continue
        problem = problem_of(row, today)
        if problem is not None:
            result.rejected.append((line, f"{problem[0]}: {problem[1]}"))
            continue
        cve = row["cve"]
        if cve in seen:
            result.rejected.append((line, f"cve: {cve} is on line {seen[cve]} already"))
            continue
        seen[cve] = line
        fields = {"org": org, **{name: row[name] for name in FIELDS}}
        before = stored.get(cve)
        if before is None:
            kind, data = "vulnerability_registered", fields
            result.registered += 1
        else:
            data = {k: v for k, v in fields.items() if before.get(k) != v}
            if not data:
                result.unchanged += 1
                continue
            kind = "vulnerability_updated"
            result.updated += 1
        result.events.append(
            {
                "id": str(uuid.uuid4()),
                "stream": stream_of(org, cve),
                "type": kind,
                "at": now.isoformat(),
                "actor": actor,
                "data": data,
            }
        )
    if result.rejected or dry_run or not result.events:
        return result
    importer = User(0, actor, Role.ADMIN)
    for outcome in central.record(importer, result.events, "local"):
        if outcome.status == "rejected":  # pragma: no cover - checked above by the same rules
            result.rejected.append((0, outcome.reason or "rejected"))
    return result
