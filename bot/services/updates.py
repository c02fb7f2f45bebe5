"""Webhook updates are applied once: claim an update_id before handling, finish or release it."""

from __future__ import annotations

from datetime import timedelta

from bot.ports import Claim
from bot.services.context import Deps

# A claim older than this was left by a worker that died mid-update: a redelivery takes over.
# Longer than any sane handling time, so a slow update is not processed twice concurrently.
CLAIM_LEASE = timedelta(seconds=90)
# Telegram keeps an undelivered update for at most 24 hours; after a week without updates it
# may restart update ids at random, so records older than two days only risk false duplicates.
RECORD_TTL = timedelta(hours=48)


async def claim_update(deps: Deps, update_id: int) -> Claim:
    """Claim an update for processing (atomic across workers); see Claim for the outcomes."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        claim = await uow.updates.claim(update_id, now, now - CLAIM_LEASE, now + RECORD_TTL)
        await uow.commit()
    return claim


async def finish_update(deps: Deps, update_id: int) -> None:
    """Mark an update processed, so its redelivery is acknowledged without applying it."""
    async with deps.uow() as uow:
        await uow.updates.finish(update_id)
        await uow.commit()


async def release_update(deps: Deps, update_id: int) -> None:
    """Give up a claim after a failure, so Telegram's redelivery is processed afresh."""
    async with deps.uow() as uow:
        await uow.updates.release(update_id)
        await uow.commit()


async def prune_updates(deps: Deps) -> int:
    """Forget expired update records; returns how many were deleted."""
    async with deps.uow() as uow:
        removed = await uow.updates.prune(deps.clock.now())
        await uow.commit()
    return removed


async def outbox_backlog(deps: Deps) -> tuple[int, float | None]:
    """Due notifications waiting, and the age in seconds of the oldest (for metrics)."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        count, oldest = await uow.outbox.backlog(now)
    return count, (now - oldest).total_seconds() if oldest is not None else None
