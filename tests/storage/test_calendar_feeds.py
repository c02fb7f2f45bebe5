"""Calendar feeds in storage: migration 0012 up and down; a busy calendar is fetched by one
worker at a time; its busy time blocks slot planning but stays out of the typed time off."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import TeacherSettings
from storage.migrate import alembic_config, upgrade_to_head
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def _tables(conn: Connection) -> set[str]:
    found = inspect(conn)
    names = set(found.get_table_names())
    return names | {f"time_off.{c['name']}" for c in found.get_columns("time_off")}


async def test_migration_0012_adds_the_feed_tables_and_downgrades_cleanly(
    empty_engine: AsyncEngine,
) -> None:
    from alembic import command

    def _step(conn: Connection, target: str, up: bool) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        (command.upgrade if up else command.downgrade)(cfg, target)

    mine = {"feed_tokens", "busy_calendars", "time_off.feed_id"}
    await upgrade_to_head(empty_engine)
    async with empty_engine.begin() as conn:
        assert mine <= await conn.run_sync(_tables)
        await conn.run_sync(_step, "0008_press_indexes", False)
        assert not mine & await conn.run_sync(_tables)
        await conn.run_sync(_step, "head", True)
        assert mine <= await conn.run_sync(_tables)


async def test_two_workers_never_claim_the_same_calendar(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        teacher = await u.teachers.add(1001, "Anna", TeacherSettings(), T0)
        calendar_id = await u.feeds.set_busy_calendar(teacher.id, b"sealed", T0)
        await u.commit()

    async def claim(at: datetime) -> list[int]:
        async with uow() as u:
            got = await u.feeds.claim_due(at, 10, LEASE)
            await u.commit()
        return [c.id for c in got]

    first, second = await asyncio.gather(claim(T0), claim(T0))
    assert sorted([first, second]) == [[], [calendar_id]]
    assert await claim(T0 + LEASE - timedelta(seconds=1)) == [], "the lease holds"
    assert await claim(T0 + LEASE) == [calendar_id], "a worker that died lets go"


async def test_busy_time_blocks_planning_but_is_not_the_teachers_time_off(
    uow: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow() as u:
        teacher = await u.teachers.add(1001, "Anna", TeacherSettings(), T0)
        calendar_id = await u.feeds.set_busy_calendar(teacher.id, b"sealed", T0)
        busy = (T0 + timedelta(hours=2), T0 + timedelta(hours=3))
        await u.feeds.add_busy(teacher.id, calendar_id, [busy], T0)
        await u.commit()
    async with uow() as u:
        assert await u.availability.time_off(teacher.id, T0) == [busy]
        assert await u.availability.coming_time_off(teacher.id, T0) == []
        assert await u.feeds.remove_busy_calendar(teacher.id) == 1
        await u.commit()
    async with uow() as u:
        assert await u.availability.time_off(teacher.id, T0) == []
