"""Telegram updates are applied once: claim an update_id before handling, finish or release it.

Both webhook and polling mode go through `apply_once`. While an update is being handled its
claim is kept alive by a heartbeat (`ClaimKeeper`); a claim whose heartbeat stopped for
CLAIM_LEASE belongs to a process that died, and the next delivery of the update takes it over.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import Enum

from bot.domain.update_claims import Claim
from bot.services.claim_keeper import (
    CLAIM_LEASE,
    HEARTBEAT,
    LEASE_BEATS,
    RECORD_TTL,
    ClaimKeeper,
    GroupCommit,
    claim_update,
    claim_updates,
    finish_updates,
    refresh_claims,
    release_update,
    write_ledger,
)
from bot.services.context import Deps

log = logging.getLogger("lessonlink.updates")

__all__ = [
    "CLAIM_LEASE",
    "HEARTBEAT",
    "LEASE_BEATS",
    "RECORD_TTL",
    "Applied",
    "ClaimKeeper",
    "GroupCommit",
    "apply_once",
    "claim_update",
    "claim_updates",
    "finish_updates",
    "outbox_backlog",
    "prune_updates",
    "refresh_claims",
    "release_update",
    "write_ledger",
]


class Applied(Enum):
    """How one delivery of an update ended."""

    HANDLED = "processed"  # handled now (a refusal the user was told about counts)
    DUPLICATE = "duplicate"  # handled before: nothing done
    IN_PROGRESS = "in_progress"  # a live claim elsewhere: deliver it again later
    FAILED = "failed"  # what the bot stands on failed: the claim is released, deliver again
    UNAVAILABLE = "unavailable"  # the claim could not even be recorded: deliver again


async def apply_once(
    deps: Deps, keeper: ClaimKeeper, update_id: int, handle: Callable[[], Awaitable[bool]]
) -> Applied:
    """Claim, handle (True: done; False: failed on infrastructure), then finish or release."""
    if keeper.handled_here(update_id):
        log.info("update=%s is a redelivery of an update handled here: skipped", update_id)
        return Applied.DUPLICATE
    try:
        claim = await keeper.claims.submit(update_id)
    except Exception as exc:  # cannot even record it: deliver it again later
        log.warning("update=%s not claimed: %s: %s", update_id, type(exc).__name__, exc)
        return Applied.UNAVAILABLE
    if claim is Claim.DUPLICATE:
        log.info("update=%s is a redelivery of a processed update: skipped", update_id)
        return Applied.DUPLICATE
    if claim is Claim.IN_PROGRESS:
        return Applied.DUPLICATE if keeper.handled_here(update_id) else Applied.IN_PROGRESS
    if claim is Claim.TAKEN_OVER:
        log.info("update=%s was left unfinished by a stopped process: handling it", update_id)
    keeper.hold(update_id)
    try:
        handled = await handle()
        if not handled:
            try:
                await keeper.release(update_id)
            except Exception:  # the claim's lease runs out instead
                log.warning("update=%s: claim not released", update_id)
            return Applied.FAILED
        try:
            await keeper.finish(update_id)
        except Exception as exc:  # handled all the same; a redelivery would run it again
            log.warning("update=%s processed, not recorded: %s", update_id, type(exc).__name__)
        return Applied.HANDLED
    finally:
        keeper.drop(update_id)


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
