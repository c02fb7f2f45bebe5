"""Ports for time: availability, slots and bookings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Protocol

from bot.domain.model import (
    Actor,
    Booking,
    Slot,
    Student,
    Window,
)
from bot.domain.time_off import TimeOff


class AvailabilityRepository(Protocol):
    """A teacher's windows and blocked time."""

    async def add_window(
        self,
        teacher_id: int,
        *,
        start: time,
        end: time,
        slot_minutes: int,
        capacity: int,
        subject: str,
        weekday: int | None,
        on_date: date | None,
        now: datetime,
    ) -> Window:
        """Store a window."""
        ...

    async def windows(self, teacher_id: int) -> list[Window]:
        """A teacher's windows: weekly ones by weekday, then dated ones by date."""
        ...

    async def get_window(self, window_id: int) -> Window | None:
        """A window by id."""
        ...

    async def remove_window(self, window_id: int) -> None:
        """Delete a window (its future slots are removed by the caller)."""
        ...

    async def add_time_off(
        self,
        teacher_id: int,
        starts_at: datetime,
        ends_at: datetime,
        now: datetime,
        reason: str = "",
    ) -> int:
        """Block a stretch of time; returns its id."""
        ...

    async def time_off(self, teacher_id: int, after: datetime) -> list[tuple[datetime, datetime]]:
        """Blocked stretches that end after a moment."""
        ...

    async def coming_time_off(self, teacher_id: int, after: datetime) -> list[TimeOff]:
        """Time off that ends after a moment, with ids and reasons, earliest first."""
        ...

    async def get_time_off(self, time_off_id: int) -> TimeOff | None:
        """Time off by id."""
        ...

    async def remove_time_off(self, time_off_id: int) -> int:
        """Delete time off; returns how many rows went (0 if another press removed it first)."""
        ...


class SlotsRepository(Protocol):
    """Materialized slots of every teacher."""

    async def add_many(
        self,
        teacher_id: int,
        window_id: int | None,
        times: Iterable[tuple[datetime, datetime]],
        capacity: int,
        subject: str,
    ) -> int:
        """Create open slots, skipping starts the teacher already has open; returns how many."""
        ...

    async def count_open(self, teacher_id: int, now: datetime, *, lock: bool = False) -> int:
        """How many open slots the teacher has from now on; lock holds their creation too."""
        ...

    async def get(self, slot_id: int) -> Slot | None:
        """A slot by id (fresh from the database)."""
        ...

    async def between(
        self, teacher_id: int, start: datetime, end: datetime, *, open_only: bool = True
    ) -> list[Slot]:
        """A teacher's slots starting in [start, end), by time."""
        ...

    async def of_window_from(self, window_id: int, start: datetime) -> list[Slot]:
        """A window's open slots from a moment on."""
        ...

    async def take_seat(self, slot_id: int, now: datetime) -> bool:
        """Take one seat if the slot is open, not started and not full; False otherwise."""
        ...

    async def release_seat(self, slot_id: int) -> None:
        """Give one seat back."""
        ...

    async def remove(self, slot_ids: Iterable[int]) -> None:
        """Take slots out of the calendar (bookings in them are cancelled by the caller)."""
        ...


class BookingsRepository(Protocol):
    """Bookings of students in slots."""

    async def add(self, slot_id: int, student_id: int, now: datetime) -> Booking:
        """Store a confirmed booking (the seat must already be taken)."""
        ...

    async def get(self, booking_id: int) -> tuple[Booking, Slot] | None:
        """A booking with its slot."""
        ...

    async def of_student(
        self, student_id: int, *, after: datetime | None = None, confirmed_only: bool = True
    ) -> list[tuple[Booking, Slot]]:
        """A student's bookings by lesson time; from `after` on if given."""
        ...

    async def of_slot(self, slot_id: int) -> list[Booking]:
        """Confirmed bookings in one slot."""
        ...

    async def of_teacher_between(
        self, teacher_id: int, start: datetime, end: datetime
    ) -> list[tuple[Booking, Slot, Student]]:
        """A teacher's confirmed lessons starting in [start, end), with slot and student."""
        ...

    async def overlapping(
        self, student_id: int, start: datetime, end: datetime
    ) -> list[tuple[Booking, Slot]]:
        """The student's confirmed lessons that overlap [start, end)."""
        ...

    async def cancel(
        self,
        booking_id: int,
        now: datetime,
        by: Actor,
        reason: str = "",
        *,
        late: bool = False,
        rescheduled_to: int | None = None,
    ) -> bool:
        """Cancel a confirmed booking; False if it was not confirmed any more."""
        ...

    async def set_attended(self, booking_id: int, attended: bool | None) -> None:
        """Mark a past lesson attended or no-show."""
        ...
