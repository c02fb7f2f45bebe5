"""The waitlist's rules: who may join a full slot's line, and how long an offer holds its seat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.errors import DomainError
from bot.domain.model import Slot, SlotStatus

HOLD_MINUTES_MIN = 5
HOLD_MINUTES_MAX = 24 * 60


class WaitState(StrEnum):
    """Where an entry stands: in line, offered a held seat, or closed (and why)."""

    WAITING = "waiting"
    OFFERED = "offered"
    BOOKED = "booked"  # the held seat became the student's booking
    LAPSED = "lapsed"  # the hold ran out
    DECLINED = "declined"
    LEFT = "left"
    DROPPED = "dropped"  # the lesson started (or went) while still in line


LIVE = (WaitState.WAITING, WaitState.OFFERED)


class WaitRefusal(StrEnum):
    """Why a student may not join (or act on) a line."""

    ALREADY_YOURS = "already_yours"  # they hold a seat of this slot
    ALREADY_WAITING = "already_waiting"
    STARTED = "started"  # the lesson began, or the slot is gone
    NOT_FULL = "not_full"  # a seat is free: book it instead
    OFFER_GONE = "offer_gone"  # the offer lapsed, was declined, or was already used
    NOT_WAITING = "not_waiting"  # left already, or the line closed
    STUDENT_ONLY = "student_only"  # a guardian: offers go to the student's own chat


@dataclass
class WaitlistRefused(DomainError):
    """A waitlist action refused, with the reason the student is told."""

    reason: WaitRefusal


@dataclass(frozen=True)
class WaitEntry:
    """A student's place in a slot's line."""

    id: int
    slot_id: int
    student_id: int
    state: WaitState
    created_at: datetime
    offered_at: datetime | None = None
    hold_until: datetime | None = None


def refusal_to_join(
    slot: Slot, now: datetime, *, holds_seat: bool, waiting: bool
) -> WaitRefusal | None:
    """Why this student may not join the slot's line now, or None if they may."""
    if slot.status != SlotStatus.OPEN or slot.starts_at <= now:
        return WaitRefusal.STARTED
    if holds_seat:
        return WaitRefusal.ALREADY_YOURS
    if waiting:
        return WaitRefusal.ALREADY_WAITING
    if slot.free > 0:
        return WaitRefusal.NOT_FULL
    return None


def hold_until(slot: Slot, hold_minutes: int, now: datetime) -> datetime:
    """When an offer made now stops holding its seat: the teacher's hold time, never past the
    lesson's start (a seat of a lesson that began is no longer offered)."""
    return min(now + timedelta(minutes=hold_minutes), slot.starts_at)


def offer_open(entry: WaitEntry, now: datetime) -> bool:
    """Whether the entry's offer still holds its seat at this moment."""
    return (
        entry.state == WaitState.OFFERED and entry.hold_until is not None and now < entry.hold_until
    )
