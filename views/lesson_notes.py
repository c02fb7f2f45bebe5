"""Lesson notes on screens and in notices: who reads which note, always escaped."""

from __future__ import annotations

import html

from aiogram.utils.i18n import gettext as _

from bot.domain.model import Actor
from bot.domain.notes import preview
from bot.domain.notices import (
    BookedByTeacher,
    BookingNew,
    BookingRescheduled,
    MovedByTeacher,
    StudentReminder,
    TeacherReminder,
)
from bot.domain.outgoing import Outgoing

TEACHER_MARK, STUDENT_MARK = "📝", "💬"


def note_lines(teacher_note: str, student_note: str, reader: Actor) -> list[str]:
    """A lesson's notes for its teacher or its student, each on its own line(s), escaped."""
    lines = []
    if teacher_note:
        label = _("Your note: {note}") if reader == Actor.TEACHER else _("Teacher's note: {note}")
        lines.append(f"{TEACHER_MARK} " + label.format(note=html.escape(teacher_note)))
    if student_note:
        label = _("Your note: {note}") if reader == Actor.STUDENT else _("Student's note: {note}")
        lines.append(f"{STUDENT_MARK} " + label.format(note=html.escape(student_note)))
    return lines


def short_note_lines(teacher_note: str, student_note: str) -> list[str]:
    """The notes' first words, for the teacher's lists of many lessons (escaped)."""
    return [
        f"   {mark} {html.escape(preview(note))}"
        for mark, note in ((TEACHER_MARK, teacher_note), (STUDENT_MARK, student_note))
        if note
    ]


# The week's notes are left out (only marked) past this many characters: with them a busy
# week would pass Telegram's 4096 characters a message may hold.
PREVIEW_BUDGET = 3500


def with_previews(lines: list[str], previews: list[tuple[int, list[str]]]) -> list[str]:
    """`lines` with each lesson's note lines after it (`previews`: after how many lines), or,
    when they would make the text too long, with a 📝/💬 mark at the end of its line only."""
    added = sum(len(line) + 1 for _, notes in previews for line in notes)
    fits = len("\n".join(lines)) + added <= PREVIEW_BUDGET
    shown = list(lines)
    for after, notes in reversed(previews):
        if not notes:
            continue
        if fits:
            shown[after:after] = notes
        else:
            marks = "".join(n.split()[0] for n in notes)  # each line starts with its mark
            shown[after - 1] += f" {marks}"
    return shown


def notice_notes(outgoing: Outgoing) -> str:
    """The notes a lesson notice shows its reader, as they were when it was sent ("" if none)."""
    match outgoing.notice:
        case BookingNew() | BookingRescheduled():  # to the teacher: what the student asked for
            lines = note_lines("", outgoing.student_note, Actor.TEACHER)
        case TeacherReminder():
            lines = note_lines(outgoing.teacher_note, outgoing.student_note, Actor.TEACHER)
        case StudentReminder():
            lines = note_lines(outgoing.teacher_note, outgoing.student_note, Actor.STUDENT)
        case BookedByTeacher() | MovedByTeacher():
            lines = note_lines(outgoing.teacher_note, "", Actor.STUDENT)
        case _:
            lines = []
    return "".join("\n" + line for line in lines)
