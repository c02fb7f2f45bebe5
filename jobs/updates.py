"""Forget processed updates once a redelivery of them can no longer come."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.services.context import Deps
from bot.services.updates import prune_updates

log = logging.getLogger("lessonlink.jobs")

INTERVAL_SECONDS = 3600.0


def prune_updates_job(deps: Deps) -> Callable[[], Awaitable[None]]:
    """The scheduler's callable deleting expired processed-update records (idempotent)."""

    async def run() -> None:
        try:
            removed = await prune_updates(deps)
        except Exception as exc:  # a busy database must not spill tracebacks every tick
            log.warning("pruning processed updates failed: %s: %s", type(exc).__name__, exc)
            return
        if removed:
            log.info("pruned %d processed update records", removed)

    return run
