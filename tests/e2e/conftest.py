"""End-to-end harness: the real bot (run_bot's own wiring) against the local Bot API server."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock
from tests.steps.harness import BOT_USERNAME, TOKEN, Harness, run_bot, tally

__all__ = ["BOT_USERNAME", "TOKEN", "Harness", "harness", "running_bot", "tally"]

# The sandbox listens on a port and the bot talks to it over HTTP, as to Telegram.
running_bot = functools.partial(run_bot, in_process=False)


@pytest.fixture
async def harness(database_url: str, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A running bot on a fresh database, on SQLite and on PostgreSQL."""
    async with running_bot(database_url, tmp_path, clock) as h:
        yield h
