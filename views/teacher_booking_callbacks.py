"""Buttons of the teacher booking for a student: days, slots, a move, an extra lesson."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Number


class BookStep(StrEnum):
    """Where a press leads in the teacher's booking for a student."""

    DAYS = "d"  # the days with slots to give
    DAY = "y"  # one day's slots
    SLOT = "s"  # a slot picked: the card asking for a reason
    GO = "g"  # book (or move) without a reason
    EXTRA = "x"  # ask for an extra lesson's date and time
    WHO = "w"  # pick the student first (from /schedule)


class TeacherBookCb(CallbackData, prefix="tbk"):
    """A step of booking for a student, or of moving `booking_id` (0: a new booking)."""

    step: BookStep
    student_id: Number
    booking_id: Number = 0
    day: Number = 0  # a date's ordinal
    slot_id: Number = 0
    page: Number = 0  # the page of students to pick from
