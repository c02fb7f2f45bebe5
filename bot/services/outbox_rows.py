"""Outbox rows built before they are stored, so a booking's notices go in one statement."""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Booking, OutboxMessage
from bot.domain.notice_json import dump_notice
from bot.domain.notices import Notice


def booking_row(
    notice: Notice, chat_id: int, booking: Booking, due_at: datetime, key: str
) -> OutboxMessage:
    """An outbox row about a booking, not yet stored (the database numbers it)."""
    payload = dump_notice(notice)
    return OutboxMessage(
        0, notice.kind.value, chat_id, payload, due_at, dedup_key=key, booking_id=booking.id
    )
