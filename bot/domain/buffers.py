"""Buffers: the minutes a teacher keeps free before and after each booked lesson."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from bot.domain.model import Slot

# The widest buffer a teacher may set; also how far around a slot its neighbours are read.
MAX_BUFFER_MINUTES = 120


class KeptClear(NamedTuple):
    """The span a booked lesson keeps other slots out of: the lesson widened by the buffer.

    A slot overlapping [start, end) is too close, unless it is the lesson's own slot
    (`slot_id`), so a group slot stays open to its own free seats.
    """

    slot_id: int
    start: datetime
    end: datetime


def kept_clear(booked: Iterable[Slot], buffer_minutes: int) -> list[KeptClear]:
    """The spans the booked lessons among `booked` keep clear (a lesson overlapping a booked
    one is always too close, whatever the buffer: a teacher teaches one lesson at a time)."""
    gap = timedelta(minutes=max(buffer_minutes, 0))
    return [KeptClear(o.id, o.starts_at - gap, o.ends_at + gap) for o in booked if o.booked > 0]


def too_close(slot: Slot, booked: Iterable[Slot], buffer_minutes: int) -> bool:
    """Whether taking this slot would leave less than the buffer next to a booked lesson.

    `booked` are the teacher's other slots holding at least one booking (a group slot with one
    booking counts as a booked lesson for its neighbours; the slot itself never counts).
    """
    return any(
        span.slot_id != slot.id and slot.starts_at < span.end and span.start < slot.ends_at
        for span in kept_clear(booked, buffer_minutes)
    )


def neighbourhood(start: datetime, end: datetime, buffer_minutes: int) -> tuple[datetime, datetime]:
    """The span whose booked lessons can make a slot in [start, end) too close."""
    gap = timedelta(minutes=max(buffer_minutes, 0))
    return start - gap, end + gap
