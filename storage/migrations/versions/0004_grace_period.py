"""Teachers' grace period: minutes after booking in which a student may still undo it.

Existing teachers get the default, 10 minutes, so a mistaken booking inside the cancellation
window can be undone from the day this lands.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite has ADD and DROP COLUMN since 3.35): a batch
# rebuild would drop and recreate `teachers`, and with foreign keys on that cascades.


def upgrade() -> None:
    op.add_column(
        "teachers", sa.Column("grace_minutes", sa.Integer(), server_default="10", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("teachers", "grace_minutes")
