"""`run_bot.py --demo`: the sandbox Bot API, the real bot and the web chat page in one process.

The bot runs exactly as in production (long polling over HTTP, the scheduler, the outbox) on
an SQLite file of its own; only its clock and its Bot API address come from here. The clock is
the system clock plus an offset the page's buttons move, and the sandbox dates its messages
by the same clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import webbrowser
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.config import Settings
from bot.domain.clock import OffsetClock
from bot.redaction import RedactingFormatter, Redactor, install_last_resort
from jobs.scheduler import run_soon
from sandbox.server import BotAPIServer
from sandbox.web_chat import DemoClock, WebChat
from views.i18n import make_i18n

if TYPE_CHECKING:
    from runtime.application import Application

log = logging.getLogger("lessonlink.demo")

DEMO_TOKEN = "100000001:demo-token-of-the-local-sandbox"
DEMO_USERNAME = "lessonlink_demo_bot"
DEFAULT_PORT = 8321
DEMO_FOLDER = Path("data") / "demo"
DATABASE_FILE = "lessonlink-demo.sqlite3"
# After the clock moves: open the new days, send the agendas, lapse waitlist holds (offering
# the seats on), then what has come due.
CLOCK_JOBS = ("horizon", "digests", "waitlist", "outbox")


@dataclass(frozen=True)
class DemoOptions:
    """What the demo command was asked for."""

    data_dir: Path = DEMO_FOLDER
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    sample: bool = False
    open_browser: bool = True


class DemoSettings(Settings):
    """Settings from the demo's own values only: nothing from the environment or .env.

    A BOT_TOKEN, DATABASE_URL, WEBHOOK_URL or REDIS_URL meant for the real bot must never
    point the demo at real users or real data.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values given when the settings are made."""
        return (init_settings,)


def demo_settings(folder: Path, api_url: str, web_port: int | None = None) -> Settings:
    """The bot's settings for a demo: the sandbox's address, the demo's own database, and
    (with a web port) the Mini App served from this machine, as in a test environment."""
    web: dict[str, object] = {}
    if web_port is not None:
        web = {
            "web_port": web_port,
            "public_url": f"http://127.0.0.1:{web_port}",
            "telegram_test_environment": True,
        }
    return DemoSettings(
        bot_token=DEMO_TOKEN,  # type: ignore[arg-type]  # pydantic takes the str as SecretStr
        telegram_api_url=api_url,
        database_url=f"sqlite+aiosqlite:///{(folder / DATABASE_FILE).resolve()}",
        data_dir=folder,
        **web,  # type: ignore[arg-type]
    )


def free_port(host: str) -> int:
    """A TCP port nobody listens on now, for the bot's web server."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def fresh_folder(folder: Path) -> None:
    """Start each demo on an empty database: the simulated people live only in memory."""
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(f"{DATABASE_FILE}*"):
        leftover.unlink()


async def _listen(server: BotAPIServer, host: str, port: int) -> str:
    """Listen on the chosen port, or on any free one when it is taken."""
    try:
        return await server.start(host=host, port=port)
    except OSError:
        if port == 0:
            raise
        log.warning("port %d is taken; using a free one", port)
        return await server.start(host=host, port=0)


def can_open_browser() -> bool:
    """Whether a graphical browser can be opened (a console one would take the terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@dataclass
class Demo:
    """A running demo: the page's address, the bot, the page and the clock they share."""

    url: str
    app: Application
    chat: WebChat
    clock: OffsetClock
    polling: asyncio.Task[None]


@contextlib.asynccontextmanager
async def demo_running(
    options: DemoOptions, clock: OffsetClock | None = None
) -> AsyncIterator[Demo]:
    """Start the sandbox with its page, then the bot polling it; stop both on leaving."""
    from run_bot import prepare, run_polling
    from runtime.application import build_application

    fresh_folder(options.data_dir)
    clock = clock or OffsetClock()
    shared = clock  # the sandbox dates its messages by the bot's clock
    server = BotAPIServer(
        token=DEMO_TOKEN,
        bot_username=DEMO_USERNAME,
        wall_clock=lambda: shared.now().timestamp(),
        test_environment=True,  # the Mini App is served over http from this machine
    )
    i18n = make_i18n()

    async def move_only(delta: timedelta) -> None:  # until the bot's jobs exist
        shared.advance(delta)

    def translate(text: str, language: str) -> str:
        return i18n.gettext(text, locale=language)

    chat = WebChat(server, translate, DemoClock(clock.now, move_only))
    url = await _listen(server, options.host, options.port)
    try:
        web_port = free_port(options.host)
        app = build_application(demo_settings(options.data_dir, url, web_port), clock)
        try:
            await prepare(app)
            if options.sample:
                from runtime.demo_sample import add_sample

                await add_sample(app.deps, chat)
        except BaseException:
            await app.bot.session.close()
            await app.engine.dispose()
            raise

        async def move(delta: timedelta) -> None:
            shared.advance(delta)
            run_soon(app.scheduler, CLOCK_JOBS)

        chat.clock = DemoClock(clock.now, move)
        polling = asyncio.create_task(run_polling(app, handle_signals=False))
        try:
            yield Demo(url, app, chat, clock, polling)
        finally:
            app.stopping.set()
            await polling
    finally:
        await server.stop()


async def run_demo(options: DemoOptions) -> None:
    """Serve the demo until SIGINT or SIGTERM (or until the bot stops by itself)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        async with demo_running(options) as demo:
            print(
                f"LessonLink demo: open {demo.url} in your browser (Ctrl-C stops it).", flush=True
            )
            if options.open_browser and can_open_browser():
                await loop.run_in_executor(None, webbrowser.open, demo.url)
            stop = asyncio.create_task(stopping.wait())
            await asyncio.wait({stop, demo.polling}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def demo_main(data_dir: Path | None, port: int | None, sample: bool, open_browser: bool) -> int:
    """Run the demo; 0 after Ctrl-C, 2 with one sentence when it cannot start."""
    from run_bot import LOG_FORMAT
    from runtime.startup import StartupError

    redact = Redactor([DEMO_TOKEN])
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(LOG_FORMAT, redact))
    level = os.environ.get("LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    install_last_resort(log)
    options = DemoOptions(
        data_dir=data_dir or DEMO_FOLDER,
        port=DEFAULT_PORT if port is None else port,
        sample=sample,
        open_browser=open_browser,
    )
    try:
        asyncio.run(run_demo(options))
    except StartupError as exc:
        print(redact(f"The LessonLink demo cannot start: {exc}"), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"The LessonLink demo cannot start: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0
