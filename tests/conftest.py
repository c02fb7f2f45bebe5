"""Shared fixtures: a migrated database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from storage.engine import create_engine, uow_factory
from storage.migrate import upgrade_to_head
from storage.uow import SqlUnitOfWork

POSTGRES_ENV = "LESSONLINK_TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite may use, if any."""
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database a test runs on; PostgreSQL tests skip when no URL is configured."""
    if request.param == "postgres" and postgres_url() is None:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV}")
    return str(request.param)


async def make_database(backend: str, tmp_path: Path) -> tuple[str, Callable[[], object]]:
    """Create an empty database for one test; returns its URL and an async cleanup."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}", _noop
    url = postgres_url()
    assert url is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()

    async def drop() -> None:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()

    sep = "&" if "?" in url else "?"
    # Each test lives in its own schema; public stays on the path for btree_gist.
    return f"{url}{sep}search_path={schema},public", drop


async def _noop() -> None:
    return None


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database URL for this test, removed afterwards."""
    url, cleanup = await make_database(backend, tmp_path)
    yield url
    await cleanup()  # type: ignore[misc]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database migrated to head."""
    eng = create_engine(database_url)
    await upgrade_to_head(eng)
    yield eng
    await eng.dispose()


@pytest.fixture
def uow(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    """A factory of units of work on the test database."""
    return uow_factory(engine)


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand, starting on a Monday morning in late November."""
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
