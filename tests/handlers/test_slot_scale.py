"""A teacher with thousands of slots: a ceiling said in their language, and nobody else waits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.clock import ManualClock
from bot.domain.model import Slot
from tests.databases import copy_sqlite
from tests.handlers.conftest import Harness, running_bot

TEACHER = 3001
NEWCOMER = 3101
YEAR_OF_MONDAYS = 7578  # from Monday 09:00 UTC: 90 slots that day, then 52 Mondays x 144


def ru(h: Harness, msgid: str) -> str:
    """A catalog text in Russian, so the test reads like the English one."""
    return str(h.app.i18n.gettext(msgid, locale="ru"))


async def _slots(h: Harness) -> list[Slot]:
    async with h.app.deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        now = h.clock.now()
        return await uow.slots.between(teacher.id, now, now + timedelta(days=400))


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_hours_past_the_ceiling_are_refused_with_what_to_do(
    harness: Harness, language: str
) -> None:
    h = harness
    h.user(TEACHER, "Smith", language=language)
    for text in ("/teach", "Ms Smith", "UTC", "/settings"):
        await h.send(TEACHER, text)
    horizon = "📅 Booking horizon: 28 days" if language == "en" else "📅 Запись вперёд на: 28 дней"
    await h.press(TEACHER, horizon)
    await h.press(
        TEACHER, "✏️ " + (ru(h, "Type another value") if language == "ru" else "Type another value")
    )
    await h.send(TEACHER, "365")
    assert any("365" in label for label in h.last(TEACHER).button_texts())
    await h.send(TEACHER, "/addslots mon 00:00-00:00 10 x50")
    refusal = h.last(TEACHER).content
    if language == "en":
        assert (
            f"This would open {YEAR_OF_MONDAYS} slots, but you may have at most 5000 open slots "
            "(0 are open now). Choose a shorter booking horizon in /settings, longer slots or "
            "fewer hours."
        ) in refusal
    else:
        assert (
            f"Это откроет {YEAR_OF_MONDAYS} окон, а открытых окон может быть не больше 5000 "
            "(сейчас открыто: 0). Сократите в /settings срок «Запись вперёд на», сделайте окна "
            "длиннее или часов меньше."
        ) in refusal
    assert await _slots(h) == []
    await h.send(TEACHER, "/availability")
    assert len(h.last(TEACHER).button_texts()) == 0  # no hours were stored either


async def test_another_users_help_is_answered_between_batches_of_a_large_addslots(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path
) -> None:
    """SQLite has one write lock: between two batches it must be free for someone else."""
    from bot.domain import slot_plan
    from bot.services import slot_filling

    monkeypatch.setattr(slot_plan, "BATCH_SLOTS", 100)
    first_batch_done = asyncio.Event()
    help_answered = asyncio.Event()
    opened_when_help_answered: list[int] = []

    async def hold_until_help_is_answered() -> None:
        # Runs between two batches, outside any transaction: a lock still held here would
        # keep the newcomer's first-contact write (and so /help) waiting past the deadline.
        first_batch_done.set()
        try:
            await asyncio.wait_for(help_answered.wait(), timeout=20)
        except TimeoutError:
            return

    monkeypatch.setattr(slot_filling, "pause_between_batches", hold_until_help_is_answered)
    url = copy_sqlite(sqlite_template, tmp_path / "test.sqlite3")  # migrated once per session
    async with running_bot(url, tmp_path, clock) as h:
        h.user(TEACHER, "Smith")
        for text in ("/teach", "Ms Smith", "UTC"):
            await h.send(TEACHER, text)
        h.user(NEWCOMER, "Nina")
        addslots = h.server.send_text(TEACHER, "/addslots mon 00:00-00:00 10")
        await asyncio.wait_for(first_batch_done.wait(), timeout=30)
        help_update = h.server.send_text(NEWCOMER, "/help")
        try:
            await h.app.tracker.wait_handled(help_update, timeout=20)
            assert "I'm LessonLink" in h.last(NEWCOMER).content
            opened_when_help_answered.append(len(await _slots(h)))
        finally:
            help_answered.set()  # let /addslots finish either way
        await h.app.tracker.wait_handled(addslots, timeout=30)
        assert "576 slots are open for booking" in h.last(TEACHER).content
    # /help was answered while /addslots was still between its first and second batch.
    assert opened_when_help_answered == [100]
