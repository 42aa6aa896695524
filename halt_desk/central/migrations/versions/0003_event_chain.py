"""The hash chain over the events: `events.chain` and its head in `seq_counter.chain_head`,
back-filled for the events stored before.

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from halt_desk.central.audit import GENESIS_HASH
from halt_desk.central.event_chain import CHAINED_COLUMNS, chain_hash

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None

#: Events read and updated per round of the back-fill.
BATCH = 2000


def upgrade() -> None:
    op.add_column("events", sa.Column("chain", sa.String(64), nullable=True))
    op.add_column(
        "seq_counter",
        sa.Column("chain_head", sa.String(64), nullable=False, server_default=GENESIS_HASH),
    )
    head = _back_fill(op.get_bind())
    op.execute(sa.text("UPDATE seq_counter SET chain_head = :head").bindparams(head=head))
    with op.batch_alter_table("events") as batch:
        batch.alter_column("chain", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("seq_counter") as batch:
        batch.alter_column("chain_head", existing_type=sa.String(64), server_default=None)


def _back_fill(conn: sa.Connection) -> str:
    """Chains the stored events in `seq` order, `BATCH` at a time; returns the head."""
    events = sa.table("events", *(sa.column(name) for name in (*CHAINED_COLUMNS, "chain")))
    read = (
        sa.select(*(events.c[name] for name in CHAINED_COLUMNS))
        .where(events.c.seq > sa.bindparam("after"))
        .order_by(events.c.seq)
        .limit(BATCH)
    )
    write = (
        sa.update(events)
        .where(events.c.seq == sa.bindparam("at_seq"))
        .values(chain=sa.bindparam("new_chain"))
    )
    head, after = GENESIS_HASH, 0
    while True:
        rows = conn.execute(read, {"after": after}).mappings().all()
        if not rows:
            return head
        chained = []
        for row in rows:
            head = chain_hash(head, row)
            chained.append({"at_seq": row["seq"], "new_chain": head})
        conn.execute(write, chained)
        after = rows[-1]["seq"]


def downgrade() -> None:
    with op.batch_alter_table("seq_counter") as batch:
        batch.drop_column("chain_head")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("chain")
