"""Waitlist offers inside the caller's transaction: a freed seat held for the first in line,
a holder's booking taking their held seat, and the periodic pass (lapsed holds, lessons begun).

Every step is a conditional UPDATE (storage/repositories/waitlist.py), so a rerun after a
crash offers nobody twice, and a hold and its expiry cannot both win.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from bot.domain.model import Slot
from bot.domain.notices import WaitlistOffer
from bot.domain.waitlist import WaitEntry, WaitState, hold_until, offer_open
from bot.services import notify
from bot.services.context import Deps

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.waitlist")
LAPSED = WaitState.LAPSED


async def as_seen_by(uow: SqlUnitOfWork, slot: Slot, student_id: int, now: datetime) -> Slot:
    """The slot as this student may book it: a seat held for their own running offer is free
    to them (and to nobody else)."""
    if slot.held <= 0:
        return slot
    entry = await uow.waitlist.live(slot.id, student_id)
    if entry is not None and offer_open(entry, now):
        return replace(slot, held=slot.held - 1)
    return slot


async def offer_freed(uow: SqlUnitOfWork, now: datetime, slot_id: int) -> int:
    """Hold each free seat of the slot for the next student in line and tell them; how many.

    A seat that frees while nobody waits stays simply free.
    """
    slot = await uow.slots.get(slot_id)
    if slot is None:
        return 0
    teacher = await uow.teachers.get(slot.teacher_id)
    if teacher is None:
        return 0
    offered, after = 0, 0
    while (entry := await uow.waitlist.next_waiting(slot_id, after)) is not None:
        after = entry.id
        student = await uow.students.get(entry.student_id)
        if student is None or student.archived or student.telegram_id is None:
            await uow.waitlist.close(entry.id, WaitState.DROPPED, now)
            continue
        has = await uow.bookings.overlapping(student.id, slot.starts_at, slot.ends_at)
        if any(s.id == slot_id for _, s in has):  # booked meanwhile (by the teacher, say)
            await uow.waitlist.close(entry.id, WaitState.DROPPED, now)
            continue
        if not await uow.waitlist.hold_seat(slot_id, now):
            break  # no seat free (any more), or the lesson began
        until = hold_until(slot, teacher.settings.waitlist_hold_minutes, now)
        if not await uow.waitlist.offer(entry.id, now, until):
            await uow.waitlist.release_hold(slot_id)  # they left the line meanwhile
            continue
        notice = WaitlistOffer(
            entry_id=entry.id,
            student_id=student.id,
            teacher_name=teacher.display_name,
            teacher_tz=teacher.settings.timezone,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            hold_until=until,
            subject=slot.subject,
        )
        key = f"{notice.kind}:{entry.id}"  # each entry is offered once
        await notify.queue(uow, notice, student.telegram_id, now, dedup_key=key)
        offered += 1
    return offered


async def give_back(uow: SqlUnitOfWork, entry: WaitEntry, to: WaitState, now: datetime) -> bool:
    """Close an offer (declined, left, lapsed) and offer its seat to the next in line; False
    if it was closed already. A lapse only closes an offer whose hold ran out."""
    live_at = False if to == WaitState.LAPSED else None
    was = await uow.waitlist.close(entry.id, to, now, live_at=live_at)
    if was is None:
        return False
    if was == WaitState.OFFERED:
        await uow.waitlist.release_hold(entry.slot_id)
        await offer_freed(uow, now, entry.slot_id)
    return True


async def sweep(deps: Deps) -> int:
    """One periodic pass: drop lines of lessons begun or gone, lapse ran-out holds (offering
    each seat on), and offer seats freed any other way (more seats or hours); how many offers.

    Each step is its own transaction: one failing slot holds back no other (it is tried
    again at the next pass).
    """
    now = deps.clock.now()
    async with deps.uow() as uow:
        await uow.waitlist.drop_started(now)
        lapsed = await uow.waitlist.lapsed(now)
        await uow.commit()
    for entry in lapsed:
        await _each(deps, entry.slot_id, partial(give_back, entry=entry, to=LAPSED, now=now))
    async with deps.uow() as uow:
        with_room = await uow.waitlist.slots_with_room(now)
        await uow.commit()
    offered = 0
    for slot_id in with_room:
        offered += await _each(deps, slot_id, partial(offer_freed, now=now, slot_id=slot_id))
    return offered


async def _each(
    deps: Deps, slot_id: int, step: Callable[[SqlUnitOfWork], Awaitable[int | bool]]
) -> int:
    """One step of the pass in its own transaction; a failure is logged and left for the next."""
    try:
        async with deps.uow() as uow:
            done = await step(uow)
            await uow.commit()
    except Exception:
        log.exception("waitlist step failed for slot %s", slot_id)
        return 0
    return int(done)
