"""Reminders sent late (the bot was down) say the real time left, or are skipped with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.domain.model import OutboxStatus
from bot.domain.notices import NoticeKind
from tests.handlers.conftest import Harness
from tests.steps.notification_steps import STUDENT, TEACHER, book_in, pair


def _reminders(h: Harness, user_id: int) -> list[str]:
    return [m.content for m in h.server.bot_messages(user_id) if "⏰" in m.content]


async def _skipped(h: Harness) -> list[tuple[str, str]]:
    async with h.app.deps.uow() as uow:
        rows = await uow.outbox.by_status(OutboxStatus.SKIPPED)
    return sorted((m.kind, m.last_error) for m in rows)


async def test_a_day_before_reminder_sent_two_hours_before_says_two_hours(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.clock.advance(timedelta(days=3) - timedelta(hours=2))  # the bot was down till now
    await harness.flush()
    [reminder] = _reminders(harness, STUDENT)
    assert "in 2 hours" in reminder and "24 hours" not in reminder


async def test_after_a_restart_50_minutes_before_one_reminder_says_50_minutes(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness, teacher_reminders=True)
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.clock.advance(timedelta(days=3) - timedelta(minutes=50))  # both leads are overdue
    await harness.flush()
    await harness.flush()
    [reminder] = _reminders(harness, STUDENT)
    assert "in 50 minutes" in reminder
    [own] = _reminders(harness, TEACHER)  # the teacher's own reminder tells the same truth
    assert "in 50 minutes" in own
    reason = "superseded by a later reminder"
    assert await _skipped(harness) == [
        (NoticeKind.REMINDER, reason),
        (NoticeKind.REMINDER_TEACHER, reason),
    ]


async def test_a_lone_day_before_reminder_in_the_last_hour_is_skipped_as_too_late(
    harness: Harness,
) -> None:
    teacher, student = await pair(harness, reminder_leads_minutes=(24 * 60,))
    await book_in(harness, teacher, student, timedelta(days=3))
    harness.clock.advance(timedelta(days=3) - timedelta(minutes=40))
    await harness.flush()
    assert not _reminders(harness, STUDENT)
    assert await _skipped(harness) == [(NoticeKind.REMINDER, "too late to be useful")]


async def test_a_late_reminder_in_russian_uses_the_right_plural(harness: Harness) -> None:
    teacher, student = await pair(harness, language="ru", reminder_leads_minutes=(60,))
    await book_in(harness, teacher, student, timedelta(days=1))
    harness.clock.advance(timedelta(days=1) - timedelta(minutes=21))
    await harness.flush()
    [reminder] = _reminders(harness, STUDENT)
    assert "через 21 минуту" in reminder, reminder


async def test_an_agenda_the_bot_missed_by_a_day_is_not_sent_the_next_day(
    harness: Harness,
) -> None:
    await pair(harness, timezone="Europe/Berlin", agenda_time=time(8, 0))
    harness.clock.set(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    await harness.digests()  # queues today's agenda and tomorrow's
    harness.clock.advance(timedelta(days=1, hours=1, minutes=30))  # back on the 25th, 08:30
    await harness.flush()
    [agenda] = [m.content for m in harness.server.bot_messages(TEACHER) if "🗓" in m.content]
    assert "November 25" in agenda, "only the day it is, never yesterday's 'no lessons today'"
    assert await _skipped(harness) == [(NoticeKind.DAILY_AGENDA, "agenda too late")]
