"""My bookings: the student's lessons, the cancel confirmation step and calendar files."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.booking import student_may_change
from bot.domain.errors import BookingNotActive, CancellationWindowPassed, NotFound
from bot.domain.model import BookingStatus
from bot.services import booking, exports
from bot.services.booking import Lesson, active_student, lesson_of, own_booking
from bot.services.context import Deps, audit, records_refusals
from bot.services.student_home import (
    TeacherLessons,
    lessons_by_teacher,
    resolve_student,
    viewer_zone,
)

PAST_SHOWN = 3


@dataclass(frozen=True)
class Bookings:
    """Every teacher's upcoming and recent lessons of this account; student_id books now."""

    student_id: int
    teacher_name: str
    groups: list[TeacherLessons]


@dataclass(frozen=True)
class OwnLesson:
    """One of the student's own lessons, with the zones to show it in."""

    lesson: Lesson
    zone: str
    cancel_window_minutes: int
    changeable: bool = True


@records_refusals
async def my_bookings(deps: Deps, telegram_id: int, student_id: int = 0) -> Bookings:
    """The student's upcoming lessons with every teacher and the last few past ones."""
    async with deps.reading() as uow:
        student, teacher = await resolve_student(uow, deps, telegram_id, student_id)
        groups = await lessons_by_teacher(uow, deps, telegram_id, past=PAST_SHOWN)
    return Bookings(student.id, teacher.display_name, groups)


@records_refusals
async def lesson_card(deps: Deps, telegram_id: int, booking_id: int) -> OwnLesson:
    """One of this account's confirmed lessons, also while it runs (its actions then refuse)."""
    async with deps.reading() as uow:
        found = await uow.bookings.get(booking_id)
        if found is None:
            event = audit("booking.access", "refused:unknown", deps, actor=telegram_id)
            event.detail["booking_id"] = booking_id
            raise NotFound().audited(event)
        booked, slot = found
        student, teacher = await active_student(uow, deps, telegram_id, booked.student_id)
        account = await uow.accounts.get(telegram_id)
    if booked.status != BookingStatus.CONFIRMED or slot.ends_at <= deps.clock.now():
        raise BookingNotActive()
    lesson = lesson_of(teacher, student, slot, booked)
    changeable = student_may_change(slot, booked, teacher.settings, deps.clock.now())
    window = teacher.settings.cancel_window_minutes
    return OwnLesson(lesson, viewer_zone(account, teacher), window, changeable)


@records_refusals
async def own_lesson(deps: Deps, telegram_id: int, booking_id: int) -> OwnLesson:
    """A confirmed, future lesson of this account; anyone else's is refused and audited."""
    async with deps.reading() as uow:
        booked, slot, student, teacher = await own_booking(uow, deps, telegram_id, booking_id)
        account = await uow.accounts.get(telegram_id)
    lesson = lesson_of(teacher, student, slot, booked)
    changeable = student_may_change(slot, booked, teacher.settings, deps.clock.now())
    zone = viewer_zone(account, teacher)
    return OwnLesson(lesson, zone, teacher.settings.cancel_window_minutes, changeable)


async def may_change(deps: Deps, telegram_id: int, booking_id: int) -> OwnLesson:
    """The lesson, if the window (or the grace period after booking) lets the student change it."""
    own = await own_lesson(deps, telegram_id, booking_id)
    if not own.changeable:
        raise CancellationWindowPassed(own.cancel_window_minutes)
    return own


@records_refusals
async def calendar_file(
    deps: Deps, telegram_id: int, booking_id: int, summary: str
) -> tuple[str, bytes]:
    """An .ics file for one's own lesson ({teacher} in summary is filled in).

    The UID and SEQUENCE follow the lesson through reschedules, as in the teacher's export,
    so importing the file after a move updates the calendar entry instead of adding one.
    """
    async with deps.reading() as uow:
        booked, slot, _, teacher = await own_booking(uow, deps, telegram_id, booking_id)
        moved_from = await uow.stats.moved_from(teacher.id)
    root, moves = exports.lesson_identity(booked.id, moved_from)
    lesson = exports.CalendarLesson(
        exports.lesson_uid(root), moves + booked.sequence, slot.starts_at, slot.ends_at,
        teacher.display_name, slot.subject, cancelled=False,
    )  # fmt: skip
    # calendar_bytes names the other party {student}; here that party is the teacher.
    title = summary.replace("{teacher}", "{student}") + (" ({subject})" if slot.subject else "")
    body = exports.calendar_bytes([lesson], teacher.settings.timezone, title, deps.clock.now())
    return f"lesson-{root}.ics", body


@records_refusals
async def _zone(deps: Deps, telegram_id: int, teacher_zone: str) -> str:
    """The zone this account sees times in."""
    async with deps.reading() as uow:
        account = await uow.accounts.get(telegram_id)
    return account.timezone if account and account.timezone else teacher_zone


async def cancel(deps: Deps, telegram_id: int, booking_id: int) -> OwnLesson:
    """Cancel one's own lesson inside the window; the seat is free at once, the teacher told."""
    lesson = await booking.cancel_by_student(deps, telegram_id, booking_id)
    zone = await _zone(deps, telegram_id, lesson.teacher_timezone)
    return OwnLesson(lesson, zone, 0)
