"""Reading a teacher's availability commands: weekday or date, hours, length, seats, subject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.model import Window
from bot.domain.timeslots import END_OF_DAY, block_hours, parse_hhmm_range
from bot.domain.typed import plain_number

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RU_WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
RU_FULL_WEEKDAYS = (
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
)
# Every spelling of a weekday a teacher may type, English or Russian, short or full.
_DAY_WORDS = {
    word: index
    for names in (WEEKDAYS, FULL_WEEKDAYS, RU_WEEKDAYS, RU_FULL_WEEKDAYS)
    for index, word in enumerate(names)
}
MIN_SLOT_MINUTES = 10
MAX_SLOT_MINUTES = 8 * 60
MAX_CAPACITY = 50
MAX_SUBJECT = 64
MAX_BLOCK_DAYS = 366
# Dates a teacher may type: any lesson or time off falls well inside, and date arithmetic
# in any zone stays far from year 1 and year 9999, where Python raises OverflowError.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2999, 12, 31)


@dataclass(frozen=True)
class WindowSpec:
    """A parsed /addslots request; exactly one of weekday and on_date is set."""

    start: time
    end: time
    slot_minutes: int | None
    capacity: int
    subject: str
    weekday: int | None = None
    on_date: date | None = None


def parse_day(text: str) -> tuple[int | None, date | None]:
    """A weekday (mon, monday, пн, понедельник: any case) or an ISO date; else InvalidInput."""
    index = _DAY_WORDS.get(text.strip().casefold())
    if index is not None:
        return index, None
    return None, parse_date(text, what="weekday")


def parse_date(text: str, what: str = "date") -> date:
    """An ISO date such as 2026-12-05, between FIRST_DATE and LAST_DATE."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(what, text) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InvalidInput("date", text)
    return day


def parse_window_args(args: str) -> WindowSpec:
    """Read '<weekday|date> <HH:MM-HH:MM> [minutes] [xN] [subject...]'."""
    parts = args.split()
    if not parts:
        raise InvalidInput("weekday", "")
    weekday, on_date = parse_day(parts[0])
    if len(parts) < 2:
        raise InvalidInput("time", "")
    hours = parse_hhmm_range(parts[1])
    if hours is None:
        raise InvalidInput("time", parts[1])
    minutes: int | None = None
    capacity = 1
    rest = parts[2:]
    # Seats ('x3') may stand anywhere after the hours; the length comes before the subject.
    seats = [t for t in rest if _is_seats(t)]
    if seats:
        capacity = plain_number(seats[0][1:], 3) or 0
        if len(seats) > 1 or not 1 <= capacity <= MAX_CAPACITY:
            raise InvalidInput("capacity", seats[-1])
        rest = [t for t in rest if t != seats[0]]
    # A word of digits in any script is meant as the length; only plain digits are read.
    if rest and rest[0].isdigit():
        minutes = plain_number(rest[0], 4)
        if minutes is None:
            raise InvalidInput("length", rest[0])
        rest = rest[1:]
    subject = " ".join(rest)[:MAX_SUBJECT]
    return WindowSpec(hours[0], hours[1], minutes, capacity, subject, weekday, on_date)


def _is_seats(word: str) -> bool:
    """'x3': an x and digits of any script; the count is then read as plain digits or refused."""
    return word[:1] in "xX×" and word[1:].isdigit()


def check_length(spec: WindowSpec, minutes: int) -> None:
    """Refuse a slot length that is out of range or does not fit the window even once."""
    span = datetime.combine(date.min, spec.end) - datetime.combine(date.min, spec.start)
    if not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        raise InvalidInput("length", str(minutes))
    if timedelta(minutes=minutes) > span:
        raise InvalidInput("length_fit", str(minutes))


def window_label(window: Window) -> str:
    """The window as the teacher would type it: 'mon 10:00-14:00' or '2026-12-05 09:00-12:00'."""
    day = WEEKDAYS[window.weekday] if window.weekday is not None else str(window.on_date)
    return f"{day} {window.start:%H:%M}-{window.end:%H:%M}"


@dataclass(frozen=True)
class BlockSpec:
    """A parsed /block request: local dates, optional hours, optional reason."""

    first: date
    last: date
    hours: tuple[time, time] | None
    reason: str


def parse_block_args(args: str) -> BlockSpec:
    """Read '<date>[..<date>] [HH:MM-HH:MM] [reason...]'."""
    parts = args.split()
    if not parts:
        raise InvalidInput("date", "")
    first_text, _, last_text = parts[0].partition("..")
    first = parse_date(first_text)
    last = parse_date(last_text) if last_text else first
    if last < first or (last - first).days >= MAX_BLOCK_DAYS:
        raise InvalidInput("date", parts[0])
    # Only what follows valid hours is the reason; hours that cannot be read are refused.
    hours = block_hours(parts[1]) if len(parts) > 1 else None
    rest = parts[2:] if hours is not None else parts[1:]
    if hours is not None and last != first:
        raise InvalidInput("time", parts[1])  # hours only make sense for a single day
    return BlockSpec(first, last, hours, " ".join(rest)[:200])


def block_bounds(spec: BlockSpec, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC stretch a block covers, from the teacher's local dates and hours."""
    if spec.hours is None:
        start = datetime.combine(spec.first, time(0, 0), tzinfo=zone)
        end = datetime.combine(spec.last + timedelta(days=1), time(0, 0), tzinfo=zone)
    else:
        start = datetime.combine(spec.first, spec.hours[0], tzinfo=zone)
        end = datetime.combine(spec.first, spec.hours[1], tzinfo=zone)
        if spec.hours[1] == END_OF_DAY:  # '22:00-00:00' blocks until midnight
            end = datetime.combine(spec.first + timedelta(days=1), time(0, 0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
