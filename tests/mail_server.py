"""A real SMTP server in process (aiosmtpd): it keeps what it accepts and refuses on demand."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.ports import free_port


@dataclass
class Inbox:
    """aiosmtpd's handler: accepted mail, and the answers to give instead of accepting."""

    received: list[EmailMessage] = field(default_factory=list)
    refuse_data: list[str] = field(default_factory=list)  # one answer per coming DATA
    refuse_rcpt: str = ""  # every RCPT answered so while set
    refuse_sender: str = ""  # every MAIL FROM answered so while set
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """Accept the sender unless told to refuse it (a server set up for another From)."""
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """Accept the recipient unless told to refuse it."""
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Keep the message, or give the next prepared refusal."""
        with self.lock:
            if self.refuse_data:
                return self.refuse_data.pop(0)
            raw = envelope.content if isinstance(envelope.content, bytes) else b""
            parsed = message_from_bytes(raw, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """Every accepted message addressed to `address`."""
        with self.lock:
            return [m for m in self.received if m["To"] == address]


@dataclass
class MailServer:
    """The running server and its inbox."""

    port: int
    inbox: Inbox

    @property
    def url(self) -> str:
        """SMTP_URL for the bot."""
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """An SMTP server on a free local port for one test."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    try:
        yield MailServer(port, inbox)
    finally:
        controller.stop()
