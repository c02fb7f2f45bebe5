"""What happened and what is to be sent: the outbox, the audit log, handled updates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class OutboxRow(Base):
    """A notification, written with its cause; the dispatcher claims and sends it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    booking_id: Mapped[int | None] = mapped_column(Integer, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "telegram" or "email" (chat_id is then the student's id): each has its own dispatcher.
    channel: Mapped[str] = mapped_column(String(8), default="telegram", server_default="telegram")


class AuditRow(Base):
    """Append-only security log."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_actor_at", "actor_telegram_id", "at"),
        # event and outcome too: the refusals of a period are counted from the index alone.
        # On SQLite the two also end with the other columns the audit CSV reads (migration
        # 0018_audit_covering); PostgreSQL's B-tree would refuse a large detail.
        Index("ix_audit_teacher_at", "teacher_id", "at", "event", "outcome"),
        Index("ix_audit_student_at", "student_id", "at", "event", "outcome"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    teacher_id: Mapped[int | None] = mapped_column(Integer)
    student_id: Mapped[int | None] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(48))
    outcome: Mapped[str] = mapped_column(String(48))
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class ProcessedUpdateRow(Base):
    """An update_id claimed by a worker (webhook or polling): a redelivery is applied once."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_expires_at", "expires_at"),)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))  # in_progress | done
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
