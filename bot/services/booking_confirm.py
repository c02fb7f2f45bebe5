"""The Confirm press: book a slot, or move a lesson to it, in one write transaction.

Everything the press needs is read inside the transaction that books: who acts (locked), the
viewer's zone, the lesson being moved, the slot. Nothing is read twice, and the day around
the slot is left for the caller to read only when the slot is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.booking import require_coming, student_change
from bot.domain.errors import NotFound, SlotRefused, SlotUnavailable
from bot.domain.model import Account, AuditEvent, Booking, Slot
from bot.domain.notes import clean_note
from bot.services import booking, places, seats
from bot.services.booking import lesson_of
from bot.services.context import Deps, audit, records_refusals, refused
from bot.services.notify import Booked as Made
from bot.services.student_calendar_model import Booked
from bot.services.student_home import resolve_student, viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class NotTaken:
    """The slot was refused: why, for which student record, and the slot's start and zone
    (enough for the caller to show the slot's day as it is now)."""

    refusal: SlotRefused
    student_id: int
    starts_at: datetime
    zone: str


@records_refusals
async def confirm(
    deps: Deps,
    telegram_id: int,
    student_id: int,
    moving: int,
    slot_id: int,
    account: Account | None = None,
    note: str = "",
) -> Booked | NotTaken:
    """Book the slot for the student record (0: the remembered one), or move `moving` to it.

    `account` is the one the update's identity already read; without it, it is read here.
    `note` is the student's note to the teacher on a new booking (a moved lesson keeps its own).
    """
    note = clean_note(note)
    async with deps.uow() as uow:
        old = await _lesson_to_move(uow, deps, telegram_id, moving) if moving else None
        student_id = student_id or (old[0].student_id if old else 0)
        student, teacher = await resolve_student(uow, deps, telegram_id, student_id, lock=True)
        zone = viewer_zone(account or await uow.accounts.get(telegram_id), teacher)
        if old is not None:
            old_booking, old_slot = old
            if old_booking.student_id != student.id:
                raise NotFound().audited(_foreign_booking(deps, telegram_id, moving))
            now = deps.clock.now()
            require_coming(old_booking, old_slot, now)
            student_change(old_slot, old_booking, teacher.settings, now).require()
        slot = await uow.slots.get(slot_id)
        if slot is None or slot.teacher_id != teacher.id:
            event = audit(
                "slot.access",
                "refused:foreign",
                deps,
                actor=telegram_id,
                student_id=student.id,
                slot_id=slot_id,
            )
            raise NotFound().audited(event)
        try:
            new = await seats.take(uow, deps, student, slot, teacher, moving or None)
        except SlotRefused as refusal:
            if refusal.reason == SlotUnavailable.ALREADY_YOURS and old is None:
                # A second tap on Confirm, or the same press delivered again after a crash,
                # shows the booking it made rather than a warning about it.
                held = await uow.bookings.overlapping(student.id, slot.starts_at, slot.ends_at)
                mine = next((b for b, s in held if s.id == slot.id), None)
                if mine is not None:
                    shown = await places.with_place(uow, lesson_of(teacher, student, slot, mine))
                    return Booked(shown, zone)
            return NotTaken(refusal, student.id, slot.starts_at, zone)
        if old is None:
            if note:  # written before the notices, so the teacher's notice can show it
                await uow.bookings.set_notes(new.id, student_note=note)
                new.student_note = note
            # The place is read before the commit: after it, the read would be a transaction
            # of its own.
            made = await places.with_place(uow, lesson_of(teacher, student, slot, new))
            await booking.commit_booking(uow, deps, telegram_id, Made(teacher, student, slot, new))
            return Booked(made, zone)
        before = Made(teacher, student, old_slot, old_booking)
        await booking.commit_move(uow, deps, telegram_id, before, (slot, new))
        # Read after the move is written: it gives the new booking the lesson's own place
        # and notes (seats.hand_over).
        moved = await places.with_place(uow, lesson_of(teacher, student, slot, new))
        return Booked(moved, zone, lesson_of(*before))


async def _lesson_to_move(
    uow: SqlUnitOfWork, deps: Deps, telegram_id: int, booking_id: int
) -> tuple[Booking, Slot]:
    """The booking being rescheduled, with its slot; a missing one is refused as foreign."""
    found = await uow.bookings.get(booking_id)
    if found is None:
        raise NotFound().audited(_foreign_booking(deps, telegram_id, booking_id))
    return found


def _foreign_booking(deps: Deps, telegram_id: int, booking_id: int) -> AuditEvent:
    return refused("booking.access", "refused:foreign", deps, telegram_id, booking_id=booking_id)
