"""LessonLink's entry point: start, serve (polling or webhook) and stop the application that
runtime/application.py composes."""

from __future__ import annotations

# First: aiogram's models are built on first use, not at import (docs/architecture.md).
import runtime.lazy_aiogram  # noqa: F401  # isort: skip

import asyncio
import logging
import signal
import sys

from aiogram.types import BotCommand, MenuButtonDefault, MenuButtonWebApp

from bot.config import ConfigError, Settings, load_settings
from bot.redaction import RedactingFormatter, Redactor, install_last_resort
from handlers.mini_app import MiniApp, menu_button
from jobs.scheduler import wait_passes
from runtime.application import Application, api_context, build_application
from runtime.cli import parse_arguments
from runtime.heap import freeze_startup_heap
from runtime.polling import poll_updates
from runtime.startup import StartupError, database_unusable, refusals_explained, who_am_i
from runtime.workers import supervise
from storage.engine import connect_errors
from storage.migrate import upgrade_to_head
from web.webhook import UpdateEndpoint, WebServer, web_app

log = logging.getLogger("lessonlink")


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
    freeze_startup_heap()
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
    args = parse_arguments(argv)
    if args.demo:
        from runtime.demo import demo_main

        return demo_main(args.data_dir, args.port, args.sample, not args.no_browser)
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
