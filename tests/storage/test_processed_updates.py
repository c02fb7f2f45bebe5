"""The processed-updates claim: one winner per update_id, takeover after a crash, expiry."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from bot.domain.clock import ManualClock
from bot.ports import Claim
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
