"""Cross-process exclusion: one dispatcher at a time, whatever the number of workers."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_local: dict[str, asyncio.Lock] = {}


def _key(name: str) -> int:
    """A stable signed 64-bit key for pg advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def held_exclusively(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """Yield True if this process now holds the named lock, False if another holder has it.

    PostgreSQL: a session advisory lock per schema, released on exit or when the holder's
    connection dies. SQLite serves one process, so an in-process lock is enough.
    """
    if engine.dialect.name != "postgresql":
        lock = _local.setdefault(f"{id(engine)}:{name}", asyncio.Lock())
        if lock.locked():
            yield False
            return
        async with lock:
            yield True
        return
    async with engine.connect() as conn:
        # Scoped to the schema: two deployments sharing one database do not block each other.
        schema = await conn.scalar(text("SELECT current_schema()"))
        key = _key(f"{schema}:{name}")
        got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
        await conn.commit()
        try:
            yield got
        finally:
            if got:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await conn.commit()
