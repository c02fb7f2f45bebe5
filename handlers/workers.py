"""Several workers: shared FSM state and per-user ordering in Redis, and the process supervisor."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import (
    DisabledEventIsolation,
    MemoryStorage,
    SimpleEventIsolation,
)

from bot.config import Settings

log = logging.getLogger("lessonlink.workers")

CONFIG_EXIT = 2  # a worker that cannot start will not start on a retry either
RESTART_DELAY = 1.0


def fsm_backend(settings: Settings) -> tuple[BaseStorage, BaseEventIsolation]:
    """FSM storage and event isolation: Redis when configured, else this process's memory.

    With Redis, a per-user lock makes one person's updates run one at a time, whichever
    worker each lands on. Without it, webhook mode still isolates users within the process.
    """
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
        keys = DefaultKeyBuilder(prefix=settings.redis_prefix, with_bot_id=True, with_destiny=True)
        return RedisStorage(redis, key_builder=keys), RedisEventIsolation(redis, key_builder=keys)
    if settings.webhook_mode:
        return MemoryStorage(), SimpleEventIsolation()
    return MemoryStorage(), DisabledEventIsolation()


def supervise(workers: int, script: str) -> int:
    """Run `workers` processes of `script --worker-index i` until SIGTERM/SIGINT; restart any
    that dies. Worker i listens on WEBHOOK_PORT + i. Returns the exit code."""
    env = {**os.environ, "WORKERS": str(workers)}

    def spawn(index: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, script, "--worker-index", str(index)], env=env)

    children = {i: spawn(i) for i in range(workers)}
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("supervising %d workers: pids %s", workers, [c.pid for c in children.values()])
    code = 0
    while children:
        for index, child in list(children.items()):
            status = child.poll()
            if status is None:
                continue
            if stopping:
                del children[index]
            elif status == CONFIG_EXIT:
                log.error("worker %d cannot start (exit %d): stopping all", index, status)
                code = status
                stop(signal.SIGTERM, None)
                del children[index]
            else:
                log.warning("worker %d exited with %d: restarting it", index, status)
                time.sleep(RESTART_DELAY)
                children[index] = spawn(index)
        # Child exits are rare events; a short poll keeps this loop simple and portable.
        time.sleep(0.2)
    return code
