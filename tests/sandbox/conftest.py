"""Fixtures: a running sandbox server and an aiogram Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox import BotAPIServer

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    """A started sandbox with two users; Alice has started the bot, Bob has not."""
    async with BotAPIServer(token=TOKEN, bot_username="lessonlink_bot") as srv:
        srv.add_user(1001, "Alice", username="alice")
        srv.add_user(1002, "Bob", language_code="de")
        srv.send_text(1001, "/start")
        srv.world.drop_pending()
        yield srv


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    """An aiogram Bot talking to the sandbox."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()
