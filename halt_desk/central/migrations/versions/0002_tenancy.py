"""Organisations kept apart: the organisation of every event and audit entry, users bound
to organisations, the swaps projection and the devices' organisation.

Stored events get their `org` back-filled from the projections (tickets, swaps, devices)
and the reference records (employees, locations), as the writer resolves it for new ones
(central/tenancy.py); audit entries from the ticket or the events they name.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("org", sa.String(100), nullable=True))
    op.create_index("ix_events_org_seq", "events", ["org", "seq"])
    op.add_column("audit_log", sa.Column("org", sa.String(100), nullable=True))
    op.create_index("ix_audit_log_org_id", "audit_log", ["org", "id"])
    op.add_column("devices", sa.Column("org", sa.String(100), nullable=True))
    op.create_table(
        "user_orgs",
        sa.Column("user_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("org", sa.String(100), primary_key=True),
    )
    op.create_table(
        "swaps",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("ticket", sa.String(100), nullable=False),
        sa.Column("org", sa.String(100), nullable=True),
        sa.Column("engineer", sa.String(200), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_swaps_ticket", "swaps", ["ticket"])
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO user_orgs (user_id, org) SELECT id, org FROM users WHERE org IS NOT NULL"
        )
    )
    _devices(conn)
    _swaps(conn)
    _event_orgs(conn)
    _audit_orgs(conn)


def _devices(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT asset_tag, fold FROM devices")).all()
    for tag, fold in rows:
        org = json.loads(fold).get("org")
        if isinstance(org, str):
            conn.execute(
                sa.text("UPDATE devices SET org = :org WHERE asset_tag = :tag"),
                {"org": org[:100], "tag": tag},
            )


def _swaps(conn: sa.Connection) -> None:
    """The swaps projection folded from the stored swap streams (as the writer keeps it)."""
    swaps: dict[str, dict[str, Any]] = {}
    query = sa.text("SELECT stream, type, data FROM events WHERE stream LIKE 'swap:%' ORDER BY seq")
    for stream, kind, text in conn.execute(query):
        data = json.loads(text)
        key = stream[len("swap:") :]
        if kind == "swap_opened":
            swaps[key] = {"id": key, "ticket": str(data.get("ticket", ""))[:100],
                          "engineer": _text(data.get("engineer")), "closed": False}  # fmt: skip
        elif key in swaps and kind == "swap_updated" and "engineer" in data:
            swaps[key]["engineer"] = _text(data.get("engineer"))
        elif key in swaps and kind == "swap_closed":
            swaps[key]["closed"] = True
    tickets: dict[str, str] = dict(conn.execute(sa.text("SELECT id, org FROM tickets")).all())
    for swap in swaps.values():
        conn.execute(
            sa.text(
                "INSERT INTO swaps (id, ticket, org, engineer, closed) "
                "VALUES (:id, :ticket, :org, :engineer, :closed)"
            ),
            {**swap, "org": tickets.get(swap["ticket"])},
        )


def _text(value: object) -> str | None:
    return value[:200] if isinstance(value, str) else None


def _event_orgs(conn: sa.Connection) -> None:
    for prefix, source in (
        ("ticket:", "SELECT org FROM tickets WHERE tickets.id = substr(events.stream, {n})"),
        ("swap:", "SELECT org FROM swaps WHERE swaps.id = substr(events.stream, {n})"),
        ("device:", "SELECT org FROM devices WHERE devices.asset_tag = substr(events.stream, {n})"),
    ):
        subquery = source.format(n=len(prefix) + 1)
        conn.execute(sa.text(f"UPDATE events SET org = ({subquery}) WHERE stream LIKE '{prefix}%'"))
    conn.execute(sa.text("UPDATE events SET org = substr(stream, 5) WHERE stream LIKE 'org:%'"))
    records = conn.execute(
        sa.text(
            "SELECT stream, data FROM reference_records "
            "WHERE stream LIKE 'employee:%' OR stream LIKE 'location:%'"
        )
    ).all()
    for stream, text in records:
        org = json.loads(text).get("org")
        if isinstance(org, str):
            conn.execute(
                sa.text("UPDATE events SET org = :org WHERE stream = :stream"),
                {"org": org[:100], "stream": stream},
            )


def _audit_orgs(conn: sa.Connection) -> None:
    """Audit entries that name a ticket or recorded events of one organisation get it."""
    conn.execute(
        sa.text(
            "UPDATE audit_log SET org = (SELECT org FROM tickets "
            "WHERE tickets.id = substr(audit_log.object, 8)) WHERE object LIKE 'ticket:%'"
        )
    )
    rows = conn.execute(
        sa.text("SELECT id, detail FROM audit_log WHERE action = 'events.recorded'")
    ).all()
    for row_id, detail in rows:
        seqs = [item[0] for item in json.loads(detail).get("events", [])]
        orgs = set(_orgs_of(conn, seqs))
        if len(orgs) == 1:
            conn.execute(
                sa.text("UPDATE audit_log SET org = :org WHERE id = :id"),
                {"org": orgs.pop(), "id": row_id},
            )


def _orgs_of(conn: sa.Connection, seqs: list[int]) -> Iterable[str | None]:
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        query = sa.text("SELECT DISTINCT org FROM events WHERE seq IN :seqs").bindparams(
            sa.bindparam("seqs", expanding=True)
        )
        yield from conn.execute(query, {"seqs": chunk}).scalars()


def downgrade() -> None:
    op.drop_index("ix_swaps_ticket", "swaps")
    op.drop_table("swaps")
    op.drop_table("user_orgs")
    for table, index in (("events", "ix_events_org_seq"), ("audit_log", "ix_audit_log_org_id")):
        op.drop_index(index, table)
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("org")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("org")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("org")
