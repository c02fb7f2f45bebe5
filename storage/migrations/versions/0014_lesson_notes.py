"""Lesson notes: the teacher's note (topic, homework, materials) and the student's note.

Both are plain text on the booking, empty when there is none; a moved lesson takes its
notes along. The length limit is a domain rule (bot/domain/notes.py), not a column type,
so changing it needs no migration.

Revision ID: 0014_lesson_notes
Revises: 0013_waitlist
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_lesson_notes"
down_revision = "0013_waitlist"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (see 0004): a batch rebuild of `bookings` would cascade.


def upgrade() -> None:
    op.add_column(
        "bookings", sa.Column("teacher_note", sa.Text(), server_default="", nullable=False)
    )
    op.add_column(
        "bookings", sa.Column("student_note", sa.Text(), server_default="", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("bookings", "student_note")
    op.drop_column("bookings", "teacher_note")
