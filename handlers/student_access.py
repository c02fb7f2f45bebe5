"""/start <token>: a student opens the link their teacher sent."""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _

from bot.services import link_opening, student_home
from bot.services.accounts import Identity
from bot.services.context import Deps
from bot.services.student_home import Home
from handlers.mini_app import MiniApp, set_chat_menu
from handlers.student_views import home_button, home_card
from views.callbacks import HomeAction

router = Router(name="student_access")


def welcome(access: link_opening.Access) -> tuple[str, InlineKeyboardMarkup]:
    """A short welcome naming the teacher, with a button to book."""
    text = _(
        "👋 Hi {student}! You are connected to <b>{teacher}</b>. Book your lessons here."
    ).format(student=html.escape(access.student_name), teacher=html.escape(access.teacher_name))
    button = home_button(_("📅 Book a lesson"), HomeAction.BOOK, access.student_id)
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


@router.message(CommandStart(deep_link=True))
async def open_link(
    message: Message,
    command: CommandObject,
    deps: Deps,
    bot: Bot,
    mini_app: MiniApp,
    identity: Identity | None = None,
) -> None:
    """Open the link and show the student's home card; a refusal becomes one sentence."""
    assert message.from_user is not None
    user = message.from_user
    access, home = await student_home.arrive(deps, user.id, user.first_name, command.args or "")
    menu = access.first_time and not identity_is_teacher(identity)
    await answer_arrival(message, bot, mini_app, welcome(access)[0], home, student_menu=menu)


async def answer_arrival(
    message: Message,
    bot: Bot,
    mini_app: MiniApp,
    hello: str,
    home: Home,
    *,
    student_menu: bool,
) -> None:
    """Answer an opened link: the hello above the home card, and the student menu if asked."""
    assert message.from_user is not None
    text, keyboard = home_card(home, mini_app)
    await message.answer(hello + "\n\n" + text, reply_markup=keyboard)
    if student_menu:
        # The menu a student needs, in their chat only; teachers keep their own menu.
        chat = BotCommandScopeChat(chat_id=message.from_user.id)
        await bot.set_my_commands(student_commands(), scope=chat)
        await set_chat_menu(bot, mini_app, message.from_user.id, teacher=False)


def identity_is_teacher(identity: Identity | None) -> bool:
    """Whether the account also teaches (their teacher menu wins)."""
    return identity is not None and identity.is_teacher


def student_commands() -> list[BotCommand]:
    """A student's command menu, in the current locale."""
    return [
        BotCommand(command="start", description=_("Home: your lessons and booking")),
        BotCommand(command="book", description=_("Book a lesson")),
        BotCommand(command="mybookings", description=_("Your lessons: cancel, move, calendar")),
        BotCommand(command="waitlist", description=_("Your places in line for full times")),
        BotCommand(command="timezone", description=_("Your time zone")),
        BotCommand(command="language", description=_("Change the language")),
        BotCommand(command="help", description=_("What this bot can do")),
    ]
