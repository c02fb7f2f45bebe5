"""LessonLink's composition root: settings -> storage -> services -> dispatcher and scheduler."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.types import BotCommand
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, load_settings
from bot.domain.clock import Clock, SystemClock
from bot.security import TokenVault
from bot.services.context import Deps
from handlers import build_router
from handlers import teacher_links as links_view
from handlers.api_retry import RetryMiddleware
from handlers.i18n import CatalogI18n, UserLanguageMiddleware, make_i18n
from handlers.middlewares import AccountMiddleware, UpdateTracker, install_outermost
from jobs.dispatcher import TelegramSender, digests_job, dispatch_job
from jobs.scheduler import Tick, build_scheduler
from jobs.upkeep import INTERVAL_SECONDS, horizon_job
from storage.engine import create_engine, uow_factory
from storage.migrate import upgrade_to_head

log = logging.getLogger("lessonlink")


class StartupError(Exception):
    """The bot cannot start; the message says why and what to do."""


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


def build_application(settings: Settings, clock: Clock | None = None) -> Application:
    """Wire settings into storage, services, the dispatcher and the scheduler (no I/O yet)."""
    clock = clock or SystemClock()
    engine = create_engine(settings.resolved_database_url())
    deps = Deps(
        uow=uow_factory(engine),
        clock=clock,
        vault=TokenVault(settings.resolved_secret_key()),
        default_timezone=settings.default_timezone,
        teacher_ids=frozenset(settings.teacher_ids),
        admin_ids=frozenset(settings.admin_ids),
    )
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    retry = RetryMiddleware()
    session.middleware(retry)
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    i18n = make_i18n()
    tracker = UpdateTracker()
    dispatcher = Dispatcher(deps=deps)
    install_outermost(dispatcher, tracker)
    dispatcher.update.outer_middleware(AccountMiddleware(deps))
    UserLanguageMiddleware(i18n).setup(dispatcher)
    dispatcher.include_router(build_router())

    def deep_link(sealed: bytes) -> str | None:
        token = deps.vault.unseal(sealed)
        username = dispatcher.workflow_data.get("bot_username", "")
        return links_view.deep_link(username, token) if token and username else None

    sender = TelegramSender(bot, i18n, clock, deep_link)
    jobs: dict[str, tuple[Callable[[], Awaitable[None]], float]] = {
        "outbox": (dispatch_job(deps, engine, sender), settings.dispatch_interval_seconds),
        "digests": (digests_job(deps), 60.0),
        "horizon": (horizon_job(deps), INTERVAL_SECONDS),
    }
    scheduler, ticks = build_scheduler(clock, jobs)
    app = Application(
        settings, bot, dispatcher, engine, deps, i18n, tracker, retry, scheduler, ticks,
        jobs={name: func for name, (func, _) in jobs.items()},
    )  # fmt: skip
    dispatcher.shutdown.register(tracker.drain)
    return app


async def prepare(app: Application) -> None:
    """Check the token, migrate the database and register the command menu."""
    try:
        me = await app.bot.get_me()
    except TelegramUnauthorizedError:
        raise StartupError(
            "BOT_TOKEN was rejected by Telegram (401 Unauthorized): "
            "copy the current token from @BotFather (/token) into BOT_TOKEN."
        ) from None
    app.username = me.username or ""
    app.dispatcher["bot_username"] = app.username
    await upgrade_to_head(app.engine)
    await register_commands(app)


async def register_commands(app: Application) -> None:
    """The command menu everyone sees; teachers get their own list when they register."""
    for locale in ("en", *app.i18n.available_locales):
        with app.i18n.context(), app.i18n.use_locale(locale):
            commands = default_commands()
        await app.bot.set_my_commands(commands, language_code=None if locale == "en" else locale)


def default_commands() -> list[BotCommand]:
    """Commands for students and newcomers, in the current locale."""
    from aiogram.utils.i18n import gettext as _

    return [
        BotCommand(command="start", description=_("Home: your lessons and booking")),
        BotCommand(command="help", description=_("What this bot can do")),
        BotCommand(command="teach", description=_("Register as a teacher")),
        BotCommand(command="language", description=_("Change the language")),
    ]


async def run_polling(app: Application, *, handle_signals: bool = True) -> None:
    """Poll for updates until stopped; the scheduler runs alongside."""
    app.scheduler.start()
    try:
        await app.dispatcher.start_polling(
            app.bot,
            handle_signals=handle_signals,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
    finally:
        app.scheduler.shutdown(wait=False)
        await app.bot.session.close()
        await app.engine.dispose()


async def serve(settings: Settings) -> None:
    """Start LessonLink with long polling."""
    app = build_application(settings)
    try:
        await prepare(app)
    except BaseException:
        await app.bot.session.close()
        await app.engine.dispose()
        raise
    log.info("LessonLink @%s is running", app.username)
    await run_polling(app)


class RedactSecrets(logging.Filter):
    """Keeps the bot token out of every log line, whatever logged it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace secrets in the formatted message."""
        message = record.getMessage()
        for secret in self._secrets:
            if secret in message:
                message = message.replace(secret, "<redacted>")
                record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    """One line per event on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactSecrets([settings.bot_token.get_secret_value()]))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)


def main() -> int:
    """Entry point: exit 2 with one sentence on bad configuration, 0 after a clean stop."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"LessonLink cannot start: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        asyncio.run(serve(settings))
    except StartupError as exc:
        print(f"LessonLink cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
