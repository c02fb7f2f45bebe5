"""/schedule with lesson notes: each note's first words under its lesson, escaped, a 📝 button
per lesson; a week too busy for its notes marks them and stays within one message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.services import schedule
from handlers.schedule import week_view
from views.i18n import make_i18n

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 23)
TELEGRAM_LIMIT = 4096


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def _lesson(booking_id: int, starts: datetime, **notes: str) -> schedule.ScheduledLesson:
    return schedule.ScheduledLesson(
        booking_id,
        starts,
        starts + timedelta(hours=1),
        "Math",
        10 + booking_id,
        f"Student {booking_id}",
        booking_id % 8,
        starts > NOW,
        **notes,
    )


def _week(lessons: list[schedule.ScheduledLesson]) -> schedule.Week:
    days = [
        (
            MONDAY + timedelta(days=i),
            [x for x in lessons if x.starts_at.date() == MONDAY + timedelta(days=i)],
        )
        for i in range(7)
    ]
    return schedule.Week(0, days, "UTC")


def test_notes_show_under_their_lesson_escaped_and_each_lesson_has_a_note_button() -> None:
    coming = _lesson(
        1, NOW + timedelta(hours=2), teacher_note="Read <b>p. 10</b>", student_note="x & y"
    )
    past = _lesson(2, NOW - timedelta(hours=2))
    text, keyboard = week_view(_week([past, coming]))
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "Student 1" in line)
    assert lines[at + 1 : at + 3] == ["   📝 Read &lt;b&gt;p. 10&lt;/b&gt;", "   💬 x &amp; y"]
    labels = [[b.text for b in row] for row in keyboard.inline_keyboard]
    assert [label for label in labels[1] if label.startswith("📝")] == ["📝 Note"]  # under it
    assert ["📝 Note Mon, 23 Nov 07:00 🟡 Student 2"] in labels  # a note after the lesson


def test_a_busy_week_marks_its_notes_and_stays_within_one_message() -> None:
    long = "word " * 100
    lessons = [
        _lesson(i, NOW + timedelta(days=i // 8, hours=i % 8), teacher_note=long, student_note=long)
        for i in range(1, 50)
    ]
    text, _ = week_view(_week(lessons))
    assert len(text) < TELEGRAM_LIMIT
    assert "word" not in text
    assert text.count(" 📝💬") == len(lessons)


def test_a_busy_week_keeps_its_keyboard_within_telegrams_100_buttons() -> None:
    # 25 lessons done and 25 to come: every button a lesson may have would be about 125.
    lessons = [_lesson(i, NOW + timedelta(hours=i - 25)) for i in range(50)]
    _text, keyboard = week_view(_week(lessons))
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert len(labels) <= 100
    assert labels[0].startswith("✖ Cancel") and "Student 26" in labels[0]  # the next lesson
    assert any(label.startswith("📝 Note Mon") for label in labels)  # and notes after lessons
    assert labels[-4:] == ["◀ Previous week", "Next week ▶", "◀ Back", "🏠 Home"]
