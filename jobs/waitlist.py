"""The waitlist's periodic pass: lapsed holds are offered on, lines of begun lessons dropped,
seats freed by more seats or hours offered to those waiting."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.services import waitlist_offers
from bot.services.context import Deps

log = logging.getLogger("lessonlink.waitlist")

# Often enough that a hold of a few minutes lapses close to its time.
INTERVAL_SECONDS = 20.0


def waitlist_job(deps: Deps) -> Callable[[], Awaitable[None]]:
    """A job running one waitlist pass; every step is conditional, so workers may overlap."""

    async def run() -> None:
        try:
            offered = await waitlist_offers.sweep(deps)
        except Exception:
            # Retried at the next interval; never let it stop the scheduler.
            log.exception("waitlist pass failed")
            return
        if offered:
            log.info("waitlist pass offered %d held seats", offered)

    return run
