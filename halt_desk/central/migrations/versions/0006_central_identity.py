"""Central's identity: one row with a random id made when the database was created (a
backup and its restore carry it along; another, fresh central has another), which
laptops keep beside the history they pulled (central/history.py).

Revision ID: c0006
Revises: c0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "central_identity",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("instance", sa.String(36), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.bulk_insert(
        table,
        [{"id": 1, "instance": str(uuid.uuid4()), "created_at": datetime.now(UTC).isoformat()}],
    )


def downgrade() -> None:
    op.drop_table("central_identity")
