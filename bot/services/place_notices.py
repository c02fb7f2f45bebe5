"""Telling students that the place of their coming lessons changed, in the caller's transaction.

The notice names the lessons; the place it shows is read when it is sent, so a notice never
shows a place that is no longer true.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.model import Booking, Slot, Student, Teacher
from bot.domain.notices import PlaceChanged
from bot.domain.places import effective
from bot.services import notify

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

Lessons = list[tuple[Booking, Slot, Student]]


async def coming(uow: SqlUnitOfWork, teacher: Teacher, now: datetime) -> Lessons:
    """The teacher's confirmed lessons still to start."""
    return await uow.bookings.of_teacher_between(teacher.id, now, now + timedelta(days=3660))


async def places_now(uow: SqlUnitOfWork, lessons: Lessons) -> dict[int, str | None]:
    """The place each lesson shows now, by booking id."""
    found = await uow.places.of_bookings([b.id for b, _, _ in lessons])
    return {
        b.id: (choice.place if (choice := effective(found[b.id])) else None)
        for b, _, _ in lessons
        if b.id in found
    }


async def tell_changed(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    lessons: Lessons,
    before: dict[int, str | None],
    now: datetime,
) -> int:
    """Queue one notice per student whose lessons now show another place; how many students."""
    after = await places_now(uow, lessons)
    changed: dict[int, Lessons] = {}
    for booking, slot, student in lessons:
        if student.telegram_id is not None and before.get(booking.id) != after.get(booking.id):
            changed.setdefault(student.id, []).append((booking, slot, student))
    for theirs in changed.values():
        first, slot, student = theirs[0]
        assert student.telegram_id is not None
        facts = notify.lesson_facts(teacher, student, slot, first)
        notice = PlaceChanged(lesson=facts, lessons=len(theirs))
        # No dedup key: written in the change's own transaction, it exists once per change.
        await notify.queue(uow, notice, student.telegram_id, now, booking_id=first.id)
    return len(changed)
