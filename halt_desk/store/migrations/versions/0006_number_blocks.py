"""Ticket numbers: the blocks of an organisation's series central reserved for this desk.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "number_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("next", sa.Integer(), nullable=False),
        sa.Column("reserved_at", sa.String(), nullable=False),
        sa.CheckConstraint(
            "first <= next AND next <= last + 1", name="ck_number_blocks_within"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_number_blocks"),
    )
    op.create_index(
        "ix_number_blocks_series", "number_blocks", ["org", "year", "first"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_number_blocks_series", table_name="number_blocks")
    op.drop_table("number_blocks")
