"""Outgoing Bot API calls survive 429 and passing 5xx or network failures."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeAlias

from aiogram.client.session.aiohttp import AiohttpSession
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
from aiohttp import ClientSession, TraceConfig, TraceRequestHeadersSentParams

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger("lessonlink.api")

# What every request middleware takes and returns: aiogram's generic types, named once.
NextRequest: TypeAlias = NextRequestMiddlewareType[Any]
ApiMethod: TypeAlias = TelegramMethod[Any]
ApiResponse: TypeAlias = Response[Any]

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


class MaybeDelivered(TelegramNetworkError):
    """A call timed out after its request was written: Telegram may have carried it out."""


@dataclass
class _Attempt:
    written: bool = False  # the request's headers started going out


_attempt: ContextVar[_Attempt | None] = ContextVar("lessonlink_api_attempt", default=None)
_at_most_once: ContextVar[bool] = ContextVar("lessonlink_at_most_once", default=False)


async def _on_headers_sent(
    session: ClientSession, context: SimpleNamespace, params: TraceRequestHeadersSentParams
) -> None:
    attempt = _attempt.get()
    if attempt is not None:
        attempt.written = True


_WIRE = TraceConfig()
_WIRE.on_request_headers_sent.append(_on_headers_sent)
_WIRE.freeze()


async def _watch_the_wire(bot: Bot) -> None:
    """Have the bot's HTTP session report when a request starts going out."""
    if isinstance(bot.session, AiohttpSession):
        client = await bot.session.create_session()  # the session make_request will use
        if _WIRE not in client.trace_configs:
            client.trace_configs.append(_WIRE)


@contextmanager
def at_most_once() -> Iterator[None]:
    """Calls in this block that time out after being written raise MaybeDelivered, unrepeated.

    Telegram has no idempotency key: a message whose answer did not come back in time may
    still arrive, and sending it again would show it twice.
    """
    token = _at_most_once.set(True)
    try:
        yield
    finally:
        _at_most_once.reset(token)


class RetryMiddleware(BaseRequestMiddleware):
    """Retries a call a few times: after retry_after for 429, with backoff for 5xx/network.

    Inside at_most_once(), a time-out after the request was written is not retried but
    raised as MaybeDelivered; a failure to connect (nothing written) is retried as ever.
    """

    def __init__(self, gate: FloodGate | None = None, base_delay: float = 0.5) -> None:
        self.gate = gate or FloodGate()
        self.base_delay = base_delay

    async def __call__(self, make_request: NextRequest, bot: Bot, method: ApiMethod) -> ApiResponse:
        """Send, retrying passing failures; polling has its own backoff and is left alone."""
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        await _watch_the_wire(bot)
        attempt = 0
        while True:
            attempt += 1
            await self.gate.wait()
            sent = _Attempt()
            token = _attempt.set(sent)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                self.gate.pause(min(float(exc.retry_after), MAX_RETRY_AFTER))
                error: Exception = exc
            except (TelegramServerError, TelegramNetworkError) as exc:
                if _maybe_delivered(exc, sent):
                    raise MaybeDelivered(
                        method, "time-out after the request was written; not repeated"
                    ) from exc
                error = exc
                if attempt < MAX_ATTEMPTS:
                    await asyncio.sleep(self.base_delay * 2 ** (attempt - 1))
            finally:
                _attempt.reset(token)
            if attempt >= MAX_ATTEMPTS:
                raise error
            log.warning("%s failed (%s), attempt %d", type(method).__name__, error, attempt)


def _maybe_delivered(exc: Exception, attempt: _Attempt) -> bool:
    """A time-out once the request was on its way, where a repeat could show it twice."""
    timed_out = isinstance(exc, TelegramNetworkError) and isinstance(exc.__cause__, TimeoutError)
    return timed_out and attempt.written and _at_most_once.get()


class PinResponseTypes(BaseRequestMiddleware):
    """Keep aiogram's parametrized Response[...] classes alive between calls.

    aiogram builds Response[method.__returning__] on every call, and pydantic caches such
    classes only weakly, so after a garbage collection each edit rebuilt the class and its
    schema (about 7 ms, the largest cost of a calendar press in the profile).
    """

    async def __call__(self, make_request: NextRequest, bot: Bot, method: ApiMethod) -> ApiResponse:
        """Pin the response type of this method, then send."""
        pin_response_type(method.__returning__)
        return await make_request(bot, method)


# Shared by every bot in the process (a few dozen classes at most): a bot built again in the
# same process (each test builds one) finds them built.
_PINNED: dict[object, object] = {}


def pin_response_type(returning: object) -> None:
    """Keep Response[returning] alive for the rest of the process."""
    if returning not in _PINNED:
        _PINNED[returning] = Response[returning]  # type: ignore[valid-type]


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

    async def __call__(self, make_request: NextRequest, bot: Bot, method: ApiMethod) -> ApiResponse:
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
