"""Feeding one delivery of an update to the dispatcher, so that it can be delivered again.

Webhook and polling mode share this: a failure of what the bot stands on (the database,
Redis) is not told to the user but reported back, so the update is delivered again and handled
then; a press whose first delivery already answered it is not failed for that.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import ErrorEvent, Update
from sqlalchemy import exc as sa_exc

from handlers.middlewares import outcome_of_update
from runtime.api_retry import ApiMethod, ApiResponse, NextRequest

log = logging.getLogger("lessonlink.delivery")


INFRASTRUCTURE: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,  # no connection free in the pool
    ConnectionError,
    OSError,
)


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    """The failures of what the bot stands on; Redis's once Redis is in use.

    Redis is imported only by a worker configured for it (runtime/workers.py), and a Redis
    error can only come from Redis code, so a worker without Redis never loads it (6 MB).
    """
    redis_exc = sys.modules.get("redis.exceptions")
    if redis_exc is None:
        return INFRASTRUCTURE
    return (*INFRASTRUCTURE, redis_exc.ConnectionError, redis_exc.TimeoutError)


@dataclass
class UpdateDelivery:
    """Handed to the dispatcher with an update; records a failure worth a redelivery."""

    update_id: int
    failure: BaseException | None = None
    answered: bool = False  # this delivery has answered its callback query


_delivery: ContextVar[UpdateDelivery | None] = ContextVar("update_delivery", default=None)


class LateAnswers(BaseRequestMiddleware):
    """A delivered press's first answer may find the query answered already: that is no error.

    A press delivered again was answered by the attempt that failed (or by a process that
    died mid-update); aborting its handler for that would lose the press. Only the first
    answer of a delivery is excused: a later one (a refusal after the handler answered)
    fails as usual, so handlers.errors falls back to a chat message.
    """

    async def __call__(self, make_request: NextRequest, bot: Bot, method: ApiMethod) -> ApiResponse:
        """Pass the call on; excuse a stale answer if it is the delivery's first."""
        delivery = _delivery.get()
        if not isinstance(method, AnswerCallbackQuery) or delivery is None:
            return await make_request(bot, method)
        first, delivery.answered = not delivery.answered, True
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            stale = "query is too old" in str(exc) or "query id is invalid" in str(exc).lower()
            if not (stale and first):
                raise
            log.info("update=%s: callback already answered, carrying on", delivery.update_id)
            return ApiResponse(ok=True, result=True)


class EndsReadsFirst(BaseRequestMiddleware):
    """Ends the update's kept read transaction before any Bot API call, so no transaction
    waits on the network (a slow answer, a 429's retry_after); see one_read_per_update."""

    def __init__(self, end_read: Callable[[], Awaitable[None]]) -> None:
        self._end_read = end_read

    async def __call__(self, make_request: NextRequest, bot: Bot, method: ApiMethod) -> ApiResponse:
        """End the kept read, then pass the call on."""
        await self._end_read()
        return await make_request(bot, method)


def needs_redelivery(exc: BaseException) -> bool:
    """A failure of what the bot stands on (database, Redis), not of the request itself."""
    if not isinstance(exc, _infrastructure_errors()):
        return False
    # A busy SQLite or a serialization failure is answered "try again" by handlers.errors.
    text = str(exc).lower()
    return not ("locked" in text or "busy" in text or "could not serialize" in text)


def _redelivery_wanted(event: ErrorEvent, update_delivery: UpdateDelivery | None = None) -> bool:
    return update_delivery is not None and needs_redelivery(event.exception)


async def _defer_to_redelivery(event: ErrorEvent, update_delivery: UpdateDelivery) -> bool:
    """Say nothing to the user: the update fails and is delivered again."""
    exc = event.exception
    update_delivery.failure = exc
    outcome_of_update.set(f"redeliver:{type(exc).__name__}")
    log.warning(
        "update=%s left for redelivery: %s: %s", event.update.update_id, type(exc).__name__, exc
    )
    return True


def install_redelivery(dispatcher: Dispatcher) -> None:
    """Let infrastructure failures of delivered updates reach the caller instead of the user.

    Registered on the dispatcher itself, so it is asked before the routers' error handlers.
    """
    dispatcher.errors.register(_defer_to_redelivery, _redelivery_wanted)


async def feed(
    bot: Bot, dispatcher: Dispatcher, update: Update, *, last: bool = False
) -> BaseException | None:
    """Handle one delivery of an update; returns the failure that wants a redelivery, if any.

    The `last` delivery of an update is handled as any other: a failure is told to the user.
    """
    delivery = UpdateDelivery(update.update_id)
    token = _delivery.set(delivery)
    try:
        extra = {} if last else {"update_delivery": delivery}
        await dispatcher.feed_update(bot, update, **extra)
    except Exception as exc:  # nothing handled it; treat as a failure to retry
        delivery.failure = exc
    finally:
        _delivery.reset(token)
    return delivery.failure
