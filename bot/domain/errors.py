"""The domain's own error types; the handler layer turns each into one sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from bot.domain.model import AuditEvent


class DomainError(Exception):
    """Base of every rule the domain refuses.

    A refusal worth auditing carries its AuditEvent; the service layer records it in a
    transaction of its own, because the failing transaction is rolled back.
    """

    audit_event: AuditEvent | None = None

    def audited(self, event: AuditEvent) -> Self:
        """Attach the audit record of this refusal."""
        self.audit_event = event
        return self


class NotAllowedToTeach(DomainError):
    """TEACHER_IDS is set and this account is not on it."""


class NotATeacher(DomainError):
    """A teacher command from an account that has not registered with /teach."""


class NotAStudent(DomainError):
    """A student action from an account bound to no teacher."""


@dataclass
class UnknownTimezone(DomainError):
    """The typed text names no single zone; the zones it may mean are offered.

    `offset` (minutes east of UTC) is set when a UTC offset was typed, `ambiguous` when a
    known name (an abbreviation, a country) means several zones; otherwise the suggestions
    are close matches of a name we do not know.
    """

    name: str
    suggestions: list[str] = field(default_factory=list)
    offset: int | None = None
    ambiguous: bool = False


@dataclass
class InvalidInput(DomainError):
    """A command argument that does not parse; `what` names the part."""

    what: str
    value: str = ""


@dataclass
class WindowOverlap(DomainError):
    """A new availability window overlaps an existing one."""

    other: str


class NotFound(DomainError):
    """The named object does not exist, or belongs to someone else (indistinguishable)."""


@dataclass
class UnknownStudent(NotFound):
    """No active student of the teacher has this name (as typed after /link or /stats)."""

    name: str


@dataclass
class AmbiguousStudent(NotFound):
    """Several active students share this name (enrolled before names had to differ)."""

    name: str


@dataclass
class DuplicateStudentName(DomainError):
    """Another active student of the teacher already has this name (case ignored)."""

    name: str


class LinkRefusal(StrEnum):
    """Why a link did not open."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"
    USED_UP = "used_up"
    BOUND_ELSEWHERE = "bound_elsewhere"
    ARCHIVED = "archived"
    OWN_STUDENT = "own_student"  # the teacher opened their own student's link


@dataclass
class LinkRefused(DomainError):
    """A link could not be used, with the reason a student is told."""

    reason: LinkRefusal


@dataclass
class TooManyAttempts(DomainError):
    """Too many refused tokens from this account; try again after `until`."""

    until: datetime
    wait_seconds: int = 600


class SlotUnavailable(StrEnum):
    """Why a slot cannot be booked."""

    GONE = "gone"
    STARTED = "started"
    FULL = "full"
    TOO_SOON = "too_soon"
    TOO_FAR = "too_far"
    OVERLAP = "overlap"
    ALREADY_YOURS = "already_yours"
    BUFFER = "buffer"  # too close to a booked lesson (the teacher's buffer)
    TEACHER_BUSY = "teacher_busy"  # the teacher already teaches then (an extra lesson)
    STUDENT_BUSY = "student_busy"  # told to the teacher: the student has a lesson then


@dataclass
class SlotRefused(DomainError):
    """A booking rule refused the slot."""

    reason: SlotUnavailable


@dataclass
class CancellationWindowPassed(DomainError):
    """Too late for the student to cancel or reschedule."""

    window_minutes: int


class BookingNotActive(DomainError):
    """The booking was already cancelled, or its lesson has begun."""


class StudentNeverOpened(DomainError):
    """The student has not opened a link yet, so the bot cannot write to them."""


@dataclass
class ConfirmationNeeded(DomainError):
    """A change would cancel bookings; the caller must confirm first."""

    affected: int


class LessonNotPast(DomainError):
    """Attendance can be marked only once a lesson has begun."""


@dataclass
class TooManySlots(DomainError):
    """Opening these slots would take the teacher past the ceiling of open slots."""

    would_open: int
    limit: int
    open_now: int


@dataclass
class NoteTooLong(DomainError):
    """A lesson note longer than the limit (bot.domain.notes.MAX_NOTE_CHARS)."""

    length: int
    limit: int
