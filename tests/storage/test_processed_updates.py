"""The processed-updates claim: one winner per update_id, a heartbeat, takeover, expiry."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from bot.domain.clock import ManualClock
from bot.domain.update_claims import Claim
from bot.security import TokenVault
from bot.services.context import Deps
from bot.services.updates import CLAIM_LEASE, Applied, ClaimKeeper, apply_once, claim_update
from storage.uow import SqlUnitOfWork

DAY = timedelta(days=1)


async def claim(uow: Callable[[], SqlUnitOfWork], update_id: int, clock: ManualClock) -> Claim:
    now = clock.now()
    async with uow() as u:
        result = await u.updates.claim(update_id, now, now - timedelta(seconds=90), now + DAY)
        await u.commit()
    return result


async def test_of_concurrent_claims_on_one_update_exactly_one_wins(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    results = await asyncio.gather(*(claim(uow, 42, clock) for _ in range(8)))
    assert results.count(Claim.NEW) == 1
    assert set(results) == {Claim.NEW, Claim.IN_PROGRESS}


async def test_a_claim_is_finished_released_taken_over_and_pruned(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    assert await claim(uow, 1, clock) == Claim.NEW
    async with uow() as u:
        await u.updates.finish(1)
        await u.commit()
    assert await claim(uow, 1, clock) == Claim.DUPLICATE

    assert await claim(uow, 2, clock) == Claim.NEW
    async with uow() as u:
        await u.updates.release(2)  # the attempt failed: the redelivery starts afresh
        await u.commit()
    assert await claim(uow, 2, clock) == Claim.NEW

    clock.advance(timedelta(seconds=91))  # the worker holding 2 died: its lease ran out
    assert await claim(uow, 2, clock) == Claim.TAKEN_OVER
    assert await claim(uow, 2, clock) == Claim.IN_PROGRESS

    clock.advance(2 * DAY)
    async with uow() as u:
        assert await u.updates.prune(clock.now()) == 2
        await u.commit()
    assert await claim(uow, 1, clock) == Claim.NEW


def deps_on(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    """What a worker's services get: this database and this clock."""
    return Deps(uow=uow, clock=clock, vault=TokenVault(b"updates-test"))


