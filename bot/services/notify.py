"""Notifications as outbox rows, written in the caller's transaction; the dispatcher sends them.

Each row carries a typed notice (bot/domain/notices.py: ids, UTC times, names); the text is
rendered at send time in the recipient's language and time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from bot.domain.audience import Audience
from bot.domain.booking import change_deadline, reminder_times
from bot.domain.guardian_notices import GuardianEvent
from bot.domain.guardians import Guardian
from bot.domain.model import Actor, Booking, OutboxMessage, Slot, Student, Teacher
from bot.domain.notice_json import dump_notice
from bot.domain.notices import (
    REMINDER_KINDS,
    BookedByTeacher,
    BookingNew,
    BookingRescheduled,
    CancelledByStudent,
    CancelledByTeacher,
    Lesson,
    MovedByTeacher,
    Notice,
    StudentReminder,
    TeacherReminder,
)
from bot.services import guardian_notices as guardians
from bot.services import mail_notify
from bot.services.outbox_rows import booking_row

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


class Booked(NamedTuple):
    """A booking with its slot, teacher and student: what a notice about it is made from."""

    teacher: Teacher
    student: Student
    slot: Slot
    booking: Booking


def lesson_facts(teacher: Teacher, student: Student, slot: Slot, booking: Booking) -> Lesson:
    """What any lesson notification needs to render itself later."""
    return Lesson(
        booking_id=booking.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        subject=slot.subject,
        teacher_id=teacher.id,
        teacher_name=teacher.display_name,
        teacher_tz=teacher.settings.timezone,
        student_id=student.id,
        student_name=student.name,
        colour=student.colour,
        change_deadline=change_deadline(slot, booking, teacher.settings),
    )


async def queue(
    uow: SqlUnitOfWork,
    notice: Notice,
    chat_id: int,
    now: datetime,
    *,
    due_at: datetime | None = None,
    dedup_key: str | None = None,
    booking_id: int | None = None,
) -> bool:
    """Queue one notification; False when its dedup key exists already."""
    payload = dump_notice(notice)
    return await uow.outbox.add(
        notice.kind.value,
        chat_id,
        payload,
        due_at or now,
        now,
        dedup_key=dedup_key,
        booking_id=booking_id,
    )


def _reminders(
    booked: Booked, now: datetime, followers: Sequence[Guardian] = ()
) -> list[OutboxMessage]:
    """One reminder per lead time, keyed by (booking, lead) so each exists at most once.

    Students are reminded whatever the teacher's own notification switch says; the teacher
    gets reminders only with both their notifications and teacher reminders on. Connected
    guardians (`followers`) get their own, also before the student opened their link.
    """
    teacher, student, slot, booking = booked
    lesson = lesson_facts(*booked)
    settings = teacher.settings
    leads = settings.reminder_leads_minutes
    for_guardians = guardians.reminders(lesson, slot, booking, leads, followers, now)
    if student.telegram_id is None:
        return for_guardians
    queued = []
    for lead, due in reminder_times(slot, settings.reminder_leads_minutes, now):
        reminders: list[tuple[int, StudentReminder | TeacherReminder]] = [
            (student.telegram_id, StudentReminder(lesson=lesson, lead_minutes=lead))
        ]
        if settings.teacher_reminders and settings.notifications_enabled:
            reminders.append(
                (teacher.telegram_id, TeacherReminder(lesson=lesson, lead_minutes=lead))
            )
        for chat_id, reminder in reminders:
            key = f"{reminder.kind}:{booking.id}:{lead}"
            queued.append(booking_row(reminder, chat_id, booking, due, key))
    return queued + for_guardians


async def audience(uow: SqlUnitOfWork, student: Student, now: datetime) -> Audience:
    """Who else hears of the student's lessons now (guardians, an address), in one read."""
    return await uow.guardians.audience(student.id, now)


async def schedule_reminders(
    uow: SqlUnitOfWork, booked: Booked, now: datetime, heard: Audience | None = None
) -> None:
    """Queue the lesson's reminders (each at most once; by email and to guardians too), in one
    statement; `heard` is the student's audience when the caller read it already."""
    if heard is None:
        heard = await audience(uow, booked.student, now)
    mailed = mail_notify.copies(booked, lesson_facts(*booked), now, heard.email)
    await uow.outbox.add_many(_reminders(booked, now, heard.guardians) + mailed, now)


async def replan_reminders(uow: SqlUnitOfWork, teacher: Teacher, now: datetime) -> int:
    """Re-plan the reminders of the teacher's coming lessons after their settings changed."""
    lessons = await uow.bookings.of_teacher_between(teacher.id, now, now + timedelta(days=3660))
    for booking, slot, student in lessons:
        await uow.outbox.withdraw_for_booking(booking.id, REMINDER_KINDS)
        await schedule_reminders(uow, Booked(teacher, student, slot, booking), now)
    return len(lessons)


async def _tell(
    uow: SqlUnitOfWork, notice: Notice, chat_id: int, booking: Booking, now: datetime
) -> None:
    """Queue a notice about a booking, at most once per booking and kind."""
    key = f"{notice.kind}:{booking.id}"
    await queue(uow, notice, chat_id, now, dedup_key=key, booking_id=booking.id)


