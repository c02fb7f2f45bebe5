"""When a late reminder is still sent, and the time left it announces, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.model import Account
from bot.domain.notices import Reminder, StudentReminder, TeacherReminder
from bot.domain.outgoing import Outgoing
from bot.domain.reminders import (
    ReminderSkip,
    TimeLeft,
    agenda_too_late,
    reminder_skip,
    time_left,
)
from tests.sample_notices import lesson
from views.i18n import make_i18n
from views.notifications import render

LESSON = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
DAY, HOUR = 24 * 60, 60


def _before(**delta: float) -> datetime:
    return LESSON - timedelta(**delta)


@pytest.mark.parametrize(
    ("lead", "planned", "now", "expected"),
    [
        (DAY, [DAY, HOUR], _before(hours=24), None),  # on time
        (DAY, [DAY, HOUR], _before(hours=24, seconds=-3), None),  # a tick late
        (DAY, [DAY, HOUR], _before(hours=2), None),  # late, still useful: "in 2 hours"
        (DAY, [DAY, HOUR], _before(minutes=60), ReminderSkip.SUPERSEDED),
        (DAY, [DAY, HOUR], _before(minutes=50), ReminderSkip.SUPERSEDED),
        (HOUR, [DAY, HOUR], _before(minutes=50), None),  # the shorter lead goes out
        (DAY, [DAY], _before(minutes=61), None),  # alone: 1/24 of a day is one hour
        (DAY, [DAY], _before(minutes=59), ReminderSkip.TOO_LATE),
        (HOUR, [HOUR], _before(minutes=3), None),
        (HOUR, [HOUR], _before(minutes=2), ReminderSkip.TOO_LATE),
        (HOUR, [DAY, HOUR], _before(seconds=0), ReminderSkip.BEGAN),
        (DAY, [DAY, HOUR], _before(minutes=-5), ReminderSkip.BEGAN),
        (3 * DAY, [3 * DAY, DAY, HOUR], _before(hours=30), None),
        (3 * DAY, [3 * DAY, DAY, HOUR], _before(hours=20), ReminderSkip.SUPERSEDED),
    ],
)
def test_a_due_reminder_is_sent_unless_begun_superseded_or_stale(
    lead: int, planned: list[int], now: datetime, expected: ReminderSkip | None
) -> None:
    assert reminder_skip(LESSON, lead, planned, now) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (_before(hours=24), TimeLeft("hours", 24)),
        (_before(hours=24, seconds=-2), TimeLeft("hours", 24)),  # sent two seconds late
        (_before(hours=2), TimeLeft("hours", 2)),
        (_before(hours=2, minutes=40), TimeLeft("hours", 3)),
        (_before(minutes=119), TimeLeft("minutes", 119)),
        (_before(minutes=60), TimeLeft("hours", 1)),
        (_before(minutes=59, seconds=50), TimeLeft("hours", 1)),
        (_before(minutes=50), TimeLeft("minutes", 50)),
        (_before(seconds=10), TimeLeft("minutes", 1)),
    ],
)
def test_the_time_left_is_rounded_as_a_person_would_say_it(
    now: datetime, expected: TimeLeft
) -> None:
    assert time_left(LESSON, now) == expected


def _reminder(language: str, now: datetime, cls: type[Reminder] = StudentReminder) -> str:
    notice = cls(lesson=lesson(LESSON, change_deadline=LESSON), lead_minutes=DAY)
    text, _ = render(make_i18n(), Outgoing(1, 1, notice), Account(1, "Sam", language=language), now)
    return text


@pytest.mark.parametrize(
    ("language", "now", "words"),
    [
        ("en", _before(hours=24), "in 24 hours"),
        ("en", _before(hours=2), "in 2 hours"),
        ("en", _before(minutes=50), "in 50 minutes"),
        ("en", _before(minutes=1), "in 1 minute"),
        ("ru", _before(hours=24), "через 24 часа"),
        ("ru", _before(hours=5), "через 5 часов"),
        ("ru", _before(hours=21), "через 21 час"),
        ("ru", _before(minutes=21), "через 21 минуту"),
        ("ru", _before(minutes=22), "через 22 минуты"),
        ("ru", _before(minutes=50), "через 50 минут"),
    ],
)
def test_a_reminder_states_the_time_left_when_sent_in_the_recipients_language(
    language: str, now: datetime, words: str
) -> None:
    assert words in _reminder(language, now)
    assert words in _reminder(language, now, TeacherReminder)


def test_an_agenda_more_than_two_hours_late_is_not_sent() -> None:
    due = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert not agenda_too_late(due, due + timedelta(hours=2))
    assert agenda_too_late(due, due + timedelta(hours=2, seconds=1))
