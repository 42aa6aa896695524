"""The central's own entries in its audit log (users added or revoked, personal data and
the log itself read), and the log read back: export, verification, checkpoint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from halt_desk.central import audit, event_chain
from halt_desk.central.auth import User, check_may_read
from halt_desk.central.engine import CentralDatabase
from halt_desk.central.schema import audit_log
from halt_desk.central.validation import MAX_PAGE


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def append_entry(
    conn: Connection,
    actor: str,
    action: str,
    obj: str,
    address: str,
    detail: Mapping[str, Any],
    org: str | None = None,
) -> None:
    """One entry at the end of the chain, in the transaction of `conn`; `org`: the
    organisation it concerns (in `detail` too, which the hash covers)."""
    audit.append(
        conn,
        audit_log,
        at=now_iso(),
        actor=actor,
        action=action,
        object=obj,
        address=address,
        detail=dict(detail) if org is None else {**detail, "org": org},
        unchained={"org": org},
    )


def audit_rows(
    db: CentralDatabase, user: User, address: str, after_id: int = 0, limit: int = 1000
) -> list[dict[str, Any]]:
    """Entries after `after_id`; a user bound to organisations gets only the entries that
    concern them (the `org` column, indexed with the id)."""
    check_may_read(user, "audit")
    query = select(audit_log).where(audit_log.c.id > after_id)
    if user.bound:
        query = query.where(audit_log.c.org.in_(sorted(user.orgs)))
    with db.write() as conn:
        rows = (
            conn.execute(query.order_by(audit_log.c.id).limit(min(limit, MAX_PAGE)))
            .mappings()
            .all()
        )
        orgs = sorted(user.orgs) if user.bound else [None]
        for org in orgs:
            detail = {"after": after_id}
            append_entry(conn, user.name, "audit.exported", "audit", address, detail, org)
    return [dict(row) for row in rows]


def verify_audit(
    db: CentralDatabase, checkpoints: Sequence[audit.Checkpoint] = ()
) -> list[audit.AuditProblem]:
    """The problems of the audit log's chain and of the events' chain, each against the
    checkpoints kept, read in one snapshot (a live server goes on writing meanwhile)."""
    kept_events = [
        event_chain.EventPoint(point.event_seq, point.event_chain)
        for point in checkpoints
        if point.event_seq is not None and point.event_chain is not None
    ]
    with _snapshot(db) as conn:
        problems = audit.verify_table(conn, audit_log, checkpoints=checkpoints)
        return problems + event_chain.verify_table(conn, kept_events)


def audit_checkpoint(db: CentralDatabase) -> audit.Checkpoint | None:
    """The id and hash of the latest audit row, with the seq and chain of the latest event,
    to keep outside the database."""
    with _snapshot(db) as conn:
        point = audit.checkpoint(conn, audit_log)
        last = event_chain.last_event(conn)
    if point is None or last is None:
        return point
    return dataclasses.replace(point, event_seq=last.seq, event_chain=last.chain)


@contextmanager
def _snapshot(db: CentralDatabase) -> Iterator[Connection]:
    """A reading connection whose statements all see one snapshot (on PostgreSQL a
    REPEATABLE READ transaction; SQLite's read transaction already is one)."""
    with db.reader.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn
