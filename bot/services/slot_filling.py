"""Opening slots at scale: planned off the write lock, written in short batches, under a ceiling.

Every path that opens slots comes here: /addslots, the horizon upkeep, and a change of
horizon or time zone. Planning reads a snapshot and sweeps it in linear time; writing opens
at most BATCH_SLOTS slots per transaction and lets other writers in between batches, so one
teacher's thousands of slots never keep the rest of the bot waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain import slot_plan
from bot.domain.model import Teacher, Window
from bot.domain.slot_plan import PlannedSlot, free_of
from bot.domain.windows import MAX_SLOT_MINUTES
from bot.services.context import Deps

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork

log = logging.getLogger("lessonlink.slots")

# A writer waiting for SQLite's lock retries every 100 ms once it has waited a while (SQLite's
# busy handler); a longer pause lets every waiting writer in before the next batch. The cost
# is at most MAX_OPEN_SLOTS / BATCH_SLOTS pauses for the largest command.
PAUSE_SECONDS = 0.15
LOOK_BACK = timedelta(minutes=MAX_SLOT_MINUTES)  # an earlier slot may still reach this far
PLAN_STEP = timedelta(days=28)  # planned in steps of at most a few milliseconds of CPU each


async def pause_between_batches() -> None:
    """Give other writers their turn: SQLite has one write lock for everyone."""
    await asyncio.sleep(PAUSE_SECONDS)


class Pacer:
    """Spaces a run of writes so that after every BATCH_SLOTS slots other writers get a turn."""

    def __init__(self) -> None:
        self._since_pause = 0

    async def before_write(self) -> None:
        """Pause first if enough was written since the last pause."""
        if self._since_pause >= slot_plan.BATCH_SLOTS:
            self._since_pause = 0
            await pause_between_batches()

    def wrote(self, slots: int) -> None:
        """Count what a transaction wrote."""
        self._since_pause += slots


@dataclass(frozen=True)
class Plan:
    """Slots missing from a teacher's calendar, by start, and how many are open already."""

    slots: list[PlannedSlot]
    open_now: int


@dataclass(frozen=True)
class Filled:
    """What a run of batches opened, and what it left for a later run."""

    created: int
    unfinished: int = 0  # a batch failed: the same command (or the upkeep) opens these later
    capped: int = 0  # not opened: the teacher reached MAX_OPEN_SLOTS


async def plan(deps: Deps, teacher: Teacher, windows: Sequence[Window], now: datetime) -> Plan:
    """The windows' slots up to the horizon that are not open yet and clash with nothing."""
    zone = ZoneInfo(teacher.settings.timezone)
    until = now + timedelta(days=teacher.settings.horizon_days)
    planned: list[PlannedSlot] = []
    for window in windows:
        start = now
        while start < until:
            end = min(start + PLAN_STEP, until)
            planned.extend(slot_plan.plan_window(window, zone, start, end))
            start = end
            await asyncio.sleep(0)  # a big plan is CPU work: let other updates run in between
    planned.sort(key=lambda s: (s.starts_at, s.ends_at))
    async with deps.reading() as uow:
        open_now = await uow.slots.count_open(teacher.id, now)
        if not planned:
            return Plan([], open_now)
        taken = await _taken(uow, teacher.id, now, planned)
    return Plan(free_of(planned, taken), open_now)


async def _taken(
    uow: SqlUnitOfWork, teacher_id: int, now: datetime, planned: Sequence[PlannedSlot]
) -> list[tuple[datetime, datetime]]:
    """Blocked time and open slots that the planned ones (sorted by start) could overlap."""
    blocked = await uow.availability.time_off(teacher_id, now)
    last_end = max(s.ends_at for s in planned)
    existing = await uow.slots.between(teacher_id, planned[0].starts_at - LOOK_BACK, last_end)
    return blocked + [(s.starts_at, s.ends_at) for s in existing]


async def write(
    deps: Deps,
    teacher_id: int,
    slots: Sequence[PlannedSlot],
    now: datetime,
    pacer: Pacer | None = None,
) -> Filled:
    """Open planned slots in batches, each its own short transaction; stops at the ceiling.

    A failing batch ends the run without undoing the batches before it: the result says how
    many were opened and how many are left, and planning again opens exactly those.
    """
    pacer = pacer or Pacer()
    created = done = 0
    for batch in slot_plan.batches(slots, slot_plan.BATCH_SLOTS):
        await pacer.before_write()
        try:
            made, over = await _write_batch(deps, teacher_id, batch, now)
        except Exception as exc:  # the batches before it stand; say what is left
            log.warning(
                "teacher=%s opening slots stopped after %d: %s",
                teacher_id,
                created,
                type(exc).__name__,
            )
            return Filled(created, unfinished=len(slots) - done)
        created += made
        done += len(batch)
        pacer.wrote(made)
        if over:
            return Filled(created, capped=over + len(slots) - done)
    return Filled(created)


async def _write_batch(
    deps: Deps, teacher_id: int, batch: Sequence[PlannedSlot], now: datetime
) -> tuple[int, int]:
    """One transaction: recheck what is free now, open it up to the ceiling.

    Returns how many were opened and how many of the batch did not fit under the ceiling.
    """
    async with deps.uow() as uow:
        room = slot_plan.room(await uow.slots.count_open(teacher_id, now, lock=True))
        # Time off or slots may have appeared since planning (a /block, another command).
        taken = await _taken(uow, teacher_id, now, batch)
        fresh = free_of(batch, taken)
        made = 0
        for (window_id, capacity, subject), times in _by_window(fresh[:room]).items():
            made += await uow.slots.add_many(teacher_id, window_id, times, capacity, subject)
        await uow.commit()
    return made, max(0, len(fresh) - room)


def _by_window(
    slots: Sequence[PlannedSlot],
) -> dict[tuple[int | None, int, str], list[tuple[datetime, datetime]]]:
    groups: dict[tuple[int | None, int, str], list[tuple[datetime, datetime]]] = {}
    for s in slots:
        groups.setdefault((s.window_id, s.capacity, s.subject), []).append((s.starts_at, s.ends_at))
    return groups


async def fill_teacher(
    deps: Deps, teacher: Teacher, now: datetime, pacer: Pacer | None = None
) -> Filled:
    """Open every window's missing slots up to the horizon, earliest first, up to the ceiling."""
    async with deps.reading() as uow:
        windows = await uow.availability.windows(teacher.id)
    if not windows:
        return Filled(0)
    found = await plan(deps, teacher, windows, now)
    room = slot_plan.room(found.open_now)
    filled = await write(deps, teacher.id, found.slots[:room], now, pacer)
    capped = filled.capped + max(0, len(found.slots) - room)
    if capped:
        log.info(
            "teacher=%s reached the ceiling of %d open slots; %d not opened",
            teacher.id,
            slot_plan.MAX_OPEN_SLOTS,
            capped,
        )
    return Filled(filled.created, filled.unfinished, capped)


async def check_room(deps: Deps, teacher: Teacher, now: datetime) -> None:
    """TooManySlots if filling the teacher's windows (with these settings) passes the ceiling."""
    async with deps.reading() as uow:
        windows = await uow.availability.windows(teacher.id)
    found = await plan(deps, teacher, windows, now)
    slot_plan.check_ceiling(len(found.slots), found.open_now)


async def clear_future(uow: SqlUnitOfWork, teacher: Teacher, now: datetime) -> None:
    """Take out future free slots cut from windows (one statement), to be cut again."""
    future = await uow.slots.between(teacher.id, now, now + timedelta(days=3660))
    await uow.slots.remove(s.id for s in future if s.window_id is not None and s.booked == 0)
