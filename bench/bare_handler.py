"""Bench 1's common parts: the presses and their measurements, and the bare aiogram handler
the bot's presses are compared with (bench/update_handling.py)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from handlers.middlewares import UpdateTracker, install_outermost
from runtime.api_retry import PinResponseTypes
from sandbox.server import BotAPIServer
from sandbox.world import Button

BARE_TOKEN = "31338:bench-bare-handler"


@dataclass
class Press:
    """One button press of the flow and what the bot showed after it."""

    uid: int
    data: str
    kind: str
    text: str = ""
    buttons: list[list[Button]] = field(default_factory=list)


@dataclass
class Measured:
    """Handling times (ms) per press kind, and statements and transactions per kind."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statements: Counter[str] = field(default_factory=Counter)
    transactions: Counter[str] = field(default_factory=Counter)
    updates_per_s: float = 0.0


def record(tracker: UpdateTracker, kinds: dict[int, str], measured: Measured) -> None:
    """Add each handled press's time to `measured`, under its kind."""

    def listener(update: Update, _outcome: str, seconds: float) -> None:
        kind = kinds.get(update.update_id)
        if kind:
            measured.ms[kind].append(seconds * 1000)

    tracker.listeners.append(listener)


def _markup(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data, url=b.url) for b in r]
            for r in buttons
        ]
    )


async def bare_handler(presses: list[list[Press]], concurrency: int) -> Measured:
    """The same presses, answered by a handler that does no work of its own: it shows the
    text and keyboard the bot showed for that press (built before the run)."""
    measured, kinds = Measured(), {}
    replies = {(p.uid, p.data): (p.text, _markup(p.buttons)) for user in presses for p in user}
    router = Router()

    @router.callback_query()
    async def answer(query: CallbackQuery) -> None:
        await query.answer()
        text, markup = replies[(query.from_user.id, query.data or "")]
        if isinstance(query.message, Message):
            await query.message.edit_text(text, reply_markup=markup)

    async with BotAPIServer(token=BARE_TOKEN) as server:
        session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
        session.middleware(PinResponseTypes())  # the same aiogram fix as the bot, for fairness
        bot = Bot(
            BARE_TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML)
        )
        dispatcher = Dispatcher()
        tracker = UpdateTracker()
        install_outermost(dispatcher, tracker)
        record(tracker, kinds, measured)
        dispatcher.include_router(router)
        polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
        start = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="go", callback_data="x")]]
        )
        targets: dict[int, int] = {}
        for user_presses in presses:
            uid = user_presses[0].uid
            server.add_user(uid, "Student")
            server.send_text(uid, "/start")  # so the bot may write to them
            sent = await bot.send_message(uid, "start", reply_markup=start)
            targets[uid] = sent.message_id

        async def student(user_presses: list[Press]) -> None:
            for p in user_presses:
                update_id = server.press_forged(p.uid, targets[p.uid], p.data)
                kinds[update_id] = p.kind
                await tracker.wait_handled(update_id, timeout=60)

        started = time.perf_counter()
        await in_waves([lambda p=p: student(p) for p in presses], concurrency)
        measured.updates_per_s = sum(len(v) for v in measured.ms.values()) / (
            time.perf_counter() - started
        )
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()
    return measured


async def in_waves(jobs: list[Callable[[], Awaitable[None]]], concurrency: int) -> None:
    """Run jobs with at most `concurrency` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(run(j) for j in jobs))
