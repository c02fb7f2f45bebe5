"""web_app buttons and menu buttons, accepted and refused as Telegram does, and what users see."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    MenuButtonDefault,
    MenuButtonWebApp,
    ReplyKeyboardMarkup,
    WebAppInfo,
)

from sandbox import BotAPIServer, NoWebApp
from tests.sandbox.test_requests import call

APP = "https://lessons.example.com/app/"


def _inline(url: str, text: str = "📅 Open calendar") -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=text, web_app=WebAppInfo(url=url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def test_inline_web_app_button_is_shown_with_its_address(
    bot: Bot, server: BotAPIServer
) -> None:
    await bot.send_message(1001, "Your lessons", reply_markup=_inline(APP))
    button = server.last_bot_message(1001).find_button("📅 Open calendar")  # type: ignore[union-attr]
    assert button is not None and button.web_app == APP and button.callback_data is None


async def test_http_web_app_button_is_refused_with_telegrams_words(
    bot: Bot, server: BotAPIServer
) -> None:
    with pytest.raises(TelegramBadRequest) as refused:
        await bot.send_message(1001, "x", reply_markup=_inline("http://lessons.example.com/app/"))
    assert (
        "inline keyboard button Web App URL 'http://lessons.example.com/app/' is invalid: "
        "Only HTTPS links are allowed" in refused.value.message
    )
    assert server.bot_messages(1001) == []


async def test_a_test_environment_takes_http_web_apps_and_opens_them(
    bot: Bot, server: BotAPIServer
) -> None:
    local = "http://127.0.0.1:8080/app/"
    server.test_environment = True  # as Telegram's test servers: http Mini Apps allowed
    await bot.send_message(1001, "Your lessons", reply_markup=_inline(local))
    launched = server.open_web_app(1001, "📅 Open calendar")
    assert launched.url.startswith(local + "#tgWebAppData=")
    server.test_environment = False
    with pytest.raises(TelegramBadRequest, match="Only HTTPS links are allowed"):
        await bot.send_message(1001, "x", reply_markup=_inline(local))


async def test_web_app_without_url_or_with_a_second_action_is_refused(
    server: BotAPIServer,
) -> None:
    no_url = {"inline_keyboard": [[{"text": "Open", "web_app": {}}]]}
    status, body = await call(
        server, "sendMessage", json={"chat_id": 1001, "text": "x", "reply_markup": no_url}
    )
    assert (status, body["description"]) == (
        400,
        "Bad Request: reply_markup.inline_keyboard[0][0].web_app.url is required",
    )
    both = {"inline_keyboard": [[{"text": "Open", "web_app": {"url": APP}, "url": APP}]]}
    status, body = await call(
        server, "sendMessage", json={"chat_id": 1001, "text": "x", "reply_markup": both}
    )
    assert status == 400 and "exactly one of url, web_app" in body["description"]
    garbage = {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "lessons"}}]]}
    status, body = await call(
        server, "sendMessage", json={"chat_id": 1001, "text": "x", "reply_markup": garbage}
    )
    assert status == 400 and body["description"].endswith("is invalid: Wrong HTTP URL")


async def test_editing_in_an_http_web_app_button_is_refused_and_keeps_the_message(
    bot: Bot, server: BotAPIServer
) -> None:
    sent = await bot.send_message(1001, "Your lessons", reply_markup=_inline(APP))
    with pytest.raises(TelegramBadRequest, match="Only HTTPS links are allowed"):
        await bot.edit_message_reply_markup(
            chat_id=1001, message_id=sent.message_id, reply_markup=_inline("http://x.example/")
        )
    button = server.last_bot_message(1001).find_button("📅 Open calendar")  # type: ignore[union-attr]
    assert button is not None and button.web_app == APP


async def test_reply_keyboard_web_app_button_is_shown_and_http_refused(
    bot: Bot, server: BotAPIServer
) -> None:
    good = KeyboardButton(text="Calendar", web_app=WebAppInfo(url=APP))
    await bot.send_message(1001, "menu", reply_markup=ReplyKeyboardMarkup(keyboard=[[good]]))
    message = server.last_bot_message(1001)
    assert message is not None and message.keyboard[0][0].web_app == APP
    bad = KeyboardButton(text="Calendar", web_app=WebAppInfo(url="http://x.example/"))
    with pytest.raises(
        TelegramBadRequest, match=r"says - Bad Request: keyboard button Web App URL .* Only HTTPS"
    ):
        await bot.send_message(1001, "menu", reply_markup=ReplyKeyboardMarkup(keyboard=[[bad]]))
    both = KeyboardButton(text="C", web_app=WebAppInfo(url=APP), request_contact=True)
    with pytest.raises(TelegramBadRequest, match="at most one of"):
        await bot.send_message(1001, "menu", reply_markup=ReplyKeyboardMarkup(keyboard=[[both]]))


async def test_menu_button_default_and_per_chat_as_telegram_answers(
    bot: Bot, server: BotAPIServer
) -> None:
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    assert isinstance(await bot.get_chat_menu_button(chat_id=1001), MenuButtonDefault)
    app = MenuButtonWebApp(text="Calendar", web_app=WebAppInfo(url=APP))
    assert await bot.set_chat_menu_button(menu_button=app)
    default = await bot.get_chat_menu_button()
    assert isinstance(default, MenuButtonWebApp) and default.web_app.url == APP
    # A chat without its own button follows the default: the user sees the Mini App.
    assert isinstance(await bot.get_chat_menu_button(chat_id=1001), MenuButtonDefault)
    assert server.world.menu_button(1001)["web_app"]["url"] == APP
    assert await bot.set_chat_menu_button(chat_id=1001, menu_button=MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(chat_id=1001), MenuButtonCommands)
    assert server.world.menu_button(1001) == {"type": "commands"}
    assert server.world.menu_button(1002)["type"] == "web_app"
    assert await bot.set_chat_menu_button(chat_id=1001)  # back to the default
    assert server.world.menu_button(1001)["type"] == "web_app"
    assert await bot.set_chat_menu_button(menu_button=MenuButtonDefault())
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)


async def test_bad_menu_buttons_are_refused(bot: Bot, server: BotAPIServer) -> None:
    http = MenuButtonWebApp(text="Calendar", web_app=WebAppInfo(url="http://x.example/app/"))
    with pytest.raises(TelegramBadRequest, match="Only HTTPS links are allowed"):
        await bot.set_chat_menu_button(menu_button=http)
    blank = MenuButtonWebApp(text=" ", web_app=WebAppInfo(url=APP))
    with pytest.raises(TelegramBadRequest, match="BUTTON_TEXT_INVALID"):
        await bot.set_chat_menu_button(menu_button=blank)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.set_chat_menu_button(chat_id=999, menu_button=MenuButtonCommands())
    status, body = await call(
        server,
        "setChatMenuButton",
        json={"menu_button": {"type": "web_app", "text": "Calendar"}},
    )
    assert (status, body["description"]) == (400, "Bad Request: menu_button.web_app is required")
    status, body = await call(server, "setChatMenuButton", json={"menu_button": {"type": "link"}})
    assert status == 400 and "unsupported MenuButton type" in body["description"]
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)


async def test_a_user_opens_the_web_app_of_a_button_and_of_the_menu(
    bot: Bot, server: BotAPIServer
) -> None:
    await bot.send_message(1001, "Your lessons", reply_markup=_inline(APP + "#/teacher"))
    launch = server.world.user(1001).open_web_app("📅 Open calendar")
    assert launch.app_url == APP + "#/teacher"
    assert launch.url.startswith(APP + "#/teacher?tgWebAppData=")
    assert '"id":1001' in launch.fields["user"] and launch.fields["query_id"].startswith("AAH")
    with pytest.raises(NoWebApp):
        server.open_menu_app(1001)
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(text="Calendar", web_app=WebAppInfo(url=APP))
    )
    menu = server.open_menu_app(1001, theme="dark")
    assert menu.app_url == APP and menu.url.startswith(APP + "#tgWebAppData=")
    assert "%23212121" in menu.url  # the dark theme's background travels in the fragment


async def test_a_direct_link_opens_the_registered_app_with_its_start_parameter(
    server: BotAPIServer,
) -> None:
    link = server.register_web_app("calendar", APP)
    assert link == "https://t.me/lessonlink_bot/calendar"
    launch = server.open_direct_link(1002, f"{link}?startapp=abc123")
    fields = launch.fields
    assert (fields["start_param"], fields["chat_type"]) == ("abc123", "sender")
    assert "chat_instance" in fields and "query_id" not in fields
    assert "tgWebAppStartParam=abc123" in launch.url
    with pytest.raises(NoWebApp):
        server.open_direct_link(1002, "https://t.me/lessonlink_bot/unknown?startapp=x")
    with pytest.raises(NoWebApp):
        server.open_direct_link(1002, "https://t.me/other_bot/calendar?startapp=x")
