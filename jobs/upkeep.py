"""Slot horizon upkeep: open the days that came within each teacher's booking horizon."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.services import availability
from bot.services.context import Deps

log = logging.getLogger("lessonlink.upkeep")

INTERVAL_SECONDS = 15 * 60.0


def horizon_job(deps: Deps) -> Callable[[], Awaitable[None]]:
    """A job extending every teacher's slots; idempotent, so missed or repeated runs are fine."""

    async def run() -> None:
        try:
            created = await availability.extend_horizon(deps)
        except Exception:
            # A failing run is retried at the next interval; never let it stop the scheduler.
            log.exception("slot upkeep failed")
            return
        if created:
            log.info("slot upkeep opened %d slots", created)

    return run
