"""Notifications as outbox rows, written in the caller's transaction; the dispatcher sends them.

Each row carries the facts (ids, UTC times, names); the text is rendered at send time in the
recipient's language and time zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.booking import change_deadline, reminder_times
from bot.domain.model import Actor, Booking, Slot, Student, Teacher

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

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

REMINDER_KINDS = (REMINDER, REMINDER_TEACHER)


def lesson_facts(
    teacher: Teacher, student: Student, slot: Slot, booking: Booking
) -> dict[str, object]:
    """What any lesson notification needs to render itself later."""
    return {
        "booking_id": booking.id,
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
        "subject": slot.subject,
        "teacher_id": teacher.id,
        "teacher_name": teacher.display_name,
        "teacher_tz": teacher.settings.timezone,
        "student_id": student.id,
        "student_name": student.name,
        "colour": student.colour,
        "change_deadline": change_deadline(slot, booking, teacher.settings).isoformat(),
    }


async def queue(
    uow: SqlUnitOfWork,
    kind: str,
    chat_id: int,
    payload: dict[str, object],
    now: datetime,
    *,
    due_at: datetime | None = None,
    dedup_key: str | None = None,
    booking_id: int | None = None,
) -> bool:
    """Queue one notification; False when its dedup key exists already."""
    return await uow.outbox.add(
        kind, chat_id, payload, due_at or now, now, dedup_key=dedup_key, booking_id=booking_id
    )


async def schedule_reminders(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    student: Student,
    slot: Slot,
    booking: Booking,
    now: datetime,
) -> None:
    """One reminder per lead time, keyed by (booking, lead) so each exists at most once.

    Students are reminded whatever the teacher's own notification switch says; the teacher
    gets reminders only with both their notifications and teacher reminders on.
    """
    if student.telegram_id is None:
        return
    facts = lesson_facts(teacher, student, slot, booking)
    for lead, due in reminder_times(slot, teacher.settings.reminder_leads_minutes, now):
        payload = {**facts, "lead_minutes": lead}
        await queue(
            uow, REMINDER, student.telegram_id, payload, now,
            due_at=due, dedup_key=f"{REMINDER}:{booking.id}:{lead}", booking_id=booking.id,
        )  # fmt: skip
        if teacher.settings.teacher_reminders and teacher.settings.notifications_enabled:
            await queue(
                uow, REMINDER_TEACHER, teacher.telegram_id, payload, now,
                due_at=due, dedup_key=f"{REMINDER_TEACHER}:{booking.id}:{lead}",
                booking_id=booking.id,
            )  # fmt: skip


async def replan_reminders(uow: SqlUnitOfWork, teacher: Teacher, now: datetime) -> int:
    """Re-plan the reminders of the teacher's coming lessons after their settings changed."""
    lessons = await uow.bookings.of_teacher_between(teacher.id, now, now + timedelta(days=3660))
    for booking, slot, student in lessons:
        await uow.outbox.withdraw_for_booking(booking.id, REMINDER_KINDS)
        await schedule_reminders(uow, teacher, student, slot, booking, now)
    return len(lessons)


async def booking_made(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    student: Student,
    slot: Slot,
    booking: Booking,
    now: datetime,
) -> None:
    """Tell the teacher and plan the reminders (the student sees the confirmation at once)."""
    if teacher.settings.notifications_enabled:
        facts = lesson_facts(teacher, student, slot, booking)
        await queue(
            uow, BOOKING_NEW, teacher.telegram_id, facts, now,
            dedup_key=f"{BOOKING_NEW}:{booking.id}", booking_id=booking.id,
        )  # fmt: skip
    await schedule_reminders(uow, teacher, student, slot, booking, now)


async def booking_cancelled(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    student: Student,
    slot: Slot,
    booking: Booking,
    now: datetime,
    *,
    by: Actor,
    reason: str = "",
) -> None:
    """Withdraw the lesson's reminders and tell the other party who cancelled."""
    await uow.outbox.withdraw_for_booking(booking.id, REMINDER_KINDS)
    facts = {**lesson_facts(teacher, student, slot, booking), "by": by.value, "reason": reason}
    if by == Actor.STUDENT:
        if teacher.settings.notifications_enabled:
            await queue(
                uow, BOOKING_CANCELLED, teacher.telegram_id, facts, now,
                dedup_key=f"{BOOKING_CANCELLED}:{booking.id}", booking_id=booking.id,
            )  # fmt: skip
    elif student.telegram_id is not None:
        await queue(
            uow, LESSON_CANCELLED_BY_TEACHER, student.telegram_id, facts, now,
            dedup_key=f"{LESSON_CANCELLED_BY_TEACHER}:{booking.id}", booking_id=booking.id,
        )  # fmt: skip


async def booking_rescheduled(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    student: Student,
    old: tuple[Slot, Booking],
    new: tuple[Slot, Booking],
    now: datetime,
) -> None:
    """Move the reminders to the new lesson and tell the teacher."""
    old_slot, old_booking = old
    new_slot, new_booking = new
    await uow.outbox.withdraw_for_booking(old_booking.id, REMINDER_KINDS)
    if teacher.settings.notifications_enabled:
        facts = {
            **lesson_facts(teacher, student, new_slot, new_booking),
            "old_starts_at": old_slot.starts_at.isoformat(),
        }
        await queue(
            uow, BOOKING_RESCHEDULED, teacher.telegram_id, facts, now,
            dedup_key=f"{BOOKING_RESCHEDULED}:{new_booking.id}", booking_id=new_booking.id,
        )  # fmt: skip
    await schedule_reminders(uow, teacher, student, new_slot, new_booking, now)
