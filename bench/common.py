"""Shared bench setup: a database (SQLite file or a fresh PostgreSQL schema), bulk data, reports."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.security import TokenVault
from storage.engine import create_engine
from storage.migrate import upgrade_to_head
from storage.models import ShareLinkRow, SlotRow, StudentRow, TeacherRow

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
VAULT = TokenVault(b"bench-secret")


def parser(description: str) -> argparse.ArgumentParser:
    """Command-line options every bench shares."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--pg-url", default=os.environ.get("LESSONLINK_TEST_POSTGRES_URL", DEFAULT_PG))
    return p


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpus = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{platform.platform()}, Python {platform.python_version()}, {cpus} CPUs{mem}"


def percentiles(samples_ms: list[float]) -> str:
    """p50/p95/p99 of a list of milliseconds."""
    if not samples_ms:
        return "no samples"
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return f"p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, p99 {q[98]:.2f} ms"


def p50(samples_ms: list[float]) -> float:
    """The median."""
    return statistics.median(samples_ms)


@asynccontextmanager
async def database(db: str, pg_url: str) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A migrated, empty database; removed afterwards."""
    if db == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="lessonlink-bench-"))
        url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
        engine = create_engine(url)
        await upgrade_to_head(engine)
        try:
            yield url, engine
        finally:
            await engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    async with admin.begin() as conn:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg_url}{'&' if '?' in pg_url else '?'}search_path={schema},public"
    engine = create_engine(url)
    await upgrade_to_head(engine)
    try:
        yield url, engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@dataclass
class World:
    """Ids of what populate() created."""

    teacher_ids: list[int]
    students: dict[int, list[tuple[int, int]]]  # teacher id -> [(student id, telegram id)]


async def populate(
    engine: AsyncEngine,
    teachers: int,
    slots_per_teacher: int,
    students_per_teacher: int,
    booked_every: int = 0,
    now: datetime = NOW,
) -> World:
    """Bulk-insert teachers, bound students with live links, and hourly slots from tomorrow on.

    booked_every=N marks every Nth slot as holding one booking (seat counts only; the
    booking rows matter little to the read paths measured). Slots start the day after `now`.
    """
    world = World([], {})
    started = time.perf_counter()
    async with engine.begin() as conn:
        rows = [
            {
                "telegram_id": 10_000_000 + t,
                "display_name": f"Teacher {t}",
                "timezone": "UTC",
                "slot_minutes": 60,
                "advance_notice_minutes": 120,
                "horizon_days": 3650,
                "cancel_window_minutes": 1440,
                "reminder_leads": "1440,60",
                "notifications_enabled": True,
                "teacher_reminders": False,
                "inactive_after_days": 30,
                "created_at": NOW,
            }
            for t in range(teachers)
        ]
        result = await conn.execute(insert(TeacherRow).returning(TeacherRow.id), rows)
        world.teacher_ids = list(result.scalars())
        for tid in world.teacher_ids:
            world.students[tid] = []
        token = VAULT.new_token()
        for chunk in _chunks(world.teacher_ids, 500):
            student_rows = [
                {
                    "teacher_id": tid,
                    "name": f"S{tid}-{i}",
                    "colour": i % 24,
                    "telegram_id": 20_000_000 + tid * 1000 + i,
                    "bound_at": NOW,
                    "archived": False,
                    "created_at": NOW,
                }
                for tid in chunk
                for i in range(students_per_teacher)
            ]
            if not student_rows:
                continue
            ids = list(
                (
                    await conn.execute(insert(StudentRow).returning(StudentRow.id), student_rows)
                ).scalars()
            )
            link_rows = []
            for sid, row in zip(ids, student_rows, strict=True):
                owner, account = int(str(row["teacher_id"])), int(str(row["telegram_id"]))
                world.students[owner].append((sid, account))
                digest = VAULT.digest(f"{token}-{sid}")
                link_rows.append(
                    {
                        "student_id": sid,
                        "token_hash": digest,
                        "token_encrypted": b"x",
                        "created_at": NOW,
                        "use_count": 1,
                        "replaced": False,
                    }
                )
            await conn.execute(insert(ShareLinkRow), link_rows)
        first = now + timedelta(days=1)
        for chunk in _chunks(world.teacher_ids, max(1, 50_000 // max(slots_per_teacher, 1))):
            slot_rows = [
                {
                    "teacher_id": tid,
                    "starts_at": first + timedelta(hours=h),
                    "ends_at": first + timedelta(hours=h + 1),
                    "capacity": 1,
                    "booked": 1 if booked_every and h % booked_every == 0 else 0,
                    "subject": "Math",
                    "status": "open",
                }
                for tid in chunk
                for h in range(slots_per_teacher)
            ]
            await conn.execute(insert(SlotRow), slot_rows)
    print(f"  populated in {time.perf_counter() - started:.1f} s")
    return world


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
