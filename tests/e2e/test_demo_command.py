"""`python run_bot.py --demo` as a newcomer starts it: no token, no Telegram, one process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(rb"open (http://127\.0\.0\.1:\d+) in your browser")


def _env() -> dict[str, str]:
    """A clean environment: no BOT_TOKEN, no DATABASE_URL, no display to open a browser on."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {**keep, "PYTHONPATH": str(ROOT)}


async def _page_url(demo: asyncio.subprocess.Process) -> str:
    """The address the demo prints once it serves the page (read within a deadline)."""
    assert demo.stdout is not None
    async with asyncio.timeout(120):
        while line := await demo.stdout.readline():
            if found := URL.search(line):
                return found.group(1).decode()
    raise AssertionError("the demo ended without printing its address")


async def _answered(http: aiohttp.ClientSession, url: str, person: int) -> bool:
    """Whether the bot's welcome is in this person's chat on the page."""
    async with http.get(f"{url}/demo/view?person={person}") as view:
        chat = (await view.json())["chat"]
    return any(m["from_bot"] and "/teach" in m["text"] for m in chat)


async def test_demo_serves_the_page_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    folder = tmp_path / "demo-data"
    demo = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_bot.py"),
        "--demo",
        "--port",
        "0",
        "--data-dir",
        str(folder),
        cwd=tmp_path,
        env=_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        url = await _page_url(demo)
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as page:
                assert page.status == 200
                assert "LessonLink demo" in await page.text()
            async with http.post(
                f"{url}/demo/people",
                json={"name": "Ms Smith", "language": "en", "timezone": "Europe/Berlin"},
            ) as made:
                person = (await made.json())["id"]
            async with http.get(f"{url}/demo/events") as events:
                async with http.post(f"{url}/demo/send", json={"person": person, "text": "/start"}):
                    pass
                # Each change the page is told of: read the chat until the bot has answered.
                async with asyncio.timeout(60):
                    async for line in events.content:
                        if line.startswith(b"event: change") and await _answered(http, url, person):
                            break
    finally:
        demo.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(demo.communicate(), timeout=60)
    log = err.decode()
    assert demo.returncode == 0, log[-2000:]
    assert "Traceback" not in log and "Error" not in log, log[-2000:]
    assert (folder / "lessonlink-demo.sqlite3").exists(), "the demo's own database"
    assert not (tmp_path / "data" / "lessonlink.sqlite3").exists(), "never the real data file"
