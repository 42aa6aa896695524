"""Per organisation mail: the key of the satisfaction survey's links (csat.py: a link is
the resolved event's id encrypted with it) and the mail templates an organisation
published (`central template publish`).

Revision ID: c0008
Revises: c0007 (c0006 as given; relinked after mail, which this branch merged)
Create Date: 2026-12-06
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "c0008"
down_revision = "c0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    key = op.create_table(
        "csat_key",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("secret", sa.String(64), nullable=False),
    )
    op.bulk_insert(key, [{"id": 1, "secret": secrets.token_hex(32)}])
    op.create_table(
        "mail_templates",
        sa.Column("org", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(40), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mail_templates")
    op.drop_table("csat_key")
