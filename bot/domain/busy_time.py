"""A teacher's own calendar (an iCalendar feed) read as busy stretches that block their hours.

Pure functions of the feed's bytes and a period: recurring events are expanded by
recurring-ical-events (RRULE, RDATE, EXDATE, moved instances), times with a TZID keep their
zone across daylight-saving changes, and floating times and all-day events are read in the
teacher's zone, as the calendar the feed came from shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Stretch = tuple[datetime, datetime]

MAX_FEED_BYTES = 4 * 1024 * 1024  # a busy teacher's years of events are well under 1 MB
# More occurrences than a real calendar holds in the window: the feed is refused as unreadable.
MAX_OCCURRENCES = 2000
MAX_STRETCHES = 2000  # busy stretches kept per feed: the horizon holds far fewer
FAILURES_TOLD = 3  # failed fetches in a row before the teacher is told (once per run of them)
LOOK_AHEAD = timedelta(days=7)  # past the horizon: the upkeep may open a day before a fetch


class UnreadableFeed(ValueError):
    """The fetched bytes are not an iCalendar feed."""


@dataclass(frozen=True)
class BusyRead:
    """The busy stretches a feed holds in a period, merged and sorted."""

    stretches: list[Stretch]
    events: int  # busy instances read (before merging)


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value in UTC: dates at local midnight, floating times in `zone`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(ZoneInfo("UTC"))


def is_busy(transparency: str, status: str) -> bool:
    """Whether an event blocks time: not marked free (TRANSPARENT) and not cancelled."""
    return transparency.upper() != "TRANSPARENT" and status.upper() != "CANCELLED"


def merged(stretches: Iterable[Stretch]) -> list[Stretch]:
    """Overlapping or touching stretches joined, earliest first."""
    out: list[Stretch] = []
    for start, end in sorted(stretches):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def read_busy(raw: bytes, start: datetime, end: datetime, zone: str) -> BusyRead:
    """The busy stretches of a feed that overlap [start, end); UnreadableFeed if it is none."""
    import recurring_ical_events  # here, not at start: needed only by the feed job
    from icalendar import Calendar

    tz = ZoneInfo(zone)
    try:
        calendar = Calendar.from_ical(raw)
        found = _occurrences(recurring_ical_events.of(calendar).after(start), end, tz)
    except UnreadableFeed:
        raise
    except Exception as exc:  # the parsers raise many kinds on bad input
        raise UnreadableFeed(type(exc).__name__) from None
    stretches: list[Stretch] = []
    for event in found:
        if not is_busy(str(event.get("TRANSP", "OPAQUE")), str(event.get("STATUS", ""))):
            continue
        begin = event.get("DTSTART")
        if begin is None:
            continue
        first = _moment(begin.dt, tz)
        finish = event.get("DTEND")
        if finish is not None:
            last = _moment(finish.dt, tz)
        elif not isinstance(begin.dt, datetime):
            last = _moment(begin.dt + timedelta(days=1), tz)  # an all-day event without DTEND
        else:
            duration = event.get("DURATION")
            last = first + (duration.dt if duration is not None else timedelta(0))
        # Whole, not clipped to the period: the stored stretches stay the same as it moves.
        if last > first and last > start and first < end:
            stretches.append((first, last))
    return BusyRead(merged(stretches)[:MAX_STRETCHES], len(stretches))


def _occurrences(stream: Iterable[Any], end: datetime, tz: ZoneInfo) -> list[Any]:
    """The occurrences starting before `end`, read lazily in time order and at most
    MAX_OCCURRENCES: a rule repeating every minute or second must not expand for minutes."""
    found: list[Any] = []
    for event in stream:
        begin = event.get("DTSTART")
        if begin is not None and _moment(begin.dt, tz) >= end:
            break
        found.append(event)
        if len(found) > MAX_OCCURRENCES:
            raise UnreadableFeed("too many occurrences")
    return found


def changes(
    stored: Sequence[Stretch], fresh: Sequence[Stretch]
) -> tuple[set[Stretch], set[Stretch]]:
    """What to remove and what to add so that the stored stretches become the fresh ones."""
    old, new = set(stored), set(fresh)
    return old - new, new - old


def overlaps(stretches: Sequence[Stretch], start: datetime, end: datetime) -> bool:
    """Whether [start, end) meets any of the stretches."""
    return any(s < end and e > start for s, e in stretches)


def tell_failure(failures: int, told: bool) -> bool:
    """Whether this failure (the `failures`th in a row) is the one the teacher hears about."""
    return failures >= FAILURES_TOLD and not told
