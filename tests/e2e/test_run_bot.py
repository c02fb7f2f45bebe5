"""run_bot.py as a person starts it: a real process, configured by its environment.

Only what needs a process of its own is here: the exit code and stderr of the interpreter as a
whole. Each way a start is refused is checked in process, faster, in tests/startup/; a start
that answers /start, stops on SIGTERM and leaves private files is test_process_hygiene.py.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sandbox.server import BotAPIServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:run-bot-process-token"


def _env(**values: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's own configuration leaks in."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN, **values}


async def _bot_process(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python run_bot.py` in an empty folder, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_bot.py"),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_failed_start_exits_2_with_one_sentence_and_never_the_token(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-folder" / "lessonlink.sqlite3"
    async with BotAPIServer(token=TOKEN) as server:
        env = _env(TELEGRAM_API_URL=server.url, DATABASE_URL=f"sqlite+aiosqlite:///{missing}")
        bot = await _bot_process(tmp_path, env)
        try:
            out, err = await asyncio.wait_for(bot.communicate(), timeout=120)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    text = out.decode() + err.decode()
    assert TOKEN not in text and TOKEN[:10] not in text and TOKEN.split(":")[1] not in text
    assert bot.returncode == 2, text[-3000:]
    # Nothing else, not even a warning at the interpreter's exit (an unclosed session, say).
    lines = err.decode().splitlines()
    assert len(lines) == 1, text[-3000:]
    assert lines[0].startswith("LessonLink cannot start: DATABASE_URL cannot be opened")
