"""The buttons that set where lessons take place (the codec's rules are in views/callbacks.py)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Number


class PlaceTarget(StrEnum):
    """Whose place a button sets: the teacher's default, a set of hours, one lesson."""

    DEFAULT = "d"
    HOURS = "h"
    LESSON = "l"


class PlaceAction(StrEnum):
    """Ask for a place to be typed, remove the one set, or show the list of places."""

    ASK = "ask"
    CLEAR = "clr"
    LIST = "ls"


class PlaceCb(CallbackData, prefix="plc"):
    """A place to set or clear; `target_id` is the window or booking (0 for the default)."""

    action: PlaceAction
    target: PlaceTarget
    target_id: Number = 0
