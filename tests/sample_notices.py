"""Notices as tests queue them directly: a lesson with plausible facts, overridden as given."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.notices import BookingNew, Lesson

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def lesson(starts_at: datetime = START, **facts: object) -> Lesson:
    """A one-hour Math lesson of Sam with Tanya, in UTC; any fact can be overridden."""
    base = Lesson(
        booking_id=1,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        teacher_id=1,
        teacher_name="Tanya",
        teacher_tz="UTC",
        student_id=1,
        student_name="Sam",
        colour=1,
        subject="Math",
    )
    return replace(base, **facts)  # type: ignore[arg-type]


def booking_new(student_name: str = "Sam", colour: int = 1) -> BookingNew:
    """A teacher's new-booking notice about the default lesson of the named student."""
    return BookingNew(lesson=lesson(student_name=student_name, colour=colour))
