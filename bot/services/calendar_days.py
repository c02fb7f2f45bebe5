"""Days and parts of days in the viewer's zone, as UTC bounds a range query can use.

A calendar screen counts slots per local day. Converting every slot to local time costs
one conversion per slot of the horizon; instead each shown day's bounds are computed once
here and the database counts the slots between them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.student_calendar_model import Part

# The local hours each part of the day spans, [from, to); 24 is the next midnight.
PART_HOURS = {
    Part.ANY: (0, 24),
    Part.MORNING: (0, 12),
    Part.AFTERNOON: (12, 17),
    Part.EVENING: (17, 24),
}


def part_of(moment: datetime, zone: str) -> Part:
    """Morning, afternoon or evening of a moment, in a zone."""
    hour = moment.astimezone(ZoneInfo(zone)).hour
    return Part.MORNING if hour < 12 else Part.AFTERNOON if hour < 17 else Part.EVENING


def day_of(moment: datetime, zone: str) -> date:
    """The local date of a moment in a zone."""
    return moment.astimezone(ZoneInfo(zone)).date()


def local_moment(day: date, hour: int, zone: str) -> datetime:
    """The UTC instant a local hour of a day begins (hour 24: the next midnight).

    A wall time skipped by a DST change maps to the change itself, so consecutive calls
    never go backwards: the first instant whose local time is at or past the hour.
    """
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return datetime.combine(day, time(hour), ZoneInfo(zone)).astimezone(UTC)


def day_spans(
    days: list[date], part: Part, zone: str, now: datetime, horizon: datetime
) -> list[tuple[datetime, datetime]]:
    """Each day's span in UTC (the part of it a filter keeps), within [now, horizon)."""
    first, last = PART_HOURS[part]
    spans = []
    for day in days:
        start = max(local_moment(day, first, zone), now)
        end = min(local_moment(day, last, zone), horizon)
        spans.append((start, max(start, end)))
    return spans


def clamp(ordinal: int, today: date, last_day: date) -> date:
    """A requested date's ordinal within [today, last_day]; 0 or anything unreadable is today."""
    if not ordinal:
        return today
    try:
        wanted = date.fromordinal(ordinal)
    except (ValueError, OverflowError):
        return today
    return min(max(wanted, today), last_day)


def next_month(first: date) -> date:
    """The 1st of the month after the one `first` opens."""
    return (first + timedelta(days=32)).replace(day=1)


def months(today: date, last_day: date) -> list[date]:
    """The 1st of each month from today's to last_day's."""
    first, found = today.replace(day=1), []
    while first <= last_day:
        found.append(first)
        first = next_month(first)
    return found
