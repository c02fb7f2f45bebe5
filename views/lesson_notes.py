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
    Outgoing,
    StudentReminder,
    TeacherReminder,
)

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
