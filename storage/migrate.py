"""Bring a database to the newest migration, from code (run_bot.py and tests).

Alembic (with Mako, about 10 MB of a worker's memory) is imported only when a migration is
to be applied: a database already at the head revision is recognised from its
`alembic_version` row and the revision ids written in the migration files.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic config pointing at the project's migrations, independent of the cwd."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revisions(source: str) -> tuple[str | None, tuple[str, ...]]:
    """A migration file's `revision` and the revisions it follows (`down_revision`)."""
    found: dict[str, object] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            found[target.id] = ast.literal_eval(value)
    revision, down = found.get("revision"), found.get("down_revision")
    downs = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple) else ()
    return (revision if isinstance(revision, str) else None), downs


@functools.cache  # the files do not change while the process runs; parsing them costs 80 ms
def head_revisions() -> frozenset[str]:
    """The revisions no migration follows, read from the migration files without Alembic."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        revision, downs = _revisions(path.read_text(encoding="utf-8"))
        if revision is not None:
            revisions.add(revision)
        followed.update(downs)
    return frozenset(revisions - followed)


def at_head(connection: Connection) -> bool:
    """Whether the database is at the single head revision (False when unsure)."""
    if not inspect(connection).has_table("alembic_version"):
        return False
    current = {
        row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
    }
    heads = head_revisions()
    return len(heads) == 1 and current == heads


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Apply every migration not yet applied."""

    def _upgrade(connection: Connection) -> None:
        if at_head(connection):
            return
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")

    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)
