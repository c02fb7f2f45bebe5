"""upgrade_to_head: a database at head starts without Alembic; one behind head is migrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config, at_head, head_revisions, upgrade_to_head

ROOT = Path(__file__).resolve().parents[2]

STARTS = """
import asyncio, sys
from storage.engine import create_engine
from storage.migrate import upgrade_to_head

async def main():
    engine = create_engine(sys.argv[1])
    await upgrade_to_head(engine)
    await engine.dispose()

asyncio.run(main())
print("alembic" in sys.modules)
"""


def test_the_head_read_from_the_migration_files_is_alembics() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert head_revisions() == set(script.get_heads())
    assert len(head_revisions()) == 1


def test_a_worker_on_a_database_at_head_never_loads_alembic(database_url: str) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", STARTS, database_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert loaded.stdout.strip() == "False"


async def test_an_empty_database_is_migrated_to_head(empty_engine: AsyncEngine) -> None:
    async with empty_engine.connect() as conn:
        assert not await conn.run_sync(at_head)
    await upgrade_to_head(empty_engine)
    async with empty_engine.connect() as conn:
        assert await conn.run_sync(at_head)
        assert await conn.run_sync(lambda c: inspect(c).has_table("bookings"))


async def test_a_database_one_migration_behind_is_brought_to_head(
    empty_engine: AsyncEngine,
) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)

    def upgrade_to_previous(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, previous)

    async with empty_engine.begin() as conn:
        await conn.run_sync(upgrade_to_previous)
        assert not await conn.run_sync(at_head)
    await upgrade_to_head(empty_engine)
    async with empty_engine.connect() as conn:
        version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    assert version == head
