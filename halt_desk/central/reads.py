"""What clients read from the central: the changes feed (home addresses only for who may
see them), a ticket's evaluated state, the number of events; reads of personal data audited.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from halt_desk.central.audit_trail import append_entry
from halt_desk.central.auth import HOME_ADDRESS_FIELDS, Role, User, may_see_home_address
from halt_desk.central.batch import event_from_row
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import events, organisations, reference_records, tickets
from halt_desk.central.validation import MAX_PAGE
from halt_desk.domain.clocks import evaluate
from halt_desk.domain.profiles import Profile, resolve_profile
from halt_desk.domain.timeline import timeline_from_events


def changes(
    db: CentralDatabase, user: User, since: int, limit: int, address: str
) -> tuple[list[dict[str, Any]], int, bool]:
    """Events after `since` in seq order; home addresses only for who may see them."""
    limit = max(1, min(limit, MAX_PAGE))
    with db.reader.connect() as conn:
        rows = (
            conn.execute(
                select(events).where(events.c.seq > since).order_by(events.c.seq).limit(limit + 1)
            )
            .mappings()
            .all()
        )
        assignees = {}
        if user.role is Role.FIELD:
            assignees = dict(conn.execute(select(tickets.c.id, tickets.c.assignee)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    out: list[dict[str, Any]] = []
    personal = False
    for row in rows:
        data = json.loads(row["data"])
        if HOME_ADDRESS_FIELDS & data.keys():
            # A swap's address belongs to its ticket: the ticket's engineer may see it.
            ticket_key = data.get("ticket") if row["stream"].startswith("swap:") else None
            assignee = assignees.get(ticket_key or row["stream"].partition(":")[2])
            if may_see_home_address(user, assignee):
                personal = True
            else:
                data = {k: v for k, v in data.items() if k not in HOME_ADDRESS_FIELDS}
        if row["stream"].startswith("employee:"):
            personal = True
        out.append(
            {
                "id": row["id"],
                "stream": row["stream"],
                "type": row["type"],
                "at": row["at"],
                "actor": row["actor"],
                "data": data,
                "seq": row["seq"],
            }
        )
    next_seq = rows[-1]["seq"] if rows else since
    if personal:
        with db.write() as conn:
            detail = {"since": since, "next": next_seq}
            append_entry(conn, user.name, "personal_data.read", "changes", address, detail)
    return out, next_seq, more


def ticket_state(
    db: CentralDatabase, user: User, ticket_id: str, address: str
) -> dict[str, Any] | None:
    with db.reader.connect() as conn:
        ticket = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().first()
        if ticket is None:
            return None
        history = [
            event_from_row(row)
            for row in conn.execute(
                select(events)
                .where(events.c.stream == f"ticket:{ticket_id}")
                .order_by(events.c.seq)
            ).mappings()
        ]
        profile_name = conn.execute(
            select(organisations.c.profile).where(organisations.c.id == ticket["org"])
        ).scalar_one()
        profile = _published_profile(conn, profile_name)
    evaluation = evaluate(profile, timeline_from_events(ticket_id, history), datetime.now(UTC))
    with db.write() as conn:
        append_entry(conn, user.name, "ticket.read", f"ticket:{ticket_id}", address, {})
    return {**evaluation.to_json(), "org": ticket["org"], "assignee": ticket["assignee"]}


def _published_profile(conn: Connection, name: str) -> Profile:
    document = conn.execute(
        select(reference_records.c.data).where(reference_records.c.stream == f"profile:{name}")
    ).scalar_one_or_none()
    return resolve_profile(name, json.loads(document)["toml"] if document is not None else None)


def event_count(db: CentralDatabase) -> int:
    with db.reader.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())
