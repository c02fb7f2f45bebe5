"""What starting a weekly series shows: the choice of weeks, and the lessons it got or skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.errors import SlotUnavailable


@dataclass(frozen=True)
class Occurrence:
    """One week of a series: booked (its booking) or skipped (why)."""

    on_date: date  # in the teacher's zone
    starts_at: datetime  # UTC
    booking_id: int | None = None
    skipped: SlotUnavailable | None = None


@dataclass(frozen=True)
class SeriesOffer:
    """The choice of how many weeks, for a slot the student (or teacher) picked."""

    student_id: int
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    zone: str  # the viewer's
    teacher_zone: str
    choices: tuple[int, ...]  # weeks; rules.ONGOING for no end
    # "Until a date": the last lessons it may end with, week 2 on (UTC); weeks = index + 2.
    last_dates: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Started:
    """A series just booked: the lessons it got, the weeks it skipped, and what comes later."""

    series_id: int
    student_id: int
    student_name: str
    teacher_name: str
    zone: str  # the viewer's
    teacher_zone: str
    booked: tuple[Occurrence, ...]
    skipped: tuple[Occurrence, ...]
    ongoing: bool
    later: int  # weeks of a counted series beyond the horizon, booked as it moves
