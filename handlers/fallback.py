"""The last router: anything nobody else understood gets a short hint, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

router = Router(name="fallback")


@router.callback_query()
async def stale_button(query: CallbackQuery) -> None:
    """A button we no longer recognise (old message or forged data)."""
    await query.answer(_("This button is no longer valid. Send /start to see the current menu."))


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message) -> None:
    """A command we do not have."""
    await message.answer(_("I don't know that command. Send /help to see what I can do."))


@router.message()
async def anything_else(message: Message) -> None:
    """Text, stickers, photos: point to the buttons."""
    await message.answer(_("Please use the buttons or a command. Send /start to see the menu."))
