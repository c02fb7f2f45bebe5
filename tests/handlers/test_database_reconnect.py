"""PostgreSQL closes the bot's connections (a restart, a failover, an administrator): the next
press is still answered, and nobody is told something went wrong."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from storage.engine import create_engine
from tests.handlers.conftest import Harness
from tests.steps import student_steps as steps

SAM = 801
WED_10_UTC = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
OTHERS = "datname = current_database() AND pid <> pg_backend_pid()"


async def _terminate_every_connection(database_url: str) -> int:
    """End every other session on the bot's database; return once all of them are gone."""
    admin = create_engine(database_url)
    try:
        async with admin.connect() as conn:
            pids = list(
                await conn.scalars(text(f"SELECT pid FROM pg_stat_activity WHERE {OTHERS}"))
            )
            await conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:p AS int[])) AS pid"),
                {"p": pids},
            )
            for _ in range(200):  # a generous deadline: at most 10 s
                await conn.commit()  # pg_stat_activity is a snapshot per transaction
                left = await conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(CAST(:p AS int[]))"
                    ),
                    {"p": pids},
                )
                if not left:
                    return len(pids)
                await asyncio.sleep(0.05)
            raise TimeoutError(f"{left} sessions still alive")
    finally:
        await admin.dispose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_press_after_the_server_closed_every_connection_is_answered(
    harness: Harness, database_url: str
) -> None:
    h = harness
    tutor = await steps.teacher(h)
    await steps.slots(h, tutor, WED_10_UTC, count=2, subject="Math")
    await steps.student(h, tutor, SAM, "Sam")
    await h.press(SAM, "📝 Book a lesson")  # the pool now holds the bot's open connections

    assert await _terminate_every_connection(database_url) > 0, "the bot had no connection"

    h.server.press_button(SAM, "Wed, 25 Nov · 2 free")
    await h.server.wait_for(lambda: "🟢 11:00–12:00 Math" in h.last(SAM).button_texts(), timeout=30)
    assert not any("went wrong" in m.content for m in h.chat(SAM)), "nobody is bothered"
