"""The outbox dispatcher job and its Telegram sender, within Telegram's flood limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import Account, OutboxMessage
from bot.ports import Delivery
from bot.services.context import Deps
from bot.services.digests import queue_agendas, queue_link_expiry_notices
from bot.services.outbox import dispatch_due
from handlers.i18n import CatalogI18n
from handlers.notifications import render
from storage.locks import held_exclusively

log = logging.getLogger("lessonlink.dispatcher")

GLOBAL_PER_SECOND = 30
# Measured at our side before the request leaves; the margin keeps the server's view of any
# one-second window under the cap despite network jitter.
WINDOW_SECONDS = 1.05
CHAT_INTERVAL = 1.0


class SlidingWindowLimiter:
    """At most `limit` acquisitions in any window of `period` seconds.

    aiolimiter's leaky bucket lets a full bucket drain and refill inside one second, so a
    burst can reach nearly twice the rate in a window; Telegram's limit is a hard cap.
    """

    def __init__(self, limit: int = GLOBAL_PER_SECOND, period: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.period = period
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more send fits in the window, then take it."""
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._stamps and now - self._stamps[0] >= self.period:
                    self._stamps.popleft()
                if len(self._stamps) < self.limit:
                    self._stamps.append(now)
                    return
                await asyncio.sleep(self._stamps[0] + self.period - now)


class ChatPacer:
    """No chat gets more than one message per second from the dispatcher."""

    def __init__(self, interval: float = CHAT_INTERVAL) -> None:
        self.interval = interval
        self._last: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Sleep until this chat may receive the next message."""
        last = self._last.get(chat_id)
        if last is not None:
            delay = last + self.interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        self._last[chat_id] = time.monotonic()
        if len(self._last) > 50_000:  # forget chats that have been quiet for a while
            horizon = time.monotonic() - 10 * self.interval
            self._last = {c: t for c, t in self._last.items() if t > horizon}


class TelegramSender:
    """Renders a notification for its recipient and sends it through the Bot API."""

    def __init__(self, bot: Bot, i18n: CatalogI18n) -> None:
        self.bot = bot
        self.i18n = i18n
        self.limiter = SlidingWindowLimiter()
        self.pacer = ChatPacer()

    async def deliver(self, message: OutboxMessage, recipient: Account | None) -> Delivery:
        """Send one notification; classify the failure if it fails."""
        text, markup = render(self.i18n, message, recipient)
        await self.pacer.wait(message.chat_id)
        await self.limiter.acquire()
        try:
            await self.bot.send_message(message.chat_id, text, reply_markup=markup)
        except TelegramForbiddenError as exc:
            return Delivery("unreachable", str(exc))
        except TelegramBadRequest as exc:
            if "chat not found" in str(exc).lower():
                return Delivery("unreachable", str(exc))
            return Delivery("rejected", str(exc))
        except TelegramAPIError as exc:  # 429 and 5xx that outlasted the session's retries
            return Delivery("retry", str(exc))
        return Delivery("sent")


def dispatch_job(
    deps: Deps, engine: AsyncEngine, sender: TelegramSender
) -> Callable[[], Awaitable[None]]:
    """The scheduler's callable: dispatch due rows if this process holds the dispatcher lock."""

    async def run() -> None:
        try:
            async with held_exclusively(engine, "lessonlink-outbox-dispatcher") as mine:
                if not mine:
                    return
                report = await dispatch_due(deps, sender)
        except Exception as exc:  # a busy database must not spill tracebacks every tick
            log.warning("dispatch pass failed: %s: %s", type(exc).__name__, exc)
            return
        if report.sent or report.skipped or report.failed or report.retried:
            log.info(
                "dispatched sent=%d skipped=%d retried=%d failed=%d reasons=%s",
                report.sent, report.skipped, report.retried, report.failed, report.reasons,
            )  # fmt: skip

    return run


def digests_job(deps: Deps) -> Callable[[], Awaitable[None]]:
    """The scheduler's callable queueing agendas and link-expiry notices (idempotent)."""
    async def run() -> None:
        try:
            await queue_agendas(deps)
            await queue_link_expiry_notices(deps)
        except Exception as exc:
            log.warning("digest pass failed: %s: %s", type(exc).__name__, exc)

    return run
