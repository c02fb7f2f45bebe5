"""The weekly series' buttons: choose the weeks, book them, cancel a series from a lesson on."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from views.calendar_callbacks import CalendarCb
from views.callbacks import Number


class SeriesWeeksCb(CalendarCb, prefix="sw"):
    """'Every week at this time' on the card: how many weeks?"""

    slot_id: Number


class SeriesBookCb(CalendarCb, prefix="sb"):
    """Book the series from this slot for `weeks` weeks (0: ongoing)."""

    slot_id: Number
    weeks: Number


class SeriesRestCb(CallbackData, prefix="sx"):
    """Cancel this lesson of a series and every later one (the press is the confirmation)."""

    booking_id: Number
