"""Reads never take the write lock: /stats, exports and the other views run on read units."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Self

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.clock import ManualClock
from bot.domain.model import Slot, Student, Teacher
from bot.services import booking, exports, ops, stats, students, teachers, updates
from bot.services.context import Deps, audit
from storage.engine import read_factory, session_factory, uow_factory
from storage.repositories.teachers import SqlTeachers
from storage.uow import SqlUnitOfWork
from tests.factories import VAULT, make_slots, make_student, make_teacher

TEACHER = 9000
ADMIN = 4242
# Generous for a busy machine, yet shorter than SQLite's 30 s busy timeout a held lock costs.
BOOKING_DEADLINE = 15.0


@dataclass
class World:
    """A teacher with two students, one booked lesson and one free slot."""

    teacher: Teacher
    booked: Student
    other: Student
    free: Slot


@pytest.fixture
async def world(engine: AsyncEngine, clock: ManualClock) -> World:
    uow = uow_factory(engine)
    now = clock.now()
    teacher = await make_teacher(uow, now, TEACHER)
    first = await make_student(uow, teacher, 501, now)
    second = await make_student(uow, teacher, 502, now)
    taken, free = await make_slots(uow, teacher, now + timedelta(days=2), count=2)
    await booking.book(_deps(engine, clock), 501, first.id, taken.id)
    return World(teacher, first, second, free)


def _deps(
    engine: AsyncEngine,
    clock: ManualClock,
    *,
    uow: Callable[[], SqlUnitOfWork] | None = None,
    read: Callable[[], SqlUnitOfWork] | None = None,
) -> Deps:
    return Deps(
        uow=uow or uow_factory(engine),
        read=read or read_factory(engine),
        clock=clock,
        vault=VAULT,
        admin_ids=frozenset({ADMIN}),
    )


def _no_write_unit() -> SqlUnitOfWork:
    raise AssertionError("a read path opened a write unit of work (it takes the write lock)")


READS: dict[str, Callable[[Deps, World], Awaitable[object]]] = {
    "stats": lambda d, w: stats.teacher_stats(d, TEACHER, "90d"),
    "student stats": lambda d, w: stats.student_stats(d, TEACHER, w.booked.id),
    "stats by name": lambda d, w: stats.student_stats(d, TEACHER, w.booked.name),
    "audit page": lambda d, w: stats.student_events(d, TEACHER, w.booked.id, 0),
    "csv export": lambda d, w: exports.export(d, TEACHER, "month"),
    "ics export": lambda d, w: exports.coming_lessons(d, TEACHER),
    "students": lambda d, w: students.roster(d, TEACHER),
    "ops": lambda d, w: ops.operations(d, ADMIN, [], time.time()),
    "settings": lambda d, w: teachers.get(d, TEACHER),
    "outbox backlog": lambda d, w: updates.outbox_backlog(d),
}


@pytest.mark.parametrize("name", READS)
async def test_a_read_path_never_opens_a_write_unit(
    engine: AsyncEngine, clock: ManualClock, world: World, name: str
) -> None:
    deps = _deps(engine, clock, uow=_no_write_unit)
    assert await READS[name](deps, world) is not None


async def test_a_read_unit_cannot_write(engine: AsyncEngine, clock: ManualClock) -> None:
    async with read_factory(engine)() as uow:
        with pytest.raises(DBAPIError, match=r"read-?only"):
            await uow.audit.add(audit("probe", "ok", _deps(engine, clock)))


class HeldOpen:
    """Units of work on one engine that pause after their first query until released.

    The first query has begun the transaction (and, in a write unit on SQLite, taken the
    write lock), so the test acts while /stats is provably inside its transaction.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.inside = asyncio.Event()
        self.release = asyncio.Event()
        self.sessions = session_factory(engine)
        self.dialect = engine.dialect.name

    def units(self, *, readonly: bool) -> Callable[[], SqlUnitOfWork]:
        return lambda: _HeldUnit(self, readonly)


class _HeldUnit(SqlUnitOfWork):
    def __init__(self, hold: HeldOpen, readonly: bool) -> None:
        super().__init__(hold.sessions, hold.dialect, readonly)
        self.hold = hold

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.teachers = _HeldTeachers(self.session, self.hold)
        return self


class _HeldTeachers(SqlTeachers):
    """Teachers whose lookup by Telegram id (every view's first query) waits for the test."""

    def __init__(self, session: AsyncSession, hold: HeldOpen) -> None:
        super().__init__(session)
        self.hold = hold

    async def by_telegram(self, telegram_id: int) -> Teacher | None:
        found = await super().by_telegram(telegram_id)
        self.hold.inside.set()
        await self.hold.release.wait()
        return found


def _write_lock_is_free(engine: AsyncEngine) -> bool:
    """Whether another connection could take SQLite's write lock right now (no waiting)."""
    path = engine.url.database
    assert path is not None
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


@pytest.mark.parametrize("backend", ["sqlite"])  # the write lock is SQLite's; PostgreSQL locks rows
async def test_a_booking_commits_while_stats_is_reading(
    engine: AsyncEngine, clock: ManualClock, world: World
) -> None:
    hold = HeldOpen(engine)
    reading_deps = _deps(
        engine, clock, uow=hold.units(readonly=False), read=hold.units(readonly=True)
    )
    before = (await stats.teacher_stats(_deps(engine, clock), TEACHER, "90d")).counts
    reading = asyncio.create_task(stats.teacher_stats(reading_deps, TEACHER, "90d"))
    try:
        await asyncio.wait_for(hold.inside.wait(), timeout=30)
        assert _write_lock_is_free(engine), "/stats holds the write lock while it reads"
        lesson = await asyncio.wait_for(
            booking.book(_deps(engine, clock), 502, world.other.id, world.free.id),
            timeout=BOOKING_DEADLINE,
        )
    finally:
        hold.release.set()
    figures = await reading
    assert lesson.slot_id == world.free.id
    # The read is one snapshot: the booking made meanwhile is not half-counted.
    assert figures.counts == before
