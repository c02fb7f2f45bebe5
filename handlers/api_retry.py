"""Outgoing Bot API calls survive 429 and passing 5xx or network failures."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageText, GetUpdates, SendMessage, TelegramMethod
from aiogram.methods.base import Response

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger("lessonlink.api")

MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 60.0


class FloodGate:
    """A shared pause: after a 429 every sender waits out retry_after, not just the one hit."""

    def __init__(self) -> None:
        self._until = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every request for this long from now."""
        self._until = max(self._until, time.monotonic() + seconds)

    async def wait(self) -> None:
        """Sleep until the pause is over (no-op when not paused)."""
        delay = self._until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


class RetryMiddleware(BaseRequestMiddleware):
    """Retries a call a few times: after retry_after for 429, with backoff for 5xx/network."""

    def __init__(self, gate: FloodGate | None = None, base_delay: float = 0.5) -> None:
        self.gate = gate or FloodGate()
        self.base_delay = base_delay

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        """Send, retrying passing failures; polling has its own backoff and is left alone."""
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        attempt = 0
        while True:
            attempt += 1
            await self.gate.wait()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.gate.pause(min(float(exc.retry_after), MAX_RETRY_AFTER))
                error: Exception = exc
            except (TelegramServerError, TelegramNetworkError) as exc:
                error = exc
                if attempt < MAX_ATTEMPTS:
                    await asyncio.sleep(self.base_delay * 2 ** (attempt - 1))
            if attempt >= MAX_ATTEMPTS:
                raise error
            log.warning("%s failed (%s), attempt %d", type(method).__name__, error, attempt)


class PinResponseTypes(BaseRequestMiddleware):
    """Keep aiogram's parametrized Response[...] classes alive between calls.

    aiogram builds Response[method.__returning__] on every call, and pydantic caches such
    classes only weakly, so after a garbage collection each edit rebuilt the class and its
    schema (about 7 ms, the largest cost of a calendar press in the profile).
    """

    def __init__(self) -> None:
        self._pinned: dict[object, object] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        """Pin the response type of this method, then send."""
        returning = method.__returning__
        if returning not in self._pinned:
            self._pinned[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


# Telegram's answers when a screen cannot be shown by editing the pressed message.
UNEDITABLE = (
    "there is no text in the message to edit",
    "message can't be edited",
    "message to edit not found",
)


class SendWhenUneditable(BaseRequestMiddleware):
    """Show a screen as a new message when the pressed message cannot be edited.

    Buttons live on photos and documents too (a QR code, a chart, an .ics file), and old
    messages stop being editable; the user should still see the next screen.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        """Edit as asked; on 'cannot edit', send the same text and buttons instead."""
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, EditMessageText) or method.chat_id is None or not method.text:
                raise
            if not any(reason in str(exc).lower() for reason in UNEDITABLE):
                raise
            fresh = SendMessage(
                chat_id=method.chat_id,
                text=method.text,
                parse_mode=method.parse_mode,
                entities=method.entities,
                link_preview_options=method.link_preview_options,
                reply_markup=method.reply_markup,
            )
            return await make_request(bot, fresh)
