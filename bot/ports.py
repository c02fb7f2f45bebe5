"""Sending a notification: the port the outbox calls (Telegram in production, fakes in tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.domain.model import Account, OutboxMessage


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
