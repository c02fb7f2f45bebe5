"""Pending prompts end when the person moves on: a typed answer only answers the screen asking.

A prompt is any conversation state ("type the reason", "type the new name", ...). One rule,
kept here rather than in each handler: a command, or a press on a button of a message older
than the prompt, ends it before any handler sees the update. Private-chat message ids grow
with every message, so "sent after the update that opened the prompt" is a plain comparison;
presses on the prompt's own buttons (a zone picker, "cancel without a reason") keep it.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from handlers.middlewares import Handler

# State-data key: the id of the message (typed or pressed) that opened the current prompt.
OPENED_BY = "prompt_opened_by"


def _origin(event: TelegramObject) -> int:
    """The id of the message this update came from (0 when Telegram does not say)."""
    if isinstance(event, Message):
        return event.message_id
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.message_id
    return 0


def moves_on(event: TelegramObject, opened_by: int) -> bool:
    """Whether this update leaves the prompt: any command, or a button from an older screen."""
    if isinstance(event, Message):
        return (event.text or "").startswith("/")
    if isinstance(event, CallbackQuery):
        return _origin(event) <= opened_by
    return False


class PromptScope(BaseMiddleware):
    """Ends a pending prompt the person has left, and notes which update opened a new one."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Clear a left prompt before routing; record the origin of one the handler opens."""
        state: FSMContext | None = data.get("state")
        if state is None:
            return await handler(event, data)
        before = await state.get_state()
        if before is not None:
            opened_by = int((await state.get_data()).get(OPENED_BY, 0))
            if moves_on(event, opened_by):
                await state.set_state(None)
                data["raw_state"] = before = None  # StateFilter reads raw_state
        result = await handler(event, data)
        after = await state.get_state()
        if after is not None and after != before:
            await state.update_data({OPENED_BY: _origin(event)})
        return result


def install(router: Router) -> None:
    """Apply the rule to every message and button press the router (and its children) sees."""
    scope = PromptScope()
    router.message.outer_middleware(scope)
    router.callback_query.outer_middleware(scope)
