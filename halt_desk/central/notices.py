"""Notices at the central: a `notice:` event checked against its stream (the same fold as
the desk's) and against the organisation's directory (a location scope names a location of
that organisation), a ticket's `linked_to_notice` against the notice, and who a notice
reaches (the employees in its scope with an e-mail address)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from halt_desk.central.batch import Batch
from halt_desk.central.schema import reference_records
from halt_desk.central.validation import Rejected
from halt_desk.domain.errors import InvalidEvent
from halt_desk.domain.events import Event, required_text
from halt_desk.domain.notices import Notice, ScopeKind, apply_notice_event, fold_notice, in_scope


def apply_notice(batch: Batch, event: Event) -> Notice:
    """Checks `event` against its notice stream and keeps it in the batch's history;
    returns the notice after it. Raises (InvalidEvent, Rejected) to refuse it."""
    history = batch.history(event.stream)
    notice = apply_notice_event(fold_notice(history), event)
    if event.type == "notice_published":
        if batch.profile_of(notice.org) is None:
            raise Rejected(f"{event.stream}: unknown organisation {notice.org!r}")
        if notice.scope.kind is ScopeKind.LOCATION:
            location = batch.reference(f"location:{notice.scope.id}")
            if location is None or location.get("org") != notice.org:
                problem = f"{notice.scope.id!r} is not a location of organisation {notice.org}"
                raise InvalidEvent(event.id, "data.scope.id", problem)
    history.append(event)
    return notice


def check_notice_link(batch: Batch, event: Event, ticket_org: str) -> None:
    """A ticket's `linked_to_notice` names a published notice of the ticket's organisation."""
    notice_id = required_text(event, "notice")
    notice = fold_notice(batch.history(f"notice:{notice_id}"))
    if notice is None:
        raise InvalidEvent(event.id, "data.notice", f"unknown notice {notice_id!r}")
    if notice.org != ticket_org:
        problem = f"notice {notice_id} is for organisation {notice.org}, not {ticket_org}"
        raise InvalidEvent(event.id, "data.notice", problem)


def employees_of(conn: Connection, org: str) -> list[dict[str, Any]]:
    """The employee records of `org` in the central's directory."""
    rows = conn.execute(
        select(reference_records.c.stream, reference_records.c.data).where(
            reference_records.c.stream.like("employee:%")
        )
    )
    found: list[dict[str, Any]] = []
    for stream, text in rows:
        data = json.loads(text)
        if isinstance(data, dict) and data.get("org") == org:
            found.append({**data, "id": stream.partition(":")[2]})
    return found


def recipients(notice: Notice, employees: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    """The employees `notice` reaches that have an e-mail address, each once, by id."""
    seen: set[str] = set()
    found: list[Mapping[str, Any]] = []
    for employee in sorted(in_scope(notice, employees), key=lambda e: str(e.get("id"))):
        email = employee.get("email")
        if isinstance(email, str) and "@" in email and email.lower() not in seen:
            seen.add(email.lower())
            found.append(employee)
    return found
