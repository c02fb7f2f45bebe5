"""Bench 1: the booking flow against a bare aiogram handler, both through the local Bot API.

Simulated students open the calendar, pick a day, a slot, and confirm (four button presses);
the same presses then drive a bare handler that answers and edits with a fixed text.

    python -m bench.update_handling --db sqlite [--students 60 --concurrency 12]
    python -m bench.update_handling --db postgres
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bench.common import NOW, database, machine, p50, parser, percentiles, populate
from bot.config import Settings
from bot.domain.clock import ManualClock
from handlers.middlewares import UpdateTracker, install_outermost
from run_bot import build_application, prepare, run_polling
from runtime.api_retry import PinResponseTypes
from sandbox.server import BotAPIServer

TOKEN, BARE_TOKEN = "31337:bench-booking-flow", "31338:bench-bare-handler"

Press = tuple[int, str]  # (user id, callback data)


async def _timed(server: BotAPIServer, tracker: UpdateTracker, send: Callable[[], int]) -> None:
    update_id = send()
    await tracker.wait_handled(update_id, timeout=60)


async def booking_flow(
    url: str, students: int, concurrency: int
) -> tuple[list[float], float, list[list[Press]]]:
    """Run the flow; returns handling times (ms), updates per second and each user's presses."""
    async with BotAPIServer(token=TOKEN, bot_username="bench_bot") as server:
        settings = Settings(
            bot_token=TOKEN,
            telegram_api_url=server.url,
            database_url=url,  # type: ignore[arg-type]
            secret_key="bench",
            data_dir=Path(tempfile.mkdtemp()),  # type: ignore[arg-type]
            dispatch_interval_seconds=3600,
        )
        app = build_application(settings, clock=ManualClock(NOW))
        await prepare(app)
        world = await populate(app.engine, 1, 24 * 14, students)
        tid = world.teacher_ids[0]
        polling = asyncio.create_task(run_polling(app, handle_signals=False))
        presses: list[list[Press]] = []
        for _sid, uid in world.students[tid]:
            server.add_user(uid, f"Student {uid}")
            await _timed(server, app.tracker, lambda uid=uid: server.send_text(uid, "/start"))
            presses.append([])
        app.tracker.durations_ms.clear()

        async def student(index: int, uid: int) -> None:
            def press(label: Callable[[list[str]], str]) -> Callable[[], int]:
                def go() -> int:
                    last = server.last_bot_message(uid)
                    assert last is not None
                    text = label(last.button_texts())
                    button = last.find_button(text)
                    assert button is not None and button.callback_data is not None
                    presses[index].append((uid, button.callback_data))
                    return server.press(uid, last.message_id, button.callback_data)

                return go

            await _timed(server, app.tracker, press(lambda b: b[0]))  # Book a lesson
            days = lambda b: [t for t in b if "free" in t and "no free" not in t][index % 5]  # noqa: E731
            await _timed(server, app.tracker, press(days))
            await _timed(server, app.tracker, press(lambda b: b[index % 10]))  # a slot
            await _timed(server, app.tracker, press(lambda b: b[0]))  # Confirm

        started = time.perf_counter()
        await _in_waves(
            [
                lambda i=i, uid=uid: student(i, uid)
                for i, (_, uid) in enumerate(world.students[tid])
            ],
            concurrency,
        )
        elapsed = time.perf_counter() - started
        samples = list(app.tracker.durations_ms)
        app.stopping.set()
        await polling
    return samples, len(samples) / elapsed, presses


async def bare_handler(presses: list[list[Press]], concurrency: int) -> tuple[list[float], float]:
    """The same presses, answered by a handler that does no work of its own."""
    router = Router()

    @router.callback_query()
    async def answer(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(f"ok {query.id}", reply_markup=query.message.reply_markup)

    async with BotAPIServer(token=BARE_TOKEN) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
        session.middleware(PinResponseTypes())  # the same aiogram fix as the bot, for fairness
        bot = Bot(BARE_TOKEN, session=session)
        dispatcher = Dispatcher()
        tracker = UpdateTracker()
        install_outermost(dispatcher, tracker)
        dispatcher.include_router(router)
        polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
        button = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="go", callback_data="x")]]
        )
        targets: dict[int, int] = {}
        for user_presses in presses:
            uid = user_presses[0][0]
            server.add_user(uid, "Student")
            server.send_text(uid, "/start")  # so the bot may write to them
            sent = await bot.send_message(uid, "start", reply_markup=button)
            targets[uid] = sent.message_id

        async def student(user_presses: list[Press]) -> None:
            for uid, data in user_presses:
                await _timed(
                    server,
                    tracker,
                    lambda uid=uid, data=data: server.press_forged(uid, targets[uid], data),
                )

        tracker.durations_ms.clear()
        started = time.perf_counter()
        await _in_waves([lambda p=p: student(p) for p in presses], concurrency)
        elapsed = time.perf_counter() - started
        samples = [d for d in tracker.durations_ms]
        await dispatcher.stop_polling()
        await polling
    return samples, len(samples) / elapsed


async def _in_waves(jobs: list[Callable[[], Awaitable[None]]], concurrency: int) -> None:
    """Run jobs with at most `concurrency` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(run(j) for j in jobs))


async def main() -> None:
    """Both loads in one run, so the ratio does not depend on how busy the machine is."""
    p = parser(__doc__ or "")
    p.add_argument("--students", type=int, default=60)
    p.add_argument("--concurrency", type=int, default=12)
    args = p.parse_args()
    print(
        f"machine: {machine()}\ndatabase: {args.db}, students: {args.students}, "
        f"concurrency: {args.concurrency}"
    )
    async with database(args.db, args.pg_url) as (url, _):
        flow, flow_rate, presses = await booking_flow(url, args.students, args.concurrency)
    bare, bare_rate = await bare_handler(presses, args.concurrency)
    print(f"booking flow: {len(flow)} updates, {flow_rate:.1f} updates/s, {percentiles(flow)}")
    print(f"bare handler: {len(bare)} updates, {bare_rate:.1f} updates/s, {percentiles(bare)}")
    print(
        f"ratio (p50 handling time, flow / bare): x{p50(flow) / p50(bare):.2f}; "
        f"throughput bare / flow: x{bare_rate / flow_rate:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
