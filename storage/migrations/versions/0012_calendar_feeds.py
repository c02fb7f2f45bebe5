"""Live calendar feeds: subscription addresses out, the teacher's own busy calendar in.

`feed_tokens` holds the keyed hash of each subscription address (the teacher's, or one
student's); `busy_calendars` the teacher's own calendar feed (its address sealed), its
last good copy and the fetch state; `time_off.feed_id` marks the busy time read from it,
which blocks hours like typed time off and goes with the feed.

Revision ID: 0012_calendar_feeds
Revises: 0011_browser_links
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0012_calendar_feeds"
down_revision = "0011_browser_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "teacher_id",
            sa.Integer(),
            sa.ForeignKey(
                "teachers.id", ondelete="CASCADE", name="fk_feed_tokens_teacher_id_teachers"
            ),
            nullable=False,
        ),
        sa.Column(
            "student_id",
            sa.Integer(),
            sa.ForeignKey(
                "students.id", ondelete="CASCADE", name="fk_feed_tokens_student_id_students"
            ),
            nullable=True,
        ),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_feed_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_feed_tokens_token_hash"),
    )
    op.create_index("ix_feed_tokens_teacher_id", "feed_tokens", ["teacher_id"])
    op.create_index("ix_feed_tokens_student_id", "feed_tokens", ["student_id"])
    op.create_table(
        "busy_calendars",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "teacher_id",
            sa.Integer(),
            sa.ForeignKey(
                "teachers.id", ondelete="CASCADE", name="fk_busy_calendars_teacher_id_teachers"
            ),
            nullable=False,
        ),
        sa.Column("url_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("etag", sa.String(256), nullable=False, server_default=""),
        sa.Column("last_modified", sa.String(64), nullable=False, server_default=""),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("next_fetch_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ok_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failure_told", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("last_error", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_busy_calendars"),
        sa.UniqueConstraint("teacher_id", name="uq_busy_calendars_teacher_id"),
    )
    op.create_index("ix_busy_calendars_next_fetch_at", "busy_calendars", ["next_fetch_at"])
    with op.batch_alter_table("time_off") as batch:
        batch.add_column(sa.Column("feed_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_time_off_feed_id_busy_calendars",
            "busy_calendars",
            ["feed_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_time_off_feed_id", ["feed_id"])


def downgrade() -> None:
    with op.batch_alter_table("time_off") as batch:
        batch.drop_index("ix_time_off_feed_id")
        batch.drop_constraint("fk_time_off_feed_id_busy_calendars", type_="foreignkey")
        batch.drop_column("feed_id")
    op.drop_table("busy_calendars")
    op.drop_table("feed_tokens")
