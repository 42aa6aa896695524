"""The mail outbox looked up by stream: a notice's (or a ticket's) mails and their
delivery, read per event (`GET /api/v1/notices/{id}/deliveries`) without a scan of every
mail central ever sent.

Revision ID: c0011
Revises: c0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "c0011"
down_revision = "c0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_mail_outbox_stream", "mail_outbox", ["stream", "event_id"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_stream", table_name="mail_outbox")
