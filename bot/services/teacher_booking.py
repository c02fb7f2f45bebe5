"""The teacher books for a student: a slot in their hours, a move, or an extra lesson.

Advance notice, the horizon and the cancellation window bind students, not the teacher
(bot.domain.booking, `by=Actor.TEACHER`); the buffer between lessons binds everyone but an
extra lesson, which the teacher places by hand. The student is told of each change, with the
teacher's reason, in their language and zone (notices through the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.booking import may_change, refusal_to_book, require_coming
from bot.domain.buffers import too_close
from bot.domain.errors import BookingNotActive, SlotRefused, SlotUnavailable
from bot.domain.extra_lessons import extra_times, parse_extra
from bot.domain.model import Actor, Slot, Student, Teacher
from bot.services import buffers, notify, seats
from bot.services.booking import Lesson, lesson_of
from bot.services.context import Deps, records_refusals
from bot.services.notify import Booked
from bot.services.ownership import (
    own_booking,
    own_student,
    teacher_act,
    teacher_and_student,
    teacher_of,
)

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

MAX_REASON = 200


@dataclass(frozen=True)
class Picker:
    """The teacher's view of what they may book for one student: days with free slots."""

    student: Student
    timezone: str
    moving: Lesson | None  # the lesson being moved, if any
    slots: list[Slot]  # every slot the teacher may give this student, by time

    def days(self) -> list[tuple[date, int]]:
        """Each local day with a slot to offer, and how many."""
        counts: dict[date, int] = {}
        for slot in self.slots:
            day = slot.starts_at.astimezone(ZoneInfo(self.timezone)).date()
            counts[day] = counts.get(day, 0) + 1
        return sorted(counts.items())

    def on(self, day: date) -> list[Slot]:
        """The slots of one local day."""
        zone = ZoneInfo(self.timezone)
        return [s for s in self.slots if s.starts_at.astimezone(zone).date() == day]


async def _moving(
    uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, booking_id: int
) -> tuple[Lesson, Student]:
    """The teacher's coming lesson to move, with its student."""
    booking, slot = await own_booking(uow, deps, teacher, booking_id)
    now = deps.clock.now()
    require_coming(booking, slot, now)
    may_change(slot, booking, teacher.settings, now, Actor.TEACHER).require()
    student = await own_student(uow, deps, teacher, booking.student_id)
    return lesson_of(teacher, student, slot, booking), student


@records_refusals
async def picker(deps: Deps, telegram_id: int, student_id: int, moving: int = 0) -> Picker:
    """The slots the teacher may book for the student now (or move `moving` to)."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        moved: Lesson | None = None
        if moving:
            moved, student = await _moving(uow, deps, teacher, moving)
        else:
            student = await own_student(uow, deps, teacher, student_id)
        if student.archived:
            raise BookingNotActive()
        # Slots exist up to the horizon: the teacher may give any of them.
        end = now + timedelta(days=max(teacher.settings.horizon_days, 1) + 1)
        slots = await uow.slots.between(teacher.id, now, end)
        theirs = await uow.bookings.of_student(student.id, after=now)
        booked = await buffers.booked_around(
            uow, teacher, now, end, moved.slot_id if moved else None
        )
    busy = [s for b, s in theirs if not moved or b.id != moved.booking_id]
    offered = [
        s
        for s in slots
        if refusal_to_book(s, teacher.settings, now, Actor.TEACHER) is None
        and not too_close(s, booked, teacher.settings.buffer_minutes)
        and not any(o.starts_at < s.ends_at and s.starts_at < o.ends_at for o in busy)
    ]
    return Picker(student, teacher.settings.timezone, moved, offered)


@dataclass(frozen=True)
class Choice:
    """A slot the teacher picked for a student, for the card that asks for a reason."""

    student: Student
    slot: Slot
    timezone: str
    moving: Lesson | None


async def choice(
    deps: Deps, telegram_id: int, student_id: int, slot_id: int, moving: int = 0
) -> Choice:
    """The picked slot, if the teacher may still give it to the student (picker audits)."""
    found = await picker(deps, telegram_id, student_id, moving)
    slot = next((s for s in found.slots if s.id == slot_id), None)
    if slot is None:
        raise SlotRefused(SlotUnavailable.GONE)
    return Choice(found.student, slot, found.timezone, found.moving)


def _reason(text: str) -> str:
    return " ".join(text.split())[:MAX_REASON]


async def _commit(
    uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, event: str, student: Student, **detail: int
) -> None:
    record = teacher_act(deps, teacher, event, "ok", student_id=student.id, **detail)
    await uow.audit.add(record)
    await uow.commit()


@records_refusals
async def book_for(
    deps: Deps, telegram_id: int, student_id: int, slot_id: int, reason: str = ""
) -> Lesson:
    """Book one of the teacher's slots for their student; the student is told."""
    note = _reason(reason)
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        if student.archived:
            raise BookingNotActive()
        slot, booking = await seats.seat(uow, deps, (teacher, student), slot_id, Actor.TEACHER)
        booked = Booked(teacher, student, slot, booking)
        await notify.booked_by_teacher(uow, booked, deps.clock.now(), note)
        await _commit(uow, deps, teacher, "booking.made_by_teacher", student, booking_id=booking.id)
    return lesson_of(teacher, student, slot, booking)


