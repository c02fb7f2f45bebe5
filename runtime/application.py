"""The composition of a running LessonLink: settings -> storage -> services -> dispatcher,
scheduler, and the context the web API gets from it (no I/O here)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.domain.clock import Clock, SystemClock
from bot.security import TokenVault
from bot.services.context import Deps
from handlers import build_router
from handlers import teacher_links as links_view
from handlers.middlewares import (
    AccountMiddleware,
    ForgedCallbackGuard,
    UpdateTracker,
    install_outermost,
)
from handlers.mini_app import MiniApp
from jobs.busy_calendars import busy_calendars_job
from jobs.dispatcher import TelegramSender, digests_job, dispatch_job
from jobs.mail import mail_job
from jobs.scheduler import Tick, build_scheduler
from jobs.updates import prune_updates_job
from jobs.upkeep import INTERVAL_SECONDS, horizon_job
from jobs.waitlist import INTERVAL_SECONDS as WAITLIST_SECONDS
from jobs.waitlist import waitlist_job
from runtime.api_retry import PinResponseTypes, RetryMiddleware, SendWhenUneditable
from runtime.delivery import EndsReadsFirst
from runtime.mail import SmtpMailer
from runtime.workers import fsm_backend
from storage.engine import create_engine, database_busy, read_factory, uow_factory
from storage.uow import end_kept_read, one_read_per_update
from views.i18n import CatalogI18n, UserLanguageMiddleware, make_i18n
from web.api.context import ApiContext
from web.observability import ApiMetrics, HealthProbe, Metrics
from web.webhook import LateAnswers, WebServer, install_redelivery


@dataclass
class Application:
    """Everything a running LessonLink holds."""

    settings: Settings
    bot: Bot
    dispatcher: Dispatcher
    engine: AsyncEngine
    deps: Deps
    i18n: CatalogI18n
    tracker: UpdateTracker
    retry: RetryMiddleware
    scheduler: AsyncIOScheduler
    ticks: dict[str, Tick] = field(default_factory=dict)
    jobs: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    username: str = ""
    metrics: Metrics = field(default_factory=Metrics)
    health: HealthProbe | None = None
    web: WebServer | None = None  # the webhook (or health) server while it runs
    stopping: asyncio.Event = field(default_factory=asyncio.Event)  # set to stop serving


def build_application(
    settings: Settings, clock: Clock | None = None, session: BaseSession | None = None
) -> Application:
    """Wire settings into storage, services, the dispatcher and the scheduler (no I/O yet).

    `session` carries the Bot API calls (HTTP to settings.telegram_api_url unless given);
    the outgoing-call middlewares are installed on it either way.
    """
    clock = clock or SystemClock()
    engine = create_engine(settings.resolved_database_url())
    deps = Deps(
        uow=uow_factory(engine),
        read=read_factory(engine),
        clock=clock,
        vault=TokenVault(settings.resolved_secret_key()),
        default_timezone=settings.default_timezone,
        teacher_ids=frozenset(settings.teacher_ids),
        admin_ids=frozenset(settings.admin_ids),
        claim_heartbeat=timedelta(seconds=settings.update_heartbeat_seconds),
    )
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    retry = RetryMiddleware()
    session.middleware(EndsReadsFirst(end_kept_read))  # outermost: once per call, not per retry
    session.middleware(PinResponseTypes())
    session.middleware(SendWhenUneditable())
    session.middleware(retry)
    metrics = Metrics()
    session.middleware(ApiMetrics(metrics))  # inside retry: counts every attempt, each 429
    session.middleware(LateAnswers())
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    i18n = make_i18n()
    tracker = UpdateTracker()
    tracker.listeners.append(metrics.on_update)
    storage, isolation = fsm_backend(settings)
    dispatcher = Dispatcher(
        deps=deps,
        storage=storage,
        events_isolation=isolation,
        database_busy=database_busy,
        mini_app=MiniApp(settings.mini_app_url, settings.mini_app_name),
        public_url=settings.public_url.rstrip("/"),
        mail=settings.smtp is not None,  # without SMTP_URL no screen mentions email
    )
    install_outermost(dispatcher, tracker)
    install_redelivery(dispatcher)
    dispatcher.update.outer_middleware(AccountMiddleware(deps, one_read_per_update))
    UserLanguageMiddleware(i18n).setup(dispatcher)
    # After the language middleware, so the refusal is said in the user's language.
    dispatcher.callback_query.outer_middleware(ForgedCallbackGuard(deps))
    dispatcher.include_router(build_router())

    def deep_link(sealed: bytes) -> str | None:
        token = deps.vault.unseal(sealed)
        username = dispatcher.workflow_data.get("bot_username", "")
        return links_view.deep_link(username, token) if token and username else None

    sender = TelegramSender(bot, i18n, clock, deep_link)
    jobs: dict[str, tuple[Callable[[], Awaitable[None]], float]] = {
        "outbox": (dispatch_job(deps, engine, sender), settings.dispatch_interval_seconds),
        "digests": (digests_job(deps, engine), 60.0),
        "horizon": (horizon_job(deps, engine), INTERVAL_SECONDS),
        "updates": (prune_updates_job(deps), 3600.0),
        "waitlist": (waitlist_job(deps), WAITLIST_SECONDS),
        "busy_calendars": (
            busy_calendars_job(
                deps,
                timedelta(minutes=settings.busy_calendar_minutes),
                allow_local=settings.telegram_test_environment,
            ),
            60.0,
        ),
    }
    if settings.smtp is not None:
        mailer = SmtpMailer(
            settings.smtp, settings.mail_from, settings.public_url, i18n, clock, deep_link
        )
        jobs["mail"] = (mail_job(deps, engine, mailer), settings.dispatch_interval_seconds)
    scheduler, ticks = build_scheduler(clock, jobs)
    app = Application(
        settings,
        bot,
        dispatcher,
        engine,
        deps,
        i18n,
        tracker,
        retry,
        scheduler,
        ticks,
        jobs={name: func for name, (func, _) in jobs.items()},
        metrics=metrics,
    )
    # Healthy while the dispatcher ticks: a missed tick or two is normal, three is not.
    tick_limit = max(3 * settings.dispatch_interval_seconds, 60.0)
    app.health = HealthProbe(deps, metrics, scheduler, ticks, tick_limit)
    dispatcher.shutdown.register(tracker.drain)
    return app


def frame_ancestors(settings: Settings) -> str:
    """Who may frame the Mini App: Telegram's web clients, and this machine in a test setup."""
    telegram = "https://web.telegram.org https://*.telegram.org"
    return (
        f"{telegram} http://127.0.0.1:* http://localhost:*"
        if settings.telegram_test_environment
        else telegram
    )


def api_context(app: Application) -> ApiContext:
    """What the web API needs from the running application."""
    settings = app.settings
    return ApiContext(
        deps=app.deps,
        i18n=app.i18n,
        bot_token=settings.bot_token.get_secret_value(),
        bot_username=lambda: str(app.dispatcher.workflow_data.get("bot_username", "")),
        public_url=settings.public_url.rstrip("/"),
        mini_app_name=settings.mini_app_name if settings.mini_app_url else "",
        frame_ancestors=frame_ancestors(settings),
        trusted_proxies=frozenset(
            p.strip() for p in settings.trusted_proxies.split(",") if p.strip()
        ),
        init_data_max_age=timedelta(seconds=settings.init_data_max_age_seconds),
    )
