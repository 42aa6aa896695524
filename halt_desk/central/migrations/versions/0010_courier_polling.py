"""Courier polling by central: per carrier its interval, address and rate
(`courier_settings`; the API key is a central secret), and when each open shipment is
asked next (`courier_polls`), and how far it looked for a restore (`courier_poller_state`).

Revision ID: c0010
Revises: c0007 (c0006 on its own branch; relinked after merging mail)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0010"
down_revision = "c0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courier_settings",
        sa.Column("carrier", sa.String(20), primary_key=True),
        sa.Column("interval_minutes", sa.Float(), nullable=False),
        sa.Column("base_url", sa.String(300), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "courier_polls",
        sa.Column("carrier", sa.String(20), primary_key=True),
        sa.Column("tracking", sa.String(100), primary_key=True),
        sa.Column("next_at", sa.BigInteger(), nullable=False),
        sa.Column("polled_at", sa.String(40), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("problem", sa.String(200), nullable=True),
    )
    op.create_table(
        "courier_poller_state",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("courier_poller_state")
    op.drop_table("courier_polls")
    op.drop_table("courier_settings")
