"""Weekly series: a weekday and a wall time in the teacher's zone, and the dates it falls on.

Occurrences are computed in local wall time (zoneinfo), so a lesson at 17:00 in Berlin stays
at 17:00 in Berlin on both sides of a daylight-saving change; its UTC start moves instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError
from bot.domain.model import Actor, TeacherSettings

WEEK = timedelta(days=7)
ONGOING = 0  # weeks: no end date; the series rolls forward with the horizon
WEEK_CHOICES = (4, 8, 12)  # offered on the card, each only within the teacher's maximum


class SeriesStatus(StrEnum):
    """A series books new weeks while active; once ended it books nothing more."""

    ACTIVE = "active"
    ENDED = "ended"


class SeriesUnavailable(StrEnum):
    """Why a weekly series cannot be started."""

    OFF = "off"  # the teacher does not take weekly bookings
    TOO_LONG = "too_long"  # more weeks than the teacher allows


@dataclass
class SeriesRefused(DomainError):
    """A series rule refused the request."""

    reason: SeriesUnavailable
    max_weeks: int = 0


@dataclass
class Series:
    """A standing weekly lesson of one student with their teacher."""

    id: int
    teacher_id: int
    student_id: int
    weekday: int  # 0 = Monday, in the teacher's zone
    local_time: time
    minutes: int
    first_date: date
    until_date: date | None  # None: ongoing
    status: SeriesStatus
    created_by: Actor
    created_at: datetime
    subject: str = ""
    ended_at: datetime | None = None


def refusal_to_start(settings: TeacherSettings, weeks: int) -> SeriesRefused | None:
    """Why a series of this many weeks (ONGOING: no end) may not start, or None if it may."""
    if not settings.series_enabled:
        return SeriesRefused(SeriesUnavailable.OFF)
    if weeks != ONGOING and not 1 <= weeks <= settings.series_max_weeks:
        return SeriesRefused(SeriesUnavailable.TOO_LONG, settings.series_max_weeks)
    return None


def week_choices(settings: TeacherSettings) -> tuple[int, ...]:
    """The lengths offered to a student: the usual ones within the maximum, then ongoing."""
    if not settings.series_enabled:
        return ()
    counted = tuple(w for w in WEEK_CHOICES if w <= settings.series_max_weeks)
    if settings.series_max_weeks not in counted and settings.series_max_weeks < WEEK_CHOICES[-1]:
        counted += (settings.series_max_weeks,)
    return (*counted, ONGOING)


MAX_LAST_DATES = 52  # "until a date" offers at most a year of weekly dates (button limits)


def last_dates(first: datetime, zone: str, settings: TeacherSettings) -> tuple[datetime, ...]:
    """The lessons a series from `first` could end with (week 2 on), within the maximum."""
    tz = ZoneInfo(zone)
    local = first.astimezone(tz)
    weeks = min(settings.series_max_weeks, MAX_LAST_DATES) if settings.series_enabled else 0
    moments = (
        datetime.combine(local.date() + WEEK * k, local.time(), tz).astimezone(UTC)
        for k in range(1, weeks)
    )
    return tuple(moments)


def until_date(first: date, weeks: int) -> date | None:
    """The last date of a series of `weeks` occurrences from `first` (None when ongoing)."""
    return None if weeks == ONGOING else first + WEEK * (weeks - 1)


def local_start(day: date, at: time, zone: str) -> datetime | None:
    """The UTC moment of a wall time on a local day; None when that time does not exist.

    In the spring gap (02:30 on the night clocks go forward) there is no such moment; at the
    autumn repeat the first of the two is taken (fold=0).
    """
    tz = ZoneInfo(zone)
    moment = datetime.combine(day, at, tz)
    back = moment.astimezone(UTC).astimezone(tz)
    if (back.date(), back.time()) != (day, at):
        return None
    return moment.astimezone(UTC)


def dates(series: Series, start: date) -> Iterator[date]:
    """The series' local dates from `start` on (never before its first), up to its end."""
    day = series.first_date
    if start > day:
        day += WEEK * -(-(start - day).days // 7)
    while series.until_date is None or day <= series.until_date:
        yield day
        day += WEEK


def due_dates(
    series: Series, zone: str, tried: set[date], start: date, horizon_end: datetime
) -> list[date]:
    """Dates not tried yet whose lesson starts within the horizon, in order."""
    due = []
    for day in dates(series, start):
        moment = datetime.combine(day, series.local_time, ZoneInfo(zone))
        if moment > horizon_end:
            break
        if day not in tried:
            due.append(day)
    return due


def finished(series: Series, zone: str, horizon_end: datetime) -> bool:
    """Whether every date of a counted series lies within the horizon (nothing left to book)."""
    if series.until_date is None:
        return False
    return datetime.combine(series.until_date, series.local_time, ZoneInfo(zone)) <= horizon_end
