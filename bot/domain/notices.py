"""Notices: one typed payload per kind of outbox row (stored as JSON by notice_json).

A row stores its notice as flat JSON (the facts, UTC times as ISO strings); the text is
rendered only when it is sent, in the recipient's language and zone. The JSON keeps the
shape rows have always had, so rows queued by an older version still read.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from bot.domain.model import Actor


class NoticeKind(StrEnum):
    """What an outbox row tells; stored in the row's `kind` column."""

    BOOKING_NEW = "booking_new"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_RESCHEDULED = "booking_rescheduled"
    LESSON_CANCELLED_BY_TEACHER = "lesson_cancelled_by_teacher"
    REMINDER = "reminder"
    REMINDER_TEACHER = "reminder_teacher"
    LINK_BOUND_ELSEWHERE = "link_bound_elsewhere"
    LINK_EXPIRING = "link_expiring"
    DAILY_AGENDA = "daily_agenda"
    RECIPIENT_UNREACHABLE = "recipient_unreachable"
    NEW_LINK = "new_link"
    SERIES_BOOKED = "series_booked"
    SERIES_SKIPPED = "series_skipped"
    SERIES_CANCELLED = "series_cancelled"
    BOOKED_BY_TEACHER = "booked_by_teacher"
    MOVED_BY_TEACHER = "moved_by_teacher"
    BUSY_CLASH = "busy_clash"
    BUSY_CALENDAR_FAILING = "busy_calendar_failing"
    MAIL_FAILED = "mail_failed"
    PLACE_CHANGED = "place_changed"
    WAITLIST_OFFER = "waitlist_offer"
    GUARDIAN = "guardian"
    GUARDIAN_REMINDER = "guardian_reminder"
    GUARDIAN_BOUND_ELSEWHERE = "guardian_bound_elsewhere"


REMINDER_KINDS = (
    NoticeKind.REMINDER.value,
    NoticeKind.REMINDER_TEACHER.value,
    NoticeKind.GUARDIAN_REMINDER.value,
)


class UnreadableNotice(ValueError):
    """A stored payload that is not a notice of its row's kind."""


@dataclass(frozen=True)
class Lesson:
    """What any notice about a lesson says about it, fixed when the notice was queued."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    teacher_id: int
    teacher_name: str
    teacher_tz: str
    student_id: int
    student_name: str
    colour: int
    subject: str = ""
    # The last moment the student may cancel or move it; rows queued before it was stored
    # have none, and then no change is offered.
    change_deadline: datetime | None = None


NOTICES: dict[str, type[Notice]] = {}  # each concrete notice type by its kind


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Base of every notice; a concrete one names its kind: `class X(Base, kind=...)`."""

    kind: ClassVar[NoticeKind]

    def __init_subclass__(cls, kind: NoticeKind | None = None, **rest: object) -> None:
        """Register a concrete notice type under the row kind it is stored as."""
        super().__init_subclass__(**rest)
        if kind is not None:
            cls.kind = kind
            NOTICES[kind] = cls


@dataclass(frozen=True, kw_only=True)
class LessonNotice(Notice):
    """A notice about one lesson; its facts are stored flat beside the notice's own."""

    lesson: Lesson


@dataclass(frozen=True, kw_only=True)
class BookingNew(LessonNotice, kind=NoticeKind.BOOKING_NEW):
    """To the teacher: a student booked a lesson."""


@dataclass(frozen=True, kw_only=True)
class BookingRescheduled(LessonNotice, kind=NoticeKind.BOOKING_RESCHEDULED):
    """To the teacher: a student moved a lesson; `lesson` is the new one."""

    old_starts_at: datetime


@dataclass(frozen=True, kw_only=True)
class Cancellation(LessonNotice):
    """A lesson was cancelled, by whom and why."""

    by: Actor
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class CancelledByStudent(Cancellation, kind=NoticeKind.BOOKING_CANCELLED):
    """To the teacher: the student cancelled."""


@dataclass(frozen=True, kw_only=True)
class CancelledByTeacher(Cancellation, kind=NoticeKind.LESSON_CANCELLED_BY_TEACHER):
    """To the student: the teacher (or the system on their behalf) cancelled."""


