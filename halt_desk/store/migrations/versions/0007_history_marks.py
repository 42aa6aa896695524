"""Central's history as this cache pulled it: the chain of the last seq of each pulled
page (`sync_marks`), central's identity, and a notice for the user after central was
found restored from an older backup (store/history_marks.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "sync_marks",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_sync_marks"),
    )
    with op.batch_alter_table("sync_cursor") as batch:
        batch.add_column(sa.Column("central", sa.String(), nullable=True))
        batch.add_column(sa.Column("restore_notice", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_cursor") as batch:
        batch.drop_column("restore_notice")
        batch.drop_column("central")
    op.drop_table("sync_marks")
