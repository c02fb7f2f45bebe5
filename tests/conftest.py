"""Shared fixtures: a database per test, on SQLite and (when configured) PostgreSQL.

Each test gets its own copy of a template migrated once per session (tests/databases.py), so
tests never see each other's rows; tests of the migrations themselves ask for an empty one.
"""

from __future__ import annotations

# First, as in run_bot.py: aiogram's models are built on first use, as in production.
import runtime.lazy_aiogram  # noqa: F401  # isort: skip

import gc
import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import ManualClock
from storage.engine import create_engine, uow_factory
from storage.uow import SqlUnitOfWork
from tests.databases import (
    POSTGRES_ENV,
    Cleanup,
    PostgresCopies,
    copy_sqlite,
    make_postgres_database,
    make_sqlite_template,
    postgres_url,
    sqlite_url,
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Workers for `-n auto` (pyproject's default): twice the CPUs.

    About half of a test's wall time is spent waiting (bot processes starting, the sandbox
    answering, timers), so two workers per CPU keep the CPUs busy; measured on the two-core
    machine, four workers finish in 80 % of the time two take (docs/testing.md).
    `-n 0` runs the suite in this one process; PYTEST_XDIST_AUTO_NUM_WORKERS sets the number.
    """
    configured = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if configured:
        return int(configured)
    # The CPUs this process may run on (a container's limit), not the machine's.
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (usable or 1)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what the imports and the collection built out of the garbage collector's sight.

    Modules, aiogram's and pydantic's classes and the collected tests live as long as the run,
    and every full collection walked them again: 9 % of the CPU time of a sample of handler
    tests went to full collections, 6 % once they are frozen.
    """
    gc.collect()
    gc.freeze()


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


async def make_database(backend: str, tmp_path: Path) -> tuple[str, Cleanup]:
    """Create an empty database for one test; returns its URL and an async cleanup."""
    if backend == "sqlite":
        return sqlite_url(tmp_path / "empty.sqlite3"), _noop
    url = postgres_url()
    assert url is not None
    return await make_postgres_database(url)


async def _noop() -> None:
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (per pytest process)."""
    return make_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_copies() -> Iterator[PostgresCopies]:
    """Copies of a PostgreSQL database migrated once per session; all dropped at its end."""
    url = postgres_url()
    assert url is not None
    copies = PostgresCopies(url)
    yield copies
    copies.close()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database at head for this test alone (a copy of the template), removed afterwards."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        yield copy_sqlite(template, tmp_path / "test.sqlite3")
        return
    copies: PostgresCopies = request.getfixturevalue("postgres_copies")
    name = copies.take()
    yield copies.url_of(name)
    copies.give_back(name)


@pytest.fixture
async def empty_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, for tests of the migrations themselves; removed afterwards."""
    url, cleanup = await make_database(backend, tmp_path)
    yield url
    await cleanup()


@pytest.fixture
async def empty_engine(empty_database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database (no migration applied)."""
    eng = create_engine(empty_database_url)
    yield eng
    await eng.dispose()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on this test's database at head.

    At most eight connections: the suite's workers (and a second run beside it) share one
    PostgreSQL server of 100, and a race of fifty students would otherwise take thirty.
    Eight transactions at once still race for every seat.
    """
    eng = create_engine(database_url, pool_size=4, max_overflow=4)
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
