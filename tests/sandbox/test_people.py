"""Acting as people: waiting for the bot, chat views, diagnostics."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import BotAPIServer


async def echo_once(bot: Bot, offset: int | None = None) -> int:
    """A minimal bot: answer each pending text with two messages; returns the next offset."""
    updates = await bot.get_updates(offset=offset, timeout=5)
    for update in updates:
        if update.message and update.message.text:
            chat = update.message.chat.id
            await bot.send_message(chat, f"echo: {update.message.text}")
            await bot.send_message(chat, "anything else?")
    return updates[-1].update_id + 1 if updates else (offset or 0)


async def test_wait_for_bot_message_sees_consecutive_replies(
    bot: Bot, server: BotAPIServer
) -> None:
    server.send_text(1001, "hi")
    worker = asyncio.create_task(echo_once(bot))
    first = await server.wait_for_bot_message(1001)
    second = await server.wait_for_bot_message(1001)
    assert (first.text, second.text) == ("echo: hi", "anything else?")
    offset = await worker
    server.send_text(1001, "again")
    worker = asyncio.create_task(echo_once(bot, offset))
    assert (await server.wait_for_bot_message(1001, contains="else")).text == "anything else?"
    await worker


async def test_wait_for_bot_message_ignores_messages_before_the_last_action(
    bot: Bot, server: BotAPIServer
) -> None:
    await bot.send_message(1001, "old news")
    server.send_text(1001, "ping")
    with pytest.raises(TimeoutError, match="old news"):
        await server.wait_for_bot_message(1001, timeout=0.2)


async def test_edits_count_as_new_bot_messages(bot: Bot, server: BotAPIServer) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]]
    )
    sent = await bot.send_message(1001, "menu", reply_markup=keyboard)
    server.press_button(1001, "Go")
    await bot.edit_message_text("went", chat_id=1001, message_id=sent.message_id)
    edited = await server.wait_for_bot_message(1001)
    assert (edited.message_id, edited.text, edited.edited) == (sent.message_id, "went", True)


async def test_wait_for_times_out_with_chat_state(server: BotAPIServer) -> None:
    server.send_text(1001, "is anyone there")
    with pytest.raises(TimeoutError) as info:
        await server.wait_for(lambda: False, timeout=0.1)
    assert "is anyone there" in str(info.value)


async def test_second_poller_terminates_the_first(bot: Bot, server: BotAPIServer) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await server.wait_for(lambda: server.active_polls == 1)
    await bot.get_updates()
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first


async def test_sim_user_handle(bot: Bot, server: BotAPIServer) -> None:
    carol = server.add_user(1003, "Carol", language_code="fr")
    update_id = carol.send_text("bonjour")
    updates = await bot.get_updates()
    assert updates[-1].update_id == update_id
    user = updates[-1].message.from_user  # type: ignore[union-attr]
    assert user is not None and (user.first_name, user.language_code) == ("Carol", "fr")
    assert [m.text for m in carol.chat()] == ["bonjour"]


async def test_request_log_and_send_times(bot: Bot, server: BotAPIServer) -> None:
    await bot.send_message(1001, "a")
    await bot.send_message(1001, "b")
    assert [r.params["text"] for r in server.calls("sendMessage", ok=True)] == ["a", "b"]
    times = server.sent_message_times
    assert len(times) == 2 and times[0] <= times[1]
