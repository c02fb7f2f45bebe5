"""Lesson notes: the one rule for what a note may hold, wherever it is typed or sent."""

from __future__ import annotations

from bot.domain.errors import InvalidInput, NoteTooLong
from bot.domain.typed import has_control_characters

# Long enough for a topic, homework and a link or two; short enough to sit on a lesson's
# card, in a reminder and in a booking notice well within Telegram's 4096 characters.
MAX_NOTE_CHARS = 500


def clean_note(text: str) -> str:
    """The note as stored: trimmed, line ends as "\\n"; "" removes it.

    Refuses (NoteTooLong) a note over MAX_NOTE_CHARS and (InvalidInput "note") one holding
    control characters; the chat refuses those before they arrive, the REST API here.
    """
    note = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if has_control_characters(note):
        raise InvalidInput("note")
    if len(note) > MAX_NOTE_CHARS:
        raise NoteTooLong(len(note), MAX_NOTE_CHARS)
    return note


def preview(note: str, chars: int = 60) -> str:
    """The note's start on one line, for lists that show many lessons (… when cut)."""
    line = " ".join(note.split())
    return line if len(line) <= chars else line[: chars - 1].rstrip() + "…"
