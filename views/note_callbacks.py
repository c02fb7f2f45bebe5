"""The buttons of lesson notes: the student's note on the confirmation card, the teacher's on
/schedule (the codec's rules are in views/callbacks.py; each layout has its own prefix)."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from views.calendar_callbacks import CalendarCb
from views.callbacks import Number


class NoteCb(CalendarCb, prefix="nta"):
    """📝 Add a note, on a slot's confirmation card: ask the student to type it."""

    slot_id: Number


class NotedConfirmCb(CalendarCb, prefix="ntc"):
    """Confirm on a card that shows the student's note: book with that note.

    The note itself is too long for callback data; it waits in the chat's state, and this
    button books with it only while it is the note this card showed (same slot, same key).
    """

    slot_id: Number
    note_key: str


def note_key(note: str) -> str:
    """A short fingerprint of a note: a card's Confirm books only the note the card showed."""
    return hashlib.sha256(note.encode()).hexdigest()[:8]


class TeacherNoteAction(StrEnum):
    """What a teacher's note button does."""

    OPEN = "o"  # the lesson's notes, and a prompt for the teacher's
    REMOVE = "r"  # remove the teacher's note


class TeacherNoteCb(CallbackData, prefix="tnt"):
    """A lesson of /schedule: its note card, or removing the teacher's note."""

    action: TeacherNoteAction
    booking_id: Number
