"""LessonLink's composition root: settings -> storage -> services -> dispatcher and scheduler."""

from __future__ import annotations

# First: aiogram's models are built on first use, not at import (docs/architecture.md).
import runtime.lazy_aiogram  # noqa: F401  # isort: skip

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand, MenuButtonDefault, MenuButtonWebApp
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, load_settings
from bot.domain.clock import Clock, SystemClock
from bot.redaction import RedactingFormatter, Redactor, install_last_resort
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
from handlers.mini_app import MiniApp, menu_button
from jobs.busy_calendars import busy_calendars_job
from jobs.dispatcher import TelegramSender, digests_job, dispatch_job
from jobs.scheduler import Tick, build_scheduler, wait_passes
from jobs.updates import prune_updates_job
from jobs.upkeep import INTERVAL_SECONDS, horizon_job
from runtime.api_retry import PinResponseTypes, RetryMiddleware, SendWhenUneditable
from runtime.delivery import EndsReadsFirst
from runtime.polling import poll_updates
from runtime.startup import StartupError, database_unusable, refusals_explained, who_am_i
from runtime.workers import fsm_backend, supervise
from storage.engine import connect_errors, create_engine, database_busy, read_factory, uow_factory
from storage.migrate import upgrade_to_head
from storage.uow import end_kept_read, one_read_per_update
from views.i18n import CatalogI18n, UserLanguageMiddleware, make_i18n
from web.api.context import ApiContext
from web.observability import ApiMetrics, HealthProbe, Metrics
from web.webhook import LateAnswers, UpdateEndpoint, WebServer, install_redelivery, web_app

log = logging.getLogger("lessonlink")


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
        "busy_calendars": (
            busy_calendars_job(
                deps,
                timedelta(minutes=settings.busy_calendar_minutes),
                allow_local=settings.telegram_test_environment,
            ),
            60.0,
        ),
    }
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


async def prepare(app: Application, *, setup: bool = True) -> None:
    """Check the token; with setup (not in a supervised worker), migrate and register.

    Whatever fails here (an unreachable or wrong server, a refused token, a database that
    cannot be opened) is a StartupError: one sentence, never a traceback.
    """
    api_url = app.settings.telegram_api_url
    me = await who_am_i(app.bot, api_url, app.settings.startup_timeout_seconds)
    app.username = me.username or ""
    app.dispatcher["bot_username"] = app.username
    if not setup:
        return
    try:
        await upgrade_to_head(app.engine)
    except connect_errors() as exc:
        raise StartupError(database_unusable(exc, app.engine.dialect.name)) from None
    with refusals_explained(api_url):
        await register_commands(app)
        await register_menu(app)
        if app.settings.webhook_mode:
            await app.bot.set_webhook(
                app.settings.webhook_url + app.settings.webhook_path,
                secret_token=_webhook_secret(app.settings),
                allowed_updates=app.dispatcher.resolve_used_update_types(),
            )
        else:
            # A webhook left from an earlier webhook run would make Telegram refuse polling
            # (409); pending updates are kept, so nothing a user sent meanwhile is lost.
            await app.bot.delete_webhook(drop_pending_updates=False)


def _webhook_secret(settings: Settings) -> str:
    assert settings.webhook_secret is not None  # check_deployment requires it in webhook mode
    return settings.webhook_secret.get_secret_value()


async def register_commands(app: Application) -> None:
    """The command menu everyone sees; teachers get their own list when they register."""
    for locale in ("en", *app.i18n.available_locales):
        with app.i18n.context(), app.i18n.use_locale(locale):
            commands = default_commands()
        await app.bot.set_my_commands(commands, language_code=None if locale == "en" else locale)


async def register_menu(app: Application) -> None:
    """The menu button every chat shows unless it has its own: the Mini App, when served.

    Chats of registered teachers and students get one in their language (handlers/mini_app);
    the command list stays a "/" away in the input field. Without PUBLIC_URL a Mini App menu
    left by an earlier run is put back to the default, so no chat offers a page not served.
    """
    mini_app: MiniApp = app.dispatcher["mini_app"]
    if mini_app.enabled:
        with app.i18n.context(), app.i18n.use_locale("en"):
            menu = menu_button(mini_app.home_url())
        await app.bot.set_chat_menu_button(menu_button=menu)
    elif isinstance(await app.bot.get_chat_menu_button(), MenuButtonWebApp):
        await app.bot.set_chat_menu_button(menu_button=MenuButtonDefault())


def default_commands() -> list[BotCommand]:
    """Commands for students and newcomers, in the current locale."""
    from aiogram.utils.i18n import gettext as _

    return [
        BotCommand(command="start", description=_("Home: your lessons and booking")),
        BotCommand(command="help", description=_("What this bot can do")),
        BotCommand(command="teach", description=_("Register as a teacher")),
        BotCommand(command="language", description=_("Change the language")),
    ]


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


