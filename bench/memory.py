"""Bench 5: resident memory of one worker serving 10,000 teachers and 100,000 students.

The bot runs as its own process (run_bot.py, as in production); this process plays Telegram
and drives students through the booking flow (home card, week, day, slot, Confirm), each to
a slot of their own, then reads the worker's memory from /proc. Exits 1 when the worker's
resident memory after the flows exceeds the limit (150 MB), or when a student was not booked.

    python -m bench.memory --db sqlite [--teachers 10000 --students-per-teacher 10 --active 400]
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench.common import database, machine, parser, populate
from sandbox.server import BotAPIServer
from sandbox.world import ChatMessage
from storage.engine import create_engine
from storage.models import BookingRow, StudentRow

TOKEN = "4242:bench-memory"
ROOT = Path(__file__).resolve().parents[1]
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")  # a slot's button shows its start time


def memory_of(pid: int) -> tuple[float, float]:
    """(resident now, resident peak) of a process, in MB."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def pick(message: ChatMessage, step: str) -> str:
    """The label a student presses at each step of the booking flow."""
    labels = message.button_texts()
    if step == "day":  # the week: the first day with free times
        chosen = [t for t in labels if "free" in t and "no free" not in t]
    elif step == "slot":  # the day: its first time
        chosen = [t for t in labels if TIME.search(t)]
    elif step == "confirm":
        chosen = [t for t in labels if "Confirm" in t]
    else:  # the home card: its first button opens the calendar
        chosen = labels[:1]
    if not chosen:
        raise RuntimeError(f"no button for {step!r} in {labels} ({message.content[:80]!r})")
    return chosen[0]


async def drive(server: BotAPIServer, uid: int) -> None:
    """One student: open the home card, the week, a day, a slot, confirm."""
    server.add_user(uid, f"Student {uid}")
    server.send_text(uid, "/start")
    await server.wait_for_bot_message(uid, timeout=60)
    for step in ("calendar", "day", "slot", "confirm"):
        message = server.last_bot_message(uid)
        assert message is not None
        button = message.find_button(pick(message, step))
        assert button is not None and button.callback_data is not None
        mark = server.event_mark()
        server.press(uid, message.message_id, button.callback_data)
        await server.wait_for_bot_message(uid, timeout=60, since=mark)


async def booked(url: str, accounts: list[int]) -> int:
    """How many of these students hold a confirmed booking."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            query = (
                select(func.count(func.distinct(BookingRow.student_id)))
                .join(StudentRow, StudentRow.id == BookingRow.student_id)
                .where(StudentRow.telegram_id.in_(accounts), BookingRow.status == "confirmed")
            )
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def main() -> int:
    """Populate, start the worker, drive the flows, report its memory; 1 if a target is missed."""
    p = parser(__doc__ or "")
    p.add_argument("--teachers", type=int, default=10_000)
    p.add_argument("--students-per-teacher", type=int, default=10)
    p.add_argument("--slots-per-teacher", type=int, default=48)
    p.add_argument("--active", type=int, default=400, help="students driven through booking")
    p.add_argument("--limit-mb", type=float, default=150.0, help="resident memory after flows")
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    # The worker runs on the real clock, so the slots start tomorrow for it.
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    async with database(args.db, args.pg_url) as (url, engine):
        world = await populate(
            engine, args.teachers, args.slots_per_teacher, args.students_per_teacher, now=today
        )
        await engine.dispose()
        # One student of each of `active` teachers spread over all: every slot is their own.
        firsts = [world.students[t][0][1] for t in world.teacher_ids if world.students[t]]
        accounts = firsts[:: max(len(firsts) // args.active, 1)][: args.active]
        async with BotAPIServer(token=TOKEN, bot_username="bench_bot") as server:
            env = {
                **os.environ,
                "BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": server.url,
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
            }
            worker = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "run_bot.py"), cwd=tempfile.mkdtemp(), env=env
            )
            try:
                await server.wait_for(lambda: server.active_polls > 0, timeout=120)
                idle, _ = memory_of(worker.pid)
                started = time.perf_counter()
                gate = asyncio.Semaphore(8)
                done: list[int] = []
                growth: list[str] = []  # resident memory every quarter of the flows

                async def one(uid: int) -> None:
                    async with gate:
                        await drive(server, uid)
                    done.append(uid)
                    if len(done) % max(len(accounts) // 4, 1) == 0:
                        growth.append(f"{len(done)}: {memory_of(worker.pid)[0]:.0f} MB")

                await asyncio.gather(*(one(uid) for uid in accounts))
                elapsed = time.perf_counter() - started
                rss, peak = memory_of(worker.pid)
            finally:
                worker.send_signal(signal.SIGTERM)
                await worker.wait()
        confirmed = await booked(url, accounts)
    students = args.teachers * args.students_per_teacher
    print(
        f"world: {args.teachers} teachers, {students} students, "
        f"{args.teachers * args.slots_per_teacher} slots"
    )
    print(
        f"drove {len(accounts)} students through the booking flow in {elapsed:.1f} s; "
        f"{confirmed} hold a confirmed booking"
    )
    print(f"worker memory: idle {idle:.0f} MB, after the flows {rss:.0f} MB, peak {peak:.0f} MB")
    print(f"resident after so many flows: {', '.join(growth)}")
    met = rss <= args.limit_mb
    print(f"target: after the flows ≤ {args.limit_mb:.0f} MB: {'met' if met else 'NOT met'}")
    if confirmed != len(accounts):
        print(f"NOT every student was booked: {confirmed} of {len(accounts)}")
        return 1
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
