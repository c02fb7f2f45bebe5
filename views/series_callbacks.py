"""The weekly series' buttons: choose the weeks, book them, cancel a series from a lesson on."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.calendar_callbacks import CalendarCb
from views.callbacks import Number


class SeriesWeeksCb(CalendarCb, prefix="sw"):
    """'Every week at this time' on the card: how many weeks?"""

    slot_id: Number


class SeriesUntilCb(CalendarCb, prefix="su"):
    """'Until a date…': the weekly dates the series may end on."""

    slot_id: Number


class SeriesBookCb(CalendarCb, prefix="sb"):
    """Book the series from this slot for `weeks` weeks (0: ongoing)."""

    slot_id: Number
    weeks: Number


class SeriesRestCb(CallbackData, prefix="sx"):
    """Cancel this lesson of a series and every later one (the press is the confirmation)."""

    booking_id: Number


class TeacherSeriesStep(StrEnum):
    """Where the teacher is in booking a weekly series for a student."""

    DAYS = "d"  # the days with free times
    DAY = "y"  # one day's free times
    WEEKS = "w"  # how many weeks, from the slot chosen
    BOOK = "b"  # book it


class TeacherSeriesCb(CallbackData, prefix="tsr"):
    """A teacher books a weekly series for a student: the step and what it needs."""

    step: TeacherSeriesStep
    student_id: Number
    day: Number = 0  # the day's ordinal (date.toordinal) on DAY
    slot_id: Number = 0
    weeks: Number = 0


class TeacherSeriesRestCb(CallbackData, prefix="tsx"):
    """On the teacher's cancel card: cancel this lesson of a series and all later ones."""

    booking_id: Number
