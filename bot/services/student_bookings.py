"""My bookings: the student's lessons, the cancel confirmation step and calendar files."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain.booking import StudentChange, student_change
from bot.domain.errors import BookingNotActive
from bot.domain.model import Booking, BookingStatus, Slot, Student, Teacher
from bot.services import booking, exports, places
from bot.services.booking import Lesson, lesson_of, own_booking
from bot.services.context import Deps, records_refusals
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
    """One of the student's own lessons, the zone to show it in, and whether they may change it."""

    lesson: Lesson
    zone: str
    change: StudentChange


def _own(deps: Deps, found: tuple[Booking, Slot, Student, Teacher], zone: str) -> OwnLesson:
    """The lesson with the decision on changing it, for the student to see."""
    booked, slot, student, teacher = found
    change = student_change(slot, booked, teacher.settings, deps.clock.now())
    return OwnLesson(lesson_of(teacher, student, slot, booked), zone, change)


@records_refusals
async def my_bookings(deps: Deps, telegram_id: int, student_id: int = 0) -> Bookings:
    """The student's upcoming lessons with every teacher and the last few past ones."""
    async with deps.reading() as uow:
        student, teacher = await resolve_student(uow, deps, telegram_id, student_id, reads=True)
        groups = await lessons_by_teacher(uow, deps, telegram_id, past=PAST_SHOWN)
    return Bookings(student.id, teacher.display_name, groups)


@records_refusals
async def lesson_card(deps: Deps, telegram_id: int, booking_id: int) -> OwnLesson:
    """One of this account's confirmed lessons, also while it runs (its actions then refuse)."""
    async with deps.reading() as uow:
        found = await own_booking(uow, deps, telegram_id, booking_id, reads=True, coming=False)
        account = await uow.accounts.get(telegram_id)
        place = await places.of_booking(uow, booking_id)
    booked, slot, _, teacher = found
    # Shown until the lesson ends (its actions then refuse), unlike own_booking's coming ones.
    if booked.status != BookingStatus.CONFIRMED or slot.ends_at <= deps.clock.now():
        raise BookingNotActive()
    own = _own(deps, found, viewer_zone(account, teacher))
    return replace(own, lesson=replace(own.lesson, place=place))


@records_refusals
async def may_change(deps: Deps, telegram_id: int, booking_id: int) -> OwnLesson:
    """One's own coming lesson, if the window (or the grace period) lets the student change it."""
    async with deps.reading() as uow:
        found = await own_booking(uow, deps, telegram_id, booking_id)
        account = await uow.accounts.get(telegram_id)
    own = _own(deps, found, viewer_zone(account, found[3]))
    own.change.require()
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
        booked, slot, _, teacher = await own_booking(uow, deps, telegram_id, booking_id, reads=True)
        moved_from = await uow.stats.moved_from(teacher.id)
        place = await places.of_booking(uow, booked.id)
    stamp = deps.clock.now()
    return exports.lesson_file(booked, slot, teacher, moved_from, summary, stamp, place)


@records_refusals
async def _zone(deps: Deps, telegram_id: int, teacher_zone: str) -> str:
    """The zone this account sees times in."""
    async with deps.reading() as uow:
        account = await uow.accounts.get(telegram_id)
    return account.timezone if account and account.timezone else teacher_zone


async def cancel(deps: Deps, telegram_id: int, booking_id: int) -> tuple[Lesson, str]:
    """Cancel one's own lesson before the window; the lesson and the zone to show it in."""
    lesson = await booking.cancel_by_student(deps, telegram_id, booking_id)
    return lesson, await _zone(deps, telegram_id, lesson.teacher_tz)
