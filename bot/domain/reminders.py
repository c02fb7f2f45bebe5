"""When a reminder or agenda is still worth sending, and how much time a reminder can announce.

A reminder is planned for a lead time (24 h, 1 h ...) but may go out late, after the bot was
down. It then announces the time really left, never its planned lead, and is skipped when:

- the lesson already began;
- a shorter-lead reminder of the same lesson, for the same person, is already due: that one
  is the up-to-date reminder, the earlier one is superseded (50 minutes before a lesson the
  student gets one "in 50 minutes", not "in 24 hours" and "in 1 hour" together);
- less than 1/24 of its lead is left (STALE_FRACTION): a day-before reminder in the last
  hour, an hour-before reminder in the last 2½ minutes. Its purpose, notice ahead of time,
  is gone, and a later reminder covers the lesson when one is planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

STALE_FRACTION = 24  # stale once less than lead / STALE_FRACTION is left
AGENDA_GRACE = timedelta(hours=2)  # after a restart, an agenda this late is still worth sending


class ReminderSkip(StrEnum):
    """Why a due reminder is not sent; recorded as the outbox row's reason."""

    BEGAN = "lesson already began"
    SUPERSEDED = "superseded by a later reminder"
    TOO_LATE = "too late to be useful"


def reminder_skip(
    starts_at: datetime, lead_minutes: int, planned_leads: Iterable[int], now: datetime
) -> ReminderSkip | None:
    """Why the reminder of this lead should not go out now, or None to send it.

    `planned_leads` are the leads of the other reminders planned for the same lesson and
    recipient.
    """
    left = starts_at - now
    if left <= timedelta(0):
        return ReminderSkip.BEGAN
    for other in planned_leads:
        if other < lead_minutes and left <= timedelta(minutes=other):
            return ReminderSkip.SUPERSEDED
    if left * STALE_FRACTION < timedelta(minutes=lead_minutes):
        return ReminderSkip.TOO_LATE
    return None


@dataclass(frozen=True)
class TimeLeft:
    """Time before a lesson as a reminder says it: a count of minutes or of hours."""

    unit: Literal["minutes", "hours"]
    count: int


def time_left(starts_at: datetime, now: datetime) -> TimeLeft:
    """The time left, to the nearest minute under two hours, to the nearest hour above.

    A reminder sent a few seconds after its due time still says "in 24 hours" or "in 1 hour";
    sent late it says "in 2 hours" or "in 50 minutes".
    """
    minutes = max(1, int((starts_at - now + timedelta(seconds=30)) // timedelta(minutes=1)))
    if minutes < 120 and minutes != 60:
        return TimeLeft("minutes", minutes)
    return TimeLeft("hours", (minutes + 30) // 60)


def agenda_too_late(due_at: datetime, now: datetime) -> bool:
    """Whether an agenda due at `due_at` is too late to send (or to queue) now."""
    return due_at + AGENDA_GRACE < now
