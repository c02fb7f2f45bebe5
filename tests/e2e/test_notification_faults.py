"""Notices survive a Bot API that pushes back (429) or fails for a while (5xx)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import Harness
from tests.steps.notification_steps import TEACHER, book_in, pair, texts


async def test_429_pauses_then_delivers_once(harness: Harness) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.server.inject_fault("sendMessage", "429", times=1, retry_after=1)
    await harness.flush()
    assert len(texts(harness, TEACHER, "New booking")) == 1
    assert [r.status for r in harness.server.calls("sendMessage")][-2:] == [429, 200]


async def test_server_errors_are_retried_until_delivered(harness: Harness) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.server.inject_fault("sendMessage", "500", times=2)
    await harness.flush()
    assert len(texts(harness, TEACHER, "New booking")) == 1
