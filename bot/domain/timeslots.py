"""Time arithmetic: local windows to UTC slots, correct across daylight-saving changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.model import Window


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None if the clocks skip it (DST gap)."""
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    # A wall time inside a spring-forward gap does not round-trip: such a slot does not exist.
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local date begins in a zone."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local date begins and ends (23 or 25 hours on DST days)."""
    return local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)


def window_days(window: Window, first: date, last: date) -> Iterator[date]:
    """The local dates in [first, last] on which a window applies."""
    if window.on_date is not None:
        if first <= window.on_date <= last:
            yield window.on_date
        return
    day = first
    while day <= last:
        if day.weekday() == window.weekday:
            yield day
        day += timedelta(days=1)


def cut_day(window: Window, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The slots (UTC start, UTC end) that a window yields on one local date."""
    result: list[tuple[datetime, datetime]] = []
    step = timedelta(minutes=window.slot_minutes)
    cursor = datetime.combine(day, window.start)
    end = datetime.combine(day, window.end)
    if window.end == END_OF_DAY:
        end = datetime.combine(day + timedelta(days=1), time.min)
    starts = local_to_utc(day, cursor.time(), zone)
    while cursor + step <= end:
        # End is computed in wall time too, so a 60-minute slot stays 10:00-11:00 local.
        slot_end = cursor + step
        ends = local_to_utc(slot_end.date(), slot_end.time(), zone)
        if starts is not None and ends is not None and ends > starts:
            result.append((starts, ends))
        # Slots are consecutive: this end is the next start, converted once.
        cursor, starts = slot_end, ends
    return result


def window_slots(
    window: Window, zone: ZoneInfo, after: datetime, until: datetime
) -> list[tuple[datetime, datetime]]:
    """All slots of a window starting in [after, until), in UTC."""
    first = after.astimezone(zone).date()
    last = until.astimezone(zone).date()
    slots: list[tuple[datetime, datetime]] = []
    for day in window_days(window, first, last):
        slots.extend(s for s in cut_day(window, day, zone) if after <= s[0] < until)
    return slots


def windows_overlap(a: Window, b: Window) -> bool:
    """Whether two windows of one teacher would ever hold the same local time."""
    if a.end <= b.start or b.end <= a.start:
        return False
    if a.on_date is not None and b.on_date is not None:
        return a.on_date == b.on_date
    if a.on_date is not None:
        return a.on_date.weekday() == b.weekday
    if b.on_date is not None:
        return b.on_date.weekday() == a.weekday
    return a.weekday == b.weekday


# A window may end at midnight ("22:00-00:00"); a time of day cannot say 24:00, so the
# last representable second stands for it and slot cutting treats it as the day's end.
END_OF_DAY = time(23, 59, 59)
# ASCII digits only: \d would also match Arabic-Indic and other scripts' digits.
_WALL_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_DASHES = "-–—"


def parse_wall_time(text: str) -> time | None:
    """A plain local 'H:MM' or 'HH:MM' (no seconds, no zone suffix); None if it is not one."""
    found = _WALL_TIME.fullmatch(text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def parse_hhmm_range(text: str) -> tuple[time, time] | None:
    """Parse 'HH:MM-HH:MM' into two times, start before end; None if malformed."""
    for dash in _DASHES[1:]:
        text = text.replace(dash, "-")
    parts = text.split("-")
    if len(parts) != 2:
        return None
    start, end = parse_wall_time(parts[0]), parse_wall_time(parts[1])
    if start is None or end is None:
        return None
    if end == time(0, 0):
        end = END_OF_DAY
    if start >= end:
        return None
    return start, end


def _meant_as_hours(word: str) -> bool:
    """A word that starts with a digit, or has a digit beside ':' or a dash, is an hour range.

    Any script's digits count here ('➅:00'), so a mistyped range is refused, not read as
    a reason that silently widens the block to the whole day.
    """
    if word[:1].isdigit():
        return True
    marks = ":" + _DASHES
    return any(
        (a.isdigit() and b in marks) or (a in marks and b.isdigit()) for a, b in pairwise(word)
    )


def block_hours(word: str) -> tuple[time, time] | None:
    """The hours a /block word names; None if the word is not meant as hours (a reason).

    InvalidInput('hours') when it is meant as hours but is not a range within one day with
    the end after the start (18:00-08:00, 10:00-10:00, 25:00-26:00, 10:00-, 10-12).
    """
    if not _meant_as_hours(word):
        return None
    hours = parse_hhmm_range(word)
    if hours is None:
        raise InvalidInput("hours", word)
    return hours
