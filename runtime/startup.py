"""Start-up checks: bounded questions to the Bot API, and one sentence when start-up fails.

Every sentence here is built from the configured address and the kind of failure, never
from an exception's text: the HTTP client's messages carry the request URL, and with it
the bot token.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe, SetWebhook
from aiogram.types import User
from aiohttp import ClientConnectorError, ClientSSLError, InvalidURL, ServerDisconnectedError

from runtime.api_retry import pin_response_type

REQUEST_SECONDS = 5  # per getMe at start (STARTUP_TIMEOUT_SECONDS): a server answers at once
ATTEMPTS = 2
PAUSE_SECONDS = 1.0
CHECK = "check the address and that the Bot API server is running"


class StartupError(Exception):
    """The bot cannot start; the message says why and what to do."""


async def who_am_i(bot: Bot, api_url: str, timeout: int = REQUEST_SECONDS) -> User:
    """The bot's own user (getMe), asked at most twice, each time waiting `timeout` seconds.

    Asked past the session's middlewares: their retries and warnings suit a running bot,
    while a start should fail within seconds with one sentence.
    """
    pin_response_type(User)  # past the middlewares, so past PinResponseTypes too
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await bot.session.make_request(bot, GetMe(), timeout=timeout)
        except (TelegramNetworkError, TelegramServerError) as exc:
            if attempt == ATTEMPTS:
                raise StartupError(explain(exc, api_url, timeout)) from None
        except (TelegramAPIError, ClientDecodeError) as exc:
            raise StartupError(explain(exc, api_url, timeout)) from None
        await asyncio.sleep(PAUSE_SECONDS)
    raise AssertionError("the loop returns or raises")


@contextlib.contextmanager
def refusals_explained(api_url: str) -> Iterator[None]:
    """Turn a Bot API failure during set-up (commands, webhook) into a StartupError."""
    try:
        yield
    except (TelegramAPIError, ClientDecodeError) as exc:
        raise StartupError(explain(exc, api_url)) from None


def explain(
    exc: TelegramAPIError | ClientDecodeError, api_url: str, timeout: int = REQUEST_SECONDS
) -> str:
    """One sentence for a failed Bot API call at start, naming what to fix."""
    where = address(api_url)
    if isinstance(exc, TelegramUnauthorizedError):
        return (
            "BOT_TOKEN was rejected by Telegram (401 Unauthorized): "
            "copy the current token from @BotFather (/token) into BOT_TOKEN."
        )
    if isinstance(exc, TelegramNetworkError):
        cause = exc.__cause__
        if isinstance(cause, TimeoutError):
            return f"TELEGRAM_API_URL {where} did not answer within {timeout} s: {CHECK}."
        return f"TELEGRAM_API_URL {where} cannot be reached ({network_reason(cause)}): {CHECK}."
    if isinstance(exc, TelegramServerError):
        return f"TELEGRAM_API_URL {where} answered with a server error: {CHECK}, or try later."
    if isinstance(exc, TelegramNotFound | ClientDecodeError):
        return f"TELEGRAM_API_URL {where} does not answer like a Bot API server: {CHECK}."
    if isinstance(exc.method, SetWebhook):
        return f"WEBHOOK_URL was refused by Telegram: {exc.message}."
    return f"Telegram refused {type(exc.method).__name__}: {exc.message}."


def network_reason(cause: BaseException | None) -> str:
    """What went wrong on the way to the server, in a few words."""
    if isinstance(cause, ClientSSLError):
        return "the TLS handshake or certificate failed"
    if isinstance(cause, ClientConnectorError):
        if isinstance(cause.os_error, socket.gaierror):
            return "the host name does not resolve"
        if isinstance(cause.os_error, ConnectionRefusedError):
            return "connection refused"
        return cause.os_error.strerror or type(cause.os_error).__name__
    if isinstance(cause, InvalidURL):
        return "the address is malformed"
    if isinstance(cause, ServerDisconnectedError | ConnectionError):
        return "the connection was dropped"
    return type(cause).__name__ if cause is not None else "no answer"


def address(api_url: str) -> str:
    """The address as configured, without any user:password part."""
    try:
        parts = urlsplit(api_url)
    except ValueError:
        return "(malformed)"
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}{parts.path}"


def database_unusable(exc: BaseException, dialect: str) -> str:
    """One sentence for a database that cannot be reached or opened at start."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError) and cause.strerror:
        reason = cause.strerror.lower()
    else:  # the driver's own words, such as "unable to open database file"
        reason = (str(cause).splitlines() or [type(cause).__name__])[0][:120]
    if dialect == "sqlite":
        return f"DATABASE_URL cannot be opened ({reason}): check that its folder is writable."
    return (
        f"DATABASE_URL cannot be used ({reason}): check the address, the user and that the "
        "database server is running."
    )
