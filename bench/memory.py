"""Bench 5: resident memory of one worker serving 10,000 teachers and 100,000 students.

The bot runs as its own process (run_bot.py, as in production); this process plays Telegram
and drives students through the booking flow, then reads the worker's memory from /proc.

    python -m bench.memory --db sqlite [--teachers 10000 --students-per-teacher 10 --active 400]
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.common import NOW, database, machine, parser, populate
from sandbox.server import BotAPIServer

TOKEN = "4242:bench-memory"
ROOT = Path(__file__).resolve().parents[1]


def memory_of(pid: int) -> tuple[float, float]:
    """(resident now, resident peak) of a process, in MB."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


async def drive(server: BotAPIServer, uid: int, index: int) -> None:
    """One student: open the home card, the week, a day, a slot, confirm."""
    server.add_user(uid, f"Student {uid}")
    server.send_text(uid, "/start")
    await server.wait_for_bot_message(uid, timeout=60)
    for pick in ("first", "day", "slot", "first"):
        message = server.last_bot_message(uid)
        assert message is not None
        labels = message.button_texts()
        if pick == "day":
            labels = [t for t in labels if "free" in t and "no free" not in t] or labels
        label = labels[index % len(labels)] if pick == "slot" else labels[0]
        button = message.find_button(label)
        assert button is not None and button.callback_data is not None
        mark = server.event_mark()
        server.press(uid, message.message_id, button.callback_data)
        await server.wait_for_bot_message(uid, timeout=60, since=mark)


async def main() -> None:
    """Populate, start the worker, drive the flows, report its memory."""
    p = parser(__doc__ or "")
    p.add_argument("--teachers", type=int, default=10_000)
    p.add_argument("--students-per-teacher", type=int, default=10)
    p.add_argument("--slots-per-teacher", type=int, default=48)
    p.add_argument("--active", type=int, default=400, help="students driven through booking")
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    async with database(args.db, args.pg_url) as (url, engine):
        world = await populate(
            engine, args.teachers, args.slots_per_teacher, args.students_per_teacher
        )
        await engine.dispose()
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
                pairs = [pair for t in world.teacher_ids for pair in world.students[t][:1]]
                pairs = pairs[:: max(len(pairs) // args.active, 1)][: args.active]
                started = time.perf_counter()
                gate = asyncio.Semaphore(8)

                async def one(i: int, uid: int) -> None:
                    async with gate:
                        await drive(server, uid, i)

                await asyncio.gather(*(one(i, uid) for i, (_, uid) in enumerate(pairs)))
                elapsed = time.perf_counter() - started
                rss, peak = memory_of(worker.pid)
            finally:
                worker.send_signal(signal.SIGTERM)
                await worker.wait()
    students = args.teachers * args.students_per_teacher
    print(
        f"world: {args.teachers} teachers, {students} students, "
        f"{args.teachers * args.slots_per_teacher} slots; {NOW:%Y-%m-%d}"
    )
    print(f"drove {len(pairs)} students through the booking flow in {elapsed:.1f} s")
    print(f"worker memory: idle {idle:.0f} MB, after the flows {rss:.0f} MB, peak {peak:.0f} MB")
    print(f"target under 150 MB: {'met' if peak < 150 else 'NOT met'}")


if __name__ == "__main__":
    asyncio.run(main())
