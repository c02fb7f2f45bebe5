"""Buffers: the minutes a teacher keeps free before and after each booked lesson."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.domain.model import Slot

# The widest buffer a teacher may set; also how far around a slot its neighbours are read.
MAX_BUFFER_MINUTES = 120


def too_close(slot: Slot, booked: Iterable[Slot], buffer_minutes: int) -> bool:
    """Whether taking this slot would leave less than the buffer next to a booked lesson.

    `booked` are the teacher's other slots holding at least one booking (a group slot with one
    booking counts as a booked lesson for its neighbours; the slot itself never counts, so a
    group slot stays open to its own free seats). A lesson that overlaps a booked one is always
    too close, whatever the buffer: a teacher teaches one lesson at a time.
    """
    gap = timedelta(minutes=max(buffer_minutes, 0))
    return any(
        other.id != slot.id
        and other.booked > 0
        and slot.starts_at < other.ends_at + gap
        and other.starts_at < slot.ends_at + gap
        for other in booked
    )


def neighbourhood(start: datetime, end: datetime, buffer_minutes: int) -> tuple[datetime, datetime]:
    """The span whose booked lessons can make a slot in [start, end) too close."""
    gap = timedelta(minutes=max(buffer_minutes, 0))
    return start - gap, end + gap
