"""Handler harness: run_bot's own wiring with its Bot API calls handed to the sandbox in process.

The dispatcher, middlewares and outgoing-call middlewares are those run_bot builds, and
updates reach the dispatcher through the same polling loop; only HTTP is left out: the bot's
session hands each call to the sandbox server's `execute`, which validates it against the Bot
API declarations as over HTTP. Tests that need the transport (webhook, faults, time-outs,
restarts) live in tests/e2e.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock
from run_bot import build_application, prepare, run_polling
from sandbox.client import SandboxSession
from sandbox.server import BotAPIServer
from tests.steps.harness import BOT_USERNAME, TOKEN, Harness, bot_settings, new_server, tally

__all__ = ["BOT_USERNAME", "TOKEN", "Harness", "harness", "running_bot", "tally"]

API_URL = "http://sandbox.invalid"  # never dialled: calls go to the server in process


@contextlib.asynccontextmanager
async def running_bot(
    database_url: str,
    tmp_path: Path,
    clock: ManualClock,
    server: BotAPIServer | None = None,
    **overrides: object,
) -> AsyncIterator[Harness]:
    """Run the bot as run_bot.py does, talking to a sandbox server (not listening) in process."""
    server = server or new_server()
    settings = bot_settings(database_url, tmp_path, API_URL, **overrides)
    app = build_application(settings, clock, session=SandboxSession(server))
    await prepare(app)
    task = asyncio.create_task(run_polling(app, handle_signals=False))
    try:
        yield Harness(server=server, app=app, clock=clock)
    finally:
        app.stopping.set()
        await task


@pytest.fixture
async def harness(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A running bot on a fresh database, on SQLite and on PostgreSQL."""
    async with running_bot(database_url, tmp_path, clock) as h:
        yield h
