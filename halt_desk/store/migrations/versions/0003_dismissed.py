"""Outbox: a refused event the person has seen and chose not to send again is `dismissed`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", recreate="always") as batch:
        batch.drop_constraint("ck_outbox_status", type_="check")
        batch.create_check_constraint(
            "ck_outbox_status", "status IN ('pending', 'rejected', 'dismissed')"
        )


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'rejected' WHERE status = 'dismissed'")
    with op.batch_alter_table("outbox", recreate="always") as batch:
        batch.drop_constraint("ck_outbox_status", type_="check")
        batch.create_check_constraint("ck_outbox_status", "status IN ('pending', 'rejected')")
