"""Bench 2: calendar presses as the database grows, and whether a press costs a teacher's size.

Part 1, growth: databases of 1k, 100k and 1M slots. Bookings and audit rows grow with the
slots (every third slot holds a booking row; one audit event per slot), and each teacher has
their own horizon (14 to 42 days), so the database is not one teacher copied. A student of a
teacher in the middle of the table presses week, day, slot and Confirm.

Part 2, size independence (issue 14): in one database, the large teacher of
bench/large_teacher.py (3,000 slots in the horizon, 200 upcoming bookings of the pressing
student, 20,000 past bookings, 200,000 audit events) and a small one (300 slots, no history).
The same presses, alternating between the two teachers round by round; each press for the
large teacher must cost at most 1.2x the press for the small one (p50). Exits 1 on a miss.

python -m bench.data_growth --db sqlite
python -m bench.data_growth --db postgres --sizes 1000 100000 1000000
python -m bench.data_growth --db sqlite --sizes   # part 2 only
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import NOW, VAULT, database, machine, p50, parser, percentiles, populate
from bench.large_teacher import LARGE, SMALL, Built, build
from bot.domain.clock import ManualClock
from bot.services import student_calendar as calendar
from bot.services.context import Deps
from bot.services.student_calendar_model import Cursor
from storage.engine import read_factory, uow_factory
from storage.models import AuditRow, BookingRow, SlotRow, TeacherRow

SLOTS_PER_TEACHER = 1000  # about six weeks of hourly slots
ROUNDS = 200
SIZE_ROUNDS = 60
SIZE_RATIO = 1.2
PRESSES = ("week", "day", "slot", "confirm")

Press = Callable[[], Awaitable[object]]


def deps_on(engine: AsyncEngine) -> Deps:
    """Services on this engine, reads in read-only units, as run_bot wires them."""
    return Deps(
        uow=uow_factory(engine), read=read_factory(engine), clock=ManualClock(NOW), vault=VAULT
    )


async def grow(engine: AsyncEngine, world_size: int) -> tuple[int, list[tuple[int, int]]]:
    """Teachers of 1,000 slots each, with bookings, audit rows and their own horizons.

    Returns the teacher in the middle of the table and their students.
    """
    teachers = max(world_size // SLOTS_PER_TEACHER, 1)
    world = await populate(engine, teachers, SLOTS_PER_TEACHER, 10, booked_every=3)
    started = time.perf_counter()
    async with engine.begin() as conn:
        for tid in world.teacher_ids:
            await conn.execute(
                update(TeacherRow)
                .where(TeacherRow.id == tid)
                .values(horizon_days=14 + 7 * (tid % 5))
            )
        booked = (
            await conn.execute(
                select(SlotRow.id, SlotRow.teacher_id, SlotRow.starts_at).where(SlotRow.booked == 1)
            )
        ).all()
        bookings = [
            {
                "slot_id": sid,
                "student_id": world.students[tid][i % len(world.students[tid])][0],
                "status": "confirmed",
                "created_at": NOW - timedelta(days=1),
                "late_cancel": False,
                "sequence": 0,
                "cancel_reason": "",
            }
            for i, (sid, tid, _) in enumerate(booked)
        ]
        for i in range(0, len(bookings), 5000):
            await conn.execute(insert(BookingRow), bookings[i : i + 5000])
        per_teacher = SLOTS_PER_TEACHER
        for tid in world.teacher_ids:
            students = world.students[tid]
            rows = [
                {
                    "at": NOW - timedelta(minutes=7 * i),
                    "actor_telegram_id": students[i % len(students)][1],
                    "teacher_id": tid,
                    "student_id": students[i % len(students)][0],
                    "event": "calendar.viewed",
                    "outcome": "ok",
                    "detail": {},
                }
                for i in range(per_teacher)
            ]
            await conn.execute(insert(AuditRow), rows)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))  # as autovacuum would after such growth
    print(f"  grew bookings and audit rows in {time.perf_counter() - started:.1f} s")
    tid = world.teacher_ids[len(world.teacher_ids) // 2]
    # Students who hold none of the booked slots' neighbours: the pressing student books
    # free slots spaced apart, so they never overlap their own lessons.
    return tid, world.students[tid]


def presses(deps: Deps, account: int, student_id: int, free: list[int]) -> dict[str, Press]:
    """Week, day, a slot's card and Confirm for one student; Confirm takes the next free slot."""
    cursor = Cursor(student_id=student_id)
    left = iter(free)

    async def confirm() -> None:
        done = await calendar.confirm(deps, account, cursor, next(left))
        if not isinstance(done, calendar.Booked):
            raise RuntimeError(f"Confirm was refused: {done}")

    return {
        "week": lambda: calendar.week(deps, account, cursor),
        "day": lambda: calendar.day(deps, account, cursor.on(NOW.date() + timedelta(days=2))),
        "slot": lambda: calendar.offer(deps, account, cursor, free[-1]),
        "confirm": confirm,
    }


