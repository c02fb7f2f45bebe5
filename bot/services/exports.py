"""/export: CSV of bookings and of audit events for a period, and an .ics of coming lessons.

Exports hold only the asking teacher's own data: every query is scoped by their teacher id.
Column headers and the lesson title come translated from the caller.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.model import Booking, BookingStatus, Slot, Student, Teacher
from bot.services import analytics as a
from bot.services import lesson_events
from bot.services.audit_csv import FORMULA_START
from bot.services.context import Deps
from bot.services.lesson_events import CalendarHead, LessonEvent
from bot.services.ownership import teacher_of
from bot.services.places import of_bookings

FOREVER = datetime(9999, 1, 1, tzinfo=ZoneInfo("UTC"))
MAX_CHAIN = 1000  # a reschedule chain longer than this is a data error, not a lesson
RESCHEDULED = "rescheduled"  # the status column of a booking that moved to another time


@dataclass(frozen=True)
class BookingLine:
    """One booking as the CSV shows it."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    student: str
    subject: str
    status: str
    cancelled_by: str
    late: bool
    attended: bool | None
    created_at: datetime
    teacher_note: str = ""
    student_note: str = ""


@dataclass(frozen=True)
class Export:
    """What a bookings export covers: the period, the teacher's zone and the lines."""

    period: a.Period
    timezone: str
    bookings: list[BookingLine]


PRODID = "-//LessonLink//teacher lessons//EN"  # what .ics files (not feeds) say made them


@dataclass(frozen=True)
class CalendarLesson:
    """A coming lesson for the .ics: UID follows the lesson through its moves."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    student: str
    subject: str
    cancelled: bool
    place: str | None = None


async def export(deps: Deps, telegram_id: int, period_key: str) -> Export:
    """The teacher's bookings of lessons in the period (the audit file: bot.services.audit_csv)."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = teacher.settings.timezone
        period = a.period_of(period_key if period_key in a.PERIODS else "week", now, zone)
        rows = await uow.stats.bookings_starting(teacher.id, period.start, period.end)
    return Export(period, zone, [_line(b, s, st) for b, s, st in rows])


def _line(b: Booking, s: Slot, st: Student) -> BookingLine:
    status = RESCHEDULED if b.rescheduled_to_id else b.status.value
    by = b.cancelled_by.value if b.cancelled_by else ""
    return BookingLine(
        b.id,
        s.starts_at,
        s.ends_at,
        st.name,
        s.subject,
        status,
        by,
        b.late_cancel,
        b.attended,
        b.created_at,
        b.teacher_note,
        b.student_note,
    )


def lesson_identity(booking_id: int, moved_from: dict[int, int]) -> tuple[int, int]:
    """The first booking of a lesson's reschedule chain, and how many times it moved."""
    root, moves = booking_id, 0
    while root in moved_from and moves < MAX_CHAIN:
        root, moves = moved_from[root], moves + 1
    return root, moves


def lesson_uid(root_booking_id: int) -> str:
    """The iCalendar UID of a lesson: stable across reschedules."""
    return f"booking-{root_booking_id}@lessonlink"


async def coming_lessons(deps: Deps, telegram_id: int) -> tuple[str, list[CalendarLesson]]:
    """The teacher's zone and coming lessons, cancelled ones too so calendars drop them."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        rows = await uow.stats.bookings_starting(teacher.id, now, FOREVER)
        moved_from = await uow.stats.moved_from(teacher.id)
        places = await of_bookings(uow, [b.id for b, _, _ in rows])
    lessons = []
    for b, s, st in rows:
        if b.rescheduled_to_id is not None:
            continue  # the booking it moved to carries the same UID with a higher SEQUENCE
        root, moves = lesson_identity(b.id, moved_from)
        lessons.append(
            CalendarLesson(
                lesson_uid(root),
                moves + b.sequence,
                s.starts_at,
                s.ends_at,
                st.name,
                s.subject,
                b.status == BookingStatus.CANCELLED,
                place.place if (place := places.get(b.id)) else None,
            )
        )
    return teacher.settings.timezone, lessons


def calendar_bytes(
    lessons: Sequence[CalendarLesson],
    zone: str,
    title: str,
    stamp: datetime,
    method: str | None = None,
) -> bytes:
    """An iCalendar file with local times under the teacher's TZID and its VTIMEZONE.

    `title` may use {student} and {subject}.
    """
    head = CalendarHead(PRODID, zone=zone, method=method)
    return lesson_events.calendar_bytes((_event(x, title, stamp) for x in lessons), head)


def _event(x: CalendarLesson, title: str, stamp: datetime) -> LessonEvent:
    summary = title.format(student=x.student, subject=x.subject).strip()
    at = (x.starts_at, x.ends_at)
    return LessonEvent(x.uid, x.sequence, *at, summary, x.cancelled, stamp, place=x.place)


def lesson_file(
    booked: Booking,
    slot: Slot,
    teacher: Teacher,
    moved_from: dict[int, int],
    summary: str,
    stamp: datetime,
    place: str | None = None,
    method: str | None = None,
) -> tuple[str, bytes]:
    """A student's .ics file for one lesson ({teacher} in summary is filled in), and its name.

    The UID and SEQUENCE follow the lesson through reschedules, as in the teacher's export,
    so importing the file after a move updates the calendar entry instead of adding one.
    `method` is iTIP's (REQUEST for an invitation sent by email).
    """
    root, moves = lesson_identity(booked.id, moved_from)
    at = (slot.starts_at, slot.ends_at)
    name, subject = teacher.display_name, slot.subject
    lesson = CalendarLesson(
        lesson_uid(root), moves + booked.sequence, *at, name, subject, False, place
    )
    # calendar_bytes names the other party {student}; here that party is the teacher.
    title = summary.replace("{teacher}", "{student}") + (" ({subject})" if slot.subject else "")
    data = calendar_bytes([lesson], teacher.settings.timezone, title, stamp, method)
    return f"lesson-{root}.ics", data


def _cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def bookings_csv(lines: Sequence[BookingLine], zone: str, headers: Sequence[str]) -> bytes:
    """One row per booking: id, local date/start/end, UTC start/end, student ... created_at."""
    tz = ZoneInfo(zone)
    return _csv(headers, [_booking_cells(x, tz) for x in lines])


def _booking_cells(x: BookingLine, tz: ZoneInfo) -> list[str]:
    start, end = x.starts_at.astimezone(tz), x.ends_at.astimezone(tz)
    return [
        str(x.booking_id),
        start.date().isoformat(),
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
        _iso(x.starts_at),
        _iso(x.ends_at),
        _cell(x.student),
        _cell(x.subject),
        x.status,
        x.cancelled_by,
        _flag(x.late),
        _flag(x.attended),
        _iso(x.created_at),
        _cell(x.teacher_note),
        _cell(x.student_note),
    ]


def _csv(headers: Sequence[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
