"""/start <token>: a student opens the link their teacher sent."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.services import links, student_home
from bot.services.context import Deps
from handlers.callbacks import StudentHomeCb
from handlers.student_views import home_card

router = Router(name="student_access")


def welcome(access: links.Access) -> tuple[str, InlineKeyboardMarkup]:
    """A short welcome naming the teacher, with a button to book."""
    text = _(
        "👋 Hi {student}! You are connected to <b>{teacher}</b>. Book your lessons here."
    ).format(student=html.escape(access.student_name), teacher=html.escape(access.teacher_name))
    button = InlineKeyboardButton(
        text=_("📅 Book a lesson"),
        callback_data=StudentHomeCb(action="book", id=access.student_id).pack(),
    )
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


@router.message(CommandStart(deep_link=True))
async def open_link(message: Message, command: CommandObject, deps: Deps) -> None:
    """Open the link and show the student's home card; a refusal becomes one sentence."""
    assert message.from_user is not None
    user = message.from_user
    access, home = await student_home.arrive(deps, user.id, user.first_name, command.args or "")
    text, keyboard = home_card(home)
    await message.answer(welcome(access)[0] + "\n\n" + text, reply_markup=keyboard)
