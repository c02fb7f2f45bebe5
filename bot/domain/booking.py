"""Booking rules: when a slot may be booked, and when a student may still change a lesson."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.errors import SlotUnavailable
from bot.domain.model import Slot, SlotStatus, TeacherSettings


def refusal_to_book(slot: Slot, settings: TeacherSettings, now: datetime) -> SlotUnavailable | None:
    """Why a student may not book this slot now, or None if they may."""
    if slot.status != SlotStatus.OPEN:
        return SlotUnavailable.GONE
    if slot.starts_at <= now:
        return SlotUnavailable.STARTED
    if slot.starts_at < now + timedelta(minutes=settings.advance_notice_minutes):
        return SlotUnavailable.TOO_SOON
    if slot.starts_at > now + timedelta(days=settings.horizon_days):
        return SlotUnavailable.TOO_FAR
    if slot.free <= 0:
        return SlotUnavailable.FULL
    return None


def change_deadline(slot: Slot, settings: TeacherSettings) -> datetime:
    """The last moment a student may cancel or reschedule a lesson in this slot."""
    return slot.starts_at - timedelta(minutes=settings.cancel_window_minutes)


def student_may_change(slot: Slot, settings: TeacherSettings, now: datetime) -> bool:
    """Whether the cancellation window still allows the student to change this lesson."""
    return now <= change_deadline(slot, settings)


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
