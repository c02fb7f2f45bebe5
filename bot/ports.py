"""Sending a notification: the port the outbox calls (Telegram in production, fakes in tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.domain.mail import OutgoingMail
from bot.domain.model import Account
from bot.domain.outgoing import Outgoing


@dataclass(frozen=True)
class Delivery:
    """How one attempt to send a notification ended."""

    outcome: Literal["sent", "retry", "unreachable", "rejected", "unconfirmed"]
    error: str = ""


class Sender(Protocol):
    """Renders a notice for its recipient and delivers it (Telegram in production)."""

    async def deliver(self, outgoing: Outgoing, recipient: Account | None) -> Delivery:
        """Send one notice, pacing and retrying passing failures itself."""
        ...


class Mailer(Protocol):
    """Renders a mail for its student and hands it to the mail server (SMTP in production)."""

    async def deliver(self, mail: OutgoingMail) -> Delivery:
        """Send one mail: "sent", "retry" (4xx, time-out) or "rejected" (5xx, bad address)."""
        ...
