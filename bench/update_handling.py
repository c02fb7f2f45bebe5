"""Bench 1: each press of the booking flow against a bare aiogram handler, via the local Bot API.

Simulated students open the calendar (week), pick a day, a slot of their own, and confirm it
(four button presses each). The same presses then drive a bare handler that answers each
callback and edits the message with exactly the text and keyboard the bot showed for that
press, so the local Bot API server's work (HTML parsing, keyboard checks) and the parsing of
its reply weigh on both sides alike. Exits 1 when a target is missed: p50 per press kind at
most 4x the bare handler's for week, day and slot, 8x for Confirm, one press at a time.

    python -m bench.update_handling --db sqlite [--students 60 --concurrency 1]
    python -m bench.update_handling --db postgres
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import (
    TelegramObject,
    Update,
)
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.bare_handler import Measured, Press, bare_handler, in_waves, record
from bench.common import NOW, database, machine, p50, parser, percentiles, populate
from bot.config import Settings
from bot.domain.clock import ManualClock
from handlers.middlewares import install_outermost
from run_bot import prepare, run_polling
from runtime.application import build_application
from runtime.heap import freeze_startup_heap
from sandbox.server import BotAPIServer
from storage.models import BookingRow

TOKEN = "31337:bench-booking-flow"
KINDS = ("week", "day", "slot", "confirm")
TARGETS = {"week": 4.0, "day": 4.0, "slot": 4.0, "confirm": 8.0}  # p50 ratio to the bare handler
DAYS_USED = 5  # students spread over the first five days with free times
SLOT_LABEL = re.compile(r"\d\d:\d\d–\d\d:\d\d")


class KindOf(BaseMiddleware):
    """Outermost: names the press kind of the update being handled (for the statement count)."""

    def __init__(self, kinds: dict[int, str]) -> None:
        self.kinds = kinds
        self.current: str | None = None

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        self.current = self.kinds.get(event.update_id)
        try:
            return await handler(event, data)
        finally:
            self.current = None


def _count_statements(engine: AsyncEngine, kind_of: KindOf, measured: Measured) -> None:
    """Count SQL statements and transactions begun while a press of a known kind is handled.

    Exact only one press at a time (with several in flight they are attributed to the last).
    """

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _statement(*_args: object) -> None:
        if kind_of.current:
            measured.statements[kind_of.current] += 1

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(*_args: object) -> None:
        if kind_of.current:
            measured.transactions[kind_of.current] += 1


async def booking_flow(
    url: str, students: int, concurrency: int
) -> tuple[Measured, list[list[Press]], int]:
    """Run the flow; its measurements, each user's presses, and how many bookings were made."""
    measured, kinds = Measured(), {}
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
        freeze_startup_heap()  # as a started worker does (run_bot.serve)
        tid = world.teacher_ids[0]
        kind_of = KindOf(kinds)
        install_outermost(app.dispatcher, kind_of)  # type: ignore[arg-type]
        _count_statements(app.engine, kind_of, measured)
        record(app.tracker, kinds, measured)
        polling = asyncio.create_task(run_polling(app, handle_signals=False))
        presses: list[list[Press]] = []
        for _sid, uid in world.students[tid]:
            server.add_user(uid, f"Student {uid}")
            update_id = server.send_text(uid, "/start")
            await app.tracker.wait_handled(update_id, timeout=60)
            presses.append([])

        async def press(index: int, uid: int, kind: str, label: Callable[[list[str]], str]) -> None:
            last = server.last_bot_message(uid)
            assert last is not None
            button = last.find_button(label(last.button_texts()))
            assert button is not None and button.callback_data is not None
            update_id = server.press(uid, last.message_id, button.callback_data)
            kinds[update_id] = kind
            await app.tracker.wait_handled(update_id, timeout=60)
            shown = server.last_bot_message(uid)
            assert shown is not None and shown.raw_text is not None
            done = Press(uid, button.callback_data, kind, shown.raw_text, shown.buttons)
            presses[index].append(done)

        def own_slot(index: int) -> Callable[[list[str]], str]:
            # Student i takes the (i // DAYS_USED)-th slot of day i % DAYS_USED: a slot of
            # their own whatever order the students run in (full slots keep their place).
            def pick(labels: list[str]) -> str:
                slots = [t for t in labels if SLOT_LABEL.search(t)]
                return slots[index // DAYS_USED]

            return pick

        async def student(index: int, uid: int) -> None:
            await press(index, uid, "week", lambda b: next(t for t in b if "Book a lesson" in t))
            await press(index, uid, "day", lambda b: [t for t in b if _has_slots(t)][index % 5])
            await press(index, uid, "slot", own_slot(index))
            await press(index, uid, "confirm", lambda b: next(t for t in b if "Confirm" in t))

        started = time.perf_counter()
        await in_waves(
            [
                lambda i=i, uid=uid: student(i, uid)
                for i, (_, uid) in enumerate(world.students[tid])
            ],
            concurrency,
        )
        measured.updates_per_s = sum(len(v) for v in measured.ms.values()) / (
            time.perf_counter() - started
        )
        app.stopping.set()
        await polling
        async with app.engine.connect() as conn:
            booked = int(await conn.scalar(select(func.count()).select_from(BookingRow)) or 0)
    return measured, presses, booked


def _has_slots(label: str) -> bool:
    """A day button of the week view with something bookable (or booked) on it."""
    return "free" in label and "no free" not in label and "–" not in label


def report(flow: Measured, bare: Measured, concurrency: int) -> list[str]:
    """Print one line per press kind; the targets missed (checked one press at a time)."""
    missed = []
    exact = concurrency == 1
    print(f"{'press':8} {'flow':44} {'bare':44} ratio  target  SQL/tx")
    for kind in KINDS:
        ratio = p50(flow.ms[kind]) / p50(bare.ms[kind])
        sql = f"{flow.statements[kind] / len(flow.ms[kind]):.1f}" if exact else "-"
        tx = f"{flow.transactions[kind] / len(flow.ms[kind]):.1f}" if exact else "-"
        verdict = "ok" if ratio <= TARGETS[kind] else "MISSED"
        print(
            f"{kind:8} {percentiles(flow.ms[kind]):44} {percentiles(bare.ms[kind]):44} "
            f"x{ratio:<5.2f} <=x{TARGETS[kind]:<4} {sql}/{tx} {verdict if exact else ''}"
        )
        if exact and ratio > TARGETS[kind]:
            missed.append(f"{kind}: x{ratio:.2f} > x{TARGETS[kind]}")
    print(
        f"throughput: flow {flow.updates_per_s:.1f} updates/s, bare {bare.updates_per_s:.1f}"
        " updates/s"
    )
    if not exact:
        print("(targets and statement counts apply to one press at a time: --concurrency 1)")
    return missed


async def main() -> int:
    """Both loads in one run, so the ratios do not depend on how busy the machine is."""
    p = parser(__doc__ or "")
    p.add_argument("--students", type=int, default=60)
    p.add_argument("--concurrency", type=int, default=1)
    args = p.parse_args()
    if args.students < 2 or args.concurrency < 1:
        p.error("--students must be at least 2 (for percentiles), --concurrency at least 1")
    print(
        f"machine: {machine()}\ndatabase: {args.db}, students: {args.students}, "
        f"concurrency: {args.concurrency}"
    )
    async with database(args.db, args.pg_url) as (url, _):
        flow, presses, booked = await booking_flow(url, args.students, args.concurrency)
    bare = await bare_handler(presses, args.concurrency)
    missed = report(flow, bare, args.concurrency)
    if booked != args.students:
        missed.append(f"{booked} bookings for {args.students} students: slots were shared")
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
