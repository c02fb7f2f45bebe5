"""The entities LessonLink keeps, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum


@dataclass
class TeacherSettings:
    """What a teacher can tune with /settings."""

    timezone: str = "UTC"
    slot_minutes: int = 60
    advance_notice_minutes: int = 120
    horizon_days: int = 28
    cancel_window_minutes: int = 24 * 60
    # Minutes after booking in which a student may still undo it, even inside the window.
    grace_minutes: int = 10
    link_expiry_days: int | None = 30
    link_max_uses: int | None = None
    reminder_leads_minutes: tuple[int, ...] = (24 * 60, 60)
    notifications_enabled: bool = True
    teacher_reminders: bool = False
    agenda_time: time | None = time(8, 0)
    inactive_after_days: int = 30
    series_enabled: bool = True  # students may book "every week at this time"
    series_max_weeks: int = 26  # the most weeks a counted series may run
    # Minutes kept free before and after each booked lesson (bot.domain.buffers).
    buffer_minutes: int = 0
    # Student links also open the booking portal in a plain browser, without Telegram.
    browser_links: bool = False
    # How long a waitlist offer holds its freed seat for the student offered it.
    waitlist_hold_minutes: int = 15


@dataclass
class Teacher:
    """A registered teacher."""

    id: int
    telegram_id: int
    display_name: str
    settings: TeacherSettings
    created_at: datetime


@dataclass
class Student:
    """A student enrolled by a teacher; bound to a Telegram account once they open their link."""

    id: int
    teacher_id: int
    name: str
    colour: int
    created_at: datetime
    telegram_id: int | None = None
    bound_at: datetime | None = None
    archived: bool = False


@dataclass
class ShareLink:
    """A per-student booking link; only a keyed hash and an encrypted copy are stored."""

    id: int
    student_id: int
    token_hash: bytes
    token_encrypted: bytes
    created_at: datetime
    expires_at: datetime | None = None
    max_uses: int | None = None
    use_count: int = 0
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    replaced: bool = False


@dataclass
class Window:
    """A weekly (weekday 0=Mon) or one-day availability window in the teacher's local time."""

    id: int
    teacher_id: int
    start: time
    end: time
    slot_minutes: int
    capacity: int = 1
    subject: str = ""
    weekday: int | None = None
    on_date: date | None = None


class SlotStatus(StrEnum):
    """A slot is open for booking, was taken out of the calendar, or is a teacher's extra lesson.

    An extra lesson is a one-seat slot the teacher placed for one student outside their hours:
    it is never offered to anyone, and its seat is not offered again once it is given back.
    """

    OPEN = "open"
    REMOVED = "removed"
    EXTRA = "extra"


@dataclass
class Slot:
    """A bookable time, stored in UTC."""

    id: int
    teacher_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    subject: str = ""
    window_id: int | None = None
    status: SlotStatus = SlotStatus.OPEN
    held: int = 0  # seats held for students offered them from the waitlist

    @property
    def free(self) -> int:
        """Seats still open to anyone (a seat held for a waitlist offer is not)."""
        return max(self.capacity - self.booked - self.held, 0)


class BookingStatus(StrEnum):
    """Confirmed until someone cancels it."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Actor(StrEnum):
    """Who did something to a booking."""

    STUDENT = "student"
    TEACHER = "teacher"
    SYSTEM = "system"


@dataclass
class Booking:
    """One student's seat in one slot."""

    id: int
    slot_id: int
    student_id: int
    status: BookingStatus
    created_at: datetime
    cancelled_at: datetime | None = None
    cancelled_by: Actor | None = None
    cancel_reason: str = ""
    late_cancel: bool = False
    rescheduled_to_id: int | None = None
    attended: bool | None = None
    sequence: int = 0
    series_id: int | None = None  # an occurrence of a weekly series
    teacher_note: str = ""  # topic, homework, materials: the student sees it
    student_note: str = ""  # typed when booking: the teacher sees it


class OutboxStatus(StrEnum):
    """The life of a notification row."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"
    # Timed out after the request was written: it may have arrived, so it is not sent again.
    UNCONFIRMED = "unconfirmed"


@dataclass
class OutboxMessage:
    """A notification to send, written in the same transaction as its cause."""

    id: int
    kind: str
    chat_id: int
    payload: dict[str, object]
    due_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    dedup_key: str | None = None
    booking_id: int | None = None
    attempts: int = 0
    last_error: str = ""
    channel: str = "telegram"  # or "email": chat_id is then the student's id


@dataclass
class AuditEvent:
    """An append-only record of a security-relevant event."""

    at: datetime
    event: str
    outcome: str
    actor_telegram_id: int | None = None
    teacher_id: int | None = None
    student_id: int | None = None
    detail: dict[str, object] = field(default_factory=dict)
    id: int = 0


@dataclass
class Account:
    """A Telegram account the bot has seen: language and zone preferences."""

    telegram_id: int
    first_name: str
    language: str | None = None
    timezone: str | None = None
    last_teacher_id: int | None = None
    unreachable: bool = False
