"""Running the bot in webhook mode against the local Bot API server, which posts to it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import Settings
from bot.domain.clock import ManualClock
from run_bot import prepare, start_webhook, stop_webhook
from runtime.application import Application, build_application
from sandbox.server import BotAPIServer
from tests.ports import free_port
from tests.steps.harness import BOT_USERNAME, TOKEN, Harness, http_session

SECRET = "webhook-test-secret_1"
PATH = "/telegram/webhook"


def webhook_settings(
    server: BotAPIServer, database_url: str, tmp_path: Path, port: int, **overrides: object
) -> Settings:
    """Settings for a webhook-mode bot on 127.0.0.1:port, as the tests run it."""
    values: dict[str, object] = {
        "bot_token": TOKEN,
        "telegram_api_url": server.url,
        "database_url": database_url,
        "secret_key": "test-secret-key-for-e2e",
        "data_dir": tmp_path / "data",
        "dispatch_interval_seconds": 3600,
        "webhook_url": f"http://127.0.0.1:{port}",
        "webhook_path": PATH,
        "webhook_secret": SECRET,
        "webhook_host": "127.0.0.1",
        "webhook_port": port,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def webhook_bot(
    database_url: str, tmp_path: Path, clock: ManualClock, **overrides: object
) -> AsyncIterator[Harness]:
    """The sandbox and the bot in webhook mode, wired as run_bot.py does it."""
    server = BotAPIServer(token=TOKEN, bot_username=BOT_USERNAME)
    await server.start()
    port = free_port()
    settings = webhook_settings(server, database_url, tmp_path, port, **overrides)
    app = build_application(settings, clock, session=http_session(server.url))
    await prepare(app)
    await start_webhook(app, port)
    try:
        yield Harness(server=server, app=app, clock=clock)
    finally:
        await stop_webhook(app)
        await server.stop()


def url_of(app: Application, path: str = PATH) -> str:
    """Where a running webhook-mode application listens."""
    assert app.web is not None
    return f"http://127.0.0.1:{app.web.port}{path}"


async def post(app: Application, update: dict[str, Any], secret: str | None = SECRET) -> int:
    """POST an update to the bot as Telegram would (or a stranger, with another secret)."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url_of(app), json=update, headers=headers) as resp,
    ):
        return resp.status


async def get(app: Application, path: str) -> tuple[int, str]:
    """GET a page of the bot's web server (/healthz, /metrics)."""
    async with aiohttp.ClientSession() as session, session.get(url_of(app, path)) as resp:
        return resp.status, await resp.text()


def statuses(server: BotAPIServer, update_id: int) -> list[int | None]:
    """The HTTP statuses the bot answered to each delivery of one update."""
    return [d.status for d in server.webhook_sender.deliveries if d.update_id == update_id]


def sample(server: BotAPIServer, update_id: int) -> dict[str, Any]:
    """A copy of a queued update (take it before the sandbox delivers it)."""
    import copy

    return copy.deepcopy(next(u for u in server.world.updates if u["update_id"] == update_id))
