"""Handler harness: run_bot's own wiring with its Bot API calls handed to the sandbox in process.

The dispatcher, middlewares and outgoing-call middlewares are those run_bot builds, and
updates reach the dispatcher through the same polling loop; only HTTP is left out: the bot's
session hands each call to the sandbox server's `execute`, which validates it against the Bot
API declarations as over HTTP. Tests that need the transport (webhook, faults, time-outs,
restarts) live in tests/e2e.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock
from tests.steps.harness import BOT_USERNAME, TOKEN, Harness, run_bot, tally

__all__ = ["BOT_USERNAME", "TOKEN", "Harness", "harness", "running_bot", "tally"]

running_bot = functools.partial(run_bot, in_process=True)


@pytest.fixture
async def harness(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A running bot on a fresh database, on SQLite and on PostgreSQL."""
    crashes: list[str] = []

    def crashed(_update: object, outcome: str, _seconds: float) -> None:
        if outcome.startswith(("error:", "unhandled")):
            crashes.append(outcome)

    async with running_bot(database_url, tmp_path, clock) as h:
        h.app.tracker.listeners.append(crashed)
        yield h
    # Every handler test also proves no update ended in the error handler's apology: a crash
    # answered politely is still a crash.
    assert not crashes, crashes
