"""Bench 3: 200 students at once, on one slot and on 200 different slots.

python -m bench.contention --db sqlite
python -m bench.contention --db postgres
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from bench.common import NOW, VAULT, database, machine, parser, populate
from bot.domain.clock import ManualClock
from bot.domain.errors import SlotRefused
from bot.services import booking
from bot.services.context import Deps
from storage.engine import uow_factory

STUDENTS = 200


async def race(deps: Deps, pairs: list[tuple[int, int]], slot_ids: list[int]) -> dict[str, float]:
    """Every student books at once; returns outcome counts and bookings per second."""
    outcomes: dict[str, float] = {"booked": 0, "refused": 0, "errors": 0}

    async def one(pair: tuple[int, int], slot_id: int) -> None:
        try:
            await booking.book(deps, pair[1], pair[0], slot_id)
            outcomes["booked"] += 1
        except SlotRefused:
            outcomes["refused"] += 1
        except Exception as exc:  # a bench reports failures instead of stopping at the first
            outcomes["errors"] += 1
            print(f"    error: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    await asyncio.gather(*(one(p, s) for p, s in zip(pairs, slot_ids, strict=True)))
    elapsed = time.perf_counter() - started
    outcomes["seconds"] = elapsed
    outcomes["attempts_per_s"] = len(pairs) / elapsed
    return outcomes


async def main() -> None:
    """Both races on a fresh database each."""
    args = parser(__doc__ or "").parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    for name in ("one shared slot", "200 different slots"):
        async with database(args.db, args.pg_url) as (_, engine):
            world = await populate(engine, 1, STUDENTS, STUDENTS)
            deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
            tid = world.teacher_ids[0]
            async with deps.uow() as uow:
                slots = await uow.slots.between(tid, NOW, NOW + timedelta(days=30))
            shared = name == "one shared slot"
            targets = [slots[0].id] * STUDENTS if shared else [s.id for s in slots[:STUDENTS]]
            result = await race(deps, world.students[tid], targets)
            async with deps.uow() as uow:
                held = 0
                for slot_id in set(targets):
                    held += len(await uow.bookings.of_slot(slot_id))
        rate = result["booked"] / result["seconds"]
        print(
            f"{name:>20}: {result['booked']:.0f} booked, {result['refused']:.0f} refused, "
            f"{result['errors']:.0f} errors in {result['seconds']:.2f} s "
            f"({result['attempts_per_s']:.0f} attempts/s, {rate:.0f} bookings/s); "
            f"bookings stored: {held}"
        )


if __name__ == "__main__":
    asyncio.run(main())
