"""Booking use cases: book, cancel, reschedule. The seat is taken by the database, atomically."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import notices
from bot.domain.booking import (
    require_coming,
    student_change,
    undo_until,
)
from bot.domain.errors import (
    BookingNotActive,
    LinkRefusal,
    LinkRefused,
    NotFound,
)
from bot.domain.links import refusal_to_use
from bot.domain.model import Actor, Booking, BookingStatus, ShareLink, Slot, Student, Teacher
from bot.services import guardian_access, notify, seats
from bot.services.context import Deps, audit, records_refusals, refused
from bot.services.notify import Booked

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True, kw_only=True)
class Lesson(notices.Lesson):
    """A booking as its student or teacher sees it: the facts its notices carry, and its state."""

    slot_id: int
    status: BookingStatus
    change_deadline: datetime  # always known for a booking read now
    cancelled_by: Actor | None = None
    # Set when the grace period after booking outlasts the cancellation window's edge.
    undo_until: datetime | None = None
    series_id: int | None = None  # an occurrence of a weekly series
    # Where it takes place, read when shown (bot.services.places); None: not looked up or none.
    place: str | None = None
    teacher_note: str = ""  # shown to the lesson's student and teacher only
    student_note: str = ""


def lesson_of(teacher: Teacher, student: Student, slot: Slot, booking: Booking) -> Lesson:
    """Flatten a booking with its slot, teacher and student."""
    facts = notify.lesson_facts(teacher, student, slot, booking)
    return Lesson(
        **asdict(facts),
        slot_id=slot.id,
        status=booking.status,
        cancelled_by=booking.cancelled_by,
        undo_until=undo_until(slot, booking, teacher.settings),
        series_id=booking.series_id,
        teacher_note=booking.teacher_note,
        student_note=booking.student_note,
    )


async def active_student(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int,
    student_id: int,
    *,
    lock: bool = False,
    reads: bool = False,
) -> tuple[Student, Teacher]:
    """The student record acting for this account, if its link still grants access.

    A connected guardian acts for the student too: to see (`reads`) always, to book, cancel
    and move only as the teacher allows (guardian_access.acts_for). With lock, the
    student's bookings are serialized until commit (a double tap waits).
    """
    found = await uow.students.acting(student_id, lock=lock)
    if found is not None and found[0].telegram_id != telegram_id:
        student = found[0]
        if await guardian_access.acts_for(uow, deps, telegram_id, student, writes=not reads):
            return student, found[1]
        found = None
    if found is None:
        event = refused(
            "student.access", "refused:foreign", deps, telegram_id, student_id=student_id
        )
        raise NotFound().audited(event)
    student, teacher, link = found
    require_access(student, link, deps.clock.now())
    return student, teacher


def require_access(student: Student, link: ShareLink | None, now: datetime) -> None:
    """Refuse (LinkRefused) a student record whose newest link no longer grants access."""
    if student.archived:
        raise LinkRefused(LinkRefusal.ARCHIVED)
    reason = refusal_to_use(link, now) if link else LinkRefusal.REVOKED
    if reason is not None:
        raise LinkRefused(reason)


async def _commit_audited(
    uow: SqlUnitOfWork,
    deps: Deps,
    event: str,
    telegram_id: int | None,
    pair: tuple[Teacher, Student],
    detail: Mapping[str, object],
) -> None:
    """Record a booking change an account (None: a plain browser holding the student's link)
    made for this teacher's student, and commit both."""
    teacher, student = pair
    record = audit(
        event, "ok", deps, actor=telegram_id, teacher_id=teacher.id, student_id=student.id
    )
    await uow.audit.add(replace(record, detail=dict(detail)))
    await uow.commit()


@records_refusals
async def book(deps: Deps, telegram_id: int, student_id: int, slot_id: int) -> Lesson:
    """Book a slot for the student this account acts as."""
    async with deps.uow() as uow:
        student, teacher = await active_student(uow, deps, telegram_id, student_id, lock=True)
        slot = await seats.slot_of(uow, teacher, slot_id)
        booking = await seats.take(uow, deps, student, slot, teacher)
        await commit_booking(uow, deps, telegram_id, Booked(teacher, student, slot, booking))
    return lesson_of(teacher, student, slot, booking)


async def commit_booking(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int | None, made: Booked
) -> None:
    """Queue a new booking's notices and reminders, audit it and commit, all at once."""
    teacher, student, slot, booking = made
    await notify.booking_made(uow, made, deps.clock.now(), telegram_id)
    detail = {"booking_id": booking.id, "slot_id": slot.id}
    await _commit_audited(uow, deps, "booking.made", telegram_id, (teacher, student), detail)


async def own_booking(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int,
    booking_id: int,
    *,
    lock: bool = False,
    reads: bool = False,
    coming: bool = True,
) -> tuple[Booking, Slot, Student, Teacher]:
    """A booking of a student record this account acts as, else audited NotFound; with
    `coming`, only a confirmed one that has not begun (else BookingNotActive)."""
    found = await uow.bookings.get(booking_id)
    if found is None:
        event = refused(
            "booking.access", "refused:unknown", deps, telegram_id, booking_id=booking_id
        )
        raise NotFound().audited(event)
    booking, slot = found
    student_id = booking.student_id
    student, teacher = await active_student(
        uow, deps, telegram_id, student_id, lock=lock, reads=reads
    )
    if coming:
        require_coming(booking, slot, deps.clock.now())
    return booking, slot, student, teacher


@records_refusals
async def cancel_by_student(deps: Deps, telegram_id: int, booking_id: int) -> Lesson:
    """Cancel one's own lesson before the cancellation window, or within the grace period."""
    async with deps.uow() as uow:
        booking, slot, student, teacher = await own_booking(uow, deps, telegram_id, booking_id)
        student_change(slot, booking, teacher.settings, deps.clock.now()).require()
        lesson = Booked(teacher, student, slot, booking)
        return await cancel_lesson(uow, deps, telegram_id, lesson, Actor.STUDENT)


async def cancel_lesson(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int | None,
    lesson: Booked,
    by: Actor,
    reason: str = "",
) -> Lesson:
    """Cancel, audit and commit a lesson someone may cancel; the lesson as it is now."""
    teacher, student, slot, booking = lesson
    await seats.release(
        uow, deps, teacher, student, slot, booking, by=by, reason=reason, actor=telegram_id
    )
    cancelled = {"booking_id": booking.id, "by": by.value}
    await _commit_audited(
        uow, deps, "booking.cancelled", telegram_id, (teacher, student), cancelled
    )
    booking.status, booking.cancelled_by = BookingStatus.CANCELLED, by
    return lesson_of(teacher, student, slot, booking)


@records_refusals
async def cancel_by_teacher(deps: Deps, telegram_id: int, booking_id: int, reason: str) -> Lesson:
    """A teacher cancels a lesson of theirs; the student is told why."""
    async with deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(telegram_id)
        found = await uow.bookings.get(booking_id)
        if teacher is None or found is None or found[1].teacher_id != teacher.id:
            event = refused(
                "booking.cancel", "refused:foreign", deps, telegram_id, booking_id=booking_id
            )
            raise NotFound().audited(event)
        booking, slot = found
        if slot.starts_at <= deps.clock.now():
            raise BookingNotActive()  # a lesson that began is marked attended, not cancelled
        student = await uow.students.get(booking.student_id)
        assert student is not None
        lesson = Booked(teacher, student, slot, booking)
        return await cancel_lesson(uow, deps, telegram_id, lesson, Actor.TEACHER, reason)


@records_refusals
async def reschedule(deps: Deps, telegram_id: int, booking_id: int, new_slot_id: int) -> Lesson:
    """Move a lesson: the new seat is taken before the old one is given back, in one transaction."""
    async with deps.uow() as uow:
        old_booking, old_slot, student, teacher = await own_booking(
            uow, deps, telegram_id, booking_id, lock=True
        )
        student_change(old_slot, old_booking, teacher.settings, deps.clock.now()).require()
        new_slot = await seats.slot_of(uow, teacher, new_slot_id)
        new_booking = await seats.take(uow, deps, student, new_slot, teacher, old_booking.id)
        old = Booked(teacher, student, old_slot, old_booking)
        await commit_move(uow, deps, telegram_id, old, (new_slot, new_booking))
    return lesson_of(teacher, student, new_slot, new_booking)


async def commit_move(
    uow: SqlUnitOfWork,
    deps: Deps,
    telegram_id: int | None,
    old: Booked,
    new: tuple[Slot, Booking],
) -> None:
    """Give the old seat back once the new one is taken, move the notices, audit, commit."""
    teacher, student, old_slot, old_booking = old
    new_slot, new_booking = new
    await seats.hand_over(uow, deps, (old_slot, old_booking), new_booking, Actor.STUDENT)
    now = deps.clock.now()
    await notify.booking_rescheduled(
        uow, teacher, student, (old_slot, old_booking), (new_slot, new_booking), now, telegram_id
    )
    detail = {"booking_id": new_booking.id, "from_booking": old_booking.id}
    pair = (teacher, student)
    await _commit_audited(uow, deps, "booking.rescheduled", telegram_id, pair, detail)


@records_refusals
async def lessons_of_student(
    deps: Deps, telegram_id: int, student_id: int, past: int = 3
) -> tuple[list[Lesson], list[Lesson]]:
    """The student's upcoming lessons and the last few past ones."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        student, teacher = await active_student(uow, deps, telegram_id, student_id, reads=True)
        rows = await uow.bookings.of_student(student.id)
    lessons = [lesson_of(teacher, student, s, b) for b, s in rows]
    upcoming = [lesson for lesson in lessons if lesson.ends_at > now]
    done = [lesson for lesson in lessons if lesson.ends_at <= now][-past:] if past else []
    return upcoming, done
