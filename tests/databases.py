"""Test databases: one template migrated per session, and a cheap copy of it for each test.

Migrating from empty costs far more than copying the result, and every storage and end-to-end
test needs a schema at head. SQLite copies the template file with the backup API; PostgreSQL
runs `CREATE DATABASE ... TEMPLATE`. Names carry the creation time, so a later run can drop
what a killed run left behind without touching a run still going on beside it.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.engine import PRIVATE_FILE, create_engine
from storage.migrate import upgrade_to_head

POSTGRES_ENV = "LESSONLINK_TEST_POSTGRES_URL"
PREFIX = "lessonlink_"  # every database the suite creates; nothing else is ever dropped
TEMPLATE = "tpl"
COPY = "t"
LEFTOVER_AFTER_SECONDS = 24 * 3600  # no live run takes a day: older ones were killed

T = TypeVar("T")
Cleanup = Callable[[], Awaitable[None]]


def postgres_url() -> str | None:
    """The PostgreSQL URL the suite may use, if any."""
    return os.environ.get(POSTGRES_ENV) or None


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, even while a test's event loop is running.

    Session fixtures are sync (their loop would otherwise outlive each test's own loop); a
    thread of its own gives the coroutine a fresh loop wherever pytest sets the fixture up.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite database file."""
    return f"sqlite+aiosqlite:///{path}"


async def migrate(url: str) -> None:
    """Bring the database at url to head and close every connection to it."""
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


def make_sqlite_template(directory: Path) -> Path:
    """A SQLite file migrated to head, to be copied for each test."""
    path = directory / "template.sqlite3"
    run_async(migrate(sqlite_url(path)))
    return path


def copy_sqlite(template: Path, path: Path) -> str:
    """Copy the template to path (owner-only, as the bot creates it); its URL."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)
    # The backup API copies a consistent image whatever the template's WAL holds.
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return sqlite_url(path)


def _database_name(kind: str) -> str:
    return f"{PREFIX}{kind}_{int(time.time())}_{uuid.uuid4().hex[:12]}"


def _url_of(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _admin(url: str) -> AsyncEngine:
    # CREATE and DROP DATABASE refuse to run inside a transaction.
    return create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


async def _execute(url: str, *statements: str) -> None:
    admin = _admin(url)
    try:
        async with admin.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await admin.dispose()


async def create_database(url: str, name: str, template: str) -> None:
    """Create database name as a copy of template, on the server at url."""
    await _execute(url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


async def drop_database(url: str, name: str) -> None:
    """Drop database name (a template too), closing whatever is still connected to it."""
    # FORCE: a bot process the test killed may still hold a connection.
    await _execute(
        url,
        f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false',
        f'DROP DATABASE "{name}" WITH (FORCE)',
    )


async def make_postgres_template(url: str) -> str:
    """A database migrated to head that only serves as a template; its name."""
    await drop_leftovers(url)
    name = _database_name(TEMPLATE)
    await create_database(url, name, "template0")
    try:
        await migrate(_url_of(url, name))
        # No connection is allowed in (autovacuum included): CREATE DATABASE ... TEMPLATE
        # fails while anyone is connected to the template.
        await _execute(
            url, f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false'
        )
    except BaseException:
        await drop_database(url, name)
        raise
    return name


async def make_postgres_database(url: str) -> tuple[str, Cleanup]:
    """An empty database of the suite's own; its URL and its removal."""
    name = _database_name(COPY)
    await create_database(url, name, "template0")
    return _url_of(url, name), lambda: drop_database(url, name)


async def list_databases(url: str) -> list[str]:
    """The names of the suite's databases on the server at url (every run's)."""
    admin = _admin(url)
    try:
        async with admin.connect() as conn:
            result = await conn.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": PREFIX},
            )
            return list(result.scalars())
    finally:
        await admin.dispose()


async def drop_leftovers(url: str) -> None:
    """Drop the suite's databases older than a day: a killed run could not drop its own."""
    cutoff = time.time() - LEFTOVER_AFTER_SECONDS
    for name in await list_databases(url):
        parts = name.removeprefix(PREFIX).split("_")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < cutoff:
            # Another run starting now may be dropping the same leftover.
            with suppress(DBAPIError):
                await drop_database(url, name)


class PostgresCopies:
    """Copies of one migrated template: each test takes one, and gives it back to be dropped.

    DROP DATABASE waits for a checkpoint (about a second on a busy machine), and a copy takes
    a few hundred milliseconds; both run on threads of their own while tests go on: the next
    copy is made ahead, and a used one is dropped behind.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.template = run_async(make_postgres_template(url))
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-copy")
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-drop")
        self._dropped: list[Future[None]] = []
        self._next = self._make()

    def _make(self) -> Future[str]:
        return self._maker.submit(self._create)

    def _create(self) -> str:
        name = _database_name(COPY)
        asyncio.run(create_database(self.url, name, self.template))
        return name

    def take(self) -> str:
        """A fresh copy of the template for one test; its name."""
        name = self._next.result()
        self._next = self._make()
        return name

    def url_of(self, name: str) -> str:
        """The URL of one of the copies."""
        return _url_of(self.url, name)

    def give_back(self, name: str) -> None:
        """Drop a copy once the test is done with it (in the background)."""
        self._dropped.append(self._dropper.submit(asyncio.run, drop_database(self.url, name)))

    def close(self) -> None:
        """Wait for every drop, drop the spare copy and the template; raise if a drop failed."""
        self._maker.shutdown(wait=True)
        spare = self._next.exception() is None and self._next.result()
        if spare:
            self.give_back(spare)
        self._dropper.shutdown(wait=True)
        run_async(drop_database(self.url, self.template))
        for done in self._dropped:
            done.result()
