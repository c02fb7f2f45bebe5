"""Bench 9: what the processed-updates record costs an update, webhook against polling.

Both modes claim every update before handling it and record it as finished after. Polling
writes the finish at once (its offset is confirmed to Telegram later, so a crash between
would redeliver it); the webhook folds it into the next claim (its 200 is the confirmation).
Here `apply_once` runs updates one at a time with a handler that does nothing, so all that is
timed is the record, in blocks of 20 alternating between the two ways (one run, same load).
Prints p50 per update and write transactions per update; exits 1 when the webhook's costs
more than polling's or an update was handled twice.

python -m bench.update_ledger --db sqlite      # or --db postgres
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import timedelta

from bench.common import NOW, VAULT, database, machine, p50, parser
from bot.domain.clock import ManualClock
from bot.services.context import Deps
from bot.services.updates import Applied, ClaimKeeper, apply_once
from storage.engine import uow_factory
from web.webhook import FINISH_LATER

UPDATES = 400
BLOCK = 20


async def main() -> int:
    """Alternate blocks of updates between polling's and the webhook's record."""
    p = parser(__doc__ or "")
    p.add_argument("--updates", type=int, default=UPDATES)
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    async with database(args.db, args.pg_url) as (_url, engine):
        deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
        writes = {"polling": 0, "webhook": 0}

        def counter(mode: str) -> ClaimKeeper:
            def count(_kind: str, _seconds: float) -> None:
                writes[mode] += 1

            later = FINISH_LATER if mode == "webhook" else None
            return ClaimKeeper(deps, timedelta(hours=1), finish_later=later, on_write=count)

        keepers = {mode: counter(mode) for mode in writes}
        samples: dict[str, list[float]] = {mode: [] for mode in writes}
        handled: list[int] = []
        next_id = 1

        async def nothing() -> bool:
            handled.append(next_id)
            return True

        while next_id <= 2 * args.updates:
            for mode, keeper in keepers.items():
                for _ in range(BLOCK):
                    started = time.perf_counter()
                    applied = await apply_once(deps, keeper, next_id, nothing)
                    samples[mode].append((time.perf_counter() - started) * 1000)
                    assert applied is Applied.HANDLED
                    next_id += 1
        await keepers["webhook"].flush()
        for mode in writes:
            per_update = writes[mode] / len(samples[mode])
            print(
                f"  {mode:<8} p50 {p50(samples[mode]):.2f} ms per update, "
                f"{per_update:.2f} write transactions per update"
            )
        ratio = p50(samples["webhook"]) / p50(samples["polling"])
        print(f"  webhook / polling p50 x{ratio:.2f}")
    twice = len(handled) != len(set(handled))
    ok = ratio <= 1.0 and not twice
    print(
        "ok" if ok else "MISSED: " + ("an update handled twice" if twice else "webhook costs more")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
