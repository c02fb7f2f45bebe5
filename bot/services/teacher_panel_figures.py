"""The teacher panel's numbers: link usage, bookings with a peak-time heatmap, the schedule.

Days are the teacher's local days; the aggregates are those /stats reads
(bot.services.analytics over storage's SqlStats), so the panel and the chat agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.model import Student
from bot.domain.timeslots import local_midnight
from bot.services import analytics as a
from bot.services.context import Deps
from bot.services.ownership import teacher_of
from bot.services.teacher_panel import last_opened

MAX_DAYS = 366  # analytics look back at most a year
MAX_SCHEDULE_DAYS = 42
OPENED = "opened"


@dataclass(frozen=True)
class LinkUsage:
    """One active student's link openings and refusals in the period."""

    student: Student
    openings: int
    refused: int
    last_opened_at: datetime | None


@dataclass(frozen=True)
class TokenUsage:
    """Link openings and refusals over the last `days` local days."""

    zone: str
    days: int
    links: list[LinkUsage]
    daily: list[tuple[date, int, int]]  # (local day, openings, refused)
    students_never: int

    @property
    def openings(self) -> int:
        """Openings in the period."""
        return sum(d[1] for d in self.daily)

    @property
    def refused(self) -> int:
        """Refused openings in the period."""
        return sum(d[2] for d in self.daily)

    @property
    def students_opened(self) -> int:
        """Active students whose link opened in the period."""
        return sum(1 for k in self.links if k.openings)


@dataclass(frozen=True)
class BookingFigures:
    """Bookings of lessons in the last `days` local days, and when lessons are held."""

    zone: str
    days: int
    counts: a.Counts
    heat: list[tuple[int, int, int]]  # (weekday, hour, lessons), non-zero cells only


@dataclass(frozen=True)
class Lesson:
    """A booked seat in the schedule."""

    booking_id: int
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    student: Student


@dataclass(frozen=True)
class FreeSlot:
    """An open slot with a seat left."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    seats: int
    booked: int


@dataclass(frozen=True)
class Schedule:
    """Lessons and free slots over `days` local days from `first`."""

    zone: str
    first: date
    days: int
    lessons: list[Lesson]
    free: list[FreeSlot]


def _days(days: int, most: int) -> int:
    """Refuse a period outside 1..most days."""
    if not 1 <= days <= most:
        raise InvalidInput("days", str(days))
    return days


def _window(now: datetime, zone: ZoneInfo, days: int) -> tuple[date, datetime, datetime]:
    """The last `days` local days up to today: first day and UTC bounds [start, end)."""
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    return first, local_midnight(first, zone), local_midnight(today + timedelta(days=1), zone)


async def token_usage(deps: Deps, telegram_id: int, days: int = 30) -> TokenUsage:
    """Openings and refusals of the teacher's links per student and per local day."""
    days = _days(days, MAX_DAYS)
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        first, start, end = _window(now, zone, days)
        events = await uow.stats.audit_between(teacher.id, start, end, event_prefix="link.open")
        roster = await uow.students.of_teacher(teacher.id)
        last = last_opened([found for found, _student in await uow.stats.links(teacher.id)])
    opened: Counter[int] = Counter()
    refused: Counter[int] = Counter()
    per_day: dict[date, list[int]] = {first + timedelta(days=i): [0, 0] for i in range(days)}
    for e in events:
        column = 0 if e.outcome == OPENED else 1 if e.outcome.startswith(a.REFUSED_PREFIX) else -1
        if column < 0:
            continue
        (opened if column == 0 else refused)[e.student_id or 0] += 1
        day = per_day.get(e.at.astimezone(zone).date())
        if day is not None:
            day[column] += 1
    usage = [LinkUsage(s, opened[s.id], refused[s.id], last.get(s.id)) for s in roster]
    never = sum(1 for s in roster if s.telegram_id is None and s.id not in last)
    daily = [(d, n[0], n[1]) for d, n in sorted(per_day.items())]
    return TokenUsage(teacher.settings.timezone, days, usage, daily, never)


async def bookings(deps: Deps, telegram_id: int, days: int = 30) -> BookingFigures:
    """Lessons of the last `days` local days: made, cancelled by whom, moved; the heatmap."""
    days = _days(days, MAX_DAYS)
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone_name = teacher.settings.timezone
        _first, start, end = _window(now, ZoneInfo(zone_name), days)
        rows = await uow.stats.lessons_starting(teacher.id, start, end)
    grid = a.heatmap(rows, zone_name)
    heat = [(d, h, n) for d, row in enumerate(grid) for h, n in enumerate(row) if n]
    return BookingFigures(zone_name, days, a.count(rows, now), heat)


async def schedule(
    deps: Deps, telegram_id: int, first: date | None = None, days: int = 7
) -> Schedule:
    """The teacher's lessons and free slots over `days` local days from `first` (or today)."""
    days = _days(days, MAX_SCHEDULE_DAYS)
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = ZoneInfo(teacher.settings.timezone)
        first = first or now.astimezone(zone).date()
        start = local_midnight(first, zone)
        end = local_midnight(first + timedelta(days=days), zone)
        booked = await uow.bookings.of_teacher_between(teacher.id, start, end)
        open_slots = await uow.slots.between(teacher.id, start, end)
    lessons = [Lesson(b.id, s.id, s.starts_at, s.ends_at, s.subject, st) for b, s, st in booked]
    free = [
        FreeSlot(s.id, s.starts_at, s.ends_at, s.subject, s.capacity, s.booked)
        for s in open_slots
        if s.free > 0
    ]
    return Schedule(teacher.settings.timezone, first, days, lessons, free)