@records_refusals
async def move(
    deps: Deps, telegram_id: int, booking_id: int, slot_id: int, reason: str = ""
) -> tuple[Lesson, Lesson]:
    """Move a lesson to another slot, new seat first, in one transaction; the student is told.

    Returns the lesson as it was and as it is now.
    """
    note = _reason(reason)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        before, student = await _moving(uow, deps, teacher, booking_id)
        found = await uow.bookings.get(booking_id)
        assert found is not None  # _moving read it in this transaction
        old_booking, old_slot = found
        new_slot, new_booking = await seats.swap(
            uow, deps, (teacher, student), (old_slot, old_booking), slot_id, Actor.TEACHER
        )
        await notify.moved_by_teacher(
            uow,
            Booked(teacher, student, old_slot, old_booking),
            Booked(teacher, student, new_slot, new_booking),
            now,
            note,
        )
        await _commit(
            uow,
            deps,
            teacher,
            "booking.moved_by_teacher",
            student,
            booking_id=new_booking.id,
            from_booking=booking_id,
        )
    return before, lesson_of(teacher, student, new_slot, new_booking)


@records_refusals
async def place_extra(
    deps: Deps, telegram_id: int, student_id: int, typed: str, reason: str = ""
) -> Lesson:
    """Place a one-off lesson for the student at a typed time, outside the published hours.

    One transaction creates a one-seat slot with its seat taken and the booking: it is never
    offered to anyone else, and slots that would overlap it are not offered either.
    """
    spec = parse_extra(typed)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher, student = await teacher_and_student(uow, deps, telegram_id, student_id)
        if student.archived:
            raise BookingNotActive()
        starts_at, ends_at = extra_times(
            spec, teacher.settings.slot_minutes, teacher.settings.timezone, now
        )
        await uow.students.lock(student.id)
        await uow.teachers.lock(teacher.id)  # no lesson may slip in beside it meanwhile
        if await uow.bookings.overlapping(student.id, starts_at, ends_at):
            raise SlotRefused(SlotUnavailable.STUDENT_BUSY)
        if await uow.slots.booked_between(teacher.id, starts_at, ends_at):
            raise SlotRefused(SlotUnavailable.TEACHER_BUSY)
        slot = await uow.slots.add_extra(teacher.id, starts_at, ends_at, spec.subject)
        booking = await uow.bookings.add(slot.id, student.id, now)
        booked = Booked(teacher, student, slot, booking)
        await notify.booked_by_teacher(uow, booked, now, _reason(reason))
        await _commit(uow, deps, teacher, "booking.extra", student, booking_id=booking.id)
    return lesson_of(teacher, student, slot, booking)


__all__ = ["Choice", "Picker", "book_for", "choice", "move", "picker", "place_extra"]
