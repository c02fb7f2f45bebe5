"""/start and /help: what LessonLink does, for whoever is asking."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.services.accounts import Identity, Role

router = Router(name="start")


def greeting(identity: Identity | None) -> str:
    """The welcome text, shaped by the sender's role."""
    hello = _("Hi! I'm LessonLink, a booking assistant for private lessons.")
    if identity is not None and identity.role == Role.TEACHER:
        return (
            hello + "\n\n" + _("You are registered as a teacher. Send /help to see your commands.")
        )
    return "\n\n".join(
        [
            hello,
            _(
                "<b>Teachers</b>: send /teach to set up your weekly availability and get a "
                "personal booking link for each student."
            ),
            _(
                "<b>Students</b>: open the link your teacher sent you. You will see free times, "
                "book in a few taps and get reminders before each lesson. No sign-up needed."
            ),
        ]
    )


@router.message(CommandStart(deep_link=False))
async def start(message: Message, identity: Identity | None = None) -> None:
    """Greet and explain what the bot does."""
    await message.answer(greeting(identity))


@router.message(Command("help"))
async def help_command(message: Message, identity: Identity | None = None) -> None:
    """List what the sender can do."""
    await message.answer(greeting(identity))
