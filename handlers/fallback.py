"""The last router: anything nobody else understood gets a short hint, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import student_home
from bot.services.context import Deps
from handlers.middlewares import refuse_button
from handlers.mini_app import MiniApp
from handlers.student_home import is_student
from handlers.student_views import home_card

router = Router(name="fallback")


@router.callback_query()
async def stale_button(query: CallbackQuery, deps: Deps, callback_answer: CallbackAnswer) -> None:
    """A button we no longer recognise (old message or forged data): answered, then audited."""
    await refuse_button(query, deps, callback_answer)


@router.message(is_student)
async def student_hint(message: Message, deps: Deps, mini_app: MiniApp) -> None:
    """A bound student's text, sticker, photo or unknown command: a hint and the home card."""
    assert message.from_user is not None
    home = await student_home.home(deps, message.from_user.id)
    text, keyboard = home_card(home, mini_app)
    hint = _("Please use the buttons below (or send /help).")
    await message.answer(hint + "\n\n" + text, reply_markup=keyboard)


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    """A command we do not have."""
    await message.answer(_("I don't know that command. Send /help to see what I can do."))


@router.message()
async def anything_else(message: Message) -> None:
    """Text, stickers, photos: point to the buttons."""
    await message.answer(_("Please use the buttons or a command. Send /start to see the menu."))