async def test_a_claim_left_by_a_dead_worker_is_taken_over_within_seconds(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = deps_on(uow, clock)
    assert await claim_update(deps, 7) == Claim.NEW  # the worker dies: no heartbeat follows
    clock.advance(timedelta(seconds=10))
    assert await claim_update(deps, 7) == Claim.IN_PROGRESS, "two missed beats: maybe alive"
    clock.advance(timedelta(seconds=10))
    assert await claim_update(deps, 7) == Claim.TAKEN_OVER, "a redelivery need not wait 90 s"


async def test_a_live_claim_is_kept_by_its_heartbeat_however_long_the_update_takes(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = deps_on(uow, clock)
    keeper = ClaimKeeper(deps, interval=timedelta(milliseconds=20))
    slow_part_done = asyncio.Event()

    async def slow_update() -> bool:
        await slow_part_done.wait()
        return True

    worker = asyncio.create_task(apply_once(deps, keeper, 8, slow_update))
    for _ in range(4):  # a minute of handling, in steps shorter than the lease
        clock.advance(timedelta(seconds=15))
        async with asyncio.timeout(10):  # until the heartbeat has refreshed the claim
            while keeper.last_beat != clock.now():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        clock.advance(timedelta(seconds=10))
        assert await claim_update(deps, 8) == Claim.IN_PROGRESS, "a live claim is not stolen"
    slow_part_done.set()
    assert await worker == Applied.HANDLED
    clock.advance(timedelta(minutes=5))
    assert await claim_update(deps, 8) == Claim.DUPLICATE


async def test_the_heartbeat_stops_with_the_worker_and_its_claim_is_taken_over(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = deps_on(uow, clock)
    keeper = ClaimKeeper(deps, interval=timedelta(milliseconds=20))
    worker = asyncio.create_task(apply_once(deps, keeper, 9, asyncio.Event().wait))
    async with asyncio.timeout(10):  # until the worker is inside the update
        while keeper.last_beat is None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    worker.cancel()  # the worker stops mid-update; its claim stays, no longer refreshed
    with contextlib.suppress(asyncio.CancelledError):
        await worker
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    assert await claim_update(deps, 9) == Claim.TAKEN_OVER


async def test_claims_made_together_each_count_once_whatever_their_order(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    keeper = ClaimKeeper(deps_on(uow, clock))
    assert await keeper.claims.submit(6) == Claim.NEW
    await keeper.finishes.submit(6)  # update 6 was handled before the burst
    burst = await asyncio.gather(*(keeper.claims.submit(i) for i in [5, 3, 5, 6, 4, 3]))
    assert burst == [
        Claim.NEW,
        Claim.NEW,
        Claim.IN_PROGRESS,
        Claim.DUPLICATE,
        Claim.NEW,
        Claim.IN_PROGRESS,
    ]


async def test_a_shorter_heartbeat_lets_the_next_delivery_take_over_sooner(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    quick = replace(deps_on(uow, clock), claim_heartbeat=timedelta(seconds=2))
    assert await claim_update(quick, 11) == Claim.NEW
    clock.advance(timedelta(seconds=5))  # fewer than three beats of 2 s: still being handled
    assert await claim_update(quick, 11) == Claim.IN_PROGRESS
    clock.advance(timedelta(seconds=2))  # seven seconds without a beat: the handler died
    assert await claim_update(quick, 11) == Claim.TAKEN_OVER
    # With the default heartbeat, seven seconds is no reason to take a claim over.
    assert await claim_update(deps_on(uow, clock), 12) == Claim.NEW
    clock.advance(timedelta(seconds=7))
    assert await claim_update(deps_on(uow, clock), 12) == Claim.IN_PROGRESS


async def test_a_webhook_finish_rides_with_the_next_claim_and_is_never_handled_twice(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = deps_on(uow, clock)
    writes: list[str] = []
    # finish_later far away: only the next claim (or a stop's flush) writes the finish.
    worker = ClaimKeeper(
        deps,
        interval=timedelta(hours=1),  # beats only when the test asks
        finish_later=timedelta(hours=1),
        on_write=lambda kind, _: writes.append(kind),
    )
    other = ClaimKeeper(deps)  # a second worker behind the same webhook URL
    handled: list[int] = []

    def update(update_id: int) -> Callable[[], Awaitable[bool]]:
        async def handle() -> bool:
            handled.append(update_id)
            return True

        return handle

    assert await apply_once(deps, worker, 1, update(1)) == Applied.HANDLED
    assert writes == ["claim"], "one write transaction for the update, not two"
    # A redelivery to the same worker is known handled without touching the database;
    # another worker sees a live claim (Telegram retries it later).
    assert await apply_once(deps, worker, 1, update(1)) == Applied.DUPLICATE
    assert await apply_once(deps, other, 1, update(1)) == Applied.IN_PROGRESS
    assert writes == ["claim"]

    assert await apply_once(deps, worker, 2, update(2)) == Applied.HANDLED
    assert writes == ["claim", "claim+finish"]
    assert await apply_once(deps, other, 1, update(1)) == Applied.DUPLICATE
    # Update 2's finish is still in memory: its claim stays live past the lease, refreshed.
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    await worker.beat()
    assert await apply_once(deps, other, 2, update(2)) == Applied.IN_PROGRESS

    await worker.flush()  # what a stop does once requests in flight are answered
    assert writes == ["claim", "claim+finish", "heartbeat", "finish"]
    clock.advance(timedelta(minutes=5))
    assert await apply_once(deps, other, 2, update(2)) == Applied.DUPLICATE
    assert handled == [1, 2]
