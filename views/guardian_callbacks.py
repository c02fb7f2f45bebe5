"""The buttons of a student's guardians screen (the codec's rules are in views/callbacks.py)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.callbacks import Number


class GuardianAction(StrEnum):
    """What a button on the guardians screen of a student does."""

    CARD = "card"
    NEW = "new"
    ALLOW = "allow"
    DENY = "deny"
    REMOVE = "rm"


class GuardianCb(CallbackData, prefix="grd"):
    """A guardians screen action for one student (and one guardian, for Remove)."""

    action: GuardianAction
    student_id: Number
    guardian_id: Number = 0