async def run_polling(app: Application, *, handle_signals: bool = True) -> None:
    """Poll for updates until SIGTERM/SIGINT (or app.stopping is set); each update is confirmed
    to Telegram only once handled. The scheduler runs alongside, and the web server on WEB_PORT
    (or HEALTH_PORT) if set."""
    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, app.stopping.set)
    app.scheduler.start()
    try:
        port = app.settings.web_port or app.settings.health_port
        if port and app.health is not None:
            routes = web_app(None, "", app.health, api_context(app))
            app.web = WebServer(routes, app.settings.webhook_host, port)
            await app.web.start()
        await poll_updates(app.bot, app.dispatcher, app.deps, app.stopping)
    finally:
        if app.web is not None:
            await app.web.stop()
        app.scheduler.shutdown(wait=False)
        await wait_passes(app.ticks)
        await app.bot.session.close()
        await app.engine.dispose()


async def start_webhook(app: Application, port: int | None = None) -> int:
    """Listen for Telegram's posts (and /healthz, /metrics); returns the bound port."""
    settings = app.settings
    assert app.health is not None
    endpoint = UpdateEndpoint(
        app.bot, app.dispatcher, app.deps, _webhook_secret(settings), app.metrics
    )
    routes = web_app(endpoint, settings.webhook_path, app.health, api_context(app))
    app.web = WebServer(
        routes, settings.webhook_host, settings.webhook_port if port is None else port
    )
    await app.dispatcher.emit_startup(bot=app.bot, **app.dispatcher.workflow_data)
    app.scheduler.start()
    return await app.web.start()


async def stop_webhook(app: Application) -> None:
    """Graceful stop: refuse new posts, finish those in flight, then close everything."""
    if app.web is not None:
        await app.web.stop()
    await app.dispatcher.emit_shutdown(bot=app.bot, **app.dispatcher.workflow_data)
    app.scheduler.shutdown(wait=False)
    await wait_passes(app.ticks)
    await app.bot.session.close()
    await app.engine.dispose()


async def run_webhook(
    app: Application, port: int | None = None, handle_signals: bool = True
) -> None:
    """Serve the webhook until SIGTERM/SIGINT (or app.stopping is set)."""
    if handle_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, app.stopping.set)
    try:
        bound = await start_webhook(app, port)
        log.info("LessonLink @%s is serving its webhook on port %d", app.username, bound)
        await app.stopping.wait()
    finally:
        await stop_webhook(app)


async def serve(settings: Settings, worker_index: int | None = None) -> None:
    """Start LessonLink: long polling, or a webhook (worker i of N listens on port + i)."""
    app = build_application(settings)
    try:
        await prepare(app, setup=worker_index is None)
    except BaseException:
        await app.bot.session.close()
        await app.engine.dispose()
        raise
    if settings.webhook_mode:
        await run_webhook(app, settings.webhook_port + (worker_index or 0))
        return
    log.info("LessonLink @%s is running", app.username)
    await run_polling(app)


async def setup_once(settings: Settings) -> None:
    """Before spawning workers: check the token, migrate, register commands and the webhook."""
    app = build_application(settings)
    try:
        await prepare(app)
    finally:
        await app.dispatcher.fsm.close()
        await app.bot.session.close()
        await app.engine.dispose()


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(settings: Settings) -> Redactor:
    """One line per event on stderr, secrets redacted; returns the redactor for other output.

    The formatter redacts the whole formatted record, tracebacks included, and uncaught
    exceptions are routed through it, so no output path bypasses it.
    """
    redact = Redactor(settings.secrets())
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(LOG_FORMAT, redact))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.captureWarnings(True)
    # APScheduler logs every job run at INFO: two lines per dispatcher tick, every few seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    install_last_resort(log)
    return redact


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 2 with one sentence on bad configuration, 0 after a clean stop."""
    parser = argparse.ArgumentParser(description="Run LessonLink.")
    parser.add_argument("--workers", type=int, help="worker processes (overrides WORKERS)")
    parser.add_argument("--worker-index", type=int, help=argparse.SUPPRESS)  # set by supervisor
    demo = parser.add_argument_group("demo", "try LessonLink in a browser: no token, no Telegram")
    demo.add_argument("--demo", action="store_true", help="run the demo with its web chat page")
    demo.add_argument("--sample", action="store_true", help="start with a teacher and students")
    demo.add_argument("--port", type=int, help="the page's port (default 8321)")
    demo.add_argument("--data-dir", type=Path, help="the demo's folder (default ./data/demo)")
    demo.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    if args.demo:
        from runtime.demo import demo_main

        return demo_main(args.data_dir, args.port, args.sample, not args.no_browser)
    if args.sample or args.port or args.data_dir or args.no_browser:
        parser.error("--sample, --port, --data-dir and --no-browser go with --demo")
    try:
        settings = load_settings(**({"workers": args.workers} if args.workers else {}))
    except ConfigError as exc:
        print(f"LessonLink cannot start: {exc}", file=sys.stderr)
        return 2
    redact = configure_logging(settings)
    try:
        if settings.workers > 1 and args.worker_index is None:
            asyncio.run(setup_once(settings))
            return supervise(settings.workers, __file__)
        asyncio.run(serve(settings, args.worker_index))
    except StartupError as exc:
        print(redact(f"LessonLink cannot start: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
