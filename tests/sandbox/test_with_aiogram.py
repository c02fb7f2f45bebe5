"""The sandbox as a real aiogram Bot sees it."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import BotAPIServer, ButtonNotFound
from sandbox.people import TINY_PNG
from tests.sandbox.conftest import TOKEN


def markup(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in pairs]]
    )


async def test_get_me(bot: Bot, server: BotAPIServer) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "lessonlink_bot" and me.id == server.bot_id


async def test_send_message_appears_in_the_chat(bot: Bot, server: BotAPIServer) -> None:
    sent = await bot.send_message(1001, "Hello", reply_markup=markup(("Book", "book:1")))
    assert sent.chat.id == 1001 and sent.from_user is not None and sent.from_user.is_bot
    shown = server.last_bot_message(1001)
    assert shown is not None
    assert (shown.message_id, shown.text, shown.button_texts()) == (
        sent.message_id,
        "Hello",
        ["Book"],
    )
    assert shown.buttons[0][0].callback_data == "book:1"
    assert server.sent_messages_count == 1


async def test_oversized_callback_data_is_refused_and_not_stored(
    bot: Bot, server: BotAPIServer
) -> None:
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "x", reply_markup=markup(("b", "x" * 65)))
    assert server.bot_messages(1001) == []
    assert server.sent_messages_count == 0


async def test_too_long_text_is_refused(bot: Bot, server: BotAPIServer) -> None:
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "x" * 4097)


async def test_edit_replaces_in_place_and_identical_edit_is_refused(
    bot: Bot, server: BotAPIServer
) -> None:
    first = await bot.send_message(1001, "one", reply_markup=markup(("A", "a")))
    await bot.send_message(1001, "two")
    await bot.edit_message_text(
        "one, edited", chat_id=1001, message_id=first.message_id, reply_markup=markup(("B", "b"))
    )
    chat = server.bot_messages(1001)
    assert [m.text for m in chat] == ["one, edited", "two"]
    assert chat[0].edited and chat[0].button_texts() == ["B"]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "one, edited",
            chat_id=1001,
            message_id=first.message_id,
            reply_markup=markup(("B", "b")),
        )
    await bot.edit_message_reply_markup(chat_id=1001, message_id=first.message_id)
    assert server.bot_messages(1001)[0].buttons == []
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)


async def test_delete_removes_and_pressing_a_gone_button_fails(
    bot: Bot, server: BotAPIServer
) -> None:
    sent = await bot.send_message(1001, "pick", reply_markup=markup(("Yes", "yes")))
    await bot.delete_message(1001, sent.message_id)
    assert server.bot_messages(1001) == []
    with pytest.raises(ButtonNotFound):
        server.press(1001, sent.message_id, "yes")
    with pytest.raises(ButtonNotFound):
        server.press_button(1001, "Yes")
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(1001, sent.message_id)


async def test_press_requires_the_exact_visible_button(bot: Bot, server: BotAPIServer) -> None:
    sent = await bot.send_message(1001, "pick", reply_markup=markup(("Yes", "yes"), ("No", "no")))
    with pytest.raises(ButtonNotFound, match="Yes"):
        server.press(1001, sent.message_id, "maybe")
    with pytest.raises(ButtonNotFound, match="'No'"):
        server.press_button(1001, "Maybe")
    update_id = server.press_button(1001, "No")
    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert updates[-1].update_id == update_id and query is not None
    assert query.data == "no" and query.message is not None
    assert query.message.message_id == sent.message_id and query.from_user.id == 1001
    await bot.answer_callback_query(query.id, text="Noted", show_alert=True)
    answer = server.callback_answer_for(update_id)
    assert answer is not None and (answer.text, answer.show_alert) == ("Noted", True)
    forged = server.press_forged(1001, sent.message_id, "admin:drop_all")
    assert (await bot.get_updates(offset=update_id + 1))[0].callback_query.data == "admin:drop_all"  # type: ignore[union-attr]
    assert forged == update_id + 1


async def test_user_messages_are_updates_with_command_entities(
    bot: Bot, server: BotAPIServer
) -> None:
    server.send_text(1002, "/start abc")
    server.send_sticker(1002)
    server.send_photo(1002)
    updates = await bot.get_updates()
    first = updates[0].message
    assert first is not None and first.text == "/start abc"
    assert first.entities is not None and (first.entities[0].type, first.entities[0].length) == (
        "bot_command",
        6,
    )
    assert updates[1].message is not None and updates[1].message.sticker is not None
    assert updates[2].message is not None and updates[2].message.photo
    assert [m.from_bot for m in server.chat(1002)] == [False, False, False]
    assert server.chat(1002)[0].text == "/start abc"
    photo = updates[2].message.photo[-1]
    downloaded = await bot.download(photo.file_id)
    assert downloaded is not None and downloaded.read() == TINY_PNG


async def test_get_updates_offset_semantics(bot: Bot, server: BotAPIServer) -> None:
    ids = [server.send_text(1001, f"m{i}") for i in range(5)]
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    # Confirming: offset = last seen + 1 forgets everything before it.
    assert [u.update_id for u in await bot.get_updates(offset=ids[2])] == ids[2:]
    assert [u.update_id for u in await bot.get_updates()] == ids[2:]
    # Negative offset keeps only the last N and forgets the rest.
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[4:]
    assert [u.update_id for u in await bot.get_updates()] == ids[4:]
    assert await bot.get_updates(offset=ids[4] + 1) == []


async def test_updates_read_but_not_confirmed_are_returned_again_to_a_restarted_bot(
    bot: Bot, server: BotAPIServer
) -> None:
    ids = [server.send_text(1001, f"m{i}") for i in range(2)]
    assert [u.update_id for u in await bot.get_updates()] == ids  # read; no offset confirmed them
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.url))
    async with Bot(TOKEN, session=session) as restarted:  # the first process died
        assert [u.update_id for u in await restarted.get_updates()] == ids
        # Confirmed at last; then this process dies inside a long poll as an update arrives.
        poll = asyncio.create_task(restarted.get_updates(offset=ids[-1] + 1, timeout=20))
        await server.wait_for(lambda: server.active_polls == 1)
        poll.cancel()
        late = server.send_text(1001, "sent as the bot died")
    assert [u.update_id for u in await bot.get_updates()] == [late]
    assert [u.update_id for u in await bot.get_updates()] == [late], "until it is confirmed"
    assert await bot.get_updates(offset=late + 1) == []


async def test_long_poll_returns_early_when_an_update_arrives(
    bot: Bot, server: BotAPIServer
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=20, request_timeout=30))
    await server.wait_for(lambda: server.active_polls == 1)
    server.send_text(1001, "wake up")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert loop.time() - started < 5


async def test_long_poll_times_out_empty(bot: Bot, server: BotAPIServer) -> None:
    assert await bot.get_updates(timeout=1) == []


async def test_send_photo_and_document_store_bytes(bot: Bot, server: BotAPIServer) -> None:
    sent = await bot.send_photo(
        1001, BufferedInputFile(TINY_PNG, "qr.png"), caption="<b>Scan</b> me", parse_mode="HTML"
    )
    assert sent.photo is not None and sent.photo[-1].width == 1 and sent.caption == "Scan me"
    again = await bot.send_photo(1001, sent.photo[-1].file_id)
    doc = await bot.send_document(1001, BufferedInputFile(b"BEGIN:VCALENDAR", "lesson.ics"))
    assert doc.document is not None and doc.document.file_name == "lesson.ics"
    chat = server.bot_messages(1001)
    assert chat[0].photo == TINY_PNG and chat[0].caption == "Scan me" and chat[0].text is None
    assert again.photo is not None and chat[1].photo == TINY_PNG
    assert (chat[2].document, chat[2].document_name) == (b"BEGIN:VCALENDAR", "lesson.ics")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(1001, sent.photo[-1].file_id, caption="x" * 1025)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(1001, "no-such-file")


async def test_commands_and_chat_action(bot: Bot, server: BotAPIServer) -> None:
    commands = [
        BotCommand(command="start", description="Start"),
        BotCommand(command="help", description="Help"),
    ]
    assert await bot.set_my_commands(commands, language_code="de")
    stored = await bot.get_my_commands(language_code="de")
    assert [(c.command, c.description) for c in stored] == [("start", "Start"), ("help", "Help")]
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])
    assert await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == []
    assert await bot.send_chat_action(1001, "typing")
    with pytest.raises(TelegramBadRequest):
        await bot.send_chat_action(1001, "dancing")


async def test_blocked_user_is_forbidden(bot: Bot, server: BotAPIServer) -> None:
    server.block(1001)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "hello?")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(1002, "never started")
    server.unblock(1001)
    await bot.send_message(1001, "back")


async def test_faults_reach_aiogram_and_leave_state_alone(bot: Bot, server: BotAPIServer) -> None:
    server.inject_fault("sendMessage", "429", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(1001, "a")
    assert retry.value.retry_after == 7
    server.inject_fault(None, "500")
    with pytest.raises(TelegramServerError):
        await bot.send_message(1001, "b")
    server.inject_fault(None, "502")
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    server.inject_fault("sendMessage", "drop")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1001, "c")
    assert server.bot_messages(1001) == []
    assert [r.status for r in server.calls("sendMessage")] == [429, 500, 0]
    await bot.send_message(1001, "d")
    assert [m.text for m in server.bot_messages(1001)] == ["d"]


async def test_fault_applies_only_to_its_method_and_count(bot: Bot, server: BotAPIServer) -> None:
    server.inject_fault("sendMessage", "500", times=2)
    server.inject_fault(None, "slow", delay=0.05)
    assert await bot.get_me()  # slowed, not failed
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(1001, "x")
    await bot.send_message(1001, "ok")
    assert server.faults == []


async def test_allowed_updates_filters_later_updates(bot: Bot, server: BotAPIServer) -> None:
    sent = await bot.send_message(1001, "pick", reply_markup=markup(("Go", "go")))
    assert await bot.get_updates(allowed_updates=["callback_query"]) == []
    server.send_text(1001, "ignored text")
    server.press(1001, sent.message_id, "go")
    updates = await bot.get_updates()
    assert [u.callback_query is not None for u in updates] == [True]
    await bot.get_updates(allowed_updates=[])
    server.send_text(1001, "seen again")
    assert (await bot.get_updates(offset=updates[-1].update_id + 1))[0].message is not None
