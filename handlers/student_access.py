"""/start <token>: a student opens the link their teacher sent."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from bot.services import links
from bot.services.context import Deps
from handlers.callbacks import StudentHomeCb

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
    """Open the link; a refusal becomes one sentence in handlers.errors."""
    assert message.from_user is not None
    user = message.from_user
    access = await links.open_link(deps, user.id, user.first_name, command.args or "")
    text, keyboard = welcome(access)
    await message.answer(text, reply_markup=keyboard)
