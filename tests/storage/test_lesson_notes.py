"""Lesson notes on the real databases: kept with the booking, moved with the lesson, refused
when too long (nothing booked then), and in the teacher's CSV as typed, never as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.domain.clock import ManualClock
from bot.domain.errors import NoteTooLong, NotFound
from bot.domain.notes import MAX_NOTE_CHARS
from bot.services import booking, booking_confirm, exports, lesson_notes
from bot.services.context import Deps
from bot.services.student_calendar_model import Booked
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_slots, make_student, make_teacher

TEACHER, STUDENT = 9000, 501


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def test_notes_move_with_the_lesson_and_reach_the_csv_as_typed(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, TEACHER)
    student = await make_student(uow, teacher, STUDENT, now)
    first, later = await make_slots(uow, teacher, now + timedelta(days=2), count=2)
    made = await booking_confirm.confirm(
        deps, STUDENT, student.id, 0, first.id, note="  =SUM(A1) please\r\nchapter 3  "
    )
    assert isinstance(made, Booked)
    assert made.lesson.student_note == "=SUM(A1) please\nchapter 3"  # trimmed, one line end
    await lesson_notes.set_teacher_note(deps, TEACHER, made.lesson.booking_id, "Read p. 10")

    moved = await booking.reschedule(deps, STUDENT, made.lesson.booking_id, later.id)
    assert moved.teacher_note == "Read p. 10"
    assert moved.student_note == "=SUM(A1) please\nchapter 3"
    async with uow() as u:
        assert await u.bookings.notes_of(moved.booking_id) == (
            "Read p. 10",
            "=SUM(A1) please\nchapter 3",
        )

    found = await exports.export(deps, TEACHER, "month")
    headers = [f"h{i}" for i in range(15)]
    table = list(
        csv.reader(
            io.StringIO(exports.bookings_csv(found.bookings, "UTC", headers).decode("utf-8-sig"))
        )
    )
    by_id = {row[0]: row for row in table[1:]}
    assert by_id[str(moved.booking_id)][-2:] == ["Read p. 10", "'=SUM(A1) please\nchapter 3"]


async def test_a_note_too_long_books_nothing(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, TEACHER)
    student = await make_student(uow, teacher, STUDENT, now)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2))
    with pytest.raises(NoteTooLong) as refused:
        await booking_confirm.confirm(
            deps, STUDENT, student.id, 0, slot.id, note="a" * (MAX_NOTE_CHARS + 1)
        )
    assert (refused.value.length, refused.value.limit) == (MAX_NOTE_CHARS + 1, MAX_NOTE_CHARS)
    async with uow() as u:
        assert await u.bookings.of_slot(slot.id) == []
    made = await booking_confirm.confirm(
        deps, STUDENT, student.id, 0, slot.id, note="a" * MAX_NOTE_CHARS
    )
    assert isinstance(made, Booked) and len(made.lesson.student_note) == MAX_NOTE_CHARS


async def test_another_teacher_can_neither_read_nor_write_a_lessons_note(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, TEACHER)
    await make_teacher(uow, now, TEACHER + 1)
    student = await make_student(uow, teacher, STUDENT, now)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2))
    made = await booking.book(deps, STUDENT, student.id, slot.id)
    await lesson_notes.set_teacher_note(deps, TEACHER, made.booking_id, "Mine")
    with pytest.raises(NotFound):
        await lesson_notes.lesson(deps, TEACHER + 1, made.booking_id)
    with pytest.raises(NotFound):
        await lesson_notes.set_teacher_note(deps, TEACHER + 1, made.booking_id, "Theirs")
    async with uow() as u:
        assert (await u.bookings.notes_of(made.booking_id))[0] == "Mine"
