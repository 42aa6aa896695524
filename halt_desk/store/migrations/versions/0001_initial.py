"""Initial schema: event log, outbox, sync cursor, reference data, ticket and device projections.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _reference_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("stream", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("at_utc_us", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("data", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.String(), nullable=False),
        sa.Column("local_order", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("local_order", name="uq_events_local_order"),
        sa.CheckConstraint("origin IN ('local', 'remote')", name="ck_events_origin"),
    )
    op.create_index("ix_events_stream_at", "events", ["stream", "at_utc_us", "local_order"])
    op.create_index("ix_events_seq", "events", ["seq"], unique=True)

    op.create_table(
        "outbox",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("created", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_outbox_event_id_events", ondelete="CASCADE"
        ),
    )

    sync_cursor = op.create_table(
        "sync_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sync_cursor"),
        sa.CheckConstraint("id = 1", name="ck_sync_cursor_single_row"),
    )
    op.bulk_insert(sync_cursor, [{"id": 1, "last_seq": 0, "updated_at": None}])

    op.create_table(
        "organisations",
        *_reference_columns(),
        sa.Column("profile", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
    )
    op.create_table(
        "employees",
        *_reference_columns(),
        sa.Column("org", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("team", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=True),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_employees"),
    )
    op.create_index("ix_employees_org", "employees", ["org"])
    op.create_table(
        "locations",
        *_reference_columns(),
        sa.Column("org", sa.String(), nullable=True),
        sa.Column("city", sa.String(), nullable=True),
        sa.Column("region", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_locations"),
    )
    op.create_index("ix_locations_org", "locations", ["org"])
    op.create_table(
        "depots",
        *_reference_columns(),
        sa.Column("city", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_depots"),
    )

    op.create_table(
        "tickets",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("org", sa.String(), nullable=False),
        sa.Column("caller", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=True),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("uplift", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reported_at", sa.String(), nullable=False),
        sa.Column("reported_at_utc_us", sa.Integer(), nullable=False),
        sa.Column("next_due", sa.String(), nullable=True),
        sa.Column("next_due_utc_us", sa.Integer(), nullable=True),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("resolved_at", sa.String(), nullable=True),
        sa.Column("mttr_business_minutes", sa.Integer(), nullable=True),
        sa.Column("mttp_business_minutes", sa.Integer(), nullable=True),
        sa.Column("mttp_wall_minutes", sa.Integer(), nullable=True),
        sa.Column("within_norm", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
    )
    op.create_index("ix_tickets_org", "tickets", ["org"])
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_next_due_utc_us", "tickets", ["next_due_utc_us"])

    op.create_table(
        "devices",
        sa.Column("asset_tag", sa.String(), nullable=False),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("model", sa.String(), nullable=True),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("org", sa.String(), nullable=True),
        sa.Column("depot", sa.String(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("asset_tag", name="pk_devices"),
    )
    op.create_index("ix_devices_serial", "devices", ["serial"])
    op.create_index("ix_devices_depot", "devices", ["depot"])
    op.create_index("ix_devices_state", "devices", ["state"])


def downgrade() -> None:
    for table in (
        "devices",
        "tickets",
        "depots",
        "locations",
        "employees",
        "organisations",
        "sync_cursor",
        "outbox",
        "events",
    ):
        op.drop_table(table)
