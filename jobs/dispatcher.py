"""The outbox dispatcher job and its Telegram sender, within Telegram's flood limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import Clock
from bot.domain.model import Account
from bot.domain.notices import NewLink
from bot.domain.outgoing import Outgoing
from bot.ports import Delivery
from bot.services.context import Deps
from bot.services.digests import queue_agendas, queue_link_expiry_notices
from bot.services.outbox import dispatch_due
from runtime.api_retry import MaybeDelivered, at_most_once
from storage.locks import held_exclusively
from views.i18n import CatalogI18n
from views.notifications import render

log = logging.getLogger("lessonlink.dispatcher")

GLOBAL_PER_SECOND = 30
# One dispatcher at a time across every worker; a pass that finds it held sends nothing.
DISPATCHER_LOCK = "lessonlink-outbox-dispatcher"
# Counted from the previous send's answer, so no jitter on its way can bring two closer.
CHAT_INTERVAL = 1.0


class SlidingWindowLimiter:
    """At most `limit` sends in any `period`, as the receiving server sees them.

    A send occupies the window from the moment it starts until `period` after its answer
    arrives. If the server ever saw limit+1 sends inside one period, the last of them would
    have started while the other `limit` were in flight or answered less than `period` ago,
    and so would have waited. aiolimiter's leaky bucket gives no such bound: a full bucket
    drains and refills inside one second, nearly doubling the rate in a window.
    """

    def __init__(self, limit: int = GLOBAL_PER_SECOND, period: float = 1.0) -> None:
        self.limit = limit
        self.period = period
        self._answered: deque[float] = deque()
        self._in_flight = 0
        self._lock = asyncio.Lock()

    async def _acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._answered and now - self._answered[0] >= self.period:
                    self._answered.popleft()
                if self._in_flight + len(self._answered) < self.limit:
                    self._in_flight += 1
                    return
                wait = self._answered[0] + self.period - now if self._answered else 0.005
                await asyncio.sleep(max(wait, 0.001))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one place in the window for the duration of a send."""
        await self._acquire()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._answered.append(time.monotonic())


class ChatPacer:
    """No chat gets more than one message per second from the dispatcher, as Telegram sees it.

    A chat's next send starts a full interval after the previous one was answered, and Telegram
    received that one before answering it. Counting from the start instead let a first
    message delayed on its way (a busy machine) land less than a second before the next.
    """

    def __init__(
        self,
        interval: float = CHAT_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic  # a test's timeline instead of the machine's
        self._sleep = sleep
        self._last: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        """Sleep until this chat may receive its next message."""
        last = self._last.get(chat_id)
        if last is not None:
            delay = last + self.interval - self._monotonic()
            if delay > 0:
                await self._sleep(delay)

    def mark(self, chat_id: int) -> None:
        """Note that a send to this chat has ended now (answered, refused or timed out)."""
        self._last[chat_id] = self._monotonic()
        if len(self._last) > 50_000:  # forget chats that have been quiet for a while
            horizon = self._monotonic() - 10 * self.interval
            self._last = {c: t for c, t in self._last.items() if t > horizon}


class TelegramSender:
    """Renders a notification for its recipient and sends it through the Bot API."""

    def __init__(
        self,
        bot: Bot,
        i18n: CatalogI18n,
        clock: Clock,
        deep_link: Callable[[bytes], str | None] = lambda sealed: None,
    ) -> None:
        self.bot = bot
        self.i18n = i18n
        self.clock = clock
        self.deep_link = deep_link
        self.limiter = SlidingWindowLimiter()
        self.pacer = ChatPacer()

    async def deliver(self, outgoing: Outgoing, recipient: Account | None) -> Delivery:
        """Send one notification; classify the failure if it fails."""
        if isinstance(outgoing.notice, NewLink):
            # The token exists in plain only here, in memory, on its way to its student.
            outgoing = replace(outgoing, link=self.deep_link(outgoing.notice.sealed))
        chat_id = outgoing.chat_id
        await self.pacer.wait(chat_id)
        # Rendered as late as possible: a reminder states the time left when it goes out.
        text, markup = render(self.i18n, outgoing, recipient, self.clock.now())
        try:
            with at_most_once():
                async with self.limiter.slot():
                    try:
                        await self.bot.send_message(chat_id, text, reply_markup=markup)
                    finally:
                        self.pacer.mark(chat_id)
        except MaybeDelivered as exc:
            return Delivery("unconfirmed", str(exc))
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
            async with held_exclusively(engine, DISPATCHER_LOCK) as mine:
                if not mine:
                    # Another worker is dispatching, or a dead one's database session has not
                    # been reaped yet: the next tick tries again.
                    log.debug("dispatch pass skipped: another holder has the lock")
                    return
                report = await dispatch_due(deps, sender)
        except Exception as exc:  # a busy database must not spill tracebacks every tick
            log.warning("dispatch pass failed: %s: %s", type(exc).__name__, exc)
            return
        counts = (report.sent, report.skipped, report.retried, report.failed, report.unconfirmed)
        if any(counts):
            log.info(
                "dispatched sent=%d skipped=%d retried=%d failed=%d unconfirmed=%d reasons=%s",
                *counts,
                report.reasons,
            )

    return run


def digests_job(deps: Deps, engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """The scheduler's callable queueing agendas and link-expiry notices, one worker at a time."""

    async def run() -> None:
        try:
            async with held_exclusively(engine, "lessonlink-digests") as mine:
                if mine:
                    await queue_agendas(deps)
                    await queue_link_expiry_notices(deps)
        except Exception as exc:
            log.warning("digest pass failed: %s: %s", type(exc).__name__, exc)

    return run
