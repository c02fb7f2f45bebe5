"""Removing time off: by its button or '/unblock <date>'; the weekly hours open again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.model import Teacher
from bot.domain.time_off import TimeOff, starting_on
from bot.domain.windows import parse_date
from bot.services import slot_filling
from bot.services.context import Deps, records_refusals
from bot.services.ownership import owned, teacher_act, teacher_of

if TYPE_CHECKING:
    from storage.uow import SqlUnitOfWork


@dataclass(frozen=True)
class ComingTimeOff:
    """A teacher's time off not over yet, for /unblock."""

    items: list[TimeOff]
    timezone: str
    now: datetime


@dataclass(frozen=True)
class Unblocked:
    """What removing time off did: the removed stretches and the slots opened again."""

    removed: list[TimeOff]
    reopened: int
    timezone: str
    now: datetime


async def coming(deps: Deps, telegram_id: int) -> ComingTimeOff:
    """The teacher's time off that is not over yet, earliest first."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        items = await uow.availability.coming_time_off(teacher.id, now)
    return ComingTimeOff(items, teacher.settings.timezone, now)


@records_refusals
async def remove(deps: Deps, telegram_id: int, time_off_id: int) -> Unblocked:
    """Remove one stretch of time off (its remove button); a foreign or gone id is NotFound."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        found = await uow.availability.get_time_off(time_off_id)
        item = owned(deps, teacher, "time_off", time_off_id, found)
        await _remove(uow, deps, teacher, [item])
        await uow.commit()
    return await _reopen(deps, teacher, [item], now)


async def unblock_day(deps: Deps, telegram_id: int, text: str) -> Unblocked:
    """'/unblock 2026-12-24': remove the coming time off starting that (local) day."""
    day = parse_date(text)
    now = deps.clock.now()
    async with deps.uow() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        items = starting_on(await uow.availability.coming_time_off(teacher.id, now), day, zone)
        if not items:
            raise InvalidInput("no_time_off", str(day))
        await _remove(uow, deps, teacher, items)
        await uow.commit()
    return await _reopen(deps, teacher, items, now)


async def _remove(uow: SqlUnitOfWork, deps: Deps, teacher: Teacher, items: list[TimeOff]) -> None:
    for item in items:
        await uow.availability.remove_time_off(item.id)
        starts_at, ends_at = item.starts_at.isoformat(), item.ends_at.isoformat()
        event = teacher_act(deps, teacher, "time_off.removed", starts_at=starts_at, ends_at=ends_at)
        await uow.audit.add(event)


async def _reopen(deps: Deps, teacher: Teacher, items: list[TimeOff], now: datetime) -> Unblocked:
    """Open the slots the weekly and one-day hours give in the freed time (the upkeep's path)."""
    filled = await slot_filling.fill_teacher(deps, teacher, now)
    return Unblocked(items, filled.created, teacher.settings.timezone, now)
