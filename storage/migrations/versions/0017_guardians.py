"""Guardians: a parent's own link to a student, bound to their account; the teacher's switch.

`guardians` holds one row per guardian link (keyed hash of its token, sealed copy for the
teacher, expiry, the account bound by the first opening, removal); `guardian_rules` holds,
per student, whether connected guardians may book, cancel and move for the student.

Revision ID: 0017_guardians
Revises: 0016_email
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0017_guardians"
down_revision = "0016_email"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guardians",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "student_id",
            sa.Integer(),
            sa.ForeignKey(
                "students.id", ondelete="CASCADE", name="fk_guardians_student_id_students"
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("token_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("bound_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("removed_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_guardians"),
        sa.UniqueConstraint("token_hash", name="uq_guardians_token_hash"),
    )
    op.create_index("ix_guardians_student_id", "guardians", ["student_id"])
    op.create_index("ix_guardians_telegram_id", "guardians", ["telegram_id"])
    op.create_table(
        "guardian_rules",
        sa.Column(
            "student_id",
            sa.Integer(),
            sa.ForeignKey(
                "students.id", ondelete="CASCADE", name="fk_guardian_rules_student_id_students"
            ),
            nullable=False,
        ),
        sa.Column("may_act", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("student_id", name="pk_guardian_rules"),
    )


def downgrade() -> None:
    op.drop_table("guardian_rules")
    op.drop_index("ix_guardians_telegram_id", table_name="guardians")
    op.drop_index("ix_guardians_student_id", table_name="guardians")
    op.drop_table("guardians")
