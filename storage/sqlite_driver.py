"""aiosqlite with one trip to its thread per statement, where SQLAlchemy's adapter takes four.

aiosqlite runs every call on a thread of its own; SQLAlchemy's adapter makes four such calls
per statement (open a cursor, execute, fetch, close). Each trip is a wake-up of that thread
and a wake-up of the event loop, and on a busy two-core machine the trips, not SQLite, were
most of a booking's time. Here the cursor's whole life runs in one call. It reaches aiosqlite
the way SQLAlchemy's own adapter already does (its isolation-level setter queues a function
for the thread), so both break, loudly, if aiosqlite changes that; the rest of the adapter
(server-side cursors, executemany, errors) is SQLAlchemy's.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import TYPE_CHECKING

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import _DBAPICursorDescription, _DBAPISingleExecuteParams

    _Done = tuple[_DBAPICursorDescription | None, list[tuple[object, ...]], int | None, int]


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose execute opens, runs, fetches and closes in one call on the thread."""

    __slots__ = ()

    def execute(self, operation: str, parameters: _DBAPISingleExecuteParams | None = None) -> None:
        """Run one statement and keep its rows, as SQLAlchemy's cursor does in four trips."""

        def run(conn: sqlite3.Connection) -> _Done:
            cursor = conn.cursor()
            try:
                cursor.execute(operation, () if parameters is None else parameters)
                description = cursor.description
                rows = cursor.fetchall() if description else []
                # sqlite3 describes columns by name only: the other six items are None.
                described: _DBAPICursorDescription | None = description
                return described, rows, cursor.lastrowid, cursor.rowcount
            finally:
                cursor.close()

        driver = self._connection
        try:
            done: _Done = self.await_(driver._execute(run, driver._conn))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        description, rows, lastrowid, rowcount = done
        if description:
            self.description = description
            self.lastrowid = self.rowcount = -1
            self._rows = deque(rows)
        else:
            self.description = None
            self.lastrowid = -1 if lastrowid is None else lastrowid
            self.rowcount = rowcount


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else _OneTripCursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite DBAPI for create_async_engine(module=...): one trip per statement."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: object, **kw: object) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _OneTripConnection(self, adapted._connection)
