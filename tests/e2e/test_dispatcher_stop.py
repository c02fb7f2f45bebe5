"""Stopping the bot in the middle of a dispatcher pass: quiet, and the claimed row survives."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.model import OutboxStatus
from bot.services import notify
from bot.services.outbox import LEASE
from sandbox.server import BotAPIServer
from storage.engine import create_engine, uow_factory
from tests.sample_notices import booking_new

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424243:dispatcher-stop-token"
STUDENT = 77


def _env(**values: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's own configuration leaks in."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONPATH": str(ROOT), **values}


async def _queue_notice(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with uow_factory(engine)() as uow:
            await notify.queue(uow, booking_new(), STUDENT, datetime.now(UTC))
            await uow.commit()
    finally:
        await engine.dispose()


async def _pending(database_url: str) -> tuple[int, int]:
    """(rows pending now, rows a restarted dispatcher claims once the lease has run out)."""
    engine = create_engine(database_url)
    try:
        async with uow_factory(engine)() as uow:
            pending = await uow.outbox.by_status(OutboxStatus.PENDING)
            later = datetime.now(UTC) + LEASE
            claimed = await uow.outbox.claim_due(later, 10, LEASE)
    finally:
        await engine.dispose()
    return len(pending), len(claimed)


async def test_sigterm_during_a_dispatcher_pass_is_quiet_and_leaves_the_row_for_the_next_start(
    database_url: str, tmp_path: Path
) -> None:
    async with BotAPIServer(token=TOKEN, bot_username="lessonlink_bot") as server:
        server.add_user(STUDENT, "Alice")
        env = _env(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=server.url,
            DATABASE_URL=database_url,
            DISPATCH_INTERVAL_SECONDS="0.2",
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "run_bot.py"),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            server.send_text(STUDENT, "/start")  # the bot is up and its database migrated
            await server.wait_for_bot_message(STUDENT, contains="LessonLink", timeout=60)
            server.inject_fault("sendMessage", "slow", delay=30.0)
            await _queue_notice(database_url)
            # The pass has claimed the row and is waiting for Telegram's answer.
            await server.wait_for(lambda: server.slowed == 1, timeout=60)
        finally:
            bot.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(bot.communicate(), timeout=60)
    log = err.decode()
    assert bot.returncode == 0, log[-2000:]
    assert "Traceback" not in log and "CancelledError" not in log, log
    assert await _pending(database_url) == (1, 1), "the claimed row waits for the next start"
