"""Waitlist: students in line for a full slot, and seats held for the one offered.

`slots.held` counts seats held for an offer; the database keeps `booked + held` within the
capacity (a CHECK, and the conditional seat update), so a held seat can be taken by nobody
else and a hold never makes a slot exceed its seats. `waitlist_entries` is the line: one live
entry (waiting or offered) per student and slot. `teachers.waitlist_hold_minutes` is how long
an offer holds its seat.

Revision ID: 0013_waitlist
Revises: 0012_calendar_feeds
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0013_waitlist"
down_revision = "0012_calendar_feeds"
branch_labels = None
depends_on = None

_HOLDS_CHECK = "held >= 0 AND booked + held <= capacity"
_LIVE = "state IN ('waiting', 'offered')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds no table constraint to an existing table; a column's CHECK may name
        # the row's other columns, and ADD COLUMN accepts it.
        op.execute(
            "ALTER TABLE slots ADD COLUMN held INTEGER NOT NULL DEFAULT 0 "
            f"CONSTRAINT ck_slots_holds_within_capacity CHECK ({_HOLDS_CHECK})"
        )
    else:
        op.add_column("slots", sa.Column("held", sa.Integer(), nullable=False, server_default="0"))
        op.create_check_constraint(op.f("ck_slots_holds_within_capacity"), "slots", _HOLDS_CHECK)
    op.add_column(
        "teachers",
        sa.Column("waitlist_hold_minutes", sa.Integer(), nullable=False, server_default="15"),
    )
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "slot_id",
            sa.Integer(),
            sa.ForeignKey("slots.id", ondelete="CASCADE", name="fk_waitlist_entries_slot_id_slots"),
            nullable=False,
        ),
        sa.Column(
            "student_id",
            sa.Integer(),
            sa.ForeignKey(
                "students.id", ondelete="CASCADE", name="fk_waitlist_entries_student_id_students"
            ),
            nullable=False,
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("offered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("hold_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_waitlist_entries"),
    )
    op.create_index(
        "uq_waitlist_live_slot_student",
        "waitlist_entries",
        ["slot_id", "student_id"],
        unique=True,
        sqlite_where=sa.text(_LIVE),
        postgresql_where=sa.text(_LIVE),
    )
    op.create_index("ix_waitlist_slot_state", "waitlist_entries", ["slot_id", "state", "id"])
    op.create_index("ix_waitlist_student_state", "waitlist_entries", ["student_id", "state"])
    op.create_index("ix_waitlist_state_hold", "waitlist_entries", ["state", "hold_until"])


def downgrade() -> None:
    op.drop_table("waitlist_entries")
    op.drop_column("teachers", "waitlist_hold_minutes")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("slots") as batch:  # the table is copied without them
            batch.drop_constraint(op.f("ck_slots_holds_within_capacity"), type_="check")
            batch.drop_column("held")
    else:
        op.drop_constraint(op.f("ck_slots_holds_within_capacity"), "slots", type_="check")
        op.drop_column("slots", "held")
