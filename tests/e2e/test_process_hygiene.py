"""A running bot process: it answers, stops cleanly on SIGTERM, keeps a quiet log that names
users by id, and keeps its files private.

One process start serves all of these checks (each start costs seconds of CPU: the imports and
a migration from empty, SQLite being the default).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from sandbox.server import BotAPIServer
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424243:hygiene-process-token-value"


async def _dispatcher_ticked(health_url: str, deadline: float = 60.0) -> None:
    """Poll /healthz until the dispatcher's tick age drops: a scheduled run completed."""
    previous: float | None = None
    give_up = time.monotonic() + deadline
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < give_up:
            try:
                async with http.get(health_url) as answer:
                    age = float(
                        json.loads(await answer.text())["dispatcher"]["last_tick_age_seconds"]
                    )
            except aiohttp.ClientConnectionError:
                age = None  # the health port is not open yet
            if age is not None and previous is not None and age < previous:
                return
            previous = age if age is not None else previous
            await asyncio.sleep(0.05)
    raise AssertionError("the notification dispatcher never completed a run")


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


async def test_a_running_bot_answers_logs_user_ids_not_scheduler_chatter_and_keeps_files_private(
    tmp_path: Path,
) -> None:
    health_port = free_port()
    async with BotAPIServer(token=TOKEN, bot_username="lessonlink_bot") as server:
        server.add_user(77, "Alice Privatename")
        keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
        env = {
            **keep,
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": server.url,
            "HEALTH_PORT": str(health_port),
            "DISPATCH_INTERVAL_SECONDS": "0.2",
        }
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "run_bot.py"),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            server.send_text(77, "/start")
            reply = await server.wait_for_bot_message(77, contains="LessonLink", timeout=60)
            assert "/teach" in reply.content
            await _dispatcher_ticked(f"http://127.0.0.1:{health_port}/healthz")
            data = tmp_path / "data"
            database = data / "lessonlink.sqlite3"
            files = {
                p.name: _mode(p)
                for p in (database, data / f"{database.name}-wal", data / f"{database.name}-shm")
            }
            folder = _mode(data)
            key = _mode(data / "secret.key")
        finally:
            bot.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(bot.communicate(), timeout=60)
    log = err.decode()
    assert bot.returncode == 0, log[-3000:]
    assert "Traceback" not in log
    assert folder == "0o700", "the data folder is private"
    assert set(files.values()) == {"0o600"}, files  # SQLite is the default, in data/
    assert key == "0o600", "the generated secret key is the owner's alone"
    update_lines = [line for line in log.splitlines() if "lessonlink.updates" in line]
    assert any(" user=77 " in line for line in update_lines), update_lines
    assert "Privatename" not in log
    assert "apscheduler" not in log, "the scheduler's per-run INFO lines stay out of the log"
    assert TOKEN[:10] not in log + out.decode()
