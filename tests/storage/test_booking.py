"""Booking on the real databases: no double booking under concurrency, atomic reschedule."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.domain.clock import ManualClock
from bot.domain.errors import CancellationWindowPassed, NotFound, SlotRefused, SlotUnavailable
from bot.domain.model import BookingStatus, OutboxStatus
from bot.services import booking
from bot.services.context import Deps
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_slots, make_student, make_teacher

CONCURRENT = 50


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def _attempt(deps: Deps, telegram_id: int, student_id: int, slot_id: int) -> str:
    try:
        await booking.book(deps, telegram_id, student_id, slot_id)
    except SlotRefused as exc:
        return exc.reason.value
    return "booked"


async def test_fifty_students_racing_for_one_seat_leave_exactly_one_booking(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2))
    students = [await make_student(uow, teacher, 100 + i, now) for i in range(CONCURRENT)]
    results = await asyncio.gather(
        *(_attempt(deps, s.telegram_id or 0, s.id, slot.id) for s in students)
    )
    assert results.count("booked") == 1
    assert results.count("full") == CONCURRENT - 1
    async with uow() as u:
        assert len(await u.bookings.of_slot(slot.id)) == 1
        stored = await u.slots.get(slot.id)
    assert stored is not None and stored.booked == 1


async def test_group_slot_never_exceeds_its_seats(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2), capacity=3)
    students = [await make_student(uow, teacher, 300 + i, now) for i in range(CONCURRENT)]
    results = await asyncio.gather(
        *(_attempt(deps, s.telegram_id or 0, s.id, slot.id) for s in students)
    )
    assert results.count("booked") == 3
    async with uow() as u:
        assert len(await u.bookings.of_slot(slot.id)) == 3


async def test_double_tap_on_confirm_books_once(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2), capacity=5)
    student = await make_student(uow, teacher, 700, now)
    results = await asyncio.gather(*(_attempt(deps, 700, student.id, slot.id) for _ in range(10)))
    assert results.count("booked") == 1
    assert set(results) == {"booked", "already_yours"}


async def test_booking_rules_refuse_too_soon_too_far_and_a_second_seat(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, advance_notice_minutes=120, horizon_days=14)
    student = await make_student(uow, teacher, 800, now)
    soon, far = (
        await make_slots(uow, teacher, now + timedelta(hours=1)),
        await make_slots(uow, teacher, now + timedelta(days=20)),
    )
    [a] = await make_slots(uow, teacher, now + timedelta(days=3))
    for slot, reason in ((soon[0], SlotUnavailable.TOO_SOON), (far[0], SlotUnavailable.TOO_FAR)):
        with pytest.raises(SlotRefused) as refused:
            await booking.book(deps, 800, student.id, slot.id)
        assert refused.value.reason == reason
    await booking.book(deps, 800, student.id, a.id)
    with pytest.raises(SlotRefused) as refused:
        await booking.book(deps, 800, student.id, a.id)
    assert refused.value.reason == SlotUnavailable.ALREADY_YOURS


async def test_another_students_booking_cannot_be_cancelled(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=3))
    owner = await make_student(uow, teacher, 901, now)
    await make_student(uow, teacher, 902, now)
    lesson = await booking.book(deps, 901, owner.id, slot.id)
    with pytest.raises(NotFound):
        await booking.cancel_by_student(deps, 902, lesson.booking_id)
    async with uow() as u:
        found = await u.bookings.get(lesson.booking_id)
        refusals = await u.audit.count_by_actor(902, "refused", now - timedelta(minutes=1))
    assert found is not None and found[0].status == BookingStatus.CONFIRMED
    assert refusals == 1


async def test_cancel_frees_the_seat_and_withdraws_reminders(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, cancel_window_minutes=24 * 60)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=3))
    student = await make_student(uow, teacher, 950, now)
    lesson = await booking.book(deps, 950, student.id, slot.id)
    async with uow() as u:
        pending = [m.kind for m in await u.outbox.by_status(OutboxStatus.PENDING)]
    assert pending.count("reminder") == 2 and "booking_new" in pending
    await booking.cancel_by_student(deps, 950, lesson.booking_id)
    async with uow() as u:
        withdrawn = await u.outbox.by_status(OutboxStatus.WITHDRAWN)
        stored = await u.slots.get(slot.id)
    assert sorted(m.kind for m in withdrawn) == ["reminder", "reminder"]
    assert stored is not None and stored.booked == 0


async def test_cancel_after_the_window_is_refused(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, cancel_window_minutes=24 * 60)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=3))
    student = await make_student(uow, teacher, 960, now)
    lesson = await booking.book(deps, 960, student.id, slot.id)
    clock.advance(timedelta(days=2, hours=1))
    with pytest.raises(CancellationWindowPassed):
        await booking.cancel_by_student(deps, 960, lesson.booking_id)


async def test_failed_reschedule_keeps_the_old_booking_exactly(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    old, taken = await make_slots(uow, teacher, now + timedelta(days=3), count=2)
    me = await make_student(uow, teacher, 970, now)
    other = await make_student(uow, teacher, 971, now)
    lesson = await booking.book(deps, 970, me.id, old.id)
    await booking.book(deps, 971, other.id, taken.id)
    with pytest.raises(SlotRefused):
        await booking.reschedule(deps, 970, lesson.booking_id, taken.id)
    upcoming, _ = await booking.lessons_of_student(deps, 970, me.id)
    assert [(x.booking_id, x.slot_id) for x in upcoming] == [(lesson.booking_id, old.id)]
    async with uow() as u:
        reminders = [m for m in await u.outbox.by_status(OutboxStatus.PENDING) if m.chat_id == 970]
    assert len([m for m in reminders if m.kind == "reminder"]) == 2


async def test_reschedule_takes_the_new_seat_and_frees_the_old(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now)
    old, new = await make_slots(uow, teacher, now + timedelta(days=3), count=2)
    me = await make_student(uow, teacher, 980, now)
    lesson = await booking.book(deps, 980, me.id, old.id)
    moved = await booking.reschedule(deps, 980, lesson.booking_id, new.id)
    assert moved.slot_id == new.id
    async with uow() as u:
        old_now, new_now = await u.slots.get(old.id), await u.slots.get(new.id)
    assert old_now is not None and new_now is not None
    assert (old_now.booked, new_now.booked) == (0, 1)
