"""The calendar counts each slot on the viewer's local day, reading only the days it shows.

The counts come from one grouped statement between day boundaries computed in the viewer's
zone; each test checks them against every slot converted one by one, as a person would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.domain.model import Slot, Student, Teacher
from bot.services import accounts, booking
from bot.services import student_calendar as calendar
from bot.services.context import Deps
from bot.services.student_calendar_model import Cursor, Filters, Part, SlotState
from storage.engine import read_factory, uow_factory
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_slots, make_student, make_teacher

ACCOUNT = 501
BERLIN = "Europe/Berlin"
# Friday before Europe's clocks go back (Sunday 25 October 2026, 03:00 -> 02:00 in Berlin).
BEFORE_FALL_BACK = datetime(2026, 10, 23, 9, 0, tzinfo=UTC)


def _deps(engine: AsyncEngine, clock: ManualClock) -> Deps:
    return Deps(uow=uow_factory(engine), read=read_factory(engine), clock=clock, vault=VAULT)


async def _student(
    uow: Callable[[], SqlUnitOfWork], deps: Deps, zone: str | None, **settings: int
) -> tuple[Teacher, Student]:
    now = deps.clock.now()
    teacher = await make_teacher(uow, now, **settings)
    student = await make_student(uow, teacher, ACCOUNT, now)
    await accounts.identify(deps, ACCOUNT, "Student")
    async with uow() as u:
        await u.accounts.update(ACCOUNT, timezone=zone)
        await u.commit()
    return teacher, student


def _by_local_day(slots: list[Slot], zone: str, keep: Callable[[Slot], bool]) -> Counter[date]:
    """How many of the slots fall on each local day, converted one by one."""
    return Counter(s.starts_at.astimezone(ZoneInfo(zone)).date() for s in slots if keep(s))


def _local_hour(slot: Slot) -> int:
    return slot.starts_at.astimezone(ZoneInfo(BERLIN)).hour


async def test_a_week_across_a_dst_change_counts_each_slot_on_its_local_day(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(BEFORE_FALL_BACK)
    deps, uow = _deps(engine, clock), uow_factory(engine)
    teacher, student = await _student(uow, deps, BERLIN, advance_notice_minutes=120)
    # Every half hour for eight days, across the night the clocks go back.
    slots = await make_slots(uow, teacher, BEFORE_FALL_BACK, count=16 * 24, minutes=30)
    mine = slots[100]
    await booking.book(deps, ACCOUNT, student.id, mine.id)
    who = await accounts.identify(deps, ACCOUNT, "Student")

    week = await calendar.week(deps, who, Cursor(student_id=student.id))

    earliest = BEFORE_FALL_BACK + timedelta(minutes=120)
    free = _by_local_day(slots, BERLIN, lambda s: s.starts_at >= earliest and s is not mine)
    assert [(d.day, d.free, d.mine) for d in week.days] == [
        (d.day, free[d.day], int(d.day == mine.starts_at.astimezone(ZoneInfo(BERLIN)).date()))
        for d in week.days
    ]
    sunday = next(d for d in week.days if d.day == date(2026, 10, 25))
    assert sunday.free + sunday.mine == 50  # a 25-hour day: two half hours more than others


async def test_a_part_of_the_day_counts_by_the_local_hour_on_a_dst_day(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(BEFORE_FALL_BACK)
    deps, uow = _deps(engine, clock), uow_factory(engine)
    teacher, student = await _student(uow, deps, BERLIN, advance_notice_minutes=0)
    slots = await make_slots(uow, teacher, BEFORE_FALL_BACK + timedelta(hours=1), count=8 * 24)
    who = await accounts.identify(deps, ACCOUNT, "Student")

    for part, hours in ((Part.MORNING, range(12)), (Part.EVENING, range(17, 24))):
        cursor = Cursor(student_id=student.id, filters=Filters(part=part))
        week = await calendar.week(deps, who, cursor)
        in_part = [s for s in slots if _local_hour(s) in hours]
        local = _by_local_day(in_part, BERLIN, lambda _: True)
        assert [(d.day, d.free) for d in week.days] == [(d.day, local[d.day]) for d in week.days]


async def test_a_month_grid_counts_only_its_own_days_up_to_the_horizon(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, uow = _deps(engine, clock), uow_factory(engine)
    teacher, student = await _student(uow, deps, "America/New_York", horizon_days=20)
    now = clock.now()
    # Hourly slots from now for 40 days: the last 20 lie past the horizon.
    slots = await make_slots(uow, teacher, now, count=40 * 24, minutes=60)
    who = await accounts.identify(deps, ACCOUNT, "Student")

    month = await calendar.month(deps, who, Cursor(student_id=student.id))
    assert month.next is not None
    following = await calendar.month(deps, who, Cursor(student_id=student.id).on(month.next))

    earliest, horizon = now + timedelta(minutes=120), now + timedelta(days=20)
    free = _by_local_day(slots, "America/New_York", lambda s: earliest <= s.starts_at < horizon)
    shown = {d.day: d.free for d in month.days + following.days}
    assert shown == {day: free[day] for day in shown}
    assert sum(shown.values()) == sum(free.values())  # every bookable slot on some day shown
    assert max(shown) == horizon.astimezone(ZoneInfo("America/New_York")).date()
    assert following.next is None


async def test_a_day_shows_its_slots_and_a_subject_past_the_horizon_is_no_filter(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, uow = _deps(engine, clock), uow_factory(engine)
    teacher, student = await _student(uow, deps, None, horizon_days=7)
    now = clock.now()
    day_start = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # the teacher's zone: UTC
    slots = await make_slots(uow, teacher, day_start - timedelta(hours=1), count=26)
    await make_slots(uow, teacher, now + timedelta(days=8), subject="Physics")  # past the horizon
    other = await make_student(uow, teacher, 502, now)
    await booking.book(deps, 502, other.id, slots[3].id)
    await booking.book(deps, ACCOUNT, student.id, slots[5].id)
    who = await accounts.identify(deps, ACCOUNT, "Student")

    day = await calendar.day(deps, who, Cursor(student_id=student.id).on(day_start.date()))

    assert [s.starts_at for s in day.slots] == [s.starts_at for s in slots[1:25]]
    states = {s.slot_id: s.state for s in day.slots}
    assert states[slots[3].id] == SlotState.FULL and states[slots[5].id] == SlotState.MINE
    assert Counter(states.values())[SlotState.FREE] == 22
    assert day.view.subjects == []  # Physics lies past the horizon: nothing to filter by


async def test_a_caller_without_the_updates_identity_gets_the_same_week_by_telegram_id(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, uow = _deps(engine, clock), uow_factory(engine)
    teacher, student = await _student(uow, deps, BERLIN)
    await make_slots(uow, teacher, clock.now() + timedelta(days=1), count=30)
    who = await accounts.identify(deps, ACCOUNT, "Student")

    by_id = await calendar.week(deps, ACCOUNT, Cursor())

    assert by_id == await calendar.week(deps, who, Cursor())
    assert sum(d.free for d in by_id.days) == 30
    assert by_id.view.student_id == student.id and by_id.view.zone == BERLIN


async def test_a_week_with_lessons_booked_counts_on_each_day_what_its_day_view_offers(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, uow = _deps(engine, clock), uow_factory(engine)
    teacher, student = await _student(uow, deps, None, buffer_minutes=20)
    tomorrow = datetime(2026, 11, 24, tzinfo=UTC)  # the teacher's zone: UTC
    # Back-to-back hours 08:00-18:00 for five days, and a group lesson at 18:10 on day 3.
    days = [
        await make_slots(uow, teacher, tomorrow + timedelta(days=d, hours=8), 10) for d in range(5)
    ]
    [group] = await make_slots(
        uow, teacher, tomorrow + timedelta(days=2, hours=18, minutes=10), capacity=3
    )
    other = await make_student(uow, teacher, 502, clock.now())
    await booking.book(deps, 502, other.id, days[1][4].id)  # full, and its neighbours too close
    await booking.book(deps, 502, other.id, group.id)  # seats left; 17:00 too close to it
    own = await booking.book(deps, ACCOUNT, student.id, days[3][2].id)
    who = await accounts.identify(deps, ACCOUNT, "Student")

    for cursor, free in (
        (Cursor(student_id=student.id), [10, 7, 10, 7, 10]),
        # Moving their own lesson gives its hour back: its neighbours are offered again.
        (Cursor(student_id=student.id, moving=own.booking_id), [10, 7, 10, 9, 10]),
    ):
        week = await calendar.week(deps, who, cursor.on(tomorrow.date()))
        shown = [await calendar.day(deps, who, cursor.on(d.day)) for d in week.days]
        offered = [Counter(s.state for s in day.slots) for day in shown]
        assert [(d.free, d.mine) for d in week.days] == [
            (c[SlotState.FREE], c[SlotState.MINE]) for c in offered
        ]
        assert [d.free for d in week.days[:5]] == free
        assert [d.mine for d in week.days[:5]] == [0, 0, 0, 1, 0]
