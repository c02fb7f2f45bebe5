"""Bench 4: 10,000 reminders due at once, sent through the local Bot API server.

python -m bench.reminder_burst --db sqlite [--count 10000]
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.common import NOW, VAULT, database, machine, parser
from bot.domain.clock import ManualClock
from bot.domain.notices import Lesson, StudentReminder
from bot.services import notify
from bot.services.context import Deps
from bot.services.outbox import dispatch_due
from jobs.dispatcher import TelegramSender
from runtime.api_retry import RetryMiddleware
from sandbox.server import BotAPIServer
from storage.engine import uow_factory
from views.i18n import make_i18n

TOKEN = "777:bench-reminder-burst"


def max_in_any_second(times: list[float]) -> int:
    """The most sends the server saw inside any one-second window."""
    times = sorted(times)
    best = lo = 0
    for hi, t in enumerate(times):
        while t - times[lo] >= 1.0:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


async def main() -> None:
    """Queue the burst, dispatch it, report the server's view."""
    p = parser(__doc__ or "")
    p.add_argument("--count", type=int, default=10_000)
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}, reminders: {args.count}")
    async with database(args.db, args.pg_url) as (_, engine), BotAPIServer(token=TOKEN) as server:
        deps = Deps(uow=uow_factory(engine), clock=ManualClock(NOW), vault=VAULT)
        start = NOW + timedelta(hours=1)
        async with deps.uow() as uow:
            for n in range(args.count):
                chat = 1_000_000 + n
                server.add_user(chat, f"Student {n}")
                server.world.user(chat).started = True
                lesson = Lesson(
                    booking_id=n,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    teacher_id=1,
                    teacher_name="Ms Smith",
                    teacher_tz="Europe/Berlin",
                    student_id=n,
                    student_name=f"Student {n}",
                    colour=n % 24,
                    subject="Math",
                )
                reminder = StudentReminder(lesson=lesson, lead_minutes=60)
                await notify.queue(uow, reminder, chat, NOW, due_at=NOW, dedup_key=f"bench:{n}")
            await uow.commit()
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
        session.middleware(RetryMiddleware())
        bot = Bot(TOKEN, session=session)
        sender = TelegramSender(bot, make_i18n(), deps.clock)
        started = time.perf_counter()
        report = await dispatch_due(deps, sender)
        elapsed = time.perf_counter() - started
        await bot.session.close()
        sends = server.calls("sendMessage", ok=True)
        per_chat = Counter(int(r.params["chat_id"]) for r in sends)
    duplicates = sum(c - 1 for c in per_chat.values() if c > 1)
    print(f"delivered {len(sends)} in {elapsed:.1f} s: {len(sends) / elapsed:.1f} messages/s")
    print(f"most in any one-second window: {max_in_any_second([r.at for r in sends])}")
    print(
        f"duplicates: {duplicates}; outbox: sent {report.sent}, skipped {report.skipped}, "
        f"retried {report.retried}, failed {report.failed}"
    )


if __name__ == "__main__":
    asyncio.run(main())
