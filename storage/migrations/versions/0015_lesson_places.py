"""Lesson places: the teacher's default meeting link or address, per set of hours, per lesson.

Three small tables keyed by what the place belongs to (teacher, hours, booking), each row
going with its owner. A lesson's place is its own, else its hours', else the default
(bot/domain/places.py); `changed_at` lets calendar feeds show a changed place as a change.

Revision ID: 0015_lesson_places
Revises: 0014_lesson_notes
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0015_lesson_places"
down_revision = "0014_lesson_notes"
branch_labels = None
depends_on = None

# (table, key column, the table it belongs to)
TABLES = (
    ("teacher_places", "teacher_id", "teachers"),
    ("window_places", "window_id", "availability_windows"),
    ("booking_places", "booking_id", "bookings"),
)


def upgrade() -> None:
    for table, key, owner in TABLES:
        op.create_table(
            table,
            sa.Column(
                key,
                sa.Integer(),
                sa.ForeignKey(f"{owner}.id", ondelete="CASCADE", name=f"fk_{table}_{key}_{owner}"),
                nullable=False,
            ),
            sa.Column("place", sa.String(300), nullable=False),
            sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint(key, name=f"pk_{table}"),
        )


def downgrade() -> None:
    for table, _key, _owner in reversed(TABLES):
        op.drop_table(table)