@dataclass(frozen=True, kw_only=True)
class BookedByTeacher(LessonNotice, kind=NoticeKind.BOOKED_BY_TEACHER):
    """To the student: the teacher booked a lesson for them (an extra lesson, or a slot)."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class MovedByTeacher(LessonNotice, kind=NoticeKind.MOVED_BY_TEACHER):
    """To the student: the teacher moved their lesson; `lesson` is the new one."""

    old_starts_at: datetime
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class Reminder(LessonNotice):
    """A lesson is coming; planned `lead_minutes` before it."""

    lead_minutes: int


@dataclass(frozen=True, kw_only=True)
class StudentReminder(Reminder, kind=NoticeKind.REMINDER):
    """To the student."""


@dataclass(frozen=True, kw_only=True)
class TeacherReminder(Reminder, kind=NoticeKind.REMINDER_TEACHER):
    """To the teacher."""


@dataclass(frozen=True, kw_only=True)
class PlaceChanged(LessonNotice, kind=NoticeKind.PLACE_CHANGED):
    """To the student: the teacher changed where `lesson` (the first of `lessons` coming
    lessons of theirs) takes place; the place itself is read when it is sent."""

    lessons: int = 1


@dataclass(frozen=True, kw_only=True)
class LinkBoundElsewhere(Notice, kind=NoticeKind.LINK_BOUND_ELSEWHERE):
    """To the teacher: another account tried to open a student's bound link."""

    teacher_id: int
    link_id: int
    student_name: str
    colour: int
    student_id: int | None = None  # offers Regenerate when known


@dataclass(frozen=True, kw_only=True)
class AboutStudent(Notice):
    """To the teacher, about one of their students (named, in their colour), in the teacher's
    zone; these facts come first in the stored JSON, as they always have."""

    student_name: str
    colour: int
    teacher_tz: str


@dataclass(frozen=True, kw_only=True)
class LinkExpiring(AboutStudent, kind=NoticeKind.LINK_EXPIRING):
    """To the teacher: a link with lessons still booked expires soon."""

    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class RecipientUnreachable(AboutStudent, kind=NoticeKind.RECIPIENT_UNREACHABLE):
    """To the teacher: a student blocked the bot."""


@dataclass(frozen=True, kw_only=True)
class BusyClash(AboutStudent, kind=NoticeKind.BUSY_CLASH):
    """To the teacher: a booked lesson falls in busy time of their own calendar (kept)."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, kw_only=True)
class BusyCalendarFailing(Notice, kind=NoticeKind.BUSY_CALENDAR_FAILING):
    """To the teacher: their calendar's feed failed several times in a row (last copy kept)."""

    failures: int
    teacher_tz: str
    last_ok_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class DailyAgenda(Notice, kind=NoticeKind.DAILY_AGENDA):
    """To the teacher: the lessons of one local day, looked up when it is sent."""

    teacher_id: int
    teacher_tz: str
    day_start: datetime
    day_end: datetime
    # When it was due; a retry moves the row's due time, not this. Rows queued before it was
    # stored fall back to the row's.
    due_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class NewLink(Notice, kind=NoticeKind.NEW_LINK):
    """To the student: their teacher sent a new booking link (sealed; opened only to send)."""

    teacher_id: int
    teacher_name: str
    student_id: int
    link_id: int
    sealed_token: str  # base64 of the encrypted token

    @property
    def sealed(self) -> bytes:
        """The encrypted token."""
        return base64.b64decode(self.sealed_token)


@dataclass(frozen=True, kw_only=True)
class MailFailed(AboutStudent, kind=NoticeKind.MAIL_FAILED):
    """To the teacher: the mail server refused mail to a student's address for good."""

    address: str
    error: str  # the server's answer, e.g. "550 5.1.1 user unknown"


@dataclass(frozen=True, kw_only=True)
class WaitlistOffer(Notice, kind=NoticeKind.WAITLIST_OFFER):
    """To the student: a seat of a slot they wait for is held for them until `hold_until`."""

    entry_id: int
    student_id: int
    teacher_name: str
    teacher_tz: str
    starts_at: datetime
    ends_at: datetime
    hold_until: datetime
    subject: str = ""
