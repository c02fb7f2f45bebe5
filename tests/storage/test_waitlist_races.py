"""The waitlist on both databases: a held seat is nobody else's, two seats offer two students,
and a holder's Book against the hold's expiry is decided by the database, once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import inspect, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from bot.domain.errors import SlotRefused
from bot.domain.model import OutboxStatus, Slot, Student, Teacher
from bot.domain.notices import NoticeKind
from bot.domain.waitlist import WaitlistRefused, WaitState
from bot.services import booking, seats, series, teacher_booking, waitlist, waitlist_offers
from bot.services.context import Deps
from storage.migrate import alembic_config, upgrade_to_head
from storage.models import SlotRow
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_slots, make_student, make_teacher

HOLD = timedelta(minutes=15)


@pytest.fixture
def deps(uow: Callable[[], SqlUnitOfWork], clock: ManualClock) -> Deps:
    return Deps(uow=uow, clock=clock, vault=VAULT)


async def _full_slot(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], capacity: int, waiting: int, base: int
) -> tuple[Teacher, Slot, list[Student], list[Student]]:
    """A full slot of `capacity` seats, booked by that many students, `waiting` more in line."""
    now = deps.clock.now()
    teacher = await make_teacher(uow, now, telegram_id=base)
    [slot] = await make_slots(uow, teacher, now + timedelta(days=2), capacity=capacity)
    seated = [await make_student(uow, teacher, base + 1 + i, now) for i in range(capacity)]
    for s in seated:
        await booking.book(deps, s.telegram_id or 0, s.id, slot.id)
    line = [await make_student(uow, teacher, base + 100 + i, now) for i in range(waiting)]
    for s in line:
        await waitlist.join(deps, s.telegram_id or 0, s.id, slot.id)
    return teacher, slot, seated, line


async def _cancel(deps: Deps, student: Student) -> None:
    """The student cancels their one lesson (a seat frees)."""
    [lesson], _ = await booking.lessons_of_student(deps, student.telegram_id or 0, student.id)
    await booking.cancel_by_student(deps, student.telegram_id or 0, lesson.booking_id)


async def _seats(uow: Callable[[], SqlUnitOfWork], slot_id: int) -> tuple[int, int]:
    async with uow() as u:
        found = await u.slots.get(slot_id)
    assert found is not None
    return found.booked, found.held


async def test_a_held_seat_is_refused_to_everyone_else_and_booked_by_its_holder(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    _, slot, [ana], [ben, cleo] = await _full_slot(deps, uow, 1, 2, 5000)
    await _cancel(deps, ana)
    assert await _seats(uow, slot.id) == (0, 1)  # held for Ben, not free
    with pytest.raises(SlotRefused):  # Cleo, from the calendar: the seat is Ben's
        await booking.book(deps, cleo.telegram_id or 0, cleo.id, slot.id)
    with pytest.raises(SlotRefused):  # Ana again: the seat she gave back is held
        await booking.book(deps, ana.telegram_id or 0, ana.id, slot.id)
    await booking.book(deps, ben.telegram_id or 0, ben.id, slot.id)  # the holder, any path
    assert await _seats(uow, slot.id) == (1, 0)
    async with uow() as u:
        [(entry, _, place)] = await u.waitlist.of_students([cleo.id])
    assert entry.state == WaitState.WAITING and place == 1


async def test_two_seats_freeing_at_once_offer_two_students(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    _, slot, _, line = await _full_slot(deps, uow, 2, 3, 5200)
    async with uow() as u:  # the teacher adds two seats to the lesson
        await u.session.execute(update(SlotRow).where(SlotRow.id == slot.id).values(capacity=4))
        await u.commit()
    assert await waitlist_offers.sweep(deps) == 2
    assert await waitlist_offers.sweep(deps) == 0  # a rerun offers nobody twice
    assert await _seats(uow, slot.id) == (2, 2)
    async with uow() as u:
        states = [(await u.waitlist.of_students([s.id]))[0][0].state for s in line]
    assert states == [WaitState.OFFERED, WaitState.OFFERED, WaitState.WAITING]


async def test_two_waitlisted_students_racing_for_one_freed_seat(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    _, slot, [ana], [ben, cleo] = await _full_slot(deps, uow, 1, 2, 5400)
    await _cancel(deps, ana)
    async with uow() as u:
        [(ben_entry, _, _)] = await u.waitlist.of_students([ben.id])

    async def ben_books() -> str:
        await waitlist.book_offer(deps, ben.telegram_id or 0, ben_entry.id)
        return "booked"

    async def cleo_books() -> str:
        try:
            await booking.book(deps, cleo.telegram_id or 0, cleo.id, slot.id)
        except SlotRefused as refused:
            return refused.reason.value
        return "booked"

    assert await asyncio.gather(ben_books(), cleo_books()) == ["booked", "full"]
    assert await _seats(uow, slot.id) == (1, 0)


@pytest.mark.parametrize("round_", range(3))
async def test_a_book_against_the_expiring_hold_is_decided_by_the_database(
    deps: Deps, uow: Callable[[], SqlUnitOfWork], round_: int
) -> None:
    _, slot, [ana], [ben, cleo] = await _full_slot(deps, uow, 1, 2, 5600 + round_ * 1000)
    await _cancel(deps, ana)
    async with uow() as u:
        [(ben_entry, _, _)] = await u.waitlist.of_students([ben.id])
    assert ben_entry.hold_until is not None
    # Ben presses a second before his hold ends; the pass runs a second after it ended.
    pressed = replace(deps, clock=ManualClock(ben_entry.hold_until - timedelta(seconds=1)))
    swept = replace(deps, clock=ManualClock(ben_entry.hold_until + timedelta(seconds=1)))

    async def press() -> str:
        try:
            await waitlist.book_offer(pressed, ben.telegram_id or 0, ben_entry.id)
        except WaitlistRefused:
            return "gone"
        return "booked"

    outcome, _ = await asyncio.gather(press(), waitlist_offers.sweep(swept))
    booked, held = await _seats(uow, slot.id)
    async with uow() as u:
        ben_state = (await u.waitlist.get(ben_entry.id)).state  # type: ignore[union-attr]
        cleo_live = await u.waitlist.live(slot.id, cleo.id)
    if outcome == "booked":
        assert ben_state == WaitState.BOOKED and (booked, held) == (1, 0)
        assert cleo_live is not None and cleo_live.state == WaitState.WAITING
    else:
        assert ben_state == WaitState.LAPSED and (booked, held) == (0, 1)
        assert cleo_live is not None and cleo_live.state == WaitState.OFFERED


async def test_the_database_refuses_holds_beyond_the_seats(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    _, slot, _, _ = await _full_slot(deps, uow, 1, 0, 6900)
    with pytest.raises(IntegrityError):
        async with uow() as u:
            await u.session.execute(update(SlotRow).where(SlotRow.id == slot.id).values(held=1))
            await u.commit()


async def test_migration_0013_adds_the_waitlist_and_downgrades_cleanly(
    empty_engine: AsyncEngine,
) -> None:
    from alembic import command

    def _step(conn: Connection, target: str, up: bool) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        (command.upgrade if up else command.downgrade)(cfg, target)

    def _mine(conn: Connection) -> set[str]:
        found = inspect(conn)
        names = set(found.get_table_names()) & {"waitlist_entries"}
        names |= {f"slots.{c['name']}" for c in found.get_columns("slots")} & {"slots.held"}
        return names

    mine = {"waitlist_entries", "slots.held"}
    await upgrade_to_head(empty_engine)
    async with empty_engine.begin() as conn:
        assert await conn.run_sync(_mine) == mine
        await conn.run_sync(_step, "0012_calendar_feeds", False)
        assert await conn.run_sync(_mine) == set()
        await conn.run_sync(_step, "head", True)
        assert await conn.run_sync(_mine) == mine


async def test_the_teacher_cannot_give_a_held_seat_away_but_may_book_it_for_its_holder(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    teacher, slot, [ana], [ben, cleo] = await _full_slot(deps, uow, 1, 2, 7100)
    await _cancel(deps, ana)
    with pytest.raises(SlotRefused):
        await teacher_booking.book_for(deps, teacher.telegram_id, cleo.id, slot.id)
    await teacher_booking.book_for(deps, teacher.telegram_id, ben.id, slot.id)
    assert await _seats(uow, slot.id) == (1, 0)
    async with uow() as u:
        assert await u.waitlist.live(slot.id, ben.id) is None  # the hold became his lesson


async def test_two_workers_passing_at_once_offer_each_seat_once(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    _, slot, _, line = await _full_slot(deps, uow, 2, 3, 7300)
    async with uow() as u:  # two more seats
        await u.session.execute(update(SlotRow).where(SlotRow.id == slot.id).values(capacity=4))
        await u.commit()
    first, second = await asyncio.gather(waitlist_offers.sweep(deps), waitlist_offers.sweep(deps))
    assert first + second == 2
    assert await _seats(uow, slot.id) == (2, 2)
    async with uow() as u:
        offered = [
            (await u.waitlist.of_students([s.id]))[0][0].state == WaitState.OFFERED for s in line
        ]
        rows = [m for status in OutboxStatus for m in await u.outbox.by_status(status)]
    assert offered == [True, True, False]
    assert len([m for m in rows if m.kind == NoticeKind.WAITLIST_OFFER]) == 2


async def test_the_holder_may_book_the_held_seat_weekly(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    _, slot, [ana], [ben] = await _full_slot(deps, uow, 1, 1, 5900)
    await _cancel(deps, ana)
    assert await _seats(uow, slot.id) == (0, 1)  # held for Ben
    started = await series.start(deps, ben.telegram_id or 0, ben.id, slot.id, 2)
    assert [o.starts_at for o in started.booked] == [slot.starts_at]  # his hold, not "full"
    assert await _seats(uow, slot.id) == (1, 0)


async def test_a_seat_held_for_the_student_after_their_slot_was_read_is_still_theirs(
    deps: Deps, uow: Callable[[], SqlUnitOfWork]
) -> None:
    # The teacher adds a seat; Ben's Confirm reads it free, with nothing held; before his seat
    # is taken, the waitlist holds that seat for him (another transaction): his own offer
    # books it, where "full" would refuse him the seat held for him.
    teacher, slot, _, [ben] = await _full_slot(deps, uow, 1, 1, 5600)
    async with uow() as u:
        await u.session.execute(update(SlotRow).where(SlotRow.id == slot.id).values(capacity=2))
        await u.commit()
    async with uow() as u:
        read_before = await u.slots.get(slot.id)
    assert read_before is not None and (read_before.booked, read_before.held) == (1, 0)
    async with uow() as u:
        assert await waitlist_offers.offer_freed(u, deps.clock.now(), slot.id) == 1
        await u.commit()
    assert await _seats(uow, slot.id) == (1, 1)  # held for Ben
    async with uow() as u:
        await seats.take(u, deps, ben, read_before, teacher)
        await u.commit()
    assert await _seats(uow, slot.id) == (2, 0)
    async with uow() as u:
        assert await u.waitlist.of_students([ben.id]) == [], "his offer was used, not left open"
