"""The student calendar's buttons: each carries the calendar Cursor, and this is the one
place that converts between a Cursor and callback data (CalendarCb.cursor, at, cursor_fields).

Week, month grid and day buttons keep the layout they had before the cursor, so buttons
already sent still work; the others changed layout with new prefixes (see views/callbacks.py).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from aiogram.filters.callback_data import CallbackData
from pydantic import BeforeValidator

from bot.services.student_calendar_model import Cursor, Filters, Part
from views.callbacks import Number, plain_number


class Screen(StrEnum):
    """A screen of the student's calendar."""

    WEEK = "w"
    MONTH = "m"
    DAY = "d"


# Parts of the day travel as their number; only plain digits are read (see plain_number).
PartField = Annotated[Part, BeforeValidator(plain_number)]


class CalendarCb(CallbackData, prefix="cal"):
    """The calendar cursor's fields, which every calendar button carries first.

    Never sent as such: each screen's class below has its own prefix. `cursor`, `at` and
    `cursor_fields` are the one place that converts between a Cursor and callback data.
    """

    student_id: Number
    day: Number
    subject: Number
    part: PartField
    moving: Number

    @property
    def cursor(self) -> Cursor:
        """The cursor this button carries."""
        filters = Filters(self.subject, self.part)
        return Cursor(self.student_id, self.day, filters, self.moving)

    @classmethod
    def at(cls, cursor: Cursor) -> Self:
        """This screen's button for a cursor (classes with fields of their own: cursor_fields)."""
        return cls(**cursor_fields(cursor))


def cursor_fields(cursor: Cursor) -> dict[str, Any]:
    """A cursor as CalendarCb's fields: `SlotCb(**cursor_fields(cursor), slot_id=...)`."""
    return {
        "student_id": cursor.student_id,
        "day": cursor.day,
        "subject": cursor.filters.subject,
        "part": cursor.filters.part,
        "moving": cursor.moving,
    }


class WeekCb(CalendarCb, prefix="cw"):
    """The week from the cursor's day."""

    shows: ClassVar[Screen] = Screen.WEEK


class MonthCb(CalendarCb, prefix="cg"):
    """The month grid holding the cursor's day."""

    shows: ClassVar[Screen] = Screen.MONTH


class DayCb(CalendarCb, prefix="cd"):
    """The cursor's day."""

    shows: ClassVar[Screen] = Screen.DAY


class SlotCb(CalendarCb, prefix="co"):
    """A slot pressed in the day view: shows its confirmation card."""

    slot_id: Number


class ConfirmCb(CalendarCb, prefix="cb"):
    """Confirm on the card: book the slot (or move the cursor's booking to it)."""

    slot_id: Number


class FilterKind(StrEnum):
    """Which filter a picker sets."""

    SUBJECT = "s"
    PART = "p"


class FilterCb(CalendarCb, prefix="cp"):
    """The picker of one filter, opened from (and going back to) the week or the day."""

    back: Screen
    kind: FilterKind


class Toast(StrEnum):
    """What pressing a calendar cell with nothing to open says."""

    NONE = "n"
    NO_TIMES_DAY = "d"
    NO_TIMES_DAYS = "w"


class InertCb(CalendarCb, prefix="ce"):
    """A calendar cell with nothing to open: its screen (week or month) again, saying why."""

    screen: Screen
    toast: Toast


class MonthsCb(CallbackData, prefix="cm"):
    """The old month list's button, on messages sent before the month grid: this month's grid."""

    shows: ClassVar[Screen] = Screen.MONTH
    student_id: Number
    subject: Number
    part: PartField
    moving: Number

    @property
    def cursor(self) -> Cursor:
        """The cursor this button carries (on today)."""
        return Cursor(self.student_id, 0, Filters(self.subject, self.part), self.moving)


def screen_button(screen: Screen, cursor: Cursor) -> WeekCb | MonthCb | DayCb:
    """The button that shows a calendar screen at a cursor."""
    kind = next(kind for kind in (WeekCb, MonthCb, DayCb) if kind.shows == screen)
    return kind.at(cursor)
