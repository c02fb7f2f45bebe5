"""Teacher screens edit one message in place: the Back/Home row and the edit that shows a screen."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.keyboards import Row, button, markup
from views.teacher_callbacks import HomeCb, HomeScreen

Keyboard = InlineKeyboardMarkup
HOME = HomeCb(screen=HomeScreen.HOME)


def nav_row(back: CallbackData | None = None) -> Row:
    """◀ Back (to the given screen, else home) and 🏠 Home."""
    return [button(_("◀ Back"), back or HOME), button(_("🏠 Home"), HOME)]


def with_nav(keyboard: Keyboard | None, back: CallbackData | None = None) -> Keyboard:
    """The keyboard with a Back/Home row below, unless it already leads home."""
    rows = list(keyboard.inline_keyboard) if keyboard is not None else []
    prefix = HomeCb.__prefix__ + ":"
    if any((b.callback_data or "").startswith(prefix) for row in rows for b in row):
        return markup(rows)  # the screen has its own way home
    return markup([*rows, nav_row(back)])


async def show(query: CallbackQuery, text: str, keyboard: Keyboard | None = None) -> None:
    """Show a screen in the pressed message (a new one only if that message is out of reach).

    A message that can no longer be edited (too old, a photo or file) is answered with a new
    one by api_retry.SendWhenUneditable, for every edit the bot makes.
    """
    if not isinstance(query.message, Message):
        await query.bot.send_message(query.from_user.id, text, reply_markup=keyboard)  # type: ignore[union-attr]
        return
    try:
        await query.message.edit_text(text, reply_markup=keyboard)
    except TelegramBadRequest as exc:
        # A tap on a screen that already shows this (repeated or stale) changes nothing.
        if "message is not modified" not in str(exc):
            raise


async def present(event: Message | CallbackQuery, text: str, keyboard: Keyboard | None) -> None:
    """A screen asked for by a command comes as a new message; by a press, in its message."""
    if isinstance(event, CallbackQuery):
        await show(event, text, keyboard)
    else:
        await event.answer(text, reply_markup=keyboard)
