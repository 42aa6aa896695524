"""Mail from the central (issue 20): the triggers the writer leaves with an event, the
mail outbox, central's settings and its encrypted secrets.

Revision ID: c0007
Revises: c0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0007"
down_revision = "c0006"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    )


def upgrade() -> None:
    op.create_table(
        "mail_triggers",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("stream", sa.String(200), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("org", sa.String(100), nullable=True),
    )
    op.create_table(
        "mail_clock_watch",
        sa.Column("stream", sa.String(200), primary_key=True),
        sa.Column("clock", sa.String(30), primary_key=True),
        sa.Column("due_ms", sa.BigInteger(), nullable=False),
        sa.Column("org", sa.String(100), nullable=True),
    )
    op.create_index("ix_mail_clock_watch_due", "mail_clock_watch", ["due_ms"])
    op.create_table(
        "mail_outbox",
        _id(),
        sa.Column("message_id", sa.String(250), nullable=False, unique=True),
        sa.Column("org", sa.String(100), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("to_addr", sa.String(254), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("stream", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_ms", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("queued_at", sa.String(40), nullable=False),
        sa.Column("sent_at", sa.String(40), nullable=True),
        sa.Column("recorded", sa.String(16), nullable=True),
    )
    op.create_index("ix_mail_outbox_state", "mail_outbox", ["state", "next_try_ms"])
    op.create_index("ix_mail_outbox_recorded", "mail_outbox", ["recorded", "state"])
    op.create_table(
        "central_settings",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "central_secrets",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("central_secrets")
    op.drop_table("central_settings")
    op.drop_index("ix_mail_outbox_recorded", "mail_outbox")
    op.drop_index("ix_mail_outbox_state", "mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index("ix_mail_clock_watch_due", "mail_clock_watch")
    op.drop_table("mail_clock_watch")
    op.drop_table("mail_triggers")
