"""Lesson notes the teacher writes (topic, homework, materials) on a lesson of theirs.

The student's own note is written with the booking (bot/services/booking_confirm.py); both
are read with the booking wherever it is shown, so every screen and notice shows the note
as it is now. Only the lesson's teacher and its student ever see them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.domain.errors import BookingNotActive
from bot.domain.model import BookingStatus, Teacher
from bot.domain.notes import clean_note
from bot.services.booking import Lesson, lesson_of
from bot.services.context import Deps, records_refusals
from bot.services.ownership import own_booking, teacher_act, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


async def _lesson(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, booking_id: int) -> Lesson:
    """A confirmed lesson of this teacher's, before or after it took place."""
    booking, slot = await own_booking(uow, deps, teacher, booking_id)
    student = await uow.students.get(booking.student_id)
    if student is None or booking.status != BookingStatus.CONFIRMED:
        raise BookingNotActive()
    return lesson_of(teacher, student, slot, booking)


@records_refusals
async def lesson(deps: Deps, telegram_id: int, booking_id: int) -> Lesson:
    """One of the teacher's lessons with its notes, for the note card."""
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        return await _lesson(uow, deps, teacher, booking_id)


@records_refusals
async def set_teacher_note(deps: Deps, telegram_id: int, booking_id: int, text: str) -> Lesson:
    """Write (or with "" remove) the teacher's note on one of their lessons, audited."""
    note = clean_note(text)
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        found = await _lesson(uow, deps, teacher, booking_id)
        await uow.bookings.set_notes(booking_id, teacher_note=note)
        # The length, not the text: the audit log is exported, and a note is the student's.
        event = teacher_act(
            deps,
            teacher,
            "lesson.note",
            "ok" if note else "ok:removed",
            student_id=found.student_id,
            booking_id=booking_id,
            length=len(note),
        )
        await uow.audit.add(event)
        await uow.commit()
    return replace(found, teacher_note=note)
