"""Extra lessons: a one-off lesson the teacher places for one student outside their hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.timeslots import END_OF_DAY, local_to_utc, parse_hhmm_range, parse_wall_time
from bot.domain.typed import plain_number
from bot.domain.windows import MAX_SLOT_MINUTES, MAX_SUBJECT, MIN_SLOT_MINUTES, parse_date


@dataclass(frozen=True)
class ExtraSpec:
    """A typed extra lesson: its local date and start, its length (None: default), subject."""

    day: date
    start: time
    minutes: int | None
    subject: str


def parse_extra(args: str) -> ExtraSpec:
    """Read '<date> <HH:MM> [minutes] [subject...]' or '<date> <HH:MM-HH:MM> [subject...]'.

    The same pieces /addslots reads: an ISO date, a wall time or a range, a length in minutes.
    """
    parts = args.split()
    if not parts:
        raise InvalidInput("date", "")
    day = parse_date(parts[0])
    if len(parts) < 2:
        raise InvalidInput("extra_time", "")
    rest = parts[2:]
    minutes: int | None = None
    hours = parse_hhmm_range(parts[1])
    if hours is not None:
        start, end = hours
        if end == END_OF_DAY:
            end = time(0, 0)
        span = datetime.combine(day + timedelta(days=end == time(0, 0)), end)
        minutes = int((span - datetime.combine(day, start)).total_seconds() // 60)
    else:
        found = parse_wall_time(parts[1])
        if found is None:
            raise InvalidInput("extra_time", parts[1])
        start = found
        if rest and rest[0].isdigit():
            minutes = plain_number(rest[0], 4)
            if minutes is None:
                raise InvalidInput("length", rest[0])
            rest = rest[1:]
    if minutes is not None and not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise InvalidInput("length", str(minutes))
    return ExtraSpec(day, start, minutes, " ".join(rest)[:MAX_SUBJECT])


def extra_times(
    spec: ExtraSpec, default_minutes: int, zone: str, now: datetime
) -> tuple[datetime, datetime]:
    """The UTC start and end of a typed extra lesson; refused if it does not exist or is past."""
    start = local_to_utc(spec.day, spec.start, ZoneInfo(zone))
    if start is None:  # a wall time the clocks skip (spring forward)
        raise InvalidInput("extra_time", spec.start.strftime("%H:%M"))
    if start <= now:
        raise InvalidInput("past_date", f"{spec.day.isoformat()} {spec.start.strftime('%H:%M')}")
    minutes = spec.minutes if spec.minutes is not None else default_minutes
    return start, (start + timedelta(minutes=minutes)).astimezone(UTC)
