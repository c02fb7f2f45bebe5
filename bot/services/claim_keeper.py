"""The processed-updates ledger of one process: claims, finishes and the heartbeat.

Writes for many updates share transactions (`GroupCommit`); `ClaimKeeper` holds this
process's claims alive and, in webhook mode, folds each finish into the next claim.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
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


async def claim_updates(deps: Deps, update_ids: list[int]) -> list[Claim]:
    """Claim updates in one transaction (each atomically across workers); the results are in
    the order given, and an id given twice is claimed by its first mention."""
    return await write_ledger(deps, update_ids, [])


async def write_ledger(deps: Deps, claim_ids: list[int], finish_ids: list[int]) -> list[Claim]:
    """Finish some updates and claim others in one transaction; the claims, in the order given.

    Every row is touched in update_id order, so two workers writing overlapping ids cannot
    deadlock; an id given twice is claimed by its first mention.
    """
    now = deps.clock.now()
    stale, expires = now - LEASE_BEATS * deps.claim_heartbeat, now + RECORD_TTL
    claims: dict[int, Claim] = {}
    steps = [(i, 0, -1) for i in finish_ids] + [(u, 1, n) for n, u in enumerate(claim_ids)]
    async with deps.uow() as uow:
        for update_id, is_claim, index in sorted(steps):
            if is_claim:
                claims[index] = await uow.updates.claim(update_id, now, stale, expires)
            else:
                await uow.updates.finish(update_id)
        await uow.commit()
    return [claims[index] for index in range(len(claim_ids))]


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
    every heartbeat while any is held.

    With `finish_later` (webhook mode), a handled update's finish is not a transaction of its
    own: it is written with the next claim, or after `finish_later` when none comes, and the
    update stays held (its claim refreshed) until then. This worker answers a redelivery of
    it as a duplicate from memory meanwhile; another worker sees a live claim (503) and gets
    the duplicate answer on the retry. Safe for a webhook because Telegram redelivers only an
    update that did not get its 200, and the 200 is sent once the update is handled.
    """

    def __init__(
        self,
        deps: Deps,
        interval: timedelta | None = None,
        *,
        finish_later: timedelta | None = None,
        on_write: Callable[[str, float], None] | None = None,
    ) -> None:
        self._deps = deps
        self.claims = GroupCommit(self._claim)
        self.finishes = GroupCommit(lambda ids: self._timed("finish", finish_updates(deps, ids)))
        self._interval = (interval or deps.claim_heartbeat).total_seconds()
        self._later = finish_later
        self._on_write = on_write
        self._unwritten: set[int] = set()  # handled here, finish not yet written
        self._flusher: asyncio.Task[None] | None = None
        self._held: set[int] = set()
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_beat: datetime | None = None  # when the held claims were last refreshed

    async def _timed(self, kind: str, write: Awaitable[R]) -> R:
        """Run one ledger transaction, reporting its kind and seconds (metrics)."""
        started = time.perf_counter()
        try:
            return await write
        finally:
            if self._on_write is not None:
                self._on_write(kind, time.perf_counter() - started)

    async def _claim(self, update_ids: list[int]) -> list[Claim]:
        finished = sorted(self._unwritten)
        kind = "claim+finish" if finished else "claim"
        claims = await self._timed(kind, write_ledger(self._deps, update_ids, finished))
        self._written(finished)
        return claims

    def handled_here(self, update_id: int) -> bool:
        """Handled by this worker, its finish not yet written: a redelivery is a duplicate."""
        return update_id in self._unwritten

    async def finish(self, update_id: int) -> None:
        """Record a handled update: at once, or with the next claim (finish_later)."""
        if self._later is None:
            await self.finishes.submit(update_id)
            return
        self._unwritten.add(update_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_later(), name="finish-updates")

    async def _flush_later(self) -> None:
        assert self._later is not None
        while self._unwritten:
            await asyncio.sleep(self._later.total_seconds())
            await self.flush()

    async def flush(self) -> None:
        """Write every deferred finish now (when no claim came in time, and on stopping)."""
        finished = sorted(self._unwritten)
        if not finished:
            return
        try:
            await self._timed("finish", write_ledger(self._deps, [], finished))
        except Exception as exc:  # still held and refreshed: the next claim or flush retries
            log.warning("finishes not recorded yet: %s: %s", type(exc).__name__, exc)
            return
        self._written(finished)

    def _written(self, update_ids: list[int]) -> None:
        for update_id in update_ids:
            self._unwritten.discard(update_id)
            self.drop(update_id)

    async def release(self, update_id: int) -> None:
        """Give up a claim after a failure, so the next delivery is processed afresh."""
        await self._timed("release", release_update(self._deps, update_id))

    def hold(self, update_id: int) -> None:
        """Keep this claim alive until dropped."""
        self._held.add(update_id)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._beat(), name="claim-heartbeat")

    def drop(self, update_id: int) -> None:
        """Stop refreshing this claim (finished and written, released, or given up)."""
        if update_id in self._unwritten:
            return  # its claim must stay live until the finish is written
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
            await self._timed("heartbeat", refresh_claims(self._deps, sorted(self._held), now))
        except Exception as exc:  # a missed beat is survivable; three in a row are not
            log.warning("claim heartbeat failed: %s: %s", type(exc).__name__, exc)
            return
        self.last_beat = now
