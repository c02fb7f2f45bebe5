"""Several workers: shared FSM state and per-user ordering in Redis, and the process supervisor."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress
from types import FrameType
from typing import Any

from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StorageKey,
)
from aiogram.fsm.storage.memory import (
    DisabledEventIsolation,
    MemoryStorage,
    SimpleEventIsolation,
)

from bot.config import Settings

log = logging.getLogger("lessonlink.workers")

CONFIG_EXIT = 2  # a worker that cannot start will not start on a retry either
RESTART_DELAY = 1.0
# A per-user lock lives this long unless its worker renews it, every LOCK_RENEW seconds while
# the update runs: a worker that dies holding one frees that person within seconds.
LOCK_TTL = 15
LOCK_RENEW = 5.0


def fsm_backend(settings: Settings) -> tuple[BaseStorage, BaseEventIsolation]:
    """FSM storage and event isolation: Redis when configured, else this process's memory.

    With Redis, a per-user lock makes one person's updates run one at a time, whichever
    worker each lands on. Without it, webhook mode still isolates users within the process.
    """
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
        keys = DefaultKeyBuilder(prefix=settings.redis_prefix, with_bot_id=True, with_destiny=True)
        return RedisStorage(redis, key_builder=keys), RenewedRedisIsolation(redis, keys)
    if settings.webhook_mode:
        return MemoryStorage(), SimpleEventIsolation()
    return MemoryStorage(), DisabledEventIsolation()


class RenewedRedisIsolation(BaseEventIsolation):
    """aiogram's per-user Redis lock, renewed while held instead of living a fixed 60 s.

    With aiogram's fixed lifetime, a worker killed mid-update kept that person's next
    updates waiting a minute on every worker; a long update outlived its lock.
    """

    def __init__(self, redis: Any, keys: DefaultKeyBuilder) -> None:
        self.redis = redis
        self.keys = keys

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        """Hold this person's lock for the update, renewing it until the update is done."""
        async with self.redis.lock(name=self.keys.build(key, "lock"), timeout=LOCK_TTL) as held:
            renewal = asyncio.create_task(_renew(held))
            try:
                yield None
            finally:
                renewal.cancel()
                with suppress(asyncio.CancelledError):
                    await renewal

    async def close(self) -> None:
        """The Redis connection is closed with the FSM storage."""


async def _renew(lock: Any) -> None:
    from redis.exceptions import LockError

    while True:
        await asyncio.sleep(LOCK_RENEW)
        try:
            await lock.reacquire()  # back to the full LOCK_TTL
        except LockError as exc:
            log.warning("per-user lock lost while held: %s", exc)
            return
        except Exception as exc:  # Redis briefly unreachable: the next renewal may succeed
            log.warning("per-user lock not renewed: %s: %s", type(exc).__name__, exc)


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
