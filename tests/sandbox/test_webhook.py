"""Webhook mode: delivery with the secret header, redelivery, getUpdates conflict."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiohttp import web

from sandbox import BotAPIServer


@dataclass
class Receiver:
    """A tiny web app standing in for the bot's webhook endpoint."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    reply: dict[str, Any] | None = None
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        """Record the update and answer with the next scripted status."""
        body = await request.json()
        self.received.append((body, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200 and self.reply is not None:
            return web.json_response(self.reply)
        return web.Response(status=status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A running webhook receiver."""
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    await runner.cleanup()


async def test_delivery_with_secret_and_redelivery(
    bot: Bot, server: BotAPIServer, receiver: Receiver
) -> None:
    receiver.statuses = [500, 502]
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t_-")
    update_id = server.send_text(1001, "hello hook")
    await server.wait_for(lambda: server.world.updates == [] and len(receiver.received) == 3)
    assert [body["update_id"] for body, _ in receiver.received] == [update_id] * 3
    assert {secret for _, secret in receiver.received} == {"s3cr3t_-"}
    assert receiver.received[0][0]["message"]["text"] == "hello hook"
    assert [d.status for d in server.webhook_sender.deliveries] == [500, 502, 200]
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message is not None and "502" in info.last_error_message


async def test_get_updates_conflicts_while_webhook_is_set(bot: Bot, server: BotAPIServer) -> None:
    server.send_text(1001, "queued")
    assert await bot.set_webhook("http://127.0.0.1:9/unreachable")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == []
    assert (await bot.get_webhook_info()).url == ""


async def test_webhook_answer_can_carry_a_method(
    bot: Bot, server: BotAPIServer, receiver: Receiver
) -> None:
    receiver.reply = {"method": "sendMessage", "chat_id": 1001, "text": "answered inline"}
    await bot.set_webhook(receiver.url)
    server.send_text(1001, "hi")
    message = await server.wait_for_bot_message(1001)
    assert message.text == "answered inline"


async def test_bad_secret_token_is_refused(bot: Bot, server: BotAPIServer) -> None:
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="secret token"):
        await bot.set_webhook("https://example.org/hook", secret_token="has space")
    assert (await bot.get_webhook_info()).url == ""


async def test_redelivery_is_bounded(bot: Bot, server: BotAPIServer, receiver: Receiver) -> None:
    receiver.statuses = [500] * 20
    await bot.set_webhook(receiver.url)
    server.send_text(1001, "doomed")
    attempts = len(server.webhook_sender.retry_delays) + 1
    await server.wait_for(lambda: server.world.updates == [])
    assert len(receiver.received) == attempts
    server.send_text(1001, "next")
    await server.wait_for(lambda: len(receiver.received) == attempts + 1)
    assert receiver.received[-1][0]["message"]["text"] == "next"
