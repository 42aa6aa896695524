"""Sync: rejected outbox rows with their reason, event base seq, clock offset, conflicts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("status", sa.String(), server_default="pending", nullable=False)
        )
        batch.add_column(sa.Column("reason", sa.String(), nullable=True))
        batch.add_column(sa.Column("rejected_at", sa.String(), nullable=True))
        batch.create_check_constraint("ck_outbox_status", "status IN ('pending', 'rejected')")
        batch.create_index("ix_outbox_status", ["status"])

    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("base_seq", sa.Integer(), nullable=True))

    with op.batch_alter_table("sync_cursor") as batch:
        batch.add_column(sa.Column("clock_offset_ms", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("clock_measured_at", sa.String(), nullable=True))

    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("ticket", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("local_event_id", sa.String(36), nullable=False),
        sa.Column("remote_event_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(), server_default="open", nullable=False),
        sa.Column("detected_at", sa.String(), nullable=False),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_conflicts"),
        sa.ForeignKeyConstraint(
            ["local_event_id"],
            ["events.id"],
            name="fk_conflicts_local_event_id_events",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["remote_event_id"],
            ["events.id"],
            name="fk_conflicts_remote_event_id_events",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name="ck_conflicts_status"),
    )
    op.create_index("ix_conflicts_ticket", "conflicts", ["ticket"])
    op.create_index("ix_conflicts_status", "conflicts", ["status"])
    op.create_index(
        "ix_conflicts_pair",
        "conflicts",
        ["local_event_id", "remote_event_id", "field"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("conflicts")
    with op.batch_alter_table("sync_cursor") as batch:
        batch.drop_column("clock_measured_at")
        batch.drop_column("clock_offset_ms")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("base_seq")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_status")
        batch.drop_constraint("ck_outbox_status", type_="check")
        batch.drop_column("rejected_at")
        batch.drop_column("reason")
        batch.drop_column("status")
