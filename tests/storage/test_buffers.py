"""Buffers and extra lessons on the real databases: concurrent neighbours, group slots."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.domain.clock import ManualClock
from bot.domain.errors import SlotRefused, SlotUnavailable
from bot.domain.model import BookingStatus
from bot.domain.teacher_settings import Setting
from bot.services import availability, booking, schedule, teacher_booking, teachers
from bot.services.context import Deps
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_slots, make_student, make_teacher

RACERS = 20


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def _attempt(deps: Deps, telegram_id: int, student_id: int, slot_id: int) -> str:
    try:
        await booking.book(deps, telegram_id, student_id, slot_id)
    except SlotRefused as exc:
        return exc.reason.value
    return "booked"


async def test_students_racing_for_two_neighbouring_slots_get_one_lesson_with_a_buffer(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, buffer_minutes=15)
    first, second = await make_slots(uow, teacher, now + timedelta(days=2), count=2)
    students = [await make_student(uow, teacher, 500 + i, now) for i in range(RACERS)]
    results = await asyncio.gather(
        *(
            _attempt(deps, s.telegram_id or 0, s.id, (first, second)[i % 2].id)
            for i, s in enumerate(students)
        )
    )
    assert results.count("booked") == 1
    assert set(results) == {"booked", "full", "buffer"}
    async with uow() as u:
        taken = [s.booked for s in await u.slots.between(teacher.id, now, now + timedelta(days=9))]
    assert sorted(taken) == [0, 1]


async def test_a_group_slot_with_a_booking_keeps_its_neighbours_free_but_takes_more_students(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, buffer_minutes=10)
    [group] = await make_slots(uow, teacher, now + timedelta(days=2), capacity=3)
    [after] = await make_slots(uow, teacher, group.ends_at + timedelta(minutes=5))
    ann, ben, cat = [await make_student(uow, teacher, 600 + i, now) for i in range(3)]
    assert await _attempt(deps, 600, ann.id, group.id) == "booked"
    assert await _attempt(deps, 601, ben.id, after.id) == SlotUnavailable.BUFFER.value
    assert await _attempt(deps, 602, cat.id, group.id) == "booked"


async def test_a_new_buffer_cancels_no_lesson_already_booked(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    first, second = await make_slots(uow, teacher, now + timedelta(days=2), count=2)
    ann, ben = [await make_student(uow, teacher, 700 + i, now) for i in range(2)]
    assert await _attempt(deps, 700, ann.id, first.id) == "booked"
    assert await _attempt(deps, 701, ben.id, second.id) == "booked"
    await teachers.change_setting(deps, teacher.telegram_id, Setting.BUFFER, "30")
    for student in (ann, ben):
        async with uow() as u:
            [(kept, _)] = await u.bookings.of_student(student.id, confirmed_only=False)
        assert kept.status == BookingStatus.CONFIRMED


async def test_a_cancelled_extra_lesson_is_offered_to_nobody(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    ann, ben = [await make_student(uow, teacher, 800 + i, now) for i in range(2)]
    lesson = await teacher_booking.place_extra(
        deps, teacher.telegram_id, ann.id, "2026-11-26 18:00 45 Chess"
    )
    await schedule.cancel_lesson(deps, teacher.telegram_id, lesson.booking_id, "ill")
    assert await _attempt(deps, 801, ben.id, lesson.slot_id) == SlotUnavailable.GONE.value
    async with uow() as u:
        assert await u.slots.between(teacher.id, now, now + timedelta(days=9)) == []


async def test_an_extra_lesson_cannot_overlap_another_lesson_of_the_teacher(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)  # UTC
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2))  # Wed 25 Nov 09:00
    ann, ben = [await make_student(uow, teacher, 900 + i, now) for i in range(2)]
    assert await _attempt(deps, 900, ann.id, slot.id) == "booked"
    with pytest.raises(SlotRefused) as refused:
        await teacher_booking.place_extra(deps, teacher.telegram_id, ben.id, "2026-11-25 09:30")
    assert refused.value.reason == SlotUnavailable.TEACHER_BUSY
    with pytest.raises(SlotRefused) as refused:  # Ann herself has a lesson then
        await teacher_booking.place_extra(deps, teacher.telegram_id, ann.id, "2026-11-25 09:30")
    assert refused.value.reason == SlotUnavailable.STUDENT_BUSY


async def test_time_off_over_an_extra_lesson_cancels_it(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    ann = await make_student(uow, teacher, 950, now)
    lesson = await teacher_booking.place_extra(
        deps, teacher.telegram_id, ann.id, "2026-11-26 18:00"
    )
    blocked = await availability.block_time(
        deps, teacher.telegram_id, "2026-11-26 ill", confirmed=1
    )
    assert blocked.cancelled == 1
    async with uow() as u:
        [(cancelled, _)] = await u.bookings.of_student(ann.id, confirmed_only=False)
    assert cancelled.id == lesson.booking_id and cancelled.status == BookingStatus.CANCELLED


async def test_a_lesson_moves_next_door_since_its_old_time_is_given_back(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, buffer_minutes=15)
    first, second = await make_slots(uow, teacher, now + timedelta(days=2), count=2)
    ann = await make_student(uow, teacher, 960, now)
    lesson = await booking.book(deps, 960, ann.id, first.id)
    moved = await booking.reschedule(deps, 960, lesson.booking_id, second.id)
    assert moved.slot_id == second.id
    # and the teacher may move it back the same way
    _, back = await teacher_booking.move(deps, teacher.telegram_id, moved.booking_id, first.id)
    assert back.slot_id == first.id


async def test_the_teachers_picker_keeps_the_buffer_and_the_students_own_lessons_free(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, buffer_minutes=10)
    first, second, third, fourth = await make_slots(uow, teacher, now + timedelta(hours=1), 4)
    ann, ben = [await make_student(uow, teacher, 970 + i, now) for i in range(2)]
    # An hour from now is inside the students' two hours' notice: the teacher may still give it.
    lesson = await teacher_booking.book_for(deps, teacher.telegram_id, ann.id, first.id)
    for_ben = await teacher_booking.picker(deps, teacher.telegram_id, ben.id)
    assert [s.id for s in for_ben.slots] == [third.id, fourth.id]  # second: next to Ann's
    # Moving Ann's lesson gives its time back, so the slot next to it is free for the move.
    moving = await teacher_booking.picker(deps, teacher.telegram_id, 0, lesson.booking_id)
    assert [s.id for s in moving.slots] == [second.id, third.id, fourth.id]
