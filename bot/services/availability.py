"""Availability use cases: weekly and one-day windows, blocked time, and the slots they yield."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.errors import ConfirmationNeeded, InvalidInput, WindowOverlap
from bot.domain.model import Actor, Booking, Slot, SlotStatus, Teacher, Window
from bot.domain.slot_plan import check_ceiling
from bot.domain.time_off import TimeOff
from bot.domain.timeslots import windows_overlap
from bot.domain.windows import (
    MAX_SLOT_MINUTES,
    block_bounds,
    check_length,
    parse_block_args,
    parse_window_args,
    window_label,
)
from bot.services import seats, slot_filling
from bot.services.context import Deps, records_refusals
from bot.services.ownership import owned, teacher_act, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.availability")


@dataclass(frozen=True)
class AddedWindow:
    """A stored window and how many slots it opened within the horizon."""

    window: Window
    slots: int
    timezone: str
    resumed: bool = False  # the same hours were there already: only missing slots were opened
    unfinished: int = 0  # slots a failed batch left unopened; sending the command again opens them
    capped: int = 0  # slots not opened because the ceiling was reached meanwhile


@dataclass(frozen=True)
class AvailabilityView:
    """A teacher's windows and coming blocked time, for /availability."""

    windows: list[Window]
    time_off: list[TimeOff]
    timezone: str
    now: datetime  # when it was read: decides 'this year' in the time off labels


@dataclass(frozen=True)
class Blocked:
    """What /block did: the stretch in UTC, slots taken out, lessons cancelled."""

    starts_at: datetime
    ends_at: datetime
    removed: int
    cancelled: int
    timezone: str
    reason: str = ""


async def extend_horizon(deps: Deps) -> int:
    """Upkeep: extend every teacher's slots as the horizon moves; safe to run any time."""
    async with deps.reading() as uow:
        teachers = await uow.teachers.all()
    created = 0
    pacer = slot_filling.Pacer()  # shared: the whole run, not each teacher, makes room for others
    now = deps.clock.now()
    for teacher in teachers:
        # Own transactions per teacher and batch: one failing teacher holds back no other.
        try:
            created += (await slot_filling.fill_teacher(deps, teacher, now, pacer)).created
        except Exception:
            log.exception("teacher=%s slot upkeep failed", teacher.id)
    return created


async def add_window(deps: Deps, telegram_id: int, args: str) -> AddedWindow:
    """Add a weekly or one-day window from '/addslots' arguments and open its slots.

    The same hours sent again open only the slots still missing (after a batch failed, say).
    """
    spec = parse_window_args(args)
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        windows = await uow.availability.windows(teacher.id)
    # A typed 0 is a length the teacher chose, and is refused; only no length means default.
    minutes = teacher.settings.slot_minutes if spec.slot_minutes is None else spec.slot_minutes
    check_length(spec, minutes)
    zone = ZoneInfo(teacher.settings.timezone)
    if spec.on_date is not None and spec.on_date < now.astimezone(zone).date():
        raise InvalidInput("past_date", str(spec.on_date))
    candidate = Window(
        0,
        teacher.id,
        spec.start,
        spec.end,
        minutes,
        spec.capacity,
        spec.subject,
        spec.weekday,
        spec.on_date,
    )
    existing = _same_or_clash(candidate, windows, now, zone)
    found = await slot_filling.plan(deps, teacher, [existing or candidate], now)
    check_ceiling(len(found.slots), found.open_now)
    window = existing or await _store(deps, telegram_id, teacher, candidate, len(found.slots))
    slots = [replace(s, window_id=window.id) for s in found.slots]
    filled = await slot_filling.write(deps, teacher.id, slots, now)
    return AddedWindow(
        window,
        filled.created,
        teacher.settings.timezone,
        resumed=window is existing,
        unfinished=filled.unfinished,
        capped=filled.capped,
    )


def _same_or_clash(
    candidate: Window, windows: list[Window], now: datetime, zone: ZoneInfo
) -> Window | None:
    """The identical current window if there is one; WindowOverlap if another one clashes."""
    current = [w for w in windows if _still_current(w, now, zone)]
    for other in current:
        if replace(other, id=0) == candidate:
            return other
    for other in current:
        if windows_overlap(candidate, other):
            raise WindowOverlap(window_label(other))
    return None


