"""How a send ends, against real sockets: sent, a time-out or 4xx to retry, 5xx for good."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config_mail import parse_smtp_url
from bot.domain.clock import ManualClock
from bot.domain.mail import OutgoingMail
from bot.domain.notices import NewLink
from runtime.mail import SmtpMailer
from tests.mail_server import MailServer, mail_server
from tests.unit.test_mail_message import NOW
from views.i18n import make_i18n

__all__ = ["mail_server"]

MAIL = OutgoingMail(
    1,
    "sam@example.com",
    NewLink(teacher_id=3, teacher_name="Tanya", student_id=5, link_id=1, sealed_token="dG9r"),
    None,
    "UTC",
    "T" * 43,
)


def mailer(url: str, timeout: float = 30.0) -> SmtpMailer:
    return SmtpMailer(
        parse_smtp_url(url),
        "lessons@example.com",
        "https://bot.example.com",
        make_i18n(),
        ManualClock(NOW),
        deep_link=lambda sealed: "https://t.me/b?start=tok",
        timeout=timeout,
    )


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A server that takes the connection and never says a word (no SMTP greeting)."""
    held: list[asyncio.StreamWriter] = []

    async def take(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(take, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield port
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_mail_the_server_takes_is_sent(mail_server: MailServer) -> None:
    delivery = await mailer(mail_server.url).deliver(MAIL)
    assert delivery.outcome == "sent"
    assert len(mail_server.inbox.to("sam@example.com")) == 1


async def test_a_4xx_is_retried_and_a_5xx_is_for_good(mail_server: MailServer) -> None:
    mail_server.inbox.refuse_data.append("452 4.3.1 Insufficient system storage")
    later = await mailer(mail_server.url).deliver(MAIL)
    assert (later.outcome, later.error) == ("retry", "452 4.3.1 Insufficient system storage")
    mail_server.inbox.refuse_rcpt = "553 5.1.3 Bad recipient address syntax"
    never = await mailer(mail_server.url).deliver(MAIL)
    assert never.outcome == "rejected" and "553" in never.error
    assert mail_server.inbox.received == []


async def test_a_refused_sender_is_the_set_up_not_the_address_and_is_retried(
    mail_server: MailServer,
) -> None:
    # A wrong MAIL_FROM (or login) fails every mail with a 5xx: none of them is the student's
    # fault, so none is given up for good; they go once the set-up is put right.
    mail_server.inbox.refuse_sender = "553 5.7.1 Sender address rejected: not owned by user"
    refused = await mailer(mail_server.url).deliver(MAIL)
    assert refused.outcome == "retry" and "553" in refused.error
    mail_server.inbox.refuse_sender = ""
    assert (await mailer(mail_server.url).deliver(MAIL)).outcome == "sent"
    assert len(mail_server.inbox.to("sam@example.com")) == 1


async def test_a_server_that_does_not_answer_is_a_time_out_to_retry(silent_server: int) -> None:
    delivery = await mailer(f"smtp://127.0.0.1:{silent_server}", timeout=1.0).deliver(MAIL)
    assert delivery.outcome == "retry"
    assert "Timeout" in delivery.error


async def test_no_server_at_all_is_retried() -> None:
    delivery = await mailer("smtp://127.0.0.1:1").deliver(MAIL)
    assert delivery.outcome == "retry"
