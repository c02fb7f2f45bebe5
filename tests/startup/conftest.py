"""run_bot's own entry, called in process: how a start is refused, without a new interpreter.

A fresh `python run_bot.py` costs 2-15 s on a busy machine; calling `run_bot.main` costs
milliseconds and checks the same things: the exit code, the one sentence on stderr, and that
neither stderr nor stdout shows the token. tests/e2e/test_run_bot.py keeps the real process.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import run_bot
from bot.config import Settings

TOKEN = "424242:startup-secret-token-value"


@dataclass
class Start:
    """What one call of run_bot.main left behind."""

    code: int
    out: str
    err: str
    seconds: float

    def sentence(self, variable: str) -> str:
        """Exit code 2 and one line naming the variable to fix, with no trace of the token."""
        for text in (self.out, self.err):
            assert TOKEN not in text
            assert TOKEN[:10] not in text, "not even the start of the token may show"
            assert TOKEN.split(":", 1)[1] not in text
        assert "Traceback" not in self.err
        assert self.code == 2, self.err[-3000:]
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err[-3000:]
        assert lines[0].startswith(f"LessonLink cannot start: {variable} ")
        return lines[0]


StartBot = Callable[..., Awaitable[Start]]  # the `start` fixture: start(*argv, **env)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """Only BOT_TOKEN set, in an empty folder (no .env): no setting of the developer's leaks in."""
    fields = set(Settings.model_fields)
    for name in list(os.environ):
        if name.lower() in fields:  # pydantic-settings reads names in any case
            monkeypatch.delenv(name)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture
def process_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo what main does to the whole process: logging set-up and the last-resort hooks."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    root, scheduler = logging.getLogger(), logging.getLogger("apscheduler")
    handlers, level, scheduler_level = root.handlers[:], root.level, scheduler.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    scheduler.setLevel(scheduler_level)
    logging.captureWarnings(False)


@pytest.fixture
def start(
    clean_env: pytest.MonkeyPatch, process_state: None, capfd: pytest.CaptureFixture[str]
) -> StartBot:
    """Run run_bot.main(argv) with these settings added to the clean environment."""

    async def run(*argv: str, **env: str) -> Start:
        for name, value in env.items():
            clean_env.setenv(name, value)
        capfd.readouterr()
        handlers = logging.getLogger().handlers[:]
        started = time.monotonic()
        # A thread of its own: main runs asyncio.run, while this loop serves the test's servers.
        with ThreadPoolExecutor(max_workers=1) as pool:
            code = await asyncio.get_running_loop().run_in_executor(pool, run_bot.main, list(argv))
        seconds = time.monotonic() - started
        if logging.getLogger().handlers != handlers:  # past the settings: a bot was built
            # An unclosed session would complain now, as it would at the process's exit.
            # (Not after a refused setting: a full collection costs up to half a second.)
            gc.collect()
        out, err = capfd.readouterr()
        return Start(code, out, err, seconds)

    return run
