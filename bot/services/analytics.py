"""The numbers behind /stats, as pure functions over bookings, links and audit events."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.model import Actor, AuditEvent, Booking, BookingStatus, ShareLink, Slot
from bot.domain.timeslots import local_midnight


class PeriodKey(StrEnum):
    """A period of /stats and /export; the value travels in buttons."""

    WEEK = "week"
    MONTH = "month"
    DAYS_90 = "90d"


PERIODS = tuple(PeriodKey)
REFUSED_PREFIX = "link_refused:"  # the outcome prefix link_opening.open_link writes for refusals


@dataclass(frozen=True)
class Period:
    """A stretch of local days in the teacher's zone, as UTC bounds [start, end)."""

    key: PeriodKey
    start: datetime
    end: datetime
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Counts:
    """What happened to a set of bookings; a moved lesson counts once, as a reschedule."""

    made: int = 0
    taken: int = 0
    upcoming: int = 0
    no_shows: int = 0
    cancelled: int = 0
    cancelled_by_student: int = 0
    cancelled_by_teacher: int = 0
    late: int = 0
    reschedules: int = 0

    @property
    def cancellation_rate(self) -> float | None:
        """Cancelled lessons as a share of lessons booked; None when nothing was booked."""
        return self.cancelled / self.made if self.made else None


@dataclass(frozen=True)
class Funnel:
    """Links created in a period, how many were opened, and how many led to a first booking."""

    created: int
    opened: int
    booked: int


@dataclass(frozen=True)
class LinkFigures:
    """One link: how it was used and refused."""

    link: ShareLink
    uses_left: int | None
    refused: dict[str, int] = field(default_factory=dict)


def period_of(key: str, now: datetime, zone_name: str, *, month_holds_week: bool = False) -> Period:
    """This week (from Monday), this month, or the last 90 days, in the teacher's local days.

    With month_holds_week (the figures of /stats), this month is the calendar month stretched
    to hold the whole of this week, so at a month's edge it never shows less than this week
    does. Exports keep the calendar month: a file per month is what bookkeeping expects.
    """
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    if key == "week":
        first, after = monday, monday + timedelta(days=7)
    elif key == "month":
        first = today.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
        if month_holds_week:
            first, after = min(first, monday), max(after, monday + timedelta(days=7))
    elif key == "90d":
        first, after = today - timedelta(days=89), today + timedelta(days=1)
    else:
        raise ValueError(key)
    start, end = local_midnight(first, zone), local_midnight(after, zone)
    return Period(PeriodKey(key), start, end, first, after - timedelta(days=1))


def count(rows: Iterable[tuple[Booking, Slot]], now: datetime) -> Counts:
    """Made, taken, coming, no-shows, cancellations (by whom, late) and reschedules."""
    c: Counter[str] = Counter()
    for booking, slot in rows:
        if booking.rescheduled_to_id is not None:
            c["reschedules"] += 1  # the lesson lives on in the booking it moved to
            continue
        c["made"] += 1
        if booking.status == BookingStatus.CANCELLED:
            c["cancelled"] += 1
            if booking.cancelled_by == Actor.STUDENT:
                c["cancelled_by_student"] += 1
                c["late"] += booking.late_cancel
            elif booking.cancelled_by == Actor.TEACHER:
                c["cancelled_by_teacher"] += 1
        elif booking.attended is False:
            c["no_shows"] += 1
        elif slot.ends_at <= now:
            c["taken"] += 1
        else:
            c["upcoming"] += 1
    return Counts(**c)


def _held(rows: Iterable[tuple[Booking, Slot]]) -> list[Slot]:
    """Slots of bookings that stand (not cancelled, not moved)."""
    return [s for b, s in rows if b.status == BookingStatus.CONFIRMED]


def heatmap(rows: Iterable[tuple[Booking, Slot]], zone_name: str) -> list[list[int]]:
    """Standing bookings by local weekday (rows, Monday first) and start hour (24 columns)."""
    zone = ZoneInfo(zone_name)
    grid = [[0] * 24 for _ in range(7)]
    for slot in _held(rows):
        local = slot.starts_at.astimezone(zone)
        grid[local.weekday()][local.hour] += 1
    return grid


def busiest(totals: Sequence[int], top: int = 3) -> list[tuple[int, int]]:
    """The indexes with the most bookings, most first (ties: earliest first), zeros left out."""
    ranked = sorted(((n, i) for i, n in enumerate(totals) if n), key=lambda x: (-x[0], x[1]))
    return [(i, n) for n, i in ranked[:top]]


def by_weekday(grid: list[list[int]]) -> list[int]:
    """Row totals of the heatmap: bookings per weekday."""
    return [sum(row) for row in grid]