async def _store(
    deps: Deps, telegram_id: int, teacher: Teacher, candidate: Window, planned: int
) -> Window:
    """Store the window in a short transaction of its own (its slots follow in batches)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        # Checked again under the write lock: another command may have added hours meanwhile.
        windows = await uow.availability.windows(teacher.id)
        existing = _same_or_clash(candidate, windows, now, ZoneInfo(teacher.settings.timezone))
        if existing is not None:
            return existing
        window = await uow.availability.add_window(candidate, now)
        label = window_label(window)
        event = teacher_act(
            deps, teacher, "window.added", window_id=window.id, window=label, slots=planned
        )
        await uow.audit.add(event)
        await uow.commit()
    return window


def _still_current(window: Window, now: datetime, zone: ZoneInfo) -> bool:
    """A one-day window in the past no longer stands in the way of new ones."""
    return window.on_date is None or window.on_date >= now.astimezone(zone).date()


async def list_windows(deps: Deps, telegram_id: int) -> AvailabilityView:
    """The teacher's current windows and coming blocked time."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        windows = [
            w for w in await uow.availability.windows(teacher.id) if _still_current(w, now, zone)
        ]
        time_off = await uow.availability.coming_time_off(teacher.id, now)
    return AvailabilityView(windows, time_off, teacher.settings.timezone, now)


async def _cancel_all(
    uow: SqlUnitOfWork,
    deps: Deps,
    teacher: Teacher,
    affected: list[tuple[Slot, Booking]],
    reason: str,
) -> None:
    """Cancel lessons through the booking core: seats back, reminders withdrawn, students told."""
    for slot, booking in affected:
        student = await uow.students.get(booking.student_id)
        assert student is not None
        await seats.release(
            uow, deps, teacher, student, slot, booking, by=Actor.TEACHER, reason=reason
        )


async def _bookings_in(uow: SqlUnitOfWork, slots: list[Slot]) -> list[tuple[Slot, Booking]]:
    return [(slot, b) for slot in slots if slot.booked for b in await uow.bookings.of_slot(slot.id)]


@records_refusals
async def remove_window(deps: Deps, telegram_id: int, window_id: int, *, confirmed: int = 0) -> int:
    """Remove a window and its future slots; ConfirmationNeeded first if lessons are booked.

    `confirmed` is how many lessons the teacher agreed to cancel (see block_time).
    """
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        found = await uow.availability.get_window(window_id)
        window = owned(deps, teacher, "window", window_id, found)
        slots = await uow.slots.of_window_from(window.id, now)
        affected = await _bookings_in(uow, slots)
        if affected and len(affected) != confirmed:
            raise ConfirmationNeeded(affected=len(affected))
        await _cancel_all(uow, deps, teacher, affected, reason="")
        await uow.slots.remove(s.id for s in slots)
        await uow.availability.remove_window(window.id)
        event = teacher_act(
            deps, teacher, "window.removed", window=window_label(window), cancelled=len(affected)
        )
        await uow.audit.add(event)
        await uow.commit()
    return len(affected)


async def block_time(
    deps: Deps, telegram_id: int, args: str, *, confirmed: int = 0, tell_reason: bool = True
) -> Blocked:
    """Take days or part of a day off; ConfirmationNeeded first if lessons are booked.

    `confirmed` is how many lessons the teacher agreed to cancel: if bookings changed since
    the question, it is asked again with the new number rather than cancelling others.
    `tell_reason`: whether the students' cancellation notices carry the typed reason (the
    teacher chooses on the confirmation card); the time off keeps it either way.
    """
    spec = parse_block_args(args)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        start, end = block_bounds(spec, ZoneInfo(teacher.settings.timezone))
        if end <= now:
            raise InvalidInput("past_date", str(spec.first))
        nearby = await uow.slots.between(
            teacher.id, start - timedelta(minutes=MAX_SLOT_MINUTES), end, open_only=False
        )
        # Open slots and extra lessons (issue 15); removed ones are gone already.
        slots = [
            s
            for s in nearby
            if s.status != SlotStatus.REMOVED and s.starts_at < end and s.ends_at > max(start, now)
        ]
        affected = await _bookings_in(uow, slots)
        if affected and len(affected) != confirmed:
            raise ConfirmationNeeded(affected=len(affected))
        told = spec.reason if tell_reason else ""
        await _cancel_all(uow, deps, teacher, affected, reason=told)
        await uow.slots.remove(s.id for s in slots)
        await uow.availability.add_time_off(teacher.id, start, end, now, reason=spec.reason)
        event = teacher_act(
            deps,
            teacher,
            "time_off.added",
            starts_at=start.isoformat(),
            ends_at=end.isoformat(),
            cancelled=len(affected),
            reason_told=bool(told),
        )
        await uow.audit.add(event)
        await uow.commit()
    return Blocked(start, end, len(slots), len(affected), teacher.settings.timezone, spec.reason)
