"""The waitlist as a student uses it: join a full slot's line, see one's place, leave it,
book the seat held for one's offer or let the next student have it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.errors import NotFound
from bot.domain.model import Slot
from bot.domain.waitlist import (
    WaitEntry,
    WaitlistRefused,
    WaitRefusal,
    WaitState,
    offer_open,
    refusal_to_join,
)
from bot.services import seats, waitlist_offers
from bot.services.booking import active_student, commit_booking, lesson_of
from bot.services.context import Deps, records_refusals, refused
from bot.services.notify import Booked as Made
from bot.services.student_calendar_model import Booked
from bot.services.student_home import viewer_zone

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class Place:
    """A student's live entry in a line: the slot, their place (0: offered), the offer's end."""

    entry_id: int
    student_id: int
    teacher_name: str
    starts_at: datetime
    ends_at: datetime
    subject: str
    place: int
    zone: str
    hold_until: datetime | None = None


async def _entry_of(uow: SqlUnitOfWork, deps: Deps, telegram_id: int, entry_id: int) -> WaitEntry:
    """The entry, if a student record of this account holds it; else audited NotFound."""
    entry = await uow.waitlist.get(entry_id)
    if entry is None:
        event = refused("waitlist.access", "refused:unknown", deps, telegram_id, entry_id=entry_id)
        raise NotFound().audited(event)
    return entry


@records_refusals
async def join(deps: Deps, telegram_id: int, student_id: int, slot_id: int) -> Place:
    """Put the student at the end of a full slot's line; their place in it."""
    async with deps.uow() as uow:
        student, teacher = await active_student(uow, deps, telegram_id, student_id, lock=True)
        if student.telegram_id != telegram_id:  # a guardian acting: the offer would not reach them
            raise WaitlistRefused(WaitRefusal.STUDENT_ONLY)
        slot = await seats.slot_of(uow, teacher, slot_id)
        now = deps.clock.now()
        had = await uow.bookings.overlapping(student.id, slot.starts_at, slot.ends_at)
        live = await uow.waitlist.live(slot.id, student.id)
        seen = await waitlist_offers.as_seen_by(uow, slot, student.id, now)
        reason = refusal_to_join(
            seen,
            now,
            holds_seat=any(s.id == slot.id for _, s in had),
            waiting=live is not None,
        )
        if reason is not None:
            raise WaitlistRefused(reason)
        entry = await uow.waitlist.add(slot.id, student.id, now)
        place = await uow.waitlist.place(entry)
        zone = viewer_zone(await uow.accounts.get(telegram_id), teacher)
        await uow.commit()
    return _place(entry, slot, teacher.display_name, place, zone)


def _place(entry: WaitEntry, slot: Slot, teacher_name: str, place: int, zone: str) -> Place:
    return Place(
        entry.id,
        entry.student_id,
        teacher_name,
        slot.starts_at,
        slot.ends_at,
        slot.subject,
        place,
        zone,
        entry.hold_until,
    )


@records_refusals
async def places(deps: Deps, telegram_id: int) -> list[Place]:
    """Every live place in line of this account's student records, soonest lesson first."""
    async with deps.reading() as uow:
        account = await uow.accounts.get(telegram_id)
        records = [s for s in await uow.students.by_telegram(telegram_id) if not s.archived]
        found = await uow.waitlist.of_students([s.id for s in records])
        teachers = {s.id: await uow.teachers.get(s.teacher_id) for s in records}
    now = deps.clock.now()
    shown = []
    for entry, slot, place in found:
        teacher = teachers[entry.student_id]
        if teacher is None or slot.starts_at <= now:
            continue
        zone = viewer_zone(account, teacher)
        shown.append(_place(entry, slot, teacher.display_name, place, zone))
    return shown


@records_refusals
async def leave(deps: Deps, telegram_id: int, entry_id: int, *, declined: bool = False) -> None:
    """Leave a line, or decline an offer: a held seat goes to the next in line at once."""
    async with deps.uow() as uow:
        entry = await _entry_of(uow, deps, telegram_id, entry_id)
        await active_student(uow, deps, telegram_id, entry.student_id, lock=True)
        to = WaitState.DECLINED if entry.state == WaitState.OFFERED and declined else WaitState.LEFT
        if not await waitlist_offers.give_back(uow, entry, to, deps.clock.now()):
            raise WaitlistRefused(WaitRefusal.OFFER_GONE if declined else WaitRefusal.NOT_WAITING)
        await uow.commit()


@records_refusals
async def book_offer(deps: Deps, telegram_id: int, entry_id: int) -> Booked:
    """Book the seat held for this offer: only while the hold runs (the database decides a
    press against the hold's expiry); else WaitlistRefused(OFFER_GONE)."""
    async with deps.uow() as uow:
        entry = await _entry_of(uow, deps, telegram_id, entry_id)
        student, teacher = await active_student(uow, deps, telegram_id, entry.student_id, lock=True)
        now = deps.clock.now()
        if not offer_open(entry, now):
            raise WaitlistRefused(WaitRefusal.OFFER_GONE)
        slot = await seats.slot_of(uow, teacher, entry.slot_id)
        # The booking's own steps (buffer lock, rules, the held seat claimed): one path for all.
        booking = await seats.take(uow, deps, student, slot, teacher)
        zone = viewer_zone(await uow.accounts.get(telegram_id), teacher)
        await commit_booking(uow, deps, telegram_id, Made(teacher, student, slot, booking))
    return Booked(lesson_of(teacher, student, slot, booking), zone)
