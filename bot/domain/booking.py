"""Booking rules: when a slot may be booked, and when a student may still change a lesson."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import BookingNotActive, CancellationWindowPassed, SlotUnavailable
from bot.domain.model import Actor, Booking, BookingStatus, Slot, SlotStatus, TeacherSettings


@dataclass(frozen=True)
class BookableStarts:
    """When an open slot with a free seat may be booked: starting after `now`, from
    `earliest` (the advance notice) until `latest` (the horizon), both included."""

    now: datetime
    earliest: datetime
    latest: datetime


def bookable_starts(settings: TeacherSettings, now: datetime) -> BookableStarts:
    """The starts a student may book now (a query counts free slots with these bounds)."""
    return BookableStarts(
        now,
        now + timedelta(minutes=settings.advance_notice_minutes),
        now + timedelta(days=settings.horizon_days),
    )


def refusal_to_book(
    slot: Slot, settings: TeacherSettings, now: datetime, by: Actor = Actor.STUDENT
) -> SlotUnavailable | None:
    """Why this slot may not be booked now by whoever acts, or None if it may.

    Advance notice and the horizon bind students; a teacher booking for a student may take any
    open slot that has not begun and has a free seat.
    """
    starts = bookable_starts(settings, now)
    if slot.status != SlotStatus.OPEN:
        return SlotUnavailable.GONE
    if slot.starts_at <= starts.now:
        return SlotUnavailable.STARTED
    if by != Actor.STUDENT:
        return SlotUnavailable.FULL if slot.free <= 0 else None
    if slot.starts_at < starts.earliest:
        return SlotUnavailable.TOO_SOON
    if slot.starts_at > starts.latest:
        return SlotUnavailable.TOO_FAR
    if slot.free <= 0:
        return SlotUnavailable.FULL
    return None


def window_edge(slot: Slot, settings: TeacherSettings) -> datetime:
    """Where the cancellation window begins; past it only the grace period lets a student act."""
    return slot.starts_at - timedelta(minutes=settings.cancel_window_minutes)


def inside_window(slot: Slot, settings: TeacherSettings, now: datetime) -> bool:
    """Whether the lesson already lies inside the cancellation window at this moment."""
    return now > window_edge(slot, settings)


def undo_until(slot: Slot, booking: Booking, settings: TeacherSettings) -> datetime | None:
    """The end of the grace period after booking, when it outlasts the window's edge; else None.

    The grace period never reaches past the start: a lesson that has begun stays as it is.
    """
    if settings.grace_minutes <= 0:
        return None
    end = min(booking.created_at + timedelta(minutes=settings.grace_minutes), slot.starts_at)
    return end if end > window_edge(slot, settings) else None


def undo_minutes_if_booked(slot: Slot, settings: TeacherSettings, now: datetime) -> int | None:
    """For a lesson inside the window: the minutes a booking made now could be undone (0: none).

    None while the lesson is still outside the window (the usual policy applies).
    """
    if not inside_window(slot, settings, now):
        return None
    left = max(int((slot.starts_at - now).total_seconds() // 60), 0)
    return min(settings.grace_minutes, left)


def change_deadline(slot: Slot, booking: Booking, settings: TeacherSettings) -> datetime:
    """The last moment a student may cancel or reschedule: the window's edge or the grace end."""
    edge = window_edge(slot, settings)
    grace_end = undo_until(slot, booking, settings)
    return grace_end if grace_end is not None else edge


@dataclass(frozen=True)
class StudentChange:
    """Whether the student may still cancel or move a lesson themselves, and until when."""

    allowed: bool
    deadline: datetime
    window_minutes: int

    def require(self) -> None:
        """Refuse the change (CancellationWindowPassed) when it is no longer the student's."""
        if not self.allowed:
            raise CancellationWindowPassed(self.window_minutes)


def student_change(
    slot: Slot, booking: Booking, settings: TeacherSettings, now: datetime
) -> StudentChange:
    """The one rule for cancelling and rescheduling by the student.

    Allowed before the cancellation window, or within the grace period after booking (a
    mistaken booking can be undone), and never once the lesson has begun.
    """
    deadline = change_deadline(slot, booking, settings)
    allowed = may_still_change(slot.starts_at, deadline, now)
    return StudentChange(allowed, deadline, settings.cancel_window_minutes)


def may_change(
    slot: Slot, booking: Booking, settings: TeacherSettings, now: datetime, by: Actor
) -> StudentChange:
    """Whether whoever acts may still cancel or move a lesson still to come.

    The cancellation window and the grace period bind the student; the teacher may change any
    coming lesson of theirs (require_coming refuses one that was cancelled or has begun).
    """
    if by == Actor.STUDENT:
        return student_change(slot, booking, settings, now)
    return StudentChange(True, slot.starts_at, settings.cancel_window_minutes)


def may_still_change(starts_at: datetime, deadline: datetime | None, now: datetime) -> bool:
    """The same rule on stored facts (a notice's lesson start and deadline); no deadline: no."""
    return deadline is not None and now < starts_at and now <= deadline


def require_coming(booking: Booking, slot: Slot, now: datetime) -> None:
    """Refuse (BookingNotActive) acting on a lesson that was cancelled or has begun."""
    if booking.status != BookingStatus.CONFIRMED or slot.starts_at <= now:
        raise BookingNotActive()


def reminder_times(
    slot: Slot, leads_minutes: tuple[int, ...], now: datetime
) -> list[tuple[int, datetime]]:
    """(lead, due time) of each reminder still in the future; a lesson booked late gets fewer."""
    result = []
    for lead in sorted(set(leads_minutes), reverse=True):
        due = slot.starts_at - timedelta(minutes=lead)
        if due > now:
            result.append((lead, due))
    return result
