"""Ticket number series: the last number of each organisation's series per year, and
every block of numbers handed out to a desk.

Revision ID: c0005
Revises: c0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_series",
        sa.Column("org", sa.String(100), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "number_blocks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("org", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first_number", sa.BigInteger(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.Column("reserved_by", sa.String(200), nullable=False),
        sa.Column("reserved_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_number_blocks_series", "number_blocks", ["org", "year", "first_number"])


def downgrade() -> None:
    op.drop_index("ix_number_blocks_series", "number_blocks")
    op.drop_table("number_blocks")
    op.drop_table("number_series")
