"""Bench 2: week view and confirm latency as the database grows (1k, 100k, 1M slots).

python -m bench.data_growth --db sqlite
python -m bench.data_growth --db postgres --sizes 1000 100000 1000000
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import NOW, VAULT, database, machine, p50, parser, percentiles, populate
from bot.domain.clock import ManualClock
from bot.services import booking
from bot.services import student_calendar as calendar
from bot.services.context import Deps
from bot.services.student_calendar_model import Cursor
from storage.engine import uow_factory

SLOTS_PER_TEACHER = 1000  # about six weeks of hourly slots
ROUNDS = 200


async def measure(engine: AsyncEngine, world_size: int) -> tuple[list[float], list[float]]:
    """Week-view and confirm latencies (ms) against a database holding world_size slots."""
    teachers = max(world_size // SLOTS_PER_TEACHER, 1)
    world = await populate(engine, teachers, SLOTS_PER_TEACHER, 10, booked_every=3)
    clock = ManualClock(NOW)
    deps = Deps(uow=uow_factory(engine), clock=clock, vault=VAULT)
    tid = world.teacher_ids[len(world.teacher_ids) // 2]  # a teacher in the middle of the table
    students = world.students[tid]
    async with deps.uow() as uow:
        free = [s for s in await uow.slots.between(tid, NOW, NOW + timedelta(days=60)) if s.free]
    week_ms: list[float] = []
    confirm_ms: list[float] = []
    for round_ in range(ROUNDS):
        sid, account = students[round_ % len(students)]
        started = time.perf_counter()
        await calendar.week(deps, account, Cursor(student_id=sid))
        week_ms.append((time.perf_counter() - started) * 1000)
        slot = free[round_ * 2 + 1]  # spaced out, so no student overlaps their own lessons
        started = time.perf_counter()
        await booking.book(deps, account, sid, slot.id)
        confirm_ms.append((time.perf_counter() - started) * 1000)
    return week_ms[10:], confirm_ms[10:]  # the first rounds warm caches and pools


async def plans(engine: AsyncEngine) -> list[str]:
    """The query plans of the calendar's range read and the seat taking."""
    queries = [
        "SELECT * FROM slots WHERE teacher_id = 500 AND starts_at >= '2026-11-24' "
        "AND starts_at < '2026-12-24' AND status = 'open' ORDER BY starts_at",
        "UPDATE slots SET booked = booked + 1 WHERE id = 12345 AND status = 'open' "
        "AND booked < capacity",
        "SELECT * FROM bookings WHERE student_id = 77 AND status = 'confirmed'",
    ]
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    out = []
    async with engine.connect() as conn:
        for query in queries:
            rows = (await conn.execute(text(explain + query))).all()
            out.append(query + "\n    " + "\n    ".join(str(r[-1]) for r in rows))
        await conn.rollback()
    return out


async def main() -> None:
    """Measure each size on a fresh database and compare with the smallest."""
    p = parser(__doc__ or "")
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    baseline: tuple[float, float] | None = None
    for size in args.sizes:
        async with database(args.db, args.pg_url) as (_, engine):
            week_ms, confirm_ms = await measure(engine, size)
            if size == args.sizes[-1]:
                plan_lines = await plans(engine)
        w, c = p50(week_ms), p50(confirm_ms)
        baseline = baseline or (w, c)
        print(f"{size:>9} slots  week view {percentiles(week_ms)}")
        print(f"{'':>9}        confirm   {percentiles(confirm_ms)}")
        print(
            f"{'':>9}        vs {args.sizes[0]}: week x{w / baseline[0]:.2f}, "
            f"confirm x{c / baseline[1]:.2f}"
        )
    print("query plans at the largest size:")
    for line in plan_lines:
        print("  " + line)


if __name__ == "__main__":
    asyncio.run(main())
