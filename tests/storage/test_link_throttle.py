"""The throttle on real storage: refusals counted from the audit log, per account only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.domain.clock import ManualClock
from bot.domain.errors import LinkRefused, TooManyAttempts
from bot.services import link_opening
from bot.services.context import Deps
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT


async def _try(deps: Deps, account: int, token: str) -> str:
    try:
        await link_opening.open_link(deps, account, "Guesser", token)
    except TooManyAttempts as exc:
        return f"wait {exc.wait_seconds}"
    except LinkRefused as exc:
        return exc.reason.value
    return "opened"


async def test_guessing_is_slowed_then_blocked_for_that_account_only(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = Deps(uow=uow, clock=clock, vault=VAULT)
    guesses = [f"guess-{n:04d}-abcdefghijklmnop" for n in range(10)]
    assert [await _try(deps, 66, g) for g in guesses[:3]] == ["unknown"] * 3
    assert await _try(deps, 66, guesses[3]) == "wait 31", "slowed down after three"
    assert await _try(deps, 77, guesses[3]) == "unknown", "another account is not affected"
    clock.advance(timedelta(seconds=31))
    assert await _try(deps, 66, guesses[4]) == "unknown"
    clock.advance(timedelta(seconds=31))
    assert await _try(deps, 66, guesses[5]) == "unknown"
    outcome = await _try(deps, 66, guesses[6])
    assert outcome == "wait 601", "blocked for ten minutes after five refusals"
    clock.advance(timedelta(minutes=10, seconds=1))
    assert await _try(deps, 66, guesses[7]) == "unknown", "the block ends"


async def test_throttled_tries_are_audited_but_not_counted(
    uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    deps = Deps(uow=uow, clock=clock, vault=VAULT)
    for n in range(3):
        await _try(deps, 88, f"guess-{n:04d}-abcdefghijklmnop")
    for _ in range(5):
        assert (await _try(deps, 88, "guess-9999-abcdefghijklmnop")).startswith("wait")
    clock.advance(timedelta(seconds=31))
    assert await _try(deps, 88, "guess-5555-abcdefghijklmnop") == "unknown"
    async with uow() as u:
        assert await u.audit.count_by_actor(88, "throttled", clock.now() - timedelta(hours=1)) == 5
