"""A whole aiogram Dispatcher polling the sandbox, driven by simulated people."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from sandbox import BotAPIServer


def build_router() -> Router:
    """A tiny booking flow: /start shows a button, pressing it edits the message."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Book 10:00", callback_data="book:10")]]
        )
        await message.answer(
            f"Hi <b>{message.from_user.first_name}</b>! code={command.args}",  # type: ignore[union-attr]
            parse_mode="HTML",
            reply_markup=keyboard,
        )

    @router.callback_query(F.data.startswith("book:"))
    async def book(query: CallbackQuery) -> None:
        await query.answer("Booked!")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Booked for {query.data.split(':')[1]}:00")  # type: ignore[union-attr]

    @router.message(F.sticker)
    async def sticker(message: Message) -> None:
        await message.answer("Nice sticker")

    return router


@pytest.fixture
async def polling(bot: Bot) -> AsyncIterator[Dispatcher]:
    """The dispatcher running start_polling in the background."""
    dp = Dispatcher()
    dp.include_router(build_router())
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=2))
    yield dp
    await dp.stop_polling()
    await asyncio.wait_for(task, 10)


async def test_start_button_edit_flow(server: BotAPIServer, polling: Dispatcher) -> None:
    server.send_text(1001, "/start abc")
    greeting = await server.wait_for_bot_message(1001, contains="Hi")
    assert greeting.text == "Hi Alice! code=abc"
    assert greeting.button_texts() == ["Book 10:00"]
    update_id = server.press_button(1001, "Book 10:00")
    edited = await server.wait_for_bot_message(1001)
    assert (edited.message_id, edited.text, edited.buttons) == (
        greeting.message_id,
        "Booked for 10:00",
        [],
    )
    await server.wait_for(lambda: server.callback_answer_for(update_id) is not None)
    assert server.callback_answer_for(update_id).text == "Booked!"  # type: ignore[union-attr]
    server.send_sticker(1001)
    assert (await server.wait_for_bot_message(1001)).text == "Nice sticker"
    assert [m.from_bot for m in server.chat(1001)] == [False, False, True, False, True]
