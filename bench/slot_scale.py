"""Bench 6: one teacher opens a year of 10-minute slots while another user writes.

A 365-day horizon and `/addslots <day> 00:00-00:00 10 x50` for every weekday (52,560 slots
if all were opened), through the same service the bot's /addslots calls; then the same with
a 240-day horizon, where one weekday (about 4,900 slots) fits under the ceiling. Meanwhile a
probe makes a first contact every 100 ms (the write a newcomer's /help does) and times it.
Last, a student's week view is timed with 1,000, 5,000 and 52,560 open slots: the cost the
ceiling bounds. Runs on the code before the fix too (it uses only the services' public API).

python -m bench.slot_scale --db sqlite
python -m bench.slot_scale --db postgres
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from bench.common import NOW, VAULT, database, machine, p50, parser, percentiles, populate
from bot.domain.clock import ManualClock
from bot.domain.errors import DomainError
from bot.domain.teacher_settings import Setting
from bot.services import accounts, availability, teachers
from bot.services import student_calendar as calendar
from bot.services.context import Deps
from bot.services.student_calendar_model import Cursor
from storage.engine import read_factory, uow_factory

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TEACHER = 4242
PROBE_EVERY = 0.1
WEEK_VIEW_SIZES = (1_000, 5_000, 52_560)
WEEK_VIEW_ROUNDS = 40


async def probe(deps: Deps, stop: asyncio.Event, samples: list[float], errors: list[str]) -> None:
    """A newcomer's first contact (read, then a short write) every PROBE_EVERY seconds."""
    user = 50_000_000
    while not stop.is_set():
        user += 1
        started = time.perf_counter()
        try:
            await accounts.identify(deps, user, "Probe", "en")
            samples.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # a bench reports failures instead of stopping at the first
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}")
        await asyncio.sleep(PROBE_EVERY)


HELD: list[float] = []  # milliseconds each slot-writing transaction lasted


def time_batches() -> None:
    """Record how long each slot-writing transaction lasts (after the fix: one per batch)."""
    try:
        from bot.services import slot_filling
    except ImportError:  # before the fix: each command is one transaction, timed as a whole
        return
    original = slot_filling._write_batch

    async def timed(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args)
        finally:
            HELD.append((time.perf_counter() - started) * 1000)

    slot_filling._write_batch = timed  # type: ignore[assignment]


async def year_of_slots(engine: Any, horizon: int) -> None:
    """Seven /addslots of whole days of 10-minute slots, with the probe running."""
    print(f"horizon {horizon} days:")
    deps = Deps(
        uow=uow_factory(engine), read=read_factory(engine), clock=ManualClock(NOW), vault=VAULT
    )
    await teachers.register(deps, TEACHER, "Ms Year", "UTC")
    await teachers.change_setting(deps, TEACHER, Setting.HORIZON, str(horizon))
    HELD.clear()
    samples: list[float] = []
    errors: list[str] = []
    stop = asyncio.Event()
    prober = asyncio.create_task(probe(deps, stop, samples, errors))
    total_started = time.perf_counter()
    for day in DAYS:
        started = time.perf_counter()
        try:
            added = await availability.add_window(deps, TEACHER, f"{day} 00:00-00:00 10 x50")
            outcome = f"opened {added.slots} slots"
        except DomainError as refused:
            outcome = f"refused: {refused!r}"
        print(f"  /addslots {day}: {time.perf_counter() - started:6.2f} s  {outcome}")
    elapsed = time.perf_counter() - total_started
    stop.set()
    await prober
    async with deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        opened = len(await uow.slots.between(teacher.id, NOW, NOW + timedelta(days=400)))
    print(f"  all seven: {elapsed:.1f} s; open slots now: {opened}")
    print(
        f"  probe (first contact) during them: {len(samples)} writes, {percentiles(samples)}, "
        f"max {max(samples, default=0):.0f} ms; {len(errors)} failed"
    )
    for error in sorted(set(errors)):
        print(f"    {errors.count(error)} x {error}")
    if HELD:
        print(
            f"  slot-writing transactions: {len(HELD)}, longest {max(HELD):.0f} ms, "
            f"{percentiles(HELD)}"
        )


async def week_view(engine: Any, size: int) -> list[float]:
    """A student's week view with `size` open hourly slots of their teacher ahead."""
    world = await populate(engine, 1, size, 1)
    deps = Deps(
        uow=uow_factory(engine), read=read_factory(engine), clock=ManualClock(NOW), vault=VAULT
    )
    [(sid, account)] = world.students[world.teacher_ids[0]]
    samples: list[float] = []
    for _ in range(WEEK_VIEW_ROUNDS):
        started = time.perf_counter()
        await calendar.week(deps, account, Cursor(student_id=sid))
        samples.append((time.perf_counter() - started) * 1000)
    return samples[5:]  # the first rounds warm caches and pools


async def main() -> None:
    """The year of slots, then the week view at each size, each on a fresh database."""
    args = parser(__doc__ or "").parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    time_batches()
    for horizon in (365, 240):
        async with database(args.db, args.pg_url) as (_, engine):
            await year_of_slots(engine, horizon)
    for size in WEEK_VIEW_SIZES:
        async with database(args.db, args.pg_url) as (_, engine):
            samples = await week_view(engine, size)
        print(
            f"  week view with {size:>6} open slots: {percentiles(samples)} "
            f"(p50 {p50(samples):.1f} ms)"
        )


if __name__ == "__main__":
    asyncio.run(main())
