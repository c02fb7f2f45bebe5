"""Availability use cases: weekly and one-day windows, blocked time, and the slots they yield."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import ConfirmationNeeded, InvalidInput, WindowOverlap
from bot.domain.model import Actor, Booking, Slot, Teacher, Window
from bot.domain.timeslots import window_slots, windows_overlap
from bot.domain.windows import (
    MAX_SLOT_MINUTES,
    block_bounds,
    check_length,
    parse_block_args,
    parse_window_args,
    window_label,
)
from bot.ports import UnitOfWork
from bot.services import booking as booking_core
from bot.services.context import Deps, audit, records_refusals
from bot.services.ownership import foreign, teacher_of

log = logging.getLogger("lessonlink.availability")


@dataclass(frozen=True)
class AddedWindow:
    """A stored window and how many slots it opened within the horizon."""

    window: Window
    slots: int
    timezone: str


@dataclass(frozen=True)
class AvailabilityView:
    """A teacher's windows and coming blocked time, for /availability."""

    windows: list[Window]
    time_off: list[tuple[datetime, datetime]]
    timezone: str


@dataclass(frozen=True)
class Blocked:
    """What /block did: the stretch in UTC, slots taken out, lessons cancelled."""

    starts_at: datetime
    ends_at: datetime
    removed: int
    cancelled: int
    timezone: str


