"""What the services need from the outside world, as Protocols (storage implements them)."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Protocol, Self

from bot.domain.model import Account, OutboxMessage
from bot.ports.calendar import AvailabilityRepository, BookingsRepository, SlotsRepository
from bot.ports.people import (
    AccountsRepository,
    LinksRepository,
    StudentsRepository,
    TeachersRepository,
)
from bot.ports.records import (
    AuditRepository,
    Claim,
    OutboxRepository,
    ProcessedUpdatesRepository,
    StatsRepository,
)

__all__ = [
    "AccountsRepository",
    "AuditRepository",
    "AvailabilityRepository",
    "BookingsRepository",
    "Claim",
    "Delivery",
    "LinksRepository",
    "OutboxRepository",
    "ProcessedUpdatesRepository",
    "Sender",
    "SlotsRepository",
    "StatsRepository",
    "StudentsRepository",
    "TeachersRepository",
    "UnitOfWork",
]


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

    outcome: Literal["sent", "retry", "unreachable", "rejected", "unconfirmed"]
    error: str = ""


class Sender(Protocol):
    """Delivers a rendered notification to its recipient (Telegram in production)."""

    async def deliver(self, message: OutboxMessage, recipient: Account | None) -> Delivery:
        """Send one message, pacing and retrying passing failures itself."""
        ...
