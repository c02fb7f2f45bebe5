"""Weekly series: a standing lesson, its occurrences, and the teacher's series settings.

A series holds a weekday and a wall time in the teacher's zone; each occurrence is an
ordinary booking that names its series. `series_occurrences` records every local date a
series has tried (booked or skipped, and why), unique per (series, date), so rolling a
series forward is idempotent even when two workers try at once.

Revision ID: 0005_weekly_series
Revises: 0004
Create Date: 2026-12-01 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0005_weekly_series"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "teacher_id",
            sa.Integer(),
            sa.ForeignKey("teachers.id", ondelete="CASCADE", name="fk_series_teacher_id_teachers"),
            nullable=False,
        ),
        sa.Column(
            "student_id",
            sa.Integer(),
            sa.ForeignKey("students.id", ondelete="CASCADE", name="fk_series_student_id_students"),
            nullable=False,
        ),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False, server_default=""),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("until_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_series"),
    )
    op.create_index("ix_series_status", "series", ["status"])
    op.create_index("ix_series_student_id", "series", ["student_id"])
    op.create_table(
        "series_occurrences",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "series_id",
            sa.Integer(),
            sa.ForeignKey(
                "series.id", ondelete="CASCADE", name="fk_series_occurrences_series_id_series"
            ),
            nullable=False,
        ),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("skipped", sa.String(16), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_series_occurrences"),
        sa.UniqueConstraint("series_id", "on_date", name="uq_series_occurrences_series_id"),
    )
    op.add_column("bookings", sa.Column("series_id", sa.Integer(), nullable=True))
    op.create_index("ix_bookings_series_id", "bookings", ["series_id"])
    op.add_column(
        "teachers",
        sa.Column("series_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.add_column(
        "teachers",
        sa.Column("series_max_weeks", sa.Integer(), server_default="26", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("teachers", "series_max_weeks")
    op.drop_column("teachers", "series_enabled")
    op.drop_index("ix_bookings_series_id", "bookings")
    op.drop_column("bookings", "series_id")
    op.drop_table("series_occurrences")
    op.drop_index("ix_series_student_id", "series")
    op.drop_index("ix_series_status", "series")
    op.drop_table("series")
