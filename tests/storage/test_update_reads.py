"""One read transaction per update: the identity's read serves the update's next read.

storage.uow.one_read_per_update keeps the read unit the identity was read in open; the next
read unit takes it over, while a write unit, a Bot API call or the update's end ends it first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.services import accounts, booking
from bot.services import student_calendar as calendar
from bot.services.context import Deps
from bot.services.student_calendar_model import Cursor, SlotState
from storage.engine import read_factory, uow_factory
from storage.uow import end_kept_read, one_read_per_update
from tests.factories import VAULT, make_slots, make_student, make_teacher

ACCOUNT = 501


@contextmanager
def transactions(engine: AsyncEngine) -> Iterator[list[int]]:
    """How many transactions begin on the engine inside the block (one list item each)."""
    begun: list[int] = []

    def count(*_args: object) -> None:
        begun.append(1)

    event.listen(engine.sync_engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(engine.sync_engine, "begin", count)


async def _student_with_slots(
    engine: AsyncEngine, clock: ManualClock
) -> tuple[Deps, int, list[int]]:
    deps = Deps(uow=uow_factory(engine), read=read_factory(engine), clock=clock, vault=VAULT)
    teacher = await make_teacher(deps.uow, clock.now())
    student = await make_student(deps.uow, teacher, ACCOUNT, clock.now())
    slots = await make_slots(deps.uow, teacher, clock.now() + timedelta(days=1), count=6)
    await accounts.identify(deps, ACCOUNT, "Student")
    return deps, student.id, [s.id for s in slots]


async def test_an_update_reads_its_identity_and_its_screen_in_one_transaction(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, student_id, _ = await _student_with_slots(engine, clock)
    cursor = Cursor(student_id=student_id)
    apart = await calendar.week(deps, await accounts.identify(deps, ACCOUNT, "Student"), cursor)

    with transactions(engine) as begun:
        async with one_read_per_update():
            who = await accounts.identify(deps, ACCOUNT, "Student")
            week = await calendar.week(deps, who, cursor)

    assert len(begun) == 1
    assert week == apart and sum(d.free for d in week.days) == 6
    assert engine.sync_engine.pool.checkedout() == 0  # nothing left open after the update


async def test_a_read_after_a_write_in_the_same_update_sees_the_write(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, student_id, slots = await _student_with_slots(engine, clock)
    cursor = Cursor(student_id=student_id)

    async with one_read_per_update():
        who = await accounts.identify(deps, ACCOUNT, "Student")
        lesson = await booking.book(deps, ACCOUNT, student_id, slots[2])
        day = await calendar.day(deps, who, cursor.on(lesson.starts_at.date()))

    states = {s.slot_id: s.state for s in day.slots}
    assert states[slots[2]] == SlotState.MINE
    assert engine.sync_engine.pool.checkedout() == 0


async def test_a_bot_api_call_ends_the_kept_read_and_outside_an_update_nothing_is_kept(
    engine: AsyncEngine, clock: ManualClock
) -> None:
    deps, student_id, _ = await _student_with_slots(engine, clock)
    cursor = Cursor(student_id=student_id)

    with transactions(engine) as begun:
        async with one_read_per_update():
            who = await accounts.identify(deps, ACCOUNT, "Student")
            assert engine.sync_engine.pool.checkedout() == 1  # kept for the next read
            await end_kept_read()  # what the bot does before each Bot API call
            assert engine.sync_engine.pool.checkedout() == 0
            await calendar.week(deps, who, cursor)
    assert len(begun) == 2

    await accounts.identify(deps, ACCOUNT, "Student")  # no update around it: nothing kept
    assert engine.sync_engine.pool.checkedout() == 0
