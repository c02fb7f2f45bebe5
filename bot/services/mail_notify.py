"""Lesson notices by email: copies of a booking's notices for the student's address.

Written with the booking's own notices, in the same transaction and statement, as outbox
rows of the email channel (chat_id is the student's id; the address is read when the mail
goes out, so a changed address or an unsubscribe applies to mail already queued). A student
gets them only when the teacher stored an address with notices on and its owner has not
unsubscribed; without SMTP configured no address can be stored, so none are written.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.booking import reminder_times
from bot.domain.mail import EMAIL, StudentEmail
from bot.domain.model import Booking, OutboxMessage, Slot, Student, Teacher
from bot.domain.notice_json import dump_notice
from bot.domain.notices import Lesson, LessonNotice, StudentReminder


def _row(
    notice: LessonNotice, student: Student, booking: Booking, due: datetime, key: str
) -> OutboxMessage:
    """An email outbox row about a booking, not yet stored."""
    return OutboxMessage(
        0,
        notice.kind.value,
        student.id,
        dump_notice(notice),
        due,
        dedup_key=f"mail:{key}",
        booking_id=booking.id,
        channel=EMAIL,
    )


def copies(
    booked: tuple[Teacher, Student, Slot, Booking],
    lesson: Lesson,
    now: datetime,
    email: StudentEmail | None,
    told: LessonNotice | None = None,
    *,
    reminders: bool = True,
) -> list[OutboxMessage]:
    """The email rows of one booking event for the student's address (none unless it takes
    notices): what the student is told, and/or the reminders."""
    teacher, student, slot, booking = booked
    if email is None or not email.wants_notices:
        return []
    queued = []
    if told is not None:
        queued.append(_row(told, student, booking, now, f"{told.kind}:{booking.id}"))
    if reminders:
        for lead, due in reminder_times(slot, teacher.settings.reminder_leads_minutes, now):
            reminder = StudentReminder(lesson=lesson, lead_minutes=lead)
            key = f"{reminder.kind}:{booking.id}:{lead}"
            queued.append(_row(reminder, student, booking, due, key))
    return queued
