"""The tables. Migrations create them; production code never calls create_all."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)


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


class WindowRow(Base):
    """Weekly or one-day availability in the teacher's local time."""

    __tablename__ = "availability_windows"
    __table_args__ = (
        CheckConstraint("(weekday IS NULL) <> (on_date IS NULL)", name="weekly_or_dated"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int | None] = mapped_column(Integer)
    on_date: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    subject: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimeOffRow(Base):
    """A blocked stretch of time (vacation, sick day), in UTC."""

    __tablename__ = "time_off"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Busy time read from the teacher's own calendar (busy_calendars); NULL: typed by them.
    feed_id: Mapped[int | None] = mapped_column(
        ForeignKey("busy_calendars.id", ondelete="CASCADE"), index=True
    )


class SlotRow(Base):
    """A bookable time in UTC; booked never exceeds capacity (checked by the database)."""

    __tablename__ = "slots"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="seats_within_capacity"),
        # Seats held for a waitlist offer count against the capacity too (0013_waitlist).
        CheckConstraint("held >= 0 AND booked + held <= capacity", name="holds_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_slots_teacher_start", "teacher_id", "starts_at"),
        Index(
            "uq_slots_open_teacher_start",
            "teacher_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        # The subjects of a teacher's horizon, one seek each (migration 0008_press_indexes).
        Index(
            "ix_slots_open_teacher_subject_start",
            "teacher_id",
            "subject",
            "starts_at",
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"))
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("availability_windows.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    subject: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")


class BookingRow(Base):
    """A student's seat in a slot; one confirmed booking per student per slot."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_confirmed_slot_student",
            "slot_id",
            "student_id",
            unique=True,
            sqlite_where=text("status = 'confirmed'"),
            postgresql_where=text("status = 'confirmed'"),
        ),
        Index("ix_bookings_student_status", "student_id", "status"),
        Index("ix_bookings_student_created", "student_id", "created_at"),
        Index(
            "ix_bookings_student_cancelled",
            "student_id",
            "cancelled_at",
            sqlite_where=text("cancelled_by = 'student'"),
            postgresql_where=text("cancelled_by = 'student'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    late_cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    rescheduled_to_id: Mapped[int | None] = mapped_column(Integer)
    attended: Mapped[bool | None] = mapped_column(Boolean)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    series_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Lesson notes (migration 0014_lesson_notes): plain text, "" when there is none.
    teacher_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    student_note: Mapped[str] = mapped_column(Text, default="", server_default="")


class SeriesRow(Base):
    """A standing weekly lesson: a weekday and wall time in the teacher's zone."""

    __tablename__ = "series"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    local_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(64), default="")
    first_date: Mapped[date] = mapped_column(Date)
    until_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_by: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SeriesOccurrenceRow(Base):
    """One local date a series tried: booked (booking_id) or skipped (why); once per date."""

    __tablename__ = "series_occurrences"
    __table_args__ = (UniqueConstraint("series_id", "on_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    on_date: Mapped[date] = mapped_column(Date)
    booking_id: Mapped[int | None] = mapped_column(Integer)
    skipped: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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
        # event and outcome too: the refusals of a period are counted from the index alone
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


class BusyCalendarRow(Base):
    """A teacher's own calendar feed, fetched periodically; its busy time blocks their hours."""

    __tablename__ = "busy_calendars"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), unique=True
    )
    url_encrypted: Mapped[bytes] = mapped_column(LargeBinary)  # a secret address: sealed
    etag: Mapped[str] = mapped_column(String(256), default="", server_default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="", server_default="")
    body: Mapped[bytes | None] = mapped_column(LargeBinary)  # the last good copy
    next_fetch_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failure_told: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


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


class TeacherPlaceRow(Base):
    """A teacher's default place of lessons: a meeting link or an address."""

    __tablename__ = "teacher_places"
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    place: Mapped[str] = mapped_column(String(300))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WindowPlaceRow(Base):
    """The place of the lessons in one set of hours, over the teacher's default."""

    __tablename__ = "window_places"
    window_id: Mapped[int] = mapped_column(
        ForeignKey("availability_windows.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    place: Mapped[str] = mapped_column(String(300))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BookingPlaceRow(Base):
    """The place of one lesson, over its hours' and the default; it follows the lesson's moves."""

    __tablename__ = "booking_places"
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    place: Mapped[str] = mapped_column(String(300))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WaitlistEntryRow(Base):
    """A student in line for a full slot: waiting, offered a held seat, or closed (why)."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        # One live place in line per student and slot.
        Index(
            "uq_waitlist_live_slot_student",
            "slot_id",
            "student_id",
            unique=True,
            sqlite_where=text("state IN ('waiting', 'offered')"),
            postgresql_where=text("state IN ('waiting', 'offered')"),
        ),
        Index("ix_waitlist_slot_state", "slot_id", "state", "id"),
        Index("ix_waitlist_student_state", "student_id", "state"),
        Index("ix_waitlist_state_hold", "state", "hold_until"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
