"""Telegram updates are applied once: claim an update_id before handling, finish or release it.

Both webhook and polling mode go through `apply_once`. While an update is being handled its
claim is kept alive by a heartbeat (`ClaimKeeper`); a claim whose heartbeat stopped for
CLAIM_LEASE belongs to a process that died, and the next delivery of the update takes it over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import Enum
from typing import Generic, TypeVar

from bot.domain.update_claims import Claim
from bot.services.context import Deps

log = logging.getLogger("lessonlink.updates")
R = TypeVar("R")

# How often a process refreshes the claims of the updates it is handling, by default
# (Deps.claim_heartbeat, the UPDATE_HEARTBEAT_SECONDS setting).
HEARTBEAT = timedelta(seconds=5)
# A claim not refreshed for three heartbeats was left by a process that died mid-update.
LEASE_BEATS = 3
CLAIM_LEASE = LEASE_BEATS * HEARTBEAT
# Telegram keeps an undelivered update for at most 24 hours; after a week without updates it
# may restart update ids at random, so records older than two days only risk false duplicates.
RECORD_TTL = timedelta(hours=48)


class Applied(Enum):
    """How one delivery of an update ended."""

    HANDLED = "processed"  # handled now (a refusal the user was told about counts)
    DUPLICATE = "duplicate"  # handled before: nothing done
    IN_PROGRESS = "in_progress"  # a live claim elsewhere: deliver it again later
    FAILED = "failed"  # what the bot stands on failed: the claim is released, deliver again
    UNAVAILABLE = "unavailable"  # the claim could not even be recorded: deliver again


async def claim_updates(deps: Deps, update_ids: list[int]) -> list[Claim]:
    """Claim updates in one transaction (each atomically across workers); the results are in
    the order given, and an id given twice is claimed by its first mention."""
    now = deps.clock.now()
    claims: dict[int, Claim] = {}
    async with deps.uow() as uow:
        # In id order, so two workers claiming overlapping batches cannot deadlock.
        for index in sorted(range(len(update_ids)), key=update_ids.__getitem__):
            update_id = update_ids[index]
            claims[index] = await uow.updates.claim(
                update_id, now, now - LEASE_BEATS * deps.claim_heartbeat, now + RECORD_TTL
            )
        await uow.commit()
    return [claims[index] for index in range(len(update_ids))]


async def claim_update(deps: Deps, update_id: int) -> Claim:
    """Claim one update for processing; see Claim for the outcomes."""
    return (await claim_updates(deps, [update_id]))[0]


async def refresh_claims(deps: Deps, update_ids: list[int], now: datetime) -> None:
    """The heartbeat: these claims are still being worked on."""
    async with deps.uow() as uow:
        await uow.updates.refresh(update_ids, now)
        await uow.commit()


async def finish_updates(deps: Deps, update_ids: list[int]) -> list[None]:
    """Mark updates processed, so a redelivery is acknowledged without applying it again."""
    async with deps.uow() as uow:
        for update_id in sorted(update_ids):
            await uow.updates.finish(update_id)
        await uow.commit()
    return [None] * len(update_ids)


async def release_update(deps: Deps, update_id: int) -> None:
    """Give up a claim after a failure, so the next delivery is processed afresh."""
    async with deps.uow() as uow:
        await uow.updates.release(update_id)
        await uow.commit()


class GroupCommit(Generic[R]):
    """Writes for many updates in one transaction: each call of `flush` takes every update_id
    submitted while the previous call ran. Alone, an update is written at once; under load
    (SQLite has one writer at a time) a burst shares a few transactions instead of queuing."""

    def __init__(self, flush: Callable[[list[int]], Awaitable[list[R]]]) -> None:
        self._flush = flush
        self._waiting: list[tuple[int, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, update_id: int) -> R:
        """Wait until the write for this update is committed; its result (or its error)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((update_id, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                results = await self._flush([update_id for update_id, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


class ClaimKeeper:
    """This process's claims: recorded and finished in shared transactions, and refreshed
    every heartbeat while any is held."""

    def __init__(self, deps: Deps, interval: timedelta | None = None) -> None:
        self._deps = deps
        self.claims = GroupCommit(lambda ids: claim_updates(deps, ids))
        self.finishes = GroupCommit(lambda ids: finish_updates(deps, ids))
        self._interval = (interval or deps.claim_heartbeat).total_seconds()
        self._held: set[int] = set()
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_beat: datetime | None = None  # when the held claims were last refreshed

    def hold(self, update_id: int) -> None:
        """Keep this claim alive until dropped."""
        self._held.add(update_id)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._beat(), name="claim-heartbeat")

    def drop(self, update_id: int) -> None:
        """Stop refreshing this claim (finished, released, or given up)."""
        self._held.discard(update_id)
        if not self._held:
            self._changed.set()  # the heartbeat ends now instead of at its next beat

    async def _beat(self) -> None:
        while self._held:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), self._interval)
                continue  # woken because nothing is held any more: the loop condition ends it
            except TimeoutError:
                pass
            await self.beat()

    async def beat(self) -> None:
        """Refresh every held claim now (the heartbeat calls this every interval)."""
        now = self._deps.clock.now()
        if not self._held:
            return
        try:
            await refresh_claims(self._deps, sorted(self._held), now)
        except Exception as exc:  # a missed beat is survivable; three in a row are not
            log.warning("claim heartbeat failed: %s: %s", type(exc).__name__, exc)
            return
        self.last_beat = now


async def apply_once(
    deps: Deps, keeper: ClaimKeeper, update_id: int, handle: Callable[[], Awaitable[bool]]
) -> Applied:
    """Claim, handle (True: done; False: failed on infrastructure), then finish or release."""
    try:
        claim = await keeper.claims.submit(update_id)
    except Exception as exc:  # cannot even record it: deliver it again later
        log.warning("update=%s not claimed: %s: %s", update_id, type(exc).__name__, exc)
        return Applied.UNAVAILABLE
    if claim is Claim.DUPLICATE:
        log.info("update=%s is a redelivery of a processed update: skipped", update_id)
        return Applied.DUPLICATE
    if claim is Claim.IN_PROGRESS:
        return Applied.IN_PROGRESS
    if claim is Claim.TAKEN_OVER:
        log.info("update=%s was left unfinished by a stopped process: handling it", update_id)
    keeper.hold(update_id)
    try:
        handled = await handle()
        if not handled:
            try:
                await release_update(deps, update_id)
            except Exception:  # the claim's lease runs out instead
                log.warning("update=%s: claim not released", update_id)
            return Applied.FAILED
        try:
            await keeper.finishes.submit(update_id)
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
