"""What the services need from the outside world, as Protocols (storage implements them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from types import TracebackType
from typing import Literal, Protocol, Self

from bot.domain.model import (
    Account,
    Actor,
    AuditEvent,
    Booking,
    OutboxMessage,
    OutboxStatus,
    ShareLink,
    Slot,
    Student,
    Teacher,
    TeacherSettings,
    Window,
)


class AccountsRepository(Protocol):
    """Accounts by Telegram id."""

    async def get(self, telegram_id: int) -> Account | None:
        """The account, or None if never seen."""
        ...

    async def ensure(
        self, telegram_id: int, first_name: str, now: datetime, language: str | None = None
    ) -> Account:
        """The account, created on first contact with the language Telegram reports."""
        ...

    async def update(self, telegram_id: int, **values: object) -> None:
        """Change stored preferences (language, timezone, last_teacher_id, unreachable)."""
        ...

    async def many(self, telegram_ids: list[int]) -> dict[int, Account]:
        """Several accounts at once, keyed by Telegram id."""
        ...


class TeachersRepository(Protocol):
    """Teachers by id or Telegram id."""

    async def add(
        self, telegram_id: int, display_name: str, settings: TeacherSettings, now: datetime
    ) -> Teacher:
        """Register a teacher."""
        ...

    async def get(self, teacher_id: int) -> Teacher | None:
        """A teacher by id."""
        ...

    async def by_telegram(self, telegram_id: int) -> Teacher | None:
        """The teacher registered by this Telegram account, if any."""
        ...

    async def save(self, teacher: Teacher) -> None:
        """Store a changed name or settings."""
        ...

    async def all(self) -> list[Teacher]:
        """Every teacher (for scheduled upkeep)."""
        ...

    async def agenda_due(self) -> list[Teacher]:
        """Teachers who want a daily agenda."""
        ...


class StudentsRepository(Protocol):
    """Students, always scoped by teacher where a teacher asks."""

    async def add(self, teacher_id: int, name: str, colour: int, now: datetime) -> Student:
        """Enroll a student."""
        ...

    async def get(self, student_id: int) -> Student | None:
        """A student by id."""
        ...

    async def of_teacher(
        self, teacher_id: int, *, archived: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[Student]:
        """A teacher's roster, by name."""
        ...

    async def count_of_teacher(self, teacher_id: int, *, archived: bool = False) -> int:
        """How many students a teacher has."""
        ...

    async def by_telegram(self, telegram_id: int) -> list[Student]:
        """Every student record bound to this Telegram account (one per teacher)."""
        ...

    async def colours_in_use(self, teacher_id: int) -> set[int]:
        """Colour indexes worn by the teacher's active students."""
        ...

    async def update(self, student_id: int, **values: object) -> None:
        """Change name, binding or archived flag."""
        ...

    async def lock(self, student_id: int) -> None:
        """Serialize one student's bookings (PostgreSQL row lock; SQLite writers are serial)."""
        ...


class LinksRepository(Protocol):
    """Links per student; at most one is live at a time."""

    async def add(
        self,
        student_id: int,
        token_hash: bytes,
        token_encrypted: bytes,
        now: datetime,
        expires_at: datetime | None,
        max_uses: int | None,
    ) -> ShareLink:
        """Store a new link."""
        ...

    async def by_hash(self, token_hash: bytes) -> ShareLink | None:
        """The link whose token hashes to this value."""
        ...

    async def current(self, student_id: int) -> ShareLink | None:
        """The student's newest link (revoked or not)."""
        ...

    async def all_of_student(self, student_id: int) -> list[ShareLink]:
        """Every link the student ever had, newest first."""
        ...

    async def revoke_all(self, student_id: int, now: datetime, *, replaced: bool) -> None:
        """End every live link of a student."""
        ...

    async def count_use(self, link_id: int, now: datetime) -> None:
        """Count one use, atomically (no read-modify-write race)."""
        ...

    async def set_limits(
        self, link_id: int, expires_at: datetime | None, max_uses: int | None
    ) -> None:
        """Change a link's expiry and maximum uses."""
        ...

    async def expiring_between(self, start: datetime, end: datetime) -> list[ShareLink]:
        """Live links whose expiry falls in [start, end)."""
        ...


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
        self, teacher_id: int, starts_at: datetime, ends_at: datetime, now: datetime
    ) -> int:
        """Block a stretch of time; returns its id."""
        ...

    async def time_off(self, teacher_id: int, after: datetime) -> list[tuple[datetime, datetime]]:
        """Blocked stretches that end after a moment."""
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

    async def last_start(self, teacher_id: int) -> datetime | None:
        """The latest start among a teacher's slots (how far the calendar reaches)."""
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

    async def backlog(self, now: datetime) -> tuple[int, datetime | None]:
        """How many due rows wait, and the oldest due time."""
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
    """What claiming a Telegram update_id found (webhook redeliveries are applied once)."""

    NEW = "new"  # first sight: process it
    TAKEN_OVER = "taken_over"  # a claim left by a crashed worker: process it again
    IN_PROGRESS = "in_progress"  # another worker is processing it right now: do not
    DUPLICATE = "duplicate"  # already processed: acknowledge, do nothing


class ProcessedUpdatesRepository(Protocol):
    """Claims on Telegram update ids, kept until they expire."""

    async def claim(
        self, update_id: int, now: datetime, stale_before: datetime, expires: datetime
    ) -> Claim:
        """Claim an update atomically; a claim older than stale_before may be taken over."""
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


class UnitOfWork(Protocol):
    """One transaction over every repository; leaving without commit() rolls back."""

    accounts: AccountsRepository
    teachers: TeachersRepository
    students: StudentsRepository
    links: LinksRepository
    availability: AvailabilityRepository
    slots: SlotsRepository
    bookings: BookingsRepository
    outbox: OutboxRepository
    audit: AuditRepository
    updates: ProcessedUpdatesRepository
    stats: StatsRepository

    async def __aenter__(self) -> Self:
        """Begin the transaction."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None:
        """Make the work permanent."""
        ...


@dataclass(frozen=True)
class Delivery:
    """How one attempt to send a notification ended."""

    outcome: Literal["sent", "retry", "unreachable", "rejected"]
    error: str = ""


class Sender(Protocol):
    """Delivers a rendered notification to its recipient (Telegram in production)."""

    async def deliver(self, message: OutboxMessage, recipient: Account | None) -> Delivery:
        """Send one message, pacing and retrying passing failures itself."""
        ...