def _overlaps(start: datetime, end: datetime, spans: list[tuple[datetime, datetime]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


async def materialize(uow: UnitOfWork, teacher: Teacher, window: Window, now: datetime) -> int:
    """Create the window's missing slots up to the horizon; idempotent, never overlapping."""
    zone = ZoneInfo(teacher.settings.timezone)
    until = now + timedelta(days=teacher.settings.horizon_days)
    wanted = window_slots(window, zone, now, until)
    if not wanted:
        return 0
    blocked = await uow.availability.time_off(teacher.id, now)
    existing = await uow.slots.between(
        teacher.id, wanted[0][0] - timedelta(minutes=MAX_SLOT_MINUTES), until
    )
    taken = blocked + [(s.starts_at, s.ends_at) for s in existing]
    fresh = [(start, end) for start, end in wanted if not _overlaps(start, end, taken)]
    return await uow.slots.add_many(teacher.id, window.id, fresh, window.capacity, window.subject)


async def extend_teacher(uow: UnitOfWork, teacher: Teacher, now: datetime) -> int:
    """Open every window's slots up to the teacher's current horizon."""
    created = 0
    for window in await uow.availability.windows(teacher.id):
        created += await materialize(uow, teacher, window, now)
    return created


async def rebuild_future(uow: UnitOfWork, teacher: Teacher, now: datetime) -> None:
    """Re-cut future free slots after a zone change, so they keep their local hours."""
    future = await uow.slots.between(teacher.id, now, now + timedelta(days=3660))
    await uow.slots.remove(s.id for s in future if s.window_id is not None and s.booked == 0)
    await extend_teacher(uow, teacher, now)


async def extend_horizon(deps: Deps) -> int:
    """Upkeep: extend every teacher's slots as the horizon moves; safe to run any time."""
    async with deps.reading() as uow:
        teachers = await uow.teachers.all()
    created = 0
    for teacher in teachers:
        # One transaction per teacher: one failing teacher does not hold back the others.
        async with deps.uow() as uow:
            created += await extend_teacher(uow, teacher, deps.clock.now())
            await uow.commit()
    return created


async def add_window(deps: Deps, telegram_id: int, args: str) -> AddedWindow:
    """Add a weekly or one-day window from '/addslots' arguments and open its slots."""
    spec = parse_window_args(args)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        minutes = spec.slot_minutes or teacher.settings.slot_minutes
        check_length(spec, minutes)
        zone = ZoneInfo(teacher.settings.timezone)
        if spec.on_date is not None and spec.on_date < now.astimezone(zone).date():
            raise InvalidInput("past_date", str(spec.on_date))
        candidate = Window(0, teacher.id, spec.start, spec.end, minutes, spec.capacity,
                           spec.subject, spec.weekday, spec.on_date)  # fmt: skip
        for other in await uow.availability.windows(teacher.id):
            if windows_overlap(candidate, other) and _still_current(other, now, zone):
                raise WindowOverlap(window_label(other))
        window = await uow.availability.add_window(
            teacher.id, start=spec.start, end=spec.end, slot_minutes=minutes,
            capacity=spec.capacity, subject=spec.subject, weekday=spec.weekday,
            on_date=spec.on_date, now=now,
        )  # fmt: skip
        created = await materialize(uow, teacher, window, now)
        await uow.audit.add(
            audit("window.added", "ok", deps, actor=telegram_id, teacher_id=teacher.id,
                  window_id=window.id, window=window_label(window), slots=created)
        )  # fmt: skip
        await uow.commit()
    return AddedWindow(window, created, teacher.settings.timezone)


def _still_current(window: Window, now: datetime, zone: ZoneInfo) -> bool:
    """A one-day window in the past no longer stands in the way of new ones."""
    return window.on_date is None or window.on_date >= now.astimezone(zone).date()


async def list_windows(deps: Deps, telegram_id: int) -> AvailabilityView:
    """The teacher's current windows and coming blocked time."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        windows = [w for w in await uow.availability.windows(teacher.id)
                   if _still_current(w, now, zone)]  # fmt: skip
        time_off = await uow.availability.time_off(teacher.id, now)
    return AvailabilityView(windows, time_off, teacher.settings.timezone)


async def _cancel_all(
    uow: UnitOfWork, deps: Deps, teacher: Teacher, affected: list[tuple[Slot, Booking]], reason: str
) -> None:
    """Cancel lessons through the booking core: seats back, reminders withdrawn, students told."""
    for slot, booking in affected:
        student = await uow.students.get(booking.student_id)
        assert student is not None
        await booking_core.release(
            uow, deps, teacher, student, slot, booking, by=Actor.TEACHER, reason=reason
        )


async def _bookings_in(uow: UnitOfWork, slots: list[Slot]) -> list[tuple[Slot, Booking]]:
    return [(slot, b) for slot in slots if slot.booked for b in await uow.bookings.of_slot(slot.id)]


@records_refusals
async def remove_window(deps: Deps, telegram_id: int, window_id: int, *, confirmed: int = 0) -> int:
    """Remove a window and its future slots; ConfirmationNeeded first if lessons are booked.

    `confirmed` is how many lessons the teacher agreed to cancel (see block_time).
    """
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        window = await uow.availability.get_window(window_id)
        if window is None or window.teacher_id != teacher.id:
            raise foreign(deps, teacher, "window", window_id)
        slots = await uow.slots.of_window_from(window.id, now)
        affected = await _bookings_in(uow, slots)
        if affected and len(affected) != confirmed:
            raise ConfirmationNeeded(affected=len(affected))
        await _cancel_all(uow, deps, teacher, affected, reason="")
        await uow.slots.remove(s.id for s in slots)
        await uow.availability.remove_window(window.id)
        await uow.audit.add(
            audit("window.removed", "ok", deps, actor=telegram_id, teacher_id=teacher.id,
                  window=window_label(window), cancelled=len(affected))
        )  # fmt: skip
        await uow.commit()
    return len(affected)


async def block_time(deps: Deps, telegram_id: int, args: str, *, confirmed: int = 0) -> Blocked:
    """Take days or part of a day off; ConfirmationNeeded first if lessons are booked.

    `confirmed` is how many lessons the teacher agreed to cancel: if bookings changed since
    the question, it is asked again with the new number rather than cancelling others.
    """
    spec = parse_block_args(args)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        start, end = block_bounds(spec, ZoneInfo(teacher.settings.timezone))
        if end <= now:
            raise InvalidInput("past_date", str(spec.first))
        nearby = await uow.slots.between(
            teacher.id, start - timedelta(minutes=MAX_SLOT_MINUTES), end
        )
        slots = [s for s in nearby if s.starts_at < end and s.ends_at > max(start, now)]
        affected = await _bookings_in(uow, slots)
        if affected and len(affected) != confirmed:
            raise ConfirmationNeeded(affected=len(affected))
        await _cancel_all(uow, deps, teacher, affected, reason=spec.reason)
        await uow.slots.remove(s.id for s in slots)
        await uow.availability.add_time_off(teacher.id, start, end, now)
        await uow.audit.add(
            audit("time_off.added", "ok", deps, actor=telegram_id, teacher_id=teacher.id,
                  starts_at=start.isoformat(), ends_at=end.isoformat(), cancelled=len(affected))
        )  # fmt: skip
        await uow.commit()
    return Blocked(start, end, len(slots), len(affected), teacher.settings.timezone)
