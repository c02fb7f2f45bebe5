"""The calendar: hours, time off, slots, bookings, weekly series, waitlists, places, busy feeds."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


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
