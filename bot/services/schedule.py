"""The teacher's schedule: the coming days' lessons, and cancelling one with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.errors import BookingNotActive
from bot.domain.model import BookingStatus
from bot.domain.timeslots import local_midnight
from bot.services import booking as booking_core
from bot.services.context import Deps, records_refusals
from bot.services.ownership import own_booking, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

MAX_WEEKS = 52


@dataclass(frozen=True)
class ScheduledLesson:
    """One booked seat as the teacher's week shows it."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    student_id: int
    student_name: str
    colour: int
    cancellable: bool
    teacher_note: str = ""
    student_note: str = ""


@dataclass(frozen=True)
class Week:
    """Seven local days from a start date, with their lessons."""

    offset: int
    days: list[tuple[date, list[ScheduledLesson]]]
    timezone: str

    @property
    def lessons(self) -> list[ScheduledLesson]:
        """Every lesson of the week, by time."""
        return [lesson for _, day in self.days for lesson in day]


async def week(deps: Deps, telegram_id: int, offset: int = 0) -> Week:
    """The teacher's lessons in the 7 local days starting today + offset weeks."""
    offset = max(-MAX_WEEKS, min(offset, MAX_WEEKS))
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        first = now.astimezone(zone).date() + timedelta(weeks=offset)
        start, end = local_midnight(first, zone), local_midnight(first + timedelta(days=7), zone)
        rows = await uow.bookings.of_teacher_between(teacher.id, start, end)
    by_day: dict[date, list[ScheduledLesson]] = {first + timedelta(days=i): [] for i in range(7)}
    for booking, slot, student in rows:
        lesson = ScheduledLesson(
            booking.id,
            slot.starts_at,
            slot.ends_at,
            slot.subject,
            student.id,
            student.name,
            student.colour,
            slot.starts_at > now,
            booking.teacher_note,
            booking.student_note,
        )
        by_day[slot.starts_at.astimezone(zone).date()].append(lesson)
    return Week(offset, sorted(by_day.items()), teacher.settings.timezone)


async def cancel_lesson(
    deps: Deps, telegram_id: int, booking_id: int, reason: str = ""
) -> booking_core.Lesson:
    """Cancel one of the teacher's lessons; the student is told why (ownership checked there)."""
    return await booking_core.cancel_by_teacher(deps, telegram_id, booking_id, reason.strip()[:200])


@records_refusals
async def lesson_to_cancel(deps: Deps, telegram_id: int, booking_id: int) -> booking_core.Lesson:
    """One of the teacher's coming lessons, for the card that asks before cancelling it."""
    async with deps.reading() as uow:
        return await coming_lesson(uow, deps, telegram_id, booking_id)


async def coming_lesson(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, booking_id: int
) -> booking_core.Lesson:
    """One of the teacher's confirmed lessons still to start; BookingNotActive for any other."""
    teacher = await teacher_of(uow, telegram_id)
    booking, slot = await own_booking(uow, deps, teacher, booking_id)
    student = await uow.students.get(booking.student_id)
    if student is None or booking.status != BookingStatus.CONFIRMED:
        raise BookingNotActive()
    if slot.starts_at <= deps.clock.now():
        raise BookingNotActive()  # a lesson that began is left as it was
    return booking_core.lesson_of(teacher, student, slot, booking)
