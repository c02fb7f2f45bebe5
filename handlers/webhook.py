"""Webhook mode: Telegram posts updates here, and each is acknowledged only once processed.

A 200 means "processed" (a domain refusal is processed: it was answered). An infrastructure
failure (the database unreachable) answers 500, so Telegram redelivers the update; every
update_id is claimed in the database first, so a redelivery of a processed update, or one
that another worker is processing, is never applied twice.
"""

from __future__ import annotations

import hmac
import logging
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import Response
from aiogram.types import ErrorEvent, Update
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc

from bot.ports import Claim
from bot.services.context import Deps
from bot.services.updates import claim_update, finish_update, release_update
from handlers.middlewares import outcome_of_update
from handlers.observability import HealthProbe, Metrics

log = logging.getLogger("lessonlink.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# aiohttp waits this long for requests in flight when stopping (SIGTERM).
SHUTDOWN_GRACE = 30.0


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.TimeoutError,  # no connection free in the pool
        ConnectionError,
        OSError,
    ]
    with suppress(ImportError):  # redis is only installed for several workers
        from redis import exceptions as redis_exc

        errors += [redis_exc.ConnectionError, redis_exc.TimeoutError]
    return tuple(errors)


INFRASTRUCTURE = _infrastructure_errors()


@dataclass
class WebhookDelivery:
    """Handed to the dispatcher with an update; records a failure worth a redelivery."""

    update_id: int
    failure: BaseException | None = None
    late_answer_forgiven: bool = False


_delivery: ContextVar[WebhookDelivery | None] = ContextVar("webhook_delivery", default=None)


class LateAnswers(BaseRequestMiddleware):
    """On a webhook update, the first "query is too old" from answerCallbackQuery is no error.

    A redelivered press was already answered by the failed attempt (or waited past Telegram's
    answer window); aborting its handler for that would lose the press. Only the first such
    failure per update is forgiven, so handlers.errors still sees the second one and falls
    back to a chat message for a refusal.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        """Pass the call on; forgive one stale callback answer per webhook update."""
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            delivery = _delivery.get()
            stale = "query is too old" in str(exc) or "query id is invalid" in str(exc).lower()
            if not (isinstance(method, AnswerCallbackQuery) and stale and delivery is not None):
                raise
            if delivery.late_answer_forgiven:
                raise
            delivery.late_answer_forgiven = True
            log.info("update=%s: callback already answered, carrying on", delivery.update_id)
            return Response[Any](ok=True, result=True)


def needs_redelivery(exc: BaseException) -> bool:
    """A failure of what the bot stands on (database, Redis), not of the request itself."""
    if not isinstance(exc, INFRASTRUCTURE):
        return False
    # A busy SQLite or a serialization failure is answered "try again" by handlers.errors.
    text = str(exc).lower()
    return not ("locked" in text or "busy" in text or "could not serialize" in text)


def _redelivery_wanted(event: ErrorEvent, webhook_delivery: WebhookDelivery | None = None) -> bool:
    return webhook_delivery is not None and needs_redelivery(event.exception)


async def _defer_to_redelivery(event: ErrorEvent, webhook_delivery: WebhookDelivery) -> bool:
    """Say nothing to the user: the update fails with 500 and Telegram delivers it again."""
    exc = event.exception
    webhook_delivery.failure = exc
    outcome_of_update.set(f"redeliver:{type(exc).__name__}")
    log.warning(
        "update=%s left for redelivery: %s: %s", event.update.update_id, type(exc).__name__, exc
    )
    return True


def install_redelivery(dispatcher: Dispatcher) -> None:
    """Let infrastructure failures of webhook updates reach the endpoint instead of the user.

    Registered on the dispatcher itself, so it is asked before the routers' error handlers.
    """
    dispatcher.errors.register(_defer_to_redelivery, _redelivery_wanted)


class UpdateEndpoint:
    """POST handler for Telegram's updates: check the secret, claim, process, answer."""

    def __init__(
        self, bot: Bot, dispatcher: Dispatcher, deps: Deps, secret: str, metrics: Metrics
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.deps = deps
        self._secret = secret.encode()
        self.metrics = metrics

    def _authorised(self, request: web.Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "").encode()
        return hmac.compare_digest(given, self._secret)  # constant time: no guessing by timing

    def _answer(self, result: str, status: int) -> web.Response:
        self.metrics.webhook.labels(result).inc()
        return web.Response(status=status)

    async def handle(self, request: web.Request) -> web.Response:
        """Refuse strangers (403), then process the update before answering."""
        if not self._authorised(request):
            log.warning("webhook request without the right secret from %s", request.remote)
            return self._answer("forbidden", 403)
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.bot})
        except (ValueError, ValidationError):
            return self._answer("malformed", 400)
        return await self.process(update)

    async def process(self, update: Update) -> web.Response:
        """Claim the update_id, feed the update, and record the result; see the module doc."""
        update_id = update.update_id
        try:
            claim = await claim_update(self.deps, update_id)
        except Exception as exc:  # cannot even record it: let Telegram try again later
            log.warning("update=%s not claimed: %s: %s", update_id, type(exc).__name__, exc)
            return self._answer("unavailable", 503)
        if claim is Claim.DUPLICATE:
            log.info("update=%s is a redelivery of a processed update: skipped", update_id)
            return self._answer("duplicate", 200)
        if claim is Claim.IN_PROGRESS:
            return self._answer("in_progress", 503)
        delivery = WebhookDelivery(update_id)
        token = _delivery.set(delivery)
        try:
            await self.dispatcher.feed_update(self.bot, update, webhook_delivery=delivery)
        except Exception as exc:  # nothing handled it; treat as a failure to retry
            delivery.failure = exc
        finally:
            _delivery.reset(token)
        if delivery.failure is not None:
            with suppress(Exception):  # if this fails too, the claim's lease runs out instead
                await release_update(self.deps, update_id)
            return self._answer("failed", 500)
        try:
            await finish_update(self.deps, update_id)
        except Exception as exc:  # processed all the same: acknowledge it
            log.warning("update=%s processed, not recorded: %s", update_id, type(exc).__name__)
        return self._answer("processed", 200)


def web_app(endpoint: UpdateEndpoint | None, path: str, probe: HealthProbe) -> web.Application:
    """The aiohttp app: the webhook at `path` (if any), /healthz and /metrics."""
    app = web.Application()
    if endpoint is not None:
        app.router.add_post(path, endpoint.handle)
    probe.add_routes(app)
    return app


class WebServer:
    """An aiohttp app on host:port; stop() stops accepting and lets requests in flight finish."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE)
        self.host = host
        self.port = port
        self._started = False

    async def start(self) -> int:
        """Listen; returns the bound port (useful with port 0)."""
        await self._runner.setup()
        self._started = True
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        """Close the listening socket, then wait for requests in flight."""
        if self._started:
            self._started = False
            await self._runner.cleanup()
