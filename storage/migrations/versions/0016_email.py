"""Email, when SMTP is configured: a student's address on their card, and mail in the outbox.

`student_emails` holds at most one address per student, whether lesson notices go to it,
when its owner unsubscribed, and the unsubscribe secret (keyed hash for the lookup, sealed
copy to put into each mail). `outbox.channel` tells Telegram rows from email rows, so each
is claimed by its own dispatcher and a slow mail server never holds up a Telegram notice.

Revision ID: 0016_email
Revises: 0015_lesson_places
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0016_email"
down_revision = "0015_lesson_places"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "student_emails",
        sa.Column(
            "student_id",
            sa.Integer(),
            sa.ForeignKey(
                "students.id", ondelete="CASCADE", name="fk_student_emails_student_id_students"
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("notices", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("token_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("unsubscribed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("student_id", name="pk_student_emails"),
        sa.UniqueConstraint("token_hash", name="uq_student_emails_token_hash"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(8), nullable=False, server_default="telegram")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("channel")
    op.drop_table("student_emails")
