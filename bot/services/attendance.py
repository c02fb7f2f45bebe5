"""Teachers mark a past lesson attended or no-show; no-shows count in the student's numbers."""

from __future__ import annotations

from bot.domain.errors import BookingNotActive, LessonNotPast
from bot.domain.model import BookingStatus
from bot.services.context import Deps, records_refusals
from bot.services.ownership import own_booking, teacher_act, teacher_of


@records_refusals
async def mark_attendance(
    deps: Deps, teacher_telegram_id: int, booking_id: int, attended: bool
) -> int:
    """Mark one of the teacher's begun lessons; returns the student id. Foreign ids are audited."""
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, teacher_telegram_id)
        booking, slot = await own_booking(uow, deps, teacher, booking_id)
        if booking.status != BookingStatus.CONFIRMED:
            raise BookingNotActive()
        if slot.starts_at > deps.clock.now():
            raise LessonNotPast()
        await uow.bookings.set_attended(booking.id, attended)
        outcome, student_id = "attended" if attended else "no_show", booking.student_id
        event = teacher_act(
            deps,
            teacher,
            "booking.attendance",
            outcome,
            student_id=student_id,
            booking_id=booking.id,
        )
        await uow.audit.add(event)
        await uow.commit()
    return booking.student_id
