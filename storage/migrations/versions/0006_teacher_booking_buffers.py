"""Teachers' buffer: minutes kept free before and after each booked lesson.

Existing teachers get 0 (no buffer), so nothing offered today disappears when this lands.
Extra lessons need no column: they are slots with status 'extra' (a free-text column).

Revision ID: 0006_teacher_booking_buffers
Revises: 0005_weekly_series
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_teacher_booking_buffers"
down_revision = "0005_weekly_series"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases, as in 0004: a batch rebuild of `teachers` would cascade.


def upgrade() -> None:
    op.add_column(
        "teachers", sa.Column("buffer_minutes", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("teachers", "buffer_minutes")
