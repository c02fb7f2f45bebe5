"""The suite's own databases: each test's copy starts at head and alone; leftovers are dropped."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.model import TeacherSettings
from storage.migrate import alembic_config
from storage.uow import SqlUnitOfWork
from tests.databases import (
    PREFIX,
    create_database,
    drop_database,
    drop_leftovers,
    list_databases,
    postgres_url,
)

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DAY = 24 * 3600


# Two runs of one test: the second fails if it sees the first one's row.
@pytest.mark.parametrize("attempt", ["first", "second"])
async def test_each_test_starts_at_head_with_no_rows_from_another(
    engine: AsyncEngine, uow: Callable[[], SqlUnitOfWork], attempt: str
) -> None:
    async with engine.connect() as conn:
        version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
    async with uow() as u:
        assert await u.teachers.by_telegram(4242) is None, f"{attempt}: a row of another test"
        await u.teachers.add(4242, "Anna", TeacherSettings(), T0)
        await u.commit()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_killed_runs_databases_go_after_a_day_and_a_live_runs_stay(backend: str) -> None:
    url = postgres_url()
    assert url is not None
    now = int(time.time())
    stale = f"{PREFIX}t_{now - 2 * DAY}_{uuid.uuid4().hex[:12]}"
    live = f"{PREFIX}tpl_{now - 3600}_{uuid.uuid4().hex[:12]}"  # a long run beside this one
    for name in (stale, live):
        await create_database(url, name, "template0")
    try:
        await drop_leftovers(url)
        names = await list_databases(url)
        assert stale not in names
        assert live in names
    finally:
        for name in set(await list_databases(url)) & {stale, live}:
            await drop_database(url, name)
