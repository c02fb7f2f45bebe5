"""Webhook mode: Telegram posts updates here, and each is acknowledged only once processed.

A 200 means "processed" (a domain refusal is processed: it was answered). An infrastructure
failure (the database unreachable) answers 500, so Telegram redelivers the update; every
update_id is claimed in the database first, so a redelivery of a processed update, or one
that another worker is processing, is never applied twice (bot.services.updates).
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.services.context import Deps
from bot.services.updates import Applied, ClaimKeeper, apply_once
from runtime.delivery import LateAnswers, feed, install_redelivery
from web.api.access_log import RedactingAccessLogger
from web.api.app import add_api
from web.api.context import ApiContext
from web.observability import HealthProbe, Metrics

log = logging.getLogger("lessonlink.webhook")
access_log = logging.getLogger("lessonlink.access")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# aiohttp waits this long for requests in flight when stopping (SIGTERM).
SHUTDOWN_GRACE = 30.0
# What each way a delivery ended answers Telegram: anything but 200 makes it deliver again.
STATUS = {
    Applied.HANDLED: 200,
    Applied.DUPLICATE: 200,
    Applied.IN_PROGRESS: 503,
    Applied.FAILED: 500,
    Applied.UNAVAILABLE: 503,
}

# A handled update's finish waits this long for the next claim to share its transaction.
FINISH_LATER = timedelta(seconds=1)

__all__ = ["LateAnswers", "UpdateEndpoint", "WebServer", "install_redelivery", "web_app"]


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
        # The claims and heartbeat of the updates this worker handles. Each update's 200 is
        # Telegram's confirmation, so its finish can ride with the next claim (one write
        # transaction per update instead of two), timed by lessonlink_update_ledger_seconds.
        self.claims = ClaimKeeper(deps, finish_later=FINISH_LATER, on_write=metrics.on_ledger)

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

        async def handle() -> bool:
            return await feed(self.bot, self.dispatcher, update) is None

        applied = await apply_once(self.deps, self.claims, update.update_id, handle)
        return self._answer(applied.value, STATUS[applied])

    async def close(self, _app: web.Application) -> None:
        """On stopping, once requests in flight are done: write the finishes still deferred."""
        await self.claims.flush()


def web_app(
    endpoint: UpdateEndpoint | None, path: str, probe: HealthProbe, api: ApiContext | None = None
) -> web.Application:
    """The aiohttp app: the webhook at `path` (if any), /healthz, /metrics and the API."""
    app = web.Application()
    if endpoint is not None:
        app.router.add_post(path, endpoint.handle)
        app.on_cleanup.append(endpoint.close)
    probe.add_routes(app)
    if api is not None:
        add_api(app, api)
    return app


class WebServer:
    """An aiohttp app on host:port; stop() stops accepting and lets requests in flight finish."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(
            app,
            access_log=access_log,
            access_log_class=RedactingAccessLogger,
            shutdown_timeout=SHUTDOWN_GRACE,
        )
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
