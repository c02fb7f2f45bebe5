"""Engine creation: SQLite in WAL with queued writers, or PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import await_only

from storage.sqlite_driver import OneTripDBAPI
from storage.uow import READONLY, SqlUnitOfWork

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_FILES = ("", "-wal", "-shm", "-journal")
PRIVATE_FILE = 0o600  # the database holds every booking and the sealed link tokens
# JSON columns are stored in one canonical form, keys sorted and text unescaped: the same
# text on both databases, readable in a dump, and copied as it is into the audit CSV
# (bot.services.audit_csv) instead of being decoded and encoded again row by row.
JSON_TEXT = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions.

    On PostgreSQL at most `pool_size + max_overflow` connections are open at once.
    """
    if url.startswith("sqlite"):
        _owner_only_sqlite_files(make_url(url).database)
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, module=OneTripDBAPI(), json_serializer=JSON_TEXT
        )
        _serialize_sqlite_writers(engine)
        return engine
    parsed = make_url(url)
    connect_args: dict[str, object] = {}
    schema = parsed.query.get("search_path")
    if schema:
        # asyncpg takes no search_path in the URL; pass it as a server setting instead.
        parsed = parsed.difference_update_query(["search_path"])
        connect_args["server_settings"] = {"search_path": str(schema)}
    # No pool_pre_ping: it costs a round trip on every checkout, i.e. on every unit of work.
    engine = create_async_engine(
        parsed,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=max_overflow,
        json_serializer=JSON_TEXT,
    )
    _replace_closed_postgres_connections(engine)
    _read_only_postgres_readers(engine)
    return engine


def _replace_closed_postgres_connections(engine: AsyncEngine) -> None:
    """A pooled connection the server has closed is replaced at checkout, without a round trip.

    asyncpg notices the server closing a connection (a restart, pg_terminate_backend, an idle
    time-out) as soon as the event loop reads the socket's end, and says so in is_closed().
    A connection lost silently fails its first statement instead: SQLAlchemy then discards
    every pooled connection as old as it, and the update fails on infrastructure, so it is
    delivered again (runtime.delivery) and handled on a fresh connection.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(
        dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        driver = getattr(dbapi_conn, "driver_connection", None)
        if driver is not None and driver.is_closed():
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("the server closed this pooled connection")


def _owner_only_sqlite_files(database: str | None) -> None:
    """Create the database file 0600 (or tighten it and its -wal, -shm from an older run).

    SQLite gives the -wal and -shm files it creates the database file's own mode, so a
    private database file keeps its journal private too.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists() and path.parent.is_dir():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
        os.close(fd)
    for suffix in SQLITE_FILES:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.chmod(f"{path}{suffix}", PRIVATE_FILE)


def _serialize_sqlite_writers(engine: AsyncEngine) -> None:
    """Writers take the lock when they begin, so they queue instead of failing mid-way."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Hand transaction control to us: pysqlite's implicit BEGIN is DEFERRED.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A reader takes a WAL snapshot and never queues behind writers; query_only makes
        # a write slipped into a read unit fail at once instead of taking the write lock.
        readonly = bool(conn.get_execution_options().get(READONLY, False))
        script = f"PRAGMA query_only={int(readonly)}; {'BEGIN' if readonly else 'BEGIN IMMEDIATE'}"
        # Both in one trip to aiosqlite's thread; as two statements they took six (a cursor,
        # the statement and the cursor's close, each a trip). No transaction is open here, so
        # executescript has nothing to commit first.
        driver = conn.connection.driver_connection
        assert driver is not None
        try:
            await_only(driver.executescript(script))
        except sqlite3.Error as exc:  # raised as SQLAlchemy would (database_busy reads it)
            raise DBAPIError.instance(script, None, exc, sqlite3.Error) from exc


def _read_only_postgres_readers(engine: AsyncEngine) -> None:
    """A read unit's transaction is READ ONLY: it can take no row lock and write nothing."""

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(READONLY, False):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")


def database_busy(exc: BaseException) -> bool:
    """Whether a statement failed because the database is busy (a lock, a serialization
    failure, a deadlock): worth a "try again in a moment", not an error report."""
    if not isinstance(exc, DBAPIError):
        return False
    text = str(exc).lower()
    return any(word in text for word in ("locked", "busy", "could not serialize", "deadlock"))


def connect_errors() -> tuple[type[BaseException], ...]:
    """Errors meaning the database cannot be reached or opened (not a failing statement)."""
    errors: list[type[BaseException]] = [OSError, OperationalError, InterfaceError]
    try:  # asyncpg raises some refusals at connect unwrapped; it is optional (SQLite only)
        from asyncpg import exceptions as pg
    except ImportError:
        return tuple(errors)
    errors += [
        pg.PostgresConnectionError,
        pg.InvalidAuthorizationSpecificationError,
        pg.InvalidCatalogNameError,
        pg.CannotConnectNowError,
        pg.TooManyConnectionsError,
    ]
    return tuple(errors)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (repositories return copies anyway)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def uow_factory(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    """A callable returning a fresh unit of work on this engine."""
    sessions = session_factory(engine)
    dialect = engine.dialect.name

    def make() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, dialect)

    return make


def read_factory(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    """A callable returning a read-only unit of work (on SQLite it never takes the write lock)."""
    sessions = session_factory(engine)
    dialect = engine.dialect.name

    def make() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, dialect, readonly=True)

    return make
