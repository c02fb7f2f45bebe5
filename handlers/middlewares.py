"""Outer middlewares: update tracking and logging, and who-is-talking for every handler."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import accounts, buttons
from bot.services.context import Deps

log = logging.getLogger("lessonlink.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# How the update being handled ended, as the error handler classifies it ("ok" otherwise).
outcome_of_update: ContextVar[str] = ContextVar("outcome_of_update", default="ok")


def install_outermost(dispatcher: Dispatcher, tracker: UpdateTracker) -> None:
    """Put the tracker outside aiogram's ErrorsMiddleware, so 'handled' includes error replies."""
    manager = dispatcher.update.outer_middleware
    inner = list(manager)
    for middleware in inner:
        manager.unregister(middleware)
    manager.register(tracker)
    for middleware in inner:
        manager.register(middleware)


class UpdateTracker(BaseMiddleware):
    """Logs one line per update and lets tests and shutdown await handled updates."""

    def __init__(self, history: int = 10_000) -> None:
        self._handled: deque[int] = deque(maxlen=history)
        self._handled_set: set[int] = set()
        self._in_flight = 0
        self._changed = asyncio.Condition()
        self.durations_ms: deque[float] = deque(maxlen=history)
        # (wall time, ms, outcome) per update, for the /ops view's hour and day windows.
        self.samples: deque[tuple[float, float, str]] = deque(maxlen=history)
        # Called with (update, outcome, seconds) after each update: metrics hook in here.
        self.listeners: list[Callable[[Update, str, float], None]] = []

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Run the update, then log and record it as handled."""
        assert isinstance(event, Update)
        # Resolved here: aiogram's own user context middleware runs inside this one. The id
        # only: names and texts are personal data and stay out of the log.
        user = UserContextMiddleware.resolve_event_context(event).user
        started = time.perf_counter()
        self._in_flight += 1
        token = outcome_of_update.set("ok")
        outcome = "ok"
        data["tracker"] = self
        try:
            return await handler(event, data)
        except Exception:
            outcome_of_update.set("unhandled")
            raise
        finally:
            outcome = outcome_of_update.get()
            outcome_of_update.reset(token)
            elapsed = (time.perf_counter() - started) * 1000
            self.durations_ms.append(elapsed)
            self.samples.append((time.time(), elapsed, outcome))
            for listener in self.listeners:
                listener(event, outcome, elapsed / 1000)
            log.info(
                "update=%s user=%s type=%s outcome=%s ms=%.1f",
                event.update_id,
                user.id if user else "-",
                event.event_type,
                outcome,
                elapsed,
            )
            await self._mark(event.update_id)

    async def _mark(self, update_id: int) -> None:
        async with self._changed:
            self._in_flight -= 1
            if len(self._handled) == self._handled.maxlen:
                self._handled_set.discard(self._handled[0])
            self._handled.append(update_id)
            self._handled_set.add(update_id)
            self._changed.notify_all()

    def was_handled(self, update_id: int) -> bool:
        """Whether this update has finished processing."""
        return update_id in self._handled_set

    async def wait_handled(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until an update is fully processed (for tests); TimeoutError past the deadline."""
        # The deadline sits inside the lock: a cancelled Condition.wait re-acquires the lock
        # before leaving, so the caller gets a clean TimeoutError.
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: update_id in self._handled_set), timeout
            )

    async def drain(self, timeout: float = 15.0) -> None:
        """Wait for updates in flight to finish (graceful shutdown)."""
        try:
            async with self._changed:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._in_flight == 0), timeout
                )
        except TimeoutError:
            log.warning(
                "shutdown: %d updates still in flight after %.0fs", self._in_flight, timeout
            )


class AccountMiddleware(BaseMiddleware):
    """Records first contact and hands handlers the identity and the chosen language.

    `per_update` wraps the whole update (storage.uow.one_read_per_update in the bot): the
    identity's read transaction then serves the handler's first read too.
    """

    def __init__(
        self,
        deps: Deps,
        per_update: Callable[[], AbstractAsyncContextManager[object]] = nullcontext,
    ) -> None:
        self._deps = deps
        self._per_update = per_update

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Look the sender up before the handler runs."""
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        async with self._per_update():
            identity = await accounts.identify(
                self._deps, user.id, user.first_name, user.language_code
            )
            data["identity"] = identity
            data["account_language"] = identity.account.language
            return await handler(event, data)


# Every id the bot puts in a button fits a 32-bit INTEGER column (PostgreSQL's INTEGER);
# anything larger was never sent by us and would overflow the database driver.
ID_LIMIT = 2**31 - 1


def forged_number(data: str) -> bool:
    """Whether callback data carries a number no button of ours could hold."""
    for part in data.split(":"):
        digits = part[1:] if part.startswith("-") else part
        # ASCII digits only: '²'.isdigit() holds but int('²') raises (the codec refuses it).
        if digits.isascii() and digits.isdigit() and (len(digits) > 10 or int(digits) > ID_LIMIT):
            return True
    return False


async def refuse_button(
    query: CallbackQuery, deps: Deps, answer: CallbackAnswer | None = None
) -> None:
    """Answer a press we do not recognise (stale, tampered or malformed), then audit it.

    Inside a handler, pass its `callback_answer`: the press is answered once, after it.
    """
    text = _("This button is no longer valid. Send /start to see the current menu.")
    if answer is None:
        await query.answer(text)
    else:
        answer.text = text
    await buttons.unknown_button(deps, query.from_user.id, query.data or "")


class ForgedCallbackGuard(BaseMiddleware):
    """Refuses callback data with out-of-range numbers before any handler parses it."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Answer 'no longer valid' and audit, instead of handling, a forged press."""
        if isinstance(event, CallbackQuery) and event.data and forged_number(event.data):
            await refuse_button(event, self._deps)
            return None
        return await handler(event, data)
