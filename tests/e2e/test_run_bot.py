"""run_bot.py as a person starts it: a real process, configured by its environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sandbox.server import BotAPIServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:run-bot-process-token"


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's own configuration leaks in."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONPATH": str(ROOT), **values}


async def _run(tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "run_bot.py"), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_without_a_token_it_says_what_to_do_and_exits_2(tmp_path: Path) -> None:
    code, err = await _run(tmp_path, _env(tmp_path))
    assert code == 2
    assert "BOT_TOKEN" in err and "@BotFather" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


async def test_a_malformed_setting_is_named(tmp_path: Path) -> None:
    code, err = await _run(tmp_path, _env(tmp_path, BOT_TOKEN=TOKEN, DEFAULT_TIMEZONE="Mars/Base"))
    assert code == 2 and "DEFAULT_TIMEZONE" in err and "Traceback" not in err


async def test_a_token_telegram_rejects_points_to_botfather(tmp_path: Path) -> None:
    async with BotAPIServer(token=TOKEN) as server:
        env = _env(tmp_path, BOT_TOKEN="999:not-the-right-token", TELEGRAM_API_URL=server.url)
        code, err = await _run(tmp_path, env)
    assert code == 2
    assert "rejected" in err and "@BotFather" in err and "Traceback" not in err


async def test_it_answers_start_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with BotAPIServer(token=TOKEN, bot_username="lessonlink_bot") as server:
        server.add_user(77, "Alice")
        env = _env(tmp_path, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=server.url)
        bot = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            server.send_text(77, "/start")
            reply = await server.wait_for_bot_message(77, contains="LessonLink", timeout=60)
            assert "/teach" in reply.content
        finally:
            bot.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(bot.communicate(), timeout=60)
    assert bot.returncode == 0, err.decode()[-2000:]
    log = err.decode()
    assert TOKEN not in log, "the token must never reach the log"
    assert "Traceback" not in log
    assert (tmp_path / "data" / "lessonlink.sqlite3").exists(), "SQLite is the default"
    key = tmp_path / "data" / "secret.key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
