"""Weekly series on the real databases: occurrences booked or skipped, seats never shared,
wall time kept across daylight saving, rolling forward once, cancelling the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.clock import ManualClock
from bot.domain.errors import SlotRefused
from bot.domain.model import OutboxStatus, Teacher
from bot.domain.notices import NoticeKind
from bot.domain.series import ONGOING, SeriesRefused, SeriesUnavailable
from bot.services import booking, series, series_cancel, series_upkeep, student_bookings
from bot.services.context import Deps
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_student, make_teacher

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def weekly_slots(
    uow: Callable[[], SqlUnitOfWork],
    teacher: Teacher,
    first_day: datetime,
    weeks: int,
    at: time = time(17, 0),
    capacity: int = 1,
) -> list[int]:
    """One slot a week at a wall time in the teacher's zone; their ids by time."""
    zone = ZoneInfo(teacher.settings.timezone)
    times = []
    for week in range(weeks):
        day = (first_day + timedelta(weeks=week)).date()
        start = datetime.combine(day, at, zone).astimezone(UTC)
        times.append((start, start + timedelta(hours=1)))
    async with uow() as u:
        await u.slots.add_many(teacher.id, None, times, capacity, "Math")
        slots = await u.slots.between(teacher.id, times[0][0], times[-1][1])
        await u.commit()
    return [s.id for s in slots if (s.starts_at, s.ends_at) in times]


async def outbox_kinds(uow: Callable[[], SqlUnitOfWork], chat_id: int) -> list[str]:
    async with uow() as u:
        pending = await u.outbox.by_status(OutboxStatus.PENDING)
    return [m.kind for m in pending if m.chat_id == chat_id]


async def test_eight_weeks_are_eight_bookings_and_the_teacher_is_told_once(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=70)
    student = await make_student(uow, teacher, 501, now)
    ids = await weekly_slots(uow, teacher, now + timedelta(days=1), 10)
    started = await series.start(deps, 501, student.id, ids[0], 8)
    assert len(started.booked) == 8 and not started.skipped and started.later == 0
    async with uow() as u:
        lessons = await u.bookings.of_student(student.id)
    assert [s.id for _, s in lessons] == ids[:8]
    assert {b.series_id for b, _ in lessons} == {started.series_id}
    kinds = await outbox_kinds(uow, teacher.telegram_id)
    assert kinds.count(NoticeKind.SERIES_BOOKED.value) == 1
    assert NoticeKind.BOOKING_NEW.value not in kinds


async def test_an_unavailable_week_is_skipped_and_named(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=70)
    anna = await make_student(uow, teacher, 501, now)
    boris = await make_student(uow, teacher, 502, now)
    ids = await weekly_slots(uow, teacher, now + timedelta(days=1), 8)
    await booking.book(deps, 502, boris.id, ids[2])
    started = await series.start(deps, 501, anna.id, ids[0], 8)
    assert len(started.booked) == 7
    [gap] = started.skipped
    assert gap.skipped is not None and gap.skipped.value == "full"
    async with uow() as u:
        slot = await u.slots.get(ids[2])
    assert slot is not None and gap.starts_at == slot.starts_at


async def test_concurrent_overlapping_series_never_share_a_seat(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=70)
    students = [await make_student(uow, teacher, 600 + i, now) for i in range(6)]
    ids = await weekly_slots(uow, teacher, now + timedelta(days=1), 9)

    async def attempt(i: int) -> list[int] | str:
        # Each starts in a different week, so the series overlap in their later weeks.
        try:
            got = await series.start(deps, 600 + i, students[i].id, ids[i % 3], 6)
        except SlotRefused as refused:
            return refused.reason.value
        return [o.booking_id or 0 for o in got.booked]

    results = await asyncio.gather(*(attempt(i) for i in range(6)))
    async with uow() as u:
        for slot_id in ids:
            slot = await u.slots.get(slot_id)
            assert slot is not None and slot.booked <= 1
            assert len(await u.bookings.of_slot(slot_id)) == slot.booked
    booked = [b for r in results if isinstance(r, list) for b in r]
    assert len(booked) == len(set(booked)) and 1 <= len(booked) <= len(ids)
    assert all(r == "full" or r == "already_yours" for r in results if isinstance(r, str))


