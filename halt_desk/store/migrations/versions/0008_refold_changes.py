"""Change tickets folded before a change counted down its own clocks (KPI 5 and 6) keep
an incident's `next_due` and `overdue` in `tickets` until an event folds them again. The
new table `refold_pending` names streams to fold again once when the store opens
(store/housekeeping.py, `fold_pending`); this revision fills it with every change ticket
(a `ticket_reported` with `kind: change`). A cache without change tickets gets an empty
table, and opening it costs one look at that table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "refold_pending",
        sa.Column("stream", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("stream", name="pk_refold_pending"),
    )
    op.execute(
        "INSERT OR IGNORE INTO refold_pending (stream) SELECT DISTINCT stream FROM events "
        "WHERE type = 'ticket_reported' AND stream LIKE 'ticket:%' "
        "AND json_extract(data, '$.kind') = 'change'"
    )


def downgrade() -> None:
    op.drop_table("refold_pending")
