"""Prometheus metrics and the health report behind /metrics and /healthz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import Update
from aiohttp import web
from apscheduler.schedulers.base import BaseScheduler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.services.context import Deps
from bot.services.updates import outbox_backlog
from runtime.api_retry import ApiMethod, ApiResponse, NextRequest

if TYPE_CHECKING:
    from aiogram import Bot

    from jobs.scheduler import Tick

log = logging.getLogger("lessonlink.health")

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PROBE_TIMEOUT = 3.0


class Metrics:
    """One registry per application, so several in one process (tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "lessonlink_updates_handled", "Updates handled, by kind", ["kind"], registry=r
        )
        self.handling = Histogram(
            "lessonlink_update_handling_seconds",
            "Time from receiving an update to finishing it, by kind",
            ["kind"],
            buckets=HANDLING_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "lessonlink_update_errors",
            "Updates that did not end ok, by outcome (refused:, busy, error:, redeliver:)",
            ["kind"],
            registry=r,
        )
        self.webhook = Counter(
            "lessonlink_webhook_requests", "Webhook requests, by result", ["result"], registry=r
        )
        self.ledger = Histogram(
            "lessonlink_update_ledger_seconds",
            "Write transactions of the processed-updates ledger, by kind (claim, claim+finish, "
            "finish, heartbeat, release)",
            ["kind"],
            buckets=HANDLING_BUCKETS,
            registry=r,
        )
        self.sent = Counter(
            "lessonlink_messages_sent",
            "Messages Telegram accepted, by method",
            ["method"],
            registry=r,
        )
        self.retry_after = Counter(
            "lessonlink_telegram_429", "429 Too Many Requests answers from Telegram", registry=r
        )
        self.api_errors = Counter(
            "lessonlink_telegram_errors", "Failed Bot API calls, by error", ["error"], registry=r
        )
        self.backlog = Gauge(
            "lessonlink_outbox_backlog", "Due notifications not yet sent", registry=r
        )
        self.backlog_age = Gauge(
            "lessonlink_outbox_oldest_age_seconds",
            "How long the oldest due notification has waited (0 when none)",
            registry=r,
        )
        self.tick_age = Gauge(
            "lessonlink_dispatcher_tick_age_seconds",
            "Seconds since the outbox dispatcher job last completed",
            registry=r,
        )

    def on_update(self, update: Update, outcome: str, seconds: float) -> None:
        """UpdateTracker listener: count the update, its time and a non-ok outcome."""
        kind = update.event_type
        self.updates.labels(kind).inc()
        self.handling.labels(kind).observe(seconds)
        if outcome != "ok":
            self.errors.labels(outcome).inc()

    def on_ledger(self, kind: str, seconds: float) -> None:
        """ClaimKeeper listener: one write transaction of the processed-updates ledger."""
        self.ledger.labels(kind).observe(seconds)

    def render(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)


class ApiMetrics(BaseRequestMiddleware):
    """Counts every Bot API attempt's result; sits inside RetryMiddleware, so sees each try."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, make_request: NextRequest, bot: Bot, method: ApiMethod) -> ApiResponse:
        """Pass the call on and count what came back."""
        try:
            response = await make_request(bot, method)
        except TelegramRetryAfter:
            self.metrics.retry_after.inc()
            self.metrics.api_errors.labels("TelegramRetryAfter").inc()
            raise
        except TelegramAPIError as exc:
            self.metrics.api_errors.labels(type(exc).__name__).inc()
            raise
        if method.__api_method__ in SEND_METHODS:
            self.metrics.sent.labels(method.__api_method__).inc()
        return response


@dataclass
class HealthProbe:
    """Database reachable, scheduler running, dispatcher ticking: the facts behind /healthz."""

    deps: Deps
    metrics: Metrics
    scheduler: BaseScheduler
    ticks: Mapping[str, Tick]
    tick_limit: float
    started_at: datetime = field(init=False)
    backlog: tuple[int, float | None] = (0, None)

    def __post_init__(self) -> None:
        self.started_at = self.deps.clock.now()

    def tick_age(self) -> float:
        """Seconds since the dispatcher job completed (since start if it has not yet)."""
        tick = self.ticks.get("outbox")
        last = tick.last if tick is not None and tick.last is not None else self.started_at
        return max((self.deps.clock.now() - last).total_seconds(), 0.0)

    async def refresh(self) -> bool:
        """Update the scrape-time gauges; False if the database did not answer."""
        self.metrics.tick_age.set(self.tick_age())
        try:
            async with asyncio.timeout(PROBE_TIMEOUT):
                count, age = await outbox_backlog(self.deps)
        except Exception as exc:  # any failure here means "not reachable" to an orchestrator
            log.warning("health: database check failed: %s: %s", type(exc).__name__, exc)
            return False
        self.backlog = (count, age)
        self.metrics.backlog.set(count)
        self.metrics.backlog_age.set(age or 0.0)
        return True

    async def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether this worker is healthy, and the details as JSON-ready data."""
        database = await self.refresh()
        running = bool(self.scheduler.running)
        age = self.tick_age()
        ticking = age <= self.tick_limit
        body = {
            "status": "ok" if database and running and ticking else "unhealthy",
            "database": {"reachable": database},
            "scheduler": {"running": running},
            "dispatcher": {
                "last_tick_age_seconds": round(age, 3),
                "limit_seconds": self.tick_limit,
                "ok": ticking,
            },
            "outbox": {"backlog": self.backlog[0], "oldest_age_seconds": self.backlog[1]},
        }
        return database and running and ticking, body

    async def healthz(self, request: web.Request) -> web.Response:
        """GET /healthz: 200 when healthy, 503 otherwise, with the details as JSON."""
        ok, body = await self.report()
        return web.json_response(body, status=200 if ok else 503)

    async def metrics_page(self, request: web.Request) -> web.Response:
        """GET /metrics: Prometheus text format, gauges refreshed for this scrape."""
        await self.refresh()
        return web.Response(
            body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    def add_routes(self, app: web.Application) -> None:
        """Serve /healthz and /metrics on an aiohttp app."""
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_page)
