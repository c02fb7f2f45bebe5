"""The waitlist offer as the student reads it, in their language and zone, with Book."""

from __future__ import annotations

import html

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.domain.notices import WaitlistOffer
from views.formatting import day_time, when_for
from views.waitlist_callbacks import WaitAction, WaitCb


def offer_text(notice: WaitlistOffer, zone: str) -> str:
    """A seat freed for the student: when, with whom, and until when it is held for them."""
    lesson = when_for(notice.starts_at, notice.ends_at, zone, notice.teacher_tz)
    if notice.subject:
        lesson = f"{lesson}, {html.escape(notice.subject)}"
    return _(
        "🔔 A seat has freed up: {lesson} with {teacher}. It is held for you until {until}; "
        "book it now or let the next student in line have it."
    ).format(
        lesson=lesson,
        teacher=html.escape(notice.teacher_name),
        until=day_time(notice.hold_until, zone),
    )


def offer_buttons(notice: WaitlistOffer) -> InlineKeyboardMarkup:
    """Book the held seat, or pass it on."""
    book = WaitCb(action=WaitAction.BOOK, entry_id=notice.entry_id).pack()
    decline = WaitCb(action=WaitAction.DECLINE, entry_id=notice.entry_id).pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=_("✅ Book it"), callback_data=book),
                InlineKeyboardButton(text=_("✖ No, thanks"), callback_data=decline),
            ]
        ]
    )