async def timed(press: Press) -> float:
    """Milliseconds one press takes."""
    started = time.perf_counter()
    await press()
    return (time.perf_counter() - started) * 1000


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


async def measure_growth(engine: AsyncEngine, world_size: int) -> dict[str, list[float]]:
    """Each press's latencies (ms) against a database holding world_size slots."""
    tid, students = await grow(engine, world_size)
    deps = deps_on(engine)
    async with deps.reading() as uow:
        # Within the shortest horizon, so every slot pressed is bookable.
        slots = await uow.slots.between(tid, NOW, NOW + timedelta(days=14))
    sid, account = students[0]
    free = [s.id for s in slots if s.free][1::2]  # spaced out: never next to each other
    runs = presses(deps, account, sid, free)
    samples: dict[str, list[float]] = {name: [] for name in PRESSES}
    for round_ in range(ROUNDS):
        for name in PRESSES:
            if name == "confirm" and round_ >= len(free) - 2:
                continue
            samples[name].append(await timed(runs[name]))
    return {name: found[10:] for name, found in samples.items()}  # the first rounds warm up


async def growth(args_db: str, pg_url: str, sizes: list[int]) -> None:
    """Part 1: each size on a fresh database, compared with the smallest."""
    baseline: dict[str, float] = {}
    for size in sizes:
        async with database(args_db, pg_url) as (_, engine):
            found = await measure_growth(engine, size)
            if size == sizes[-1]:
                plan_lines = await plans(engine)
        for name in PRESSES:
            baseline.setdefault(name, p50(found[name]))
            ratio = p50(found[name]) / baseline[name]
            print(
                f"{size:>9} slots  {name:<8} {percentiles(found[name])}  "
                f"vs {sizes[0]}: x{ratio:.2f}"
            )
    print("query plans at the largest size:")
    for line in plan_lines:
        print("  " + line)


async def size_independence(args_db: str, pg_url: str) -> list[str]:
    """Part 2: the large and the small teacher's presses, alternating; returns the misses."""
    async with database(args_db, pg_url) as (_, engine):
        large = await build(engine, LARGE, 1)
        small = await build(engine, SMALL, 2)
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        deps = deps_on(engine)

        def runs(built: Built) -> dict[str, Press]:
            return presses(deps, built.account, built.student_id, built.free_slots[::2])

        teachers = {"large": runs(large), "small": runs(small)}
        samples: dict[str, dict[str, list[float]]] = {
            who: {name: [] for name in PRESSES} for who in teachers
        }
        for round_ in range(SIZE_ROUNDS + 5):
            for name in PRESSES:
                for who, run in teachers.items():
                    ms = await timed(run[name])
                    if round_ >= 5:  # the first rounds warm caches and pools
                        samples[who][name].append(ms)
    missed = []
    for name in PRESSES:
        big, little = p50(samples["large"][name]), p50(samples["small"][name])
        verdict = "ok" if big <= SIZE_RATIO * little else "MISSED"
        if verdict != "ok":
            missed.append(name)
        print(f"  {name:<8} large {percentiles(samples['large'][name])}")
        print(f"  {'':<8} small {percentiles(samples['small'][name])}")
        print(f"  {'':<8} large/small x{big / little:.2f}  [{verdict}, target <= {SIZE_RATIO}]")
    return missed


async def main() -> int:
    """Part 1 for the sizes asked, then part 2; exit 1 when a press depends on size."""
    p = parser(__doc__ or "")
    p.add_argument("--sizes", type=int, nargs="*", default=[1_000, 100_000, 1_000_000])
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    if args.sizes:
        await growth(args.db, args.pg_url, args.sizes)
    print("size independence (large teacher against small):")
    missed = await size_independence(args.db, args.pg_url)
    print("MISSED: " + ", ".join(missed) if missed else "all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
