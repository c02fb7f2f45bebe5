"""One answer per button press, given once the handler knows how the press ended.

Telegram takes one answer per callback query. Answering up front (as handlers used to)
left a refusal nowhere to go but a new chat message; here the handler runs first, then the
press is answered: a refusal becomes an alert (said by handlers.errors), a handler's note
(``callback_answer.text``) a toast, and anything else a silent answer that stops the spinner.
"""

from __future__ import annotations

from typing import Any

from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from handlers.middlewares import Handler


class PressAnswers(CallbackAnswerMiddleware):
    """aiogram's callback answerer, except that a failed handler leaves the answer to errors."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Run the handler, then answer the press unless the handler did or it failed."""
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer")
        )
        # On an exception nothing is answered here: handlers.errors turns it into the one
        # answer (an alert naming the refusal), which it could not do after a silent one.
        result = await handler(event, data)
        if not answer.disabled and not answer.answered:
            await self.answer(event, answer)
        return result
