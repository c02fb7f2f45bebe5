"""SQLite: the audit indexes by teacher and by student carry every column the audit CSV reads.

A 90-day audit export of a busy teacher reads ten thousand events from two index range
scans; each row then cost a seek into the table for its detail, actor and other party, and
those seeks were most of the statement (SQLite, 104 ms of which 90 in the two scans). With
the columns in the index the scans read nothing else (about 20 ms). SQLite has no INCLUDE,
so they become trailing key columns; the leading ones, and so /stats' counts, are unchanged.
The cost: each detail is kept three times (the table and both indexes), and the first start
after upgrading rebuilds the two indexes while it holds the write lock (seconds for the
200,000 events of the benchmarks' large teacher).

PostgreSQL keeps its indexes: a B-tree entry over about 2.7 kB is refused, and a detail is
free-form JSON, so covering it could make an audit write fail.

Revision ID: 0018_audit_covering
Revises: 0017_guardians
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0018_audit_covering"
down_revision = "0017_guardians"
branch_labels = None
depends_on = None

LEADING = ["at", "event", "outcome"]
# index -> (its first column, the columns the export reads that are not already in it)
AUDIT = {
    "ix_audit_teacher_at": ("teacher_id", ["actor_telegram_id", "student_id", "detail"]),
    "ix_audit_student_at": ("student_id", ["actor_telegram_id", "teacher_id", "detail"]),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, (first, covered) in AUDIT.items():
        op.drop_index(name, table_name="audit_events")
        op.create_index(name, "audit_events", [first, *LEADING, *covered])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, (first, _covered) in AUDIT.items():
        op.drop_index(name, table_name="audit_events")
        op.create_index(name, "audit_events", [first, *LEADING])
