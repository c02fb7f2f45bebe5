"""End-to-end harness: the real bot (run_bot's own wiring) against the local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock
from run_bot import build_application, prepare, run_polling
from sandbox.server import BotAPIServer
from tests.steps.harness import BOT_USERNAME, TOKEN, Harness, bot_settings, new_server, tally

__all__ = ["BOT_USERNAME", "TOKEN", "Harness", "harness", "running_bot", "tally"]


@contextlib.asynccontextmanager
async def running_bot(
    database_url: str,
    tmp_path: Path,
    clock: ManualClock,
    server: BotAPIServer | None = None,
    **overrides: object,
) -> AsyncIterator[Harness]:
    """Start the sandbox (unless given one) and the bot as run_bot.py does; stop both after."""
    own_server = server is None
    if server is None:
        server = new_server()
        await server.start()
    app = build_application(bot_settings(database_url, tmp_path, server.url, **overrides), clock)
    await prepare(app)
    task = asyncio.create_task(run_polling(app, handle_signals=False))
    try:
        yield Harness(server=server, app=app, clock=clock)
    finally:
        app.stopping.set()
        await task
        if own_server:
            await server.stop()


@pytest.fixture
async def harness(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A running bot on a fresh database, on SQLite and on PostgreSQL."""
    async with running_bot(database_url, tmp_path, clock) as h:
        yield h