async def test_neighbouring_series_racing_keep_the_teachers_buffer(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(
        uow, now, timezone="Europe/Berlin", horizon_days=70, buffer_minutes=15
    )
    early = await weekly_slots(uow, teacher, now + timedelta(days=1), 4, at=time(16, 0))
    late = await weekly_slots(uow, teacher, now + timedelta(days=1), 4, at=time(17, 0))
    students = [await make_student(uow, teacher, 650 + i, now) for i in range(6)]

    async def attempt(i: int) -> int:
        try:
            got = await series.start(deps, 650 + i, students[i].id, (early, late)[i % 2][0], 4)
        except SlotRefused:
            return 0
        return len(got.booked)

    booked = await asyncio.gather(*(attempt(i) for i in range(6)))
    assert sum(booked) == 4  # one series got every week; back-to-back lessons would break it
    async with uow() as u:
        for week in range(4):
            seats = [(await u.slots.get(ids[week])) for ids in (early, late)]
            assert sum(s.booked for s in seats if s is not None) == 1


async def test_wall_time_holds_across_the_end_of_daylight_saving(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    clock.set(datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=60)
    student = await make_student(uow, teacher, 501, now)
    ids = await weekly_slots(uow, teacher, datetime(2026, 10, 13, tzinfo=UTC), 4)
    started = await series.start(deps, 501, student.id, ids[0], 4)
    starts = [o.starts_at for o in started.booked]
    assert [s.astimezone(BERLIN).time() for s in starts] == [time(17, 0)] * 4
    # 27 Oct 2026 is the first Tuesday after clocks go back: one hour later in UTC.
    assert [s.hour for s in starts] == [15, 15, 16, 16]


async def test_ongoing_series_rolls_forward_once_and_stops_when_cancelled(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=21)
    student = await make_student(uow, teacher, 501, now)
    ids = await weekly_slots(uow, teacher, now + timedelta(days=1), 8)
    started = await series.start(deps, 501, student.id, ids[0], ONGOING)
    assert len(started.booked) == 3 and started.ongoing
    clock.advance(timedelta(days=14))
    rolled = await asyncio.gather(
        series_upkeep.roll_forward(deps), series_upkeep.roll_forward(deps)
    )
    assert sum(rolled) == 2  # two more weeks came within the horizon, booked once
    async with uow() as u:
        lessons = await u.bookings.of_student(student.id)
    assert [s.id for _, s in lessons] == ids[:5]
    third = lessons[2][0]
    ended = await series_cancel.cancel_rest_by_student(deps, 501, third.id)
    assert len(ended.cancelled) == 3
    clock.advance(timedelta(days=14))
    assert await series_upkeep.roll_forward(deps) == 0
    async with uow() as u:
        left = await u.bookings.of_student(student.id)
    assert [s.id for _, s in left] == ids[:2]
    kinds = await outbox_kinds(uow, teacher.telegram_id)
    assert kinds.count(NoticeKind.SERIES_CANCELLED.value) == 1
    assert NoticeKind.BOOKING_CANCELLED.value not in kinds


async def test_a_moved_occurrence_stays_in_its_series(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=70)
    student = await make_student(uow, teacher, 501, now)
    ids = await weekly_slots(uow, teacher, now + timedelta(days=1), 4)
    spare = await weekly_slots(uow, teacher, now + timedelta(days=2), 1, at=time(9, 0))
    started = await series.start(deps, 501, student.id, ids[0], 4)
    moved = await booking.reschedule(deps, 501, started.booked[1].booking_id or 0, spare[0])
    name, _ = await student_bookings.calendar_file(deps, 501, moved.booking_id, "Lesson")
    assert name == f"lesson-{started.booked[1].booking_id}.ics"  # the UID survives the move
    ended = await series_cancel.cancel_rest_by_student(deps, 501, moved.booking_id)
    assert len(ended.cancelled) == 3  # the moved lesson and the two after it
    async with uow() as u:
        left = await u.bookings.of_student(student.id)
    assert [s.id for _, s in left] == ids[:1]


async def test_teacher_settings_bound_series(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, series_max_weeks=6)
    student = await make_student(uow, teacher, 501, now)
    ids = await weekly_slots(uow, teacher, now + timedelta(days=1), 2)
    with pytest.raises(SeriesRefused) as too_long:
        await series.start(deps, 501, student.id, ids[0], 8)
    assert too_long.value.reason == SeriesUnavailable.TOO_LONG
    async with uow() as u:
        stored = await u.teachers.get(teacher.id)
        assert stored is not None
        stored.settings.series_enabled = False
        await u.teachers.save(stored)
        await u.commit()
    with pytest.raises(SeriesRefused) as off:
        await series.start(deps, 501, student.id, ids[0], 4)
    assert off.value.reason == SeriesUnavailable.OFF
    async with uow() as u:
        assert await u.bookings.of_student(student.id, confirmed_only=False) == []


async def test_advance_notice_binds_the_student_not_the_teacher(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], clock: ManualClock
) -> None:
    now = clock.now()
    teacher = await make_teacher(uow, now, timezone="Europe/Berlin", horizon_days=70)
    student = await make_student(uow, teacher, 501, now)
    soon = now.astimezone(BERLIN) + timedelta(hours=1)  # inside the 2-hour advance notice
    ids = await weekly_slots(uow, teacher, soon, 3, at=soon.time().replace(second=0))
    with pytest.raises(SlotRefused) as refused:
        await series.start(deps, 501, student.id, ids[0], 3)
    assert refused.value.reason.value == "too_soon"
    started = await series.start_for_student(deps, teacher.telegram_id, student.id, ids[0], 3)
    assert len(started.booked) == 3 and started.student_name == student.name
    kinds = await outbox_kinds(uow, 501)
    assert kinds.count(NoticeKind.SERIES_BOOKED.value) == 1  # the student is told once
