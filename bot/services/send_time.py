"""What a notice is checked against and told with when it goes out, not when it was queued.

A row may wait minutes or days: by then the booking may be gone, an offer lapsed, a guardian
removed, a place or a note changed. Every sender (Telegram's and email's) asks here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.booking import may_still_change
from bot.domain.guardian_notices import GuardianNotice, GuardianReminder
from bot.domain.model import BookingStatus, OutboxMessage, SlotStatus
from bot.domain.notices import (
    BookedByTeacher,
    BookingNew,
    BookingRescheduled,
    CancelledByTeacher,
    DailyAgenda,
    MovedByTeacher,
    Notice,
    PlaceChanged,
    Reminder,
    StudentReminder,
    WaitlistOffer,
)
from bot.domain.outgoing import AgendaLesson, Outgoing
from bot.domain.reminders import agenda_too_late, reminder_skip
from bot.domain.waitlist import offer_open
from bot.services import places

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

# Notices that say where the lesson is: the reminders, and a lesson the teacher booked or moved.
PLACED = (Reminder, BookedByTeacher, MovedByTeacher, PlaceChanged)
# The lesson notices that show the lesson's notes (read when sent, so never a stale copy).
NOTED = (BookingNew, BookingRescheduled, Reminder, BookedByTeacher, MovedByTeacher)


async def stale_reason(
    uow: SqlUnitOfWork, message: OutboxMessage, notice: Notice, now: datetime
) -> str | None:
    """Why a claimed row should not be sent any more, if it should not."""
    if isinstance(notice, GuardianNotice | GuardianReminder) and notice.guardian_id:
        # Removed (or expired, or the student archived) since it was queued: not theirs now.
        followers = await uow.guardians.recipients(notice.lesson.student_id, now)
        if not any(
            g.id == notice.guardian_id and g.telegram_id == message.chat_id for g in followers
        ):
            return "guardian removed"
    if isinstance(notice, Reminder) and message.booking_id is not None:
        found = await uow.bookings.get(message.booking_id)
        if found is None or found[0].status != BookingStatus.CONFIRMED:
            return "booking no longer confirmed"
        planned = await uow.outbox.planned_leads(message.booking_id, message.kind)
        skip = reminder_skip(found[1].starts_at, notice.lead_minutes, planned, now)
        return skip.value if skip is not None else None
    if isinstance(notice, PlaceChanged) and message.booking_id is not None:
        found = await uow.bookings.get(message.booking_id)
        confirmed = found is not None and found[0].status == BookingStatus.CONFIRMED
        return None if confirmed else "booking no longer confirmed"
    if isinstance(notice, DailyAgenda):
        due_at = notice.due_at or message.due_at
        return "agenda too late" if agenda_too_late(due_at, now) else None
    if isinstance(notice, WaitlistOffer):  # an offer that lapsed, was taken or went is false
        entry = await uow.waitlist.get(notice.entry_id)
        if entry is None or not offer_open(entry, now):
            return "offer no longer open"
        slot = await uow.slots.get(entry.slot_id)
        return None if slot is not None and slot.status == SlotStatus.OPEN else "slot gone"
    return None


async def student_now(uow: SqlUnitOfWork, message: OutboxMessage, notice: Notice) -> int | None:
    """The account a student-bound notice should reach now (links can be rebound)."""
    if isinstance(notice, WaitlistOffer):  # the offer's student, not who held the link then
        student = await uow.students.get(notice.student_id)
        return student.telegram_id if student is not None and not student.archived else None
    student_bound = StudentReminder | CancelledByTeacher | PlaceChanged
    if not isinstance(notice, student_bound) or message.booking_id is None:
        return message.chat_id
    found = await uow.bookings.get(message.booking_id)
    student = await uow.students.get(found[0].student_id) if found else None
    return student.telegram_id if student is not None else None


async def outgoing_of(
    uow: SqlUnitOfWork, message: OutboxMessage, notice: Notice, now: datetime
) -> Outgoing:
    """The notice with what is known only now: the day's lessons, whether a change is open."""
    outgoing = Outgoing(message.id, message.chat_id, notice)
    if isinstance(notice, PLACED) and message.booking_id is not None:
        outgoing = replace(outgoing, place=await places.of_booking(uow, message.booking_id))
    if isinstance(notice, NOTED) and message.booking_id is not None:
        notes = await uow.bookings.notes_of(message.booking_id)
        outgoing = replace(outgoing, teacher_note=notes[0], student_note=notes[1])
    if isinstance(notice, StudentReminder):
        lesson = notice.lesson
        may_change = may_still_change(lesson.starts_at, lesson.change_deadline, now)
        return replace(outgoing, may_change=may_change)
    if isinstance(notice, DailyAgenda):
        rows = await uow.bookings.of_teacher_between(
            notice.teacher_id, notice.day_start, notice.day_end
        )
        lessons = tuple(
            AgendaLesson(slot.starts_at, slot.ends_at, slot.subject, student.name, student.colour)
            for _, slot, student in rows
        )
        return replace(outgoing, lessons=lessons)
    return outgoing
