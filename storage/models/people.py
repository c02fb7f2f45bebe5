"""Who uses the bot: accounts, teachers, students, their links, guardians, email and keys."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class AccountRow(Base):
    """A Telegram account the bot has seen."""

    __tablename__ = "accounts"
    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    last_teacher_id: Mapped[int | None] = mapped_column(Integer)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TeacherRow(Base):
    """A registered teacher and their settings."""

    __tablename__ = "teachers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    slot_minutes: Mapped[int] = mapped_column(Integer, default=60)
    advance_notice_minutes: Mapped[int] = mapped_column(Integer, default=120)
    horizon_days: Mapped[int] = mapped_column(Integer, default=28)
    cancel_window_minutes: Mapped[int] = mapped_column(Integer, default=1440)
    grace_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    link_expiry_days: Mapped[int | None] = mapped_column(Integer)
    link_max_uses: Mapped[int | None] = mapped_column(Integer)
    reminder_leads: Mapped[str] = mapped_column(String(64), default="1440,60")
    notifications_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    teacher_reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    agenda_time: Mapped[time | None] = mapped_column(Time)
    inactive_after_days: Mapped[int] = mapped_column(Integer, default=30)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    series_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    series_max_weeks: Mapped[int] = mapped_column(Integer, default=26, server_default="26")
    browser_links: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    waitlist_hold_minutes: Mapped[int] = mapped_column(Integer, default=15, server_default="15")


class StudentRow(Base):
    """A student enrolled by a teacher."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("teacher_id", "telegram_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    colour: Mapped[int] = mapped_column(Integer)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    bound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShareLinkRow(Base):
    """A student's link: keyed hash for lookup, encrypted copy for display, never plain."""

    __tablename__ = "share_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced: Mapped[bool] = mapped_column(Boolean, default=False)


class GuardianRow(Base):
    """A guardian's link to one student: keyed hash, sealed copy, bound to the first opener."""

    __tablename__ = "guardians"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    bound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    use_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GuardianRuleRow(Base):
    """Per student: whether connected guardians may book, cancel and move (off by default)."""

    __tablename__ = "guardian_rules"
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    may_act: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class StudentEmailRow(Base):
    """A student's email address (when SMTP is configured): notices switch, unsubscribe secret."""

    __tablename__ = "student_emails"
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(320))
    notices: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    token_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiKeyRow(Base):
    """A teacher's API key: only its keyed hash is stored; the key is shown once."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedTokenRow(Base):
    """A calendar subscription address: the teacher's (no student) or one student's.

    Only the keyed hash of its secret is stored; the address is shown once, when made.
    """

    __tablename__ = "feed_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    use_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
