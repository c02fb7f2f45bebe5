"""A followed student's notices for their guardians: one outbox row per guardian and notice.

Each row names its guardian; the dispatcher drops it if the guardian was removed before it
went out (bot/services/outbox.py), and renders it in the guardian's language and zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.booking import reminder_times
from bot.domain.guardian_notices import GuardianEvent, GuardianNotice, GuardianReminder
from bot.domain.guardians import Guardian
from bot.domain.model import Actor, Booking, OutboxMessage, Slot, Student
from bot.domain.notices import Lesson
from bot.services.outbox_rows import booking_row


def reminders(
    lesson: Lesson,
    slot: Slot,
    booking: Booking,
    leads: Sequence[int],
    guardians: Sequence[Guardian],
    now: datetime,
) -> list[OutboxMessage]:
    """One reminder per guardian and lead time, each at most once (its dedup key)."""
    queued = []
    for lead, due in reminder_times(slot, tuple(leads), now):
        for guardian in guardians:
            assert guardian.telegram_id is not None  # recipients are bound
            notice = GuardianReminder(lesson=lesson, lead_minutes=lead, guardian_id=guardian.id)
            key = f"{notice.kind}:{booking.id}:{lead}:g{guardian.id}"
            queued.append(booking_row(notice, guardian.telegram_id, booking, due, key))
    return queued


def copies(
    lesson: Lesson,
    booking: Booking,
    guardians: Sequence[Guardian],
    now: datetime,
    told: tuple[GuardianEvent, Actor],
    *,
    actor: int | None = None,
    student: Student | None = None,
    old_starts_at: datetime | None = None,
    reason: str = "",
) -> list[OutboxMessage]:
    """What happened to the lesson, for each guardian but the one who did it.

    When a guardian acted (`actor` is neither None nor the student), the student gets the
    same notice too (guardian_id 0): they did not see it happen.
    """
    event, by = told
    queued = []
    targets = [(g.id, g.telegram_id) for g in guardians if g.telegram_id != actor]
    # A guardian acted: the student did not see it happen, so they are told as well.
    by_guardian = actor is not None and any(g.telegram_id == actor for g in guardians)
    if by_guardian and student is not None and student.telegram_id not in (None, actor):
        assert student.telegram_id is not None
        targets.append((0, student.telegram_id))
    for guardian_id, chat_id in targets:
        assert chat_id is not None
        notice = GuardianNotice(
            lesson=lesson,
            guardian_id=guardian_id,
            event=event,
            by=by,
            old_starts_at=old_starts_at,
            reason=reason,
        )
        key = f"{notice.kind}:{event.value}:{booking.id}:g{guardian_id}"
        queued.append(booking_row(notice, chat_id, booking, now, key))
    return queued
