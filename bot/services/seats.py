"""Seats: where a booking takes a seat of a slot and gives it back, inside the caller's transaction.

Every way a lesson is booked, moved or cancelled (the student, the teacher, a series, time
off) goes through these, so the rules and the seat count are checked in one place.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.booking import refusal_to_book, student_change
from bot.domain.errors import BookingNotActive, SlotRefused, SlotUnavailable
from bot.domain.model import Actor, Booking, Slot, Student, Teacher
from bot.services import buffers, notify, waitlist_offers
from bot.services.context import Deps
from bot.services.notify import Booked

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


async def refusal_for(
    uow: SqlUnitOfWork,
    student: Student,
    teacher: Teacher,
    slot: Slot,
    now: datetime,
    replacing: int | None = None,
    by: Actor = Actor.STUDENT,
) -> SlotUnavailable | None:
    """Why this student may not take this slot of their teacher now, or None if they may."""
    slot = await waitlist_offers.as_seen_by(uow, slot, student.id, now)  # their own hold
    overlapping = await uow.bookings.overlapping(student.id, slot.starts_at, slot.ends_at)
    if any(s.id == slot.id for _, s in overlapping):
        return SlotUnavailable.ALREADY_YOURS
    if any(b.id != replacing for b, _ in overlapping):
        return SlotUnavailable.OVERLAP if by == Actor.STUDENT else SlotUnavailable.STUDENT_BUSY
    reason = refusal_to_book(slot, teacher.settings, now, by)
    if reason is None:
        moved = await uow.bookings.get(replacing) if replacing else None
        if await buffers.too_close_to_lessons(uow, teacher, slot, moved[1].id if moved else None):
            return SlotUnavailable.BUFFER
    return reason


async def slot_of(uow: SqlUnitOfWork, teacher: Teacher, slot_id: int) -> Slot:
    """The teacher's slot; SlotRefused (gone) when there is none."""
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.teacher_id != teacher.id:
        raise SlotRefused(SlotUnavailable.GONE)
    return slot


async def take(
    uow: SqlUnitOfWork,
    deps: Deps,
    student: Student,
    slot: Slot,
    teacher: Teacher,
    replacing: int | None = None,
    by: Actor = Actor.STUDENT,
) -> Booking:
    """Check the rules for whoever acts and take a seat for the student; else SlotRefused.

    The caller has locked the student (active_student(lock=True)), so a double tap cannot
    pass the checks twice; with a buffer set, the teacher is locked here, so two neighbours
    cannot both pass it.
    """
    now = deps.clock.now()
    if teacher.settings.buffer_minutes:
        await uow.teachers.lock(teacher.id)
    reason = await refusal_for(uow, student, teacher, slot, now, replacing, by)
    if reason is not None:
        raise SlotRefused(reason)
    # A seat held for this student's waitlist offer becomes theirs; else a free seat. A slot
    # read with no seat held has no offer to claim, which spares the common press a write.
    claimed = slot.held > 0 and await uow.waitlist.claim_offer(slot.id, student.id, now)
    seated = claimed or await uow.slots.take_seat(slot.id, now)
    # The slot was read unlocked on PostgreSQL: a seat may have been held for this very
    # student since (even while the claim above looked). Their offer is theirs to take
    # before the slot is called full; only a refused seat pays for this second look.
    if not seated and not await uow.waitlist.claim_offer(slot.id, student.id, now):
        raise SlotRefused(SlotUnavailable.FULL)  # someone else got the last seat first
    booking = await uow.bookings.add(slot.id, student.id, now)
    slot.booked += 1
    return booking


async def swap(
    uow: SqlUnitOfWork,
    deps: Deps,
    pair: tuple[Teacher, Student],
    old: tuple[Slot, Booking],
    new_slot_id: int,
    by: Actor,
) -> tuple[Slot, Booking]:
    """Move a lesson for whoever acts: the new seat first, then the old one given back
    (the caller tells, audits and commits)."""
    new_slot, new_booking = await seat(uow, deps, pair, new_slot_id, by, replacing=old[1].id)
    await hand_over(uow, deps, old, new_booking, by)
    return new_slot, new_booking


async def seat(
    uow: SqlUnitOfWork,
    deps: Deps,
    pair: tuple[Teacher, Student],
    slot_id: int,
    by: Actor,
    replacing: int | None = None,
) -> tuple[Slot, Booking]:
    """Lock the student as active_student(lock=True) does, then take a seat of the slot."""
    teacher, student = pair
    await uow.students.lock(student.id)
    slot = await slot_of(uow, teacher, slot_id)
    return slot, await take(uow, deps, student, slot, teacher, replacing, by)


async def hand_over(
    uow: SqlUnitOfWork, deps: Deps, old: tuple[Slot, Booking], new_booking: Booking, by: Actor
) -> None:
    """Give the old seat back once the new one is taken.

    A moved occurrence stays in its weekly series, and the old booking points to the new one,
    so the lesson keeps its calendar UID.
    """
    old_slot, old_booking = old
    if old_booking.series_id is not None:
        await uow.series.join(new_booking.id, old_booking.series_id)
        new_booking.series_id = old_booking.series_id
    await uow.places.carry(old_booking.id, new_booking.id)  # the lesson keeps its own place
    if old_booking.teacher_note or old_booking.student_note:  # the notes move with the lesson
        new_booking.teacher_note = old_booking.teacher_note
        new_booking.student_note = old_booking.student_note
        await uow.bookings.set_notes(
            new_booking.id,
            teacher_note=new_booking.teacher_note,
            student_note=old_booking.student_note,
        )
    now = deps.clock.now()
    if not await uow.bookings.cancel(
        old_booking.id, now, by, "rescheduled", rescheduled_to=new_booking.id
    ):
        raise BookingNotActive()
    await uow.slots.release_seat(old_slot.id)
    await waitlist_offers.offer_freed(uow, now, old_slot.id)


async def release(
    uow: SqlUnitOfWork,
    deps: Deps,
    teacher: Teacher,
    student: Student,
    slot: Slot,
    booking: Booking,
    *,
    by: Actor,
    reason: str = "",
    actor: int | None = None,
) -> None:
    """Cancel a booking inside the caller's transaction: seat back, reminders withdrawn, told
    (`actor`: the account that cancelled, if one did)."""
    now = deps.clock.now()
    # Late means past what the student could still change (the window, or the grace period
    # after booking): only a teacher (or the system) gets there, since students are refused.
    late = not student_change(slot, booking, teacher.settings, now).allowed
    if not await uow.bookings.cancel(booking.id, now, by, reason, late=late):
        raise BookingNotActive()
    await uow.slots.release_seat(slot.id)
    await waitlist_offers.offer_freed(uow, now, slot.id)
    booked = Booked(teacher, student, slot, booking)
    await notify.booking_cancelled(uow, booked, now, by=by, reason=reason, actor=actor)
