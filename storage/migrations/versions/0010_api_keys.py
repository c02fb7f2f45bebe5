"""Teachers' API keys for the REST API's teacher endpoints.

A key is shown to the teacher once; only its keyed hash (HMAC with a key derived from
SECRET_KEY, like link tokens) is stored, unique, so a request's key is found by one seek.
Revoked keys stay, for the audit trail and the list in the chat.

Revision ID: 0010_api_keys
Revises: 0008_press_indexes
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0010_api_keys"
down_revision = "0008_press_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "teacher_id",
            sa.Integer(),
            sa.ForeignKey(
                "teachers.id", ondelete="CASCADE", name="fk_api_keys_teacher_id_teachers"
            ),
            nullable=False,
        ),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_index("ix_api_keys_teacher_id", "api_keys", ["teacher_id"])


def downgrade() -> None:
    op.drop_index("ix_api_keys_teacher_id", table_name="api_keys")
    op.drop_table("api_keys")
