"""Time off with its reason: migration 0003 adds the column; rows are listed and removed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import TeacherSettings
from storage.migrate import alembic_config, upgrade_to_head
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _columns(conn: Connection) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns("time_off")}


async def test_migration_0003_adds_the_reason_and_downgrades_cleanly(
    empty_engine: AsyncEngine,
) -> None:
    from alembic import command

    def _step(conn: Connection, target: str, up: bool) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        (command.upgrade if up else command.downgrade)(cfg, target)

    await upgrade_to_head(empty_engine)
    async with empty_engine.begin() as conn:
        assert "reason" in await conn.run_sync(_columns)
        await conn.run_sync(_step, "0002", False)
        assert "reason" not in await conn.run_sync(_columns)
        await conn.run_sync(_step, "head", True)
        assert "reason" in await conn.run_sync(_columns)


async def test_time_off_keeps_its_reason_and_can_be_removed(
    uow: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow() as u:
        teacher = await u.teachers.add(1001, "Anna", TeacherSettings(), T0)
        past = await u.availability.add_time_off(teacher.id, T0 - timedelta(days=2), T0, T0)
        day = await u.availability.add_time_off(
            teacher.id, T0 + timedelta(days=1), T0 + timedelta(days=2), T0, reason="flu"
        )
        await u.commit()
    async with uow() as u:
        [coming] = await u.availability.coming_time_off(teacher.id, T0)
        assert (coming.id, coming.reason, coming.teacher_id) == (day, "flu", teacher.id)
        assert coming.starts_at == T0 + timedelta(days=1)
        assert await u.availability.remove_time_off(day) == 1
        assert await u.availability.remove_time_off(day) == 0  # a second press removes nothing
        await u.commit()
    async with uow() as u:
        assert await u.availability.get_time_off(day) is None
        assert await u.availability.get_time_off(past) is not None
        assert await u.availability.coming_time_off(teacher.id, T0) == []
