"""The reason a teacher gave for time off, so /availability can show it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.drop_column("reason")