async def booking_made(
    uow: SqlUnitOfWork, booked: Booked, now: datetime, actor: int | None = None
) -> None:
    """Tell the teacher and the guardians and plan the reminders (whoever booked sees the
    confirmation at once): every row in one statement, each at most once."""
    heard = await audience(uow, booked.student, now)
    queued = _reminders(booked, now, heard.guardians)
    told = (GuardianEvent.BOOKED, Actor.STUDENT)
    lesson, who = lesson_facts(*booked), booked.student
    queued += guardians.copies(
        lesson, booked.booking, heard.guardians, now, told, actor=actor, student=who
    )
    if booked.teacher.settings.notifications_enabled:
        notice = BookingNew(lesson=lesson)
        key = f"{notice.kind}:{booked.booking.id}"
        queued.insert(0, booking_row(notice, booked.teacher.telegram_id, booked.booking, now, key))
    # The student's email confirmation is the teacher's notice, told from their side.
    queued += mail_notify.copies(booked, lesson, now, heard.email, BookingNew(lesson=lesson))
    await uow.outbox.add_many(queued, now)


async def booking_cancelled(
    uow: SqlUnitOfWork,
    booked: Booked,
    now: datetime,
    *,
    by: Actor,
    reason: str = "",
    actor: int | None = None,
) -> None:
    """Withdraw the lesson's reminders and tell the other party and the guardians who
    cancelled."""
    teacher, student, _slot, booking = booked
    await uow.outbox.withdraw_for_booking(booking.id, REMINDER_KINDS)
    lesson = lesson_facts(*booked)
    told: CancelledByStudent | CancelledByTeacher
    heard = await audience(uow, student, now)
    what = (GuardianEvent.CANCELLED, by)
    copies = guardians.copies(
        lesson, booking, heard.guardians, now, what, actor=actor, student=student, reason=reason
    )
    await uow.outbox.add_many(copies, now)
    if by == Actor.STUDENT:
        told = CancelledByStudent(lesson=lesson, by=by, reason=reason)
        if teacher.settings.notifications_enabled:
            await _tell(uow, told, teacher.telegram_id, booking, now)
    else:
        told = CancelledByTeacher(lesson=lesson, by=by, reason=reason)
        if student.telegram_id is not None:
            await _tell(uow, told, student.telegram_id, booking, now)
    mailed = mail_notify.copies(booked, lesson, now, heard.email, told, reminders=False)
    await uow.outbox.add_many(mailed, now)


async def booking_rescheduled(
    uow: SqlUnitOfWork,
    teacher: Teacher,
    student: Student,
    old: tuple[Slot, Booking],
    new: tuple[Slot, Booking],
    now: datetime,
    actor: int | None = None,
) -> None:
    """Move the reminders to the new lesson and tell the teacher and the guardians."""
    old_slot, old_booking = old
    new_slot, new_booking = new
    await uow.outbox.withdraw_for_booking(old_booking.id, REMINDER_KINDS)
    booked = Booked(teacher, student, new_slot, new_booking)
    heard = await audience(uow, student, now)
    queued = _reminders(booked, now, heard.guardians)
    lesson = lesson_facts(*booked)
    notice = BookingRescheduled(lesson=lesson, old_starts_at=old_slot.starts_at)
    told = (GuardianEvent.MOVED, Actor.STUDENT)
    queued += guardians.copies(
        lesson,
        new_booking,
        heard.guardians,
        now,
        told,
        actor=actor,
        student=student,
        old_starts_at=old_slot.starts_at,
    )
    if teacher.settings.notifications_enabled:
        key = f"{notice.kind}:{new_booking.id}"
        queued.insert(0, booking_row(notice, teacher.telegram_id, new_booking, now, key))
    queued += mail_notify.copies(booked, lesson, now, heard.email, notice)
    await uow.outbox.add_many(queued, now)


async def booked_by_teacher(uow: SqlUnitOfWork, booked: Booked, now: datetime, reason: str) -> None:
    """Tell the student the teacher booked a lesson for them, and plan its reminders."""
    lesson = lesson_facts(*booked)
    notice = BookedByTeacher(lesson=lesson, reason=reason)
    if booked.student.telegram_id is not None:
        await _tell(uow, notice, booked.student.telegram_id, booked.booking, now)
    heard = await audience(uow, booked.student, now)
    mailed = mail_notify.copies(booked, lesson, now, heard.email, notice, reminders=False)
    await uow.outbox.add_many(mailed, now)
    await _tell_guardians(uow, booked, now, heard, (GuardianEvent.BOOKED, reason))
    await schedule_reminders(uow, booked, now, heard)


async def moved_by_teacher(
    uow: SqlUnitOfWork, old: Booked, new: Booked, now: datetime, reason: str
) -> None:
    """Move the reminders to the new lesson and tell the student when it is now, and why."""
    await uow.outbox.withdraw_for_booking(old.booking.id, REMINDER_KINDS)
    lesson = lesson_facts(*new)
    notice = MovedByTeacher(lesson=lesson, old_starts_at=old.slot.starts_at, reason=reason)
    if new.student.telegram_id is not None:
        await _tell(uow, notice, new.student.telegram_id, new.booking, now)
    heard = await audience(uow, new.student, now)
    mailed = mail_notify.copies(new, lesson, now, heard.email, notice, reminders=False)
    await uow.outbox.add_many(mailed, now)
    what = (GuardianEvent.MOVED, reason)
    await _tell_guardians(uow, new, now, heard, what, old.slot.starts_at)
    await schedule_reminders(uow, new, now, heard)


async def _tell_guardians(
    uow: SqlUnitOfWork,
    booked: Booked,
    now: datetime,
    heard: Audience,
    what: tuple[GuardianEvent, str],
    old_starts_at: datetime | None = None,
) -> None:
    """Tell the student's guardians what the teacher did to the lesson, and why."""
    event, reason = what
    copies = guardians.copies(
        lesson_facts(*booked),
        booked.booking,
        heard.guardians,
        now,
        (event, Actor.TEACHER),
        old_starts_at=old_starts_at,
        reason=reason,
    )
    await uow.outbox.add_many(copies, now)
