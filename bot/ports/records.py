"""Ports for what is kept: the outbox, the audit log, statistics, processed updates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from bot.domain.model import (
    AuditEvent,
    Booking,
    OutboxMessage,
    OutboxStatus,
    ShareLink,
    Slot,
    Student,
)


class OutboxRepository(Protocol):
    """Outbox rows; a natural key (dedup_key) makes each reminder exist at most once."""

    async def add(
        self,
        kind: str,
        chat_id: int,
        payload: dict[str, object],
        due_at: datetime,
        now: datetime,
        *,
        dedup_key: str | None = None,
        booking_id: int | None = None,
    ) -> bool:
        """Queue a notification; False if one with the same dedup key already exists."""
        ...

    async def withdraw_for_booking(self, booking_id: int, kinds: Iterable[str]) -> int:
        """Withdraw pending notifications of a booking (its reminders, when it is cancelled)."""
        ...

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
        """Claim due rows for one dispatcher until the lease runs out."""
        ...

    async def finish(
        self, message_id: int, status: OutboxStatus, now: datetime, error: str = ""
    ) -> None:
        """Record how a claimed row ended (sent, skipped, failed)."""
        ...

    async def retry_later(self, message_id: int, due_at: datetime, error: str) -> None:
        """Put a claimed row back for another attempt at due_at."""
        ...

    async def planned_leads(self, booking_id: int, kind: str) -> list[int]:
        """Lead times of a booking's reminders of one kind, except withdrawn ones."""
        ...

    async def backlog(self, now: datetime) -> tuple[int, datetime | None]:
        """How many due rows wait, and the oldest due time."""
        ...

    async def unconfirmed_since(self, since: datetime) -> int:
        """How many sends since a moment timed out after being written (maybe delivered)."""
        ...

    async def by_status(self, status: OutboxStatus) -> list[OutboxMessage]:
        """Rows in one status (for tests and the operations view)."""
        ...


class AuditRepository(Protocol):
    """Append and query audit events."""

    async def times_by_actor(
        self, actor: int, outcome_prefix: str, since: datetime
    ) -> list[datetime]:
        """When an actor's events with outcomes starting with a prefix happened, since then."""
        ...

    async def add(self, event: AuditEvent) -> None:
        """Append one event."""
        ...

    async def count_by_actor(self, actor: int, outcome_prefix: str, since: datetime) -> int:
        """How many events of an actor with an outcome starting with a prefix, since a moment."""
        ...

    async def recent(
        self,
        *,
        teacher_id: int | None = None,
        student_id: int | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> list[AuditEvent]:
        """Newest events for a teacher or one student, paged."""
        ...


class StatsRepository(Protocol):
    """Read-only queries behind analytics and exports; always scoped to one teacher."""

    async def bookings_starting(
        self, teacher_id: int, start: datetime, end: datetime, *, student_id: int | None = None
    ) -> list[tuple[Booking, Slot, Student]]:
        """Every booking (any status) whose lesson starts in [start, end), by lesson time."""
        ...

    async def first_bookings(self, teacher_id: int) -> dict[int, datetime]:
        """When each of the teacher's students first booked, by student id."""
        ...

    async def moved_from(self, teacher_id: int) -> dict[int, int]:
        """For every booking made by a reschedule, the booking it replaced: {new id: old id}."""
        ...

    async def links(
        self, teacher_id: int, *, student_id: int | None = None
    ) -> list[tuple[ShareLink, Student]]:
        """Every link of the teacher's students (or of one), newest first."""
        ...

    async def audit_between(
        self,
        teacher_id: int,
        start: datetime,
        end: datetime,
        *,
        student_id: int | None = None,
        event_prefix: str = "",
    ) -> list[AuditEvent]:
        """Audit events of the teacher or about their students in [start, end), oldest first."""
        ...


class Claim(Enum):
    """What claiming a Telegram update_id found (every delivery is applied once)."""

    NEW = "new"  # first sight: process it
    TAKEN_OVER = "taken_over"  # a claim whose process died (no heartbeat): process it again
    IN_PROGRESS = "in_progress"  # another worker is processing it right now: do not
    DUPLICATE = "duplicate"  # already processed: acknowledge, do nothing


class ProcessedUpdatesRepository(Protocol):
    """Claims on Telegram update ids, kept until they expire."""

    async def claim(
        self, update_id: int, now: datetime, stale_before: datetime, expires: datetime
    ) -> Claim:
        """Claim an update atomically; a claim not refreshed since stale_before is taken over."""
        ...

    async def refresh(self, update_ids: list[int], now: datetime) -> None:
        """Heartbeat of in-progress claims: their process is still working on them."""
        ...

    async def finish(self, update_id: int) -> None:
        """Record the update as fully processed."""
        ...

    async def release(self, update_id: int) -> None:
        """Drop an in-progress claim so a redelivery is processed."""
        ...

    async def prune(self, now: datetime) -> int:
        """Delete expired records; returns how many."""
        ...
