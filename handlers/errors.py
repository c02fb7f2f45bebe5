"""The last line of defence: every failed update gets one sentence, nothing leaks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import ErrorEvent, Update
from aiogram.utils.i18n import gettext as _

from bot.domain import errors as e
from handlers.middlewares import outcome_of_update
from handlers.refusal_texts import ALERT_LIMIT, describe

log = logging.getLogger("lessonlink.errors")


router = Router(name="errors")


@router.errors()
async def on_error(event: ErrorEvent, database_busy: Callable[[BaseException], bool]) -> bool:
    """Answer the user in one sentence; log unexpected failures without leaking details.

    `database_busy` comes from the dispatcher's data (run_bot passes storage's own test), so
    the handlers need not know which database driver raised what.
    """
    exc = event.exception
    update = event.update
    if isinstance(exc, e.DomainError):
        outcome_of_update.set(f"refused:{type(exc).__name__}")
        await _tell(update, describe(exc))
        return True
    if database_busy(exc):
        outcome_of_update.set("busy")
        log.warning("update=%s database busy: %s", update.update_id, type(exc).__name__)
        await _tell(update, _("The calendar is busy right now. Please try again in a moment."))
        return True
    if isinstance(exc, TelegramBadRequest) and "message is not modified" in str(exc):
        return True  # the screen already shows what we wanted to show
    outcome_of_update.set(f"error:{type(exc).__name__}")
    log.error(
        "update=%s failed: %s: %s",
        update.update_id,
        type(exc).__name__,
        exc,
        exc_info=not isinstance(exc, TelegramAPIError),
    )
    await _tell(
        update, _("Something went wrong on our side; nothing was changed. Please try again.")
    )
    return True


async def _tell(update: Update, text: str) -> None:
    """Say something to whoever sent the update, never raising.

    A press gets it as its one answer, an alert (handlers.press_answers leaves failed presses
    unanswered for this); a sentence too long for an alert (200 characters) goes to the chat,
    and so does one whose press can no longer be answered (too old).
    """
    query = update.callback_query
    try:
        if query is not None:
            if len(text) <= ALERT_LIMIT:
                try:
                    await query.answer(text, show_alert=True)
                    return
                except TelegramBadRequest:
                    pass
            else:
                with suppress(TelegramBadRequest):
                    await query.answer()
            if query.message is not None:
                await query.bot.send_message(query.message.chat.id, text)  # type: ignore[union-attr]
        elif update.message is not None:
            await update.message.answer(text)
    except TelegramAPIError as exc:
        log.warning("update=%s could not tell the user: %s", update.update_id, exc)
