"""Tickets: `overdue`, whether the last fold found a clock breached and still open.

Reminders evaluate only the open tickets with a deadline within 15 minutes or a clock
already overdue; `next_due` answers the first, this column the second (a missed status
update stays overdue while its next deadline lies ahead). NULL on rows folded before this
revision: read as "maybe", until the ticket's next event folds it again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("overdue", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("overdue")
