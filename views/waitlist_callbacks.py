"""The waitlist's buttons: join a full slot's line, and act on one's place or offer."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Number


class WaitJoinCb(CallbackData, prefix="wj"):
    """ "Notify me if it frees up" under a full slot: join its line as this student record."""

    student_id: Number
    slot_id: Number


class WaitAction(StrEnum):
    """What a press does to an entry."""

    BOOK = "b"  # book the seat held for the offer
    DECLINE = "d"  # let the next in line have it
    LEAVE = "l"  # leave the line
    LIST = "s"  # show one's places in line


class WaitCb(CallbackData, prefix="wl"):
    """A press on a place in line or an offer (entry 0 with LIST)."""

    action: WaitAction
    entry_id: Number
