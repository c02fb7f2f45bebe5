"""The engine on SQLite: each unit of work begins in one trip, readers never wait for the
write lock, and a writer that waits too long fails as "busy" (answered "try again")."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from sqlalchemy.exc import DBAPIError

from storage import engine as engine_module
from storage.engine import create_engine, database_busy, read_factory, uow_factory


@pytest.mark.parametrize("backend", ["sqlite"])  # the write lock is SQLite's
async def test_a_writer_past_the_busy_timeout_fails_as_busy_and_readers_go_on(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 50)
    engine = create_engine(database_url)
    path = engine.url.database
    assert path is not None
    try:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            async with read_factory(engine)() as uow:
                assert await uow.teachers.by_telegram(1) is None  # a snapshot, no waiting
            with pytest.raises(DBAPIError) as failed:
                async with uow_factory(engine)() as uow:
                    await uow.teachers.by_telegram(1)
            assert database_busy(failed.value)
            other.execute("ROLLBACK")
        async with uow_factory(engine)() as uow:  # the lock is free: the same writer goes on
            assert await uow.teachers.by_telegram(1) is None
    finally:
        await engine.dispose()
