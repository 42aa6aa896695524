"""Staff: the colleagues' directory (`staff:<user name>` reference streams), so the desk
shows people by name (timeline, assignee, list) and finds them when assigning.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Hand-written; a released revision is never edited.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("org", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
    )


def downgrade() -> None:
    op.drop_table("staff")
