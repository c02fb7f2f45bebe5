"""Indexes that make /stats and /students range scans instead of reads of a whole history.

- bookings (student_id, created_at): a student's first and last booking, one index seek
  each, for the activity of /stats and the funnel's first booking.
- bookings (student_id, cancelled_at) WHERE cancelled_by = 'student': a student's latest own
  cancellation (activity) without reading their other bookings.
- audit_events (teacher_id, at) and (student_id, at) now carry event and outcome too, so the
  refused link openings of a period are counted from the index alone.

Revision ID: 0007_stats_indexes
Revises: 0006_teacher_booking_buffers
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_stats_indexes"
down_revision = "0006_teacher_booking_buffers"
branch_labels = None
depends_on = None

BY_STUDENT = sa.text("cancelled_by = 'student'")


AUDIT = {"ix_audit_teacher_at": "teacher_id", "ix_audit_student_at": "student_id"}


def upgrade() -> None:
    for name, column in AUDIT.items():
        op.drop_index(name, table_name="audit_events")
        op.create_index(name, "audit_events", [column, "at", "event", "outcome"])
    op.create_index("ix_bookings_student_created", "bookings", ["student_id", "created_at"])
    op.create_index(
        "ix_bookings_student_cancelled",
        "bookings",
        ["student_id", "cancelled_at"],
        sqlite_where=BY_STUDENT,
        postgresql_where=BY_STUDENT,
    )


def downgrade() -> None:
    op.drop_index("ix_bookings_student_cancelled", table_name="bookings")
    op.drop_index("ix_bookings_student_created", table_name="bookings")
    for name, column in AUDIT.items():
        op.drop_index(name, table_name="audit_events")
        op.create_index(name, "audit_events", [column, "at"])
