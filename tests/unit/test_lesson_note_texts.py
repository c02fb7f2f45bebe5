"""Lesson notes as rules and texts: the one length rule, and who reads which note in a notice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import InvalidInput, NoteTooLong
from bot.domain.model import Account, Actor
from bot.domain.notes import MAX_NOTE_CHARS, clean_note, preview
from bot.domain.notices import (
    BookingNew,
    CancelledByStudent,
    MovedByTeacher,
    Notice,
    StudentReminder,
    TeacherReminder,
)
from bot.domain.outgoing import Outgoing
from tests.sample_notices import START, lesson
from views.i18n import make_i18n
from views.notifications import render

TEACHERS, STUDENTS = "<i>ex. 5</i> & p. 10", "<b>chapter 3 & 4</b>"


def test_a_note_is_trimmed_and_held_to_the_limit() -> None:
    assert clean_note("  chapter 3\r\nand 4 \r") == "chapter 3\nand 4"
    assert clean_note("   ") == ""
    assert clean_note("é" * MAX_NOTE_CHARS) == "é" * MAX_NOTE_CHARS
    with pytest.raises(NoteTooLong) as refused:
        clean_note("é" * (MAX_NOTE_CHARS + 1))
    assert (refused.value.length, refused.value.limit) == (MAX_NOTE_CHARS + 1, MAX_NOTE_CHARS)
    with pytest.raises(InvalidInput):
        clean_note("chapter\x003")


def test_a_preview_is_one_short_line() -> None:
    assert preview("read\npages  10-12") == "read pages 10-12"
    cut = preview("word " * 40)
    assert len(cut) <= 60 and cut.endswith("…")


def _said(notice: Notice) -> str:
    outgoing = Outgoing(1, 1, notice, teacher_note=TEACHERS, student_note=STUDENTS)
    text, _ = render(
        make_i18n(), outgoing, Account(1, "Ann", language="en"), START - timedelta(hours=2)
    )
    return text


def test_each_notice_shows_the_notes_its_reader_should_read_escaped() -> None:
    facts = lesson()
    teachers = "📝 Teacher's note: &lt;i&gt;ex. 5&lt;/i&gt; &amp; p. 10"
    students = "💬 Student's note: &lt;b&gt;chapter 3 &amp; 4&lt;/b&gt;"
    new = _said(BookingNew(lesson=facts))
    assert students in new and "Teacher's note" not in new and "Your note" not in new
    to_student = _said(StudentReminder(lesson=facts, lead_minutes=60))
    assert teachers in to_student
    assert "💬 Your note: &lt;b&gt;chapter 3 &amp; 4&lt;/b&gt;" in to_student
    to_teacher = _said(TeacherReminder(lesson=facts, lead_minutes=60))
    assert "📝 Your note: &lt;i&gt;" in to_teacher and students in to_teacher
    moved = _said(MovedByTeacher(lesson=facts, old_starts_at=START - timedelta(days=1)))
    assert teachers in moved and "chapter" not in moved
    cancelled = _said(CancelledByStudent(lesson=facts, by=Actor.STUDENT))
    assert "note" not in cancelled  # a lesson that is gone has no notes to read


def test_a_lesson_without_notes_says_nothing_of_notes() -> None:
    outgoing = Outgoing(1, 1, StudentReminder(lesson=lesson(), lead_minutes=60))
    text, _ = render(
        make_i18n(), outgoing, Account(1, "Ann", language="ru"), START - timedelta(hours=2)
    )
    assert "📝" not in text and "💬" not in text
