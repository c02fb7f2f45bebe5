"""Migration 0004: teachers from before it get the 10-minute grace period; it is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import TeacherSettings
from storage.engine import uow_factory
from storage.migrate import alembic_config
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def _migrate(engine: AsyncEngine, action: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        getattr(command, action)(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _teacher_columns(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        columns = await conn.run_sync(lambda c: inspect(c).get_columns("teachers"))
    return {column["name"] for column in columns}


async def test_a_teacher_from_before_the_migration_gets_ten_minutes(
    empty_engine: AsyncEngine,
) -> None:
    engine = empty_engine
    await _migrate(engine, "upgrade", "0003")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO teachers (telegram_id, display_name, timezone, slot_minutes, "
                "advance_notice_minutes, horizon_days, cancel_window_minutes, "
                "reminder_leads, notifications_enabled, teacher_reminders, "
                "inactive_after_days, created_at) VALUES (4242, 'Anna', 'UTC', 60, 120, "
                "28, 1440, '1440,60', true, false, 30, :at)"
            ),
            {"at": T0},
        )
    await _migrate(engine, "upgrade", "head")
    async with uow_factory(engine)() as uow:
        teacher = await uow.teachers.by_telegram(4242)
    assert teacher is not None and teacher.settings.grace_minutes == 10

    await _migrate(engine, "downgrade", "0003")
    assert "grace_minutes" not in await _teacher_columns(engine)
    async with engine.connect() as conn:
        kept = await conn.scalar(text("SELECT count(*) FROM teachers"))
    assert kept == 1  # the downgrade drops the column, never the teachers


async def test_the_grace_period_is_stored_and_read_back(uow: Callable[[], SqlUnitOfWork]) -> None:
    async with uow() as u:
        added = await u.teachers.add(1, "Anna", replace(TeacherSettings(), grace_minutes=0), T0)
        await u.commit()
    async with uow() as u:
        again = await u.teachers.get(added.id)
    assert again is not None and again.settings.grace_minutes == 0
