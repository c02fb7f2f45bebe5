"""Slot horizon upkeep: open the days that came within each teacher's booking horizon, then
book the weeks of standing series that came within it (after the slots exist, never before)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services import availability, series_upkeep
from bot.services.context import Deps
from storage.locks import held_exclusively

log = logging.getLogger("lessonlink.upkeep")

INTERVAL_SECONDS = 15 * 60.0


def horizon_job(deps: Deps, engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """A job extending every teacher's slots; idempotent, so missed or repeated runs are fine."""

    async def run() -> None:
        try:
            # One worker at a time: racing workers would collide on the same new slots.
            async with held_exclusively(engine, "lessonlink-horizon") as mine:
                created = await availability.extend_horizon(deps) if mine else 0
                rolled = await series_upkeep.roll_forward(deps) if mine else 0
        except Exception:
            # A failing run is retried at the next interval; never let it stop the scheduler.
            log.exception("slot upkeep failed")
            return
        if created:
            log.info("slot upkeep opened %d slots", created)
        if rolled:
            log.info("slot upkeep booked %d lessons of weekly series", rolled)

    return run
