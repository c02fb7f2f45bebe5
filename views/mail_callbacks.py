"""The buttons of a student's email screen (shown only when SMTP is configured)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Number


class EmailAction(StrEnum):
    """What a button about a student's email does."""

    SCREEN = "screen"
    EDIT = "edit"  # asks for the address
    NOTICES_ON = "on"
    NOTICES_OFF = "off"
    REMOVE = "remove"
    SEND_LINK = "link"  # the link card's Send by email


class EmailCb(CallbackData, prefix="eml"):
    """An email action for one student."""

    action: EmailAction
    student_id: Number
