"""What the student's calendar screens hold: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import IntEnum, StrEnum

from bot.domain.errors import SlotRefused
from bot.services.booking import Lesson


class Part(IntEnum):
    """Time of day in the viewer's zone: morning before 12, afternoon 12-17, evening from 17."""

    ANY = 0
    MORNING = 1
    AFTERNOON = 2
    EVENING = 3


@dataclass(frozen=True)
class Filters:
    """What the student narrowed the calendar to; subject is 1-based (0 = every subject)."""

    subject: int = 0
    part: Part = Part.ANY


@dataclass(frozen=True)
class Cursor:
    """Where a student stands in the calendar: every calendar button carries one.

    student_id is the student record (0: the teacher the account booked with last); day is a
    date's ordinal (0: today; the service clamps it to the bookable days); moving is the
    booking being rescheduled (0: a new booking).
    """

    student_id: int = 0
    day: int = 0
    filters: Filters = Filters()
    moving: int = 0

    def on(self, day: date) -> Cursor:
        """The same cursor on another day."""
        return replace(self, day=day.toordinal())


class SlotState(StrEnum):
    """How a slot shows to a student."""

    FREE = "free"
    FULL = "full"
    MINE = "mine"


@dataclass(frozen=True)
class View:
    """Who is looking, in which zone, with which filters (normalized: shown = applied)."""

    student_id: int
    teacher_name: str
    zone: str
    teacher_zone: str
    subjects: list[str]
    filters: Filters
    today: date
    last_day: date
    moving: Lesson | None = None

    def cursor(self, day: date | None = None) -> Cursor:
        """Where a button of this screen leads: this student, filters and move, on a day."""
        moving = self.moving.booking_id if self.moving else 0
        return Cursor(self.student_id, day.toordinal() if day else 0, self.filters, moving)


@dataclass(frozen=True)
class DayCount:
    """One day of the calendar: how many slots the student could book, and holds, on it."""

    day: date
    free: int
    mine: int = 0
    full: int = 0  # fully booked slots whose waitlist the student can join

    @property
    def opens(self) -> bool:
        """Whether the day has anything to open: a free time, a lesson, a waitlist."""
        return bool(self.free or self.mine or self.full)


@dataclass(frozen=True)
class Week:
    """Seven days (fewer at the horizon) from a start date, with paging bounds."""

    view: View
    start: date
    days: list[DayCount]
    previous: date | None
    next: date | None
    months: list[date] = field(default_factory=list)


@dataclass(frozen=True)
class Month:
    """The bookable days of one month (first is its 1st), with the neighbours to page to."""

    view: View
    first: date
    days: list[DayCount]
    previous: date | None
    next: date | None


@dataclass(frozen=True)
class SlotView:
    """A slot as the student sees it: never who else booked it."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime
    subject: str
    free: int
    capacity: int
    state: SlotState


@dataclass(frozen=True)
class DayView:
    """A day's slots for the student."""

    view: View
    day: date
    slots: list[SlotView]


@dataclass(frozen=True)
class Offer:
    """The confirmation card for a slot the student may book now."""

    view: View
    slot: SlotView
    cancel_window_minutes: int
    # Inside the window already: minutes a booking made now can be undone (0: none); else None.
    undo_minutes: int | None = None
    series: bool = False  # the teacher takes weekly series: offer "every week at this time"


@dataclass(frozen=True)
class Refreshed:
    """A slot was refused: the reason, and the day as it is now."""

    refusal: SlotRefused
    day: DayView


@dataclass(frozen=True)
class Booked:
    """The lesson now held (and the one it replaced, when rescheduling)."""

    lesson: Lesson
    zone: str
    moved_from: Lesson | None = None
