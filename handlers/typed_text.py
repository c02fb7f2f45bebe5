"""The boundary for typed text: a message with control characters is refused before any handler."""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from bot.domain.typed import has_control_characters
from handlers.middlewares import Handler, outcome_of_update


class TypedTextGuard(BaseMiddleware):
    """One rule for every name, subject, reason, value and command typed: no control characters.

    Checked once here rather than in each parser, so no handler ever stores a NUL (PostgreSQL
    refuses it in text) or an escape sequence, and a conversation step keeps waiting.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Answer one sentence instead of handling a message with control characters."""
        if isinstance(event, Message) and has_control_characters(event.text or event.caption or ""):
            outcome_of_update.set("refused:control_characters")
            await event.answer(
                _(
                    "Your message contains invisible control characters; "
                    "please type it again without them."
                )
            )
            return None
        return await handler(event, data)
