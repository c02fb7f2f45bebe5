"""Migration 0005: teachers from before it may take weekly series (up to 26 weeks); it undoes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import uow_factory
from tests.storage.test_grace_migration import _migrate, _teacher_columns

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def test_a_teacher_from_before_series_takes_them_and_the_migration_undoes(
    empty_engine: AsyncEngine,
) -> None:
    engine = empty_engine
    await _migrate(engine, "upgrade", "0004")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO teachers (telegram_id, display_name, timezone, slot_minutes, "
                "advance_notice_minutes, horizon_days, cancel_window_minutes, grace_minutes, "
                "reminder_leads, notifications_enabled, teacher_reminders, "
                "inactive_after_days, created_at) VALUES (4242, 'Anna', 'UTC', 60, 120, "
                "28, 1440, 10, '1440,60', true, false, 30, :at)"
            ),
            {"at": T0},
        )
    await _migrate(engine, "upgrade", "head")
    async with uow_factory(engine)() as uow:
        teacher = await uow.teachers.by_telegram(4242)
    assert teacher is not None
    assert teacher.settings.series_enabled and teacher.settings.series_max_weeks == 26

    await _migrate(engine, "downgrade", "0004")
    assert "series_enabled" not in await _teacher_columns(engine)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert "series" not in tables and "series_occurrences" not in tables