def by_hour(grid: list[list[int]]) -> list[int]:
    """Column totals of the heatmap: bookings per start hour."""
    return [sum(row[h] for row in grid) for h in range(24)]


def subjects(rows: Iterable[tuple[Booking, Slot]], top: int = 5) -> list[tuple[str, int]]:
    """The most booked subjects among standing bookings ('' for lessons without one)."""
    return Counter(s.subject for s in _held(rows)).most_common(top)


def median_lead(rows: Iterable[tuple[Booking, Slot]]) -> timedelta | None:
    """How far ahead of the lesson students booked (every booking act, moves included)."""
    leads = [(s.starts_at - b.created_at).total_seconds() for b, s in rows]
    return timedelta(seconds=statistics.median(leads)) if leads else None


def per_week(
    rows: Iterable[tuple[Booking, Slot]], zone_name: str, period: Period
) -> list[tuple[date, int]]:
    """Standing bookings per local week (keyed by its Monday) across the period, empty weeks too."""
    zone = ZoneInfo(zone_name)
    monday = period.first_day - timedelta(days=period.first_day.weekday())
    weeks: dict[date, int] = {}
    while monday <= period.last_day:
        weeks[monday] = 0
        monday += timedelta(days=7)
    for slot in _held(rows):
        day = slot.starts_at.astimezone(zone).date()
        key = day - timedelta(days=day.weekday())
        if key in weeks:
            weeks[key] += 1
    return sorted(weeks.items())


def funnel(links: Iterable[ShareLink], first_booked: dict[int, datetime], period: Period) -> Funnel:
    """Links created in the period -> opened at least once -> the student's first booking after."""
    created = [k for k in links if period.start <= k.created_at < period.end]
    opened = [k for k in created if k.use_count > 0 or k.last_used_at is not None]
    booked = [
        k
        for k in opened
        if k.student_id in first_booked and first_booked[k.student_id] >= k.created_at
    ]
    return Funnel(len(created), len(opened), len(booked))


def refusals(events: Iterable[AuditEvent]) -> dict[str, int]:
    """Refused link openings by reason."""
    found = Counter(
        e.outcome.removeprefix(REFUSED_PREFIX)
        for e in events
        if e.outcome.startswith(REFUSED_PREFIX)
    )
    return dict(sorted(found.items()))


def link_figures(links: Iterable[ShareLink], events: Sequence[AuditEvent]) -> list[LinkFigures]:
    """Each link with uses left and its refused attempts (events carry the link id)."""
    figures = []
    for link in links:
        mine = [e for e in events if e.detail.get("link_id") == link.id]
        left = max(link.max_uses - link.use_count, 0) if link.max_uses is not None else None
        figures.append(LinkFigures(link, left, refusals(mine)))
    return figures


def last_activity(
    rows: Iterable[tuple[Booking, Slot]], links: Iterable[ShareLink], bound_at: datetime | None
) -> datetime | None:
    """The student's latest own action, from their bookings as rows (see latest_activity)."""
    booked: datetime | None = None
    cancelled: datetime | None = None
    for booking, _ in rows:
        booked = max(booked or booking.created_at, booking.created_at)
        if booking.cancelled_at and booking.cancelled_by == Actor.STUDENT:
            cancelled = max(cancelled or booking.cancelled_at, booking.cancelled_at)
    return latest_activity(bound_at, links, booked, cancelled)


def latest_activity(
    bound_at: datetime | None,
    links: Iterable[ShareLink],
    last_booked: datetime | None,
    last_cancelled: datetime | None,
) -> datetime | None:
    """The student's latest own action: binding, opening a link, booking, cancelling.

    last_booked is their latest booking act (any booking's creation), last_cancelled their
    latest cancellation of their own (the teacher's cancellations are not the student's acts);
    storage computes both per student for the whole roster at once (SqlStats.activity).
    """
    moments = [bound_at, last_booked, last_cancelled]
    moments += [k.last_used_at for k in links]
    return max((m for m in moments if m is not None), default=None)


def refusal_counts(outcomes: dict[str, int]) -> dict[str, int]:
    """Refused link openings by reason, from counts per audit outcome."""
    found: Counter[str] = Counter()
    for outcome, n in outcomes.items():
        if outcome.startswith(REFUSED_PREFIX):
            found[outcome.removeprefix(REFUSED_PREFIX)] += n
    return dict(sorted(found.items()))


def is_active(
    last: datetime | None, enrolled: datetime, now: datetime, inactive_after_days: int
) -> bool:
    """Active while the last activity (or enrollment, if none yet) is recent enough."""
    return now - (last or enrolled) < timedelta(days=inactive_after_days)
