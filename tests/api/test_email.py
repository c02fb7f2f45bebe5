"""Email with a real SMTP server in process: the link by email, lesson mail with its .ics,
retries, bounces told to the teacher, unsubscribe, and nothing at all without SMTP_URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import aiohttp
import pytest
from icalendar import Calendar

from bot.domain.clock import ManualClock
from bot.domain.colours import colour_mark
from bot.domain.model import OutboxStatus
from bot.services import booking, student_email
from bot.services.exports import lesson_uid
from tests.api.conftest import _serving
from tests.handlers.conftest import BOT_USERNAME, Harness, running_bot
from tests.mail_server import MailServer, mail_server
from tests.ports import free_port
from tests.qr_codes import decoded
from tests.steps.student_steps import slots, student, teacher
from tests.steps.teacher_steps import delivered, enroll, register

__all__ = ["mail_server"]

TEACHER, ANNA = 7000, 7101
ADDRESS = "anna@example.com"


@pytest.fixture
async def bot(
    database_url: str, tmp_path: Path, clock: ManualClock, mail_server: MailServer
) -> AsyncIterator[Harness]:
    """The bot with SMTP_URL pointing at the local mail server, and its web server up."""
    port, crashes = free_port(), []

    def crashed(_update: object, outcome: str, _seconds: float) -> None:
        if outcome.startswith(("error:", "unhandled")):
            crashes.append(outcome)

    async with running_bot(
        database_url,
        tmp_path,
        clock,
        web_port=port,
        public_url=f"http://127.0.0.1:{port}",
        smtp_url=mail_server.url,
        mail_from="LessonLink <lessons@example.com>",
    ) as h:
        h.app.tracker.listeners.append(crashed)
        await _serving(port)
        yield h
    assert not crashes, crashes  # an apology in the chat is still a crash


async def mail_pass(h: Harness) -> None:
    """Run the email dispatcher once, as its scheduled job would."""
    await h.app.jobs["mail"]()


def text_of(message: EmailMessage, subtype: str) -> str:
    """The text/<subtype> body of a message."""
    part = message.get_body((subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content())  # type: ignore[attr-defined]


def attachment(message: EmailMessage, content_type: str) -> bytes:
    """The payload of the one part of this content type."""
    found = [p for p in message.walk() if p.get_content_type() == content_type]
    assert len(found) == 1, [p.get_content_type() for p in message.walk()]
    payload = found[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


async def anna_with_email(h: Harness) -> int:
    """A teacher with open slots, and Anna, who opened her link, with an address on her card."""
    tutor = await teacher(h, TEACHER, timezone="Europe/Berlin")
    sid = await student(h, tutor, ANNA, "Anna")
    await student_email.set_address(h.app.deps, TEACHER, sid, ADDRESS)
    await slots(h, tutor, h.clock.now() + timedelta(days=2), count=3)
    return sid


async def book(h: Harness, sid: int) -> int:
    """Anna books the teacher's first free slot; the booking's id."""
    async with h.app.deps.uow() as uow:
        teacher_row = await uow.teachers.by_telegram(TEACHER)
        assert teacher_row is not None
        now = h.clock.now()
        found = await uow.slots.between(teacher_row.id, now, now + timedelta(days=30))
    free = [s for s in found if s.free]
    lesson = await booking.book(h.app.deps, ANNA, sid, free[0].id)
    return lesson.booking_id


async def test_the_teacher_mails_the_link_with_its_qr_code(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    await register(h, TEACHER)
    token, _card = await enroll(h, TEACHER, "Anna")
    await h.send(TEACHER, "/students")
    await h.press(TEACHER, f"{colour_mark(0)} Anna")
    await h.press(TEACHER, "📧 Email")
    await h.press(TEACHER, "✏️ Add address")
    await h.send(TEACHER, "not an address")
    assert "not an email address" in h.last(TEACHER).content
    await h.send(TEACHER, "Anna@Example.com")
    assert "Anna@example.com" in h.last(TEACHER).content
    await h.send(TEACHER, "/link Anna")
    await h.press(TEACHER, "📧 Send by email")
    assert "on its way to Anna@example.com" in h.last(TEACHER).content

    await mail_pass(h)
    [mail] = mail_server.inbox.to("Anna@example.com")
    link = f"https://t.me/{BOT_USERNAME}?start={token}"
    assert link in text_of(mail, "plain")
    assert f'href="{link}"' in text_of(mail, "html")
    png = attachment(mail, "image/png")
    assert decoded(png) == link
    assert mail["List-Unsubscribe"].startswith("<http://127.0.0.1:")
    await mail_pass(h)
    assert len(mail_server.inbox.received) == 1  # sent once


async def test_a_booking_mails_an_invitation_whose_uid_is_the_exported_one(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    booking_id = await book(h, sid)
    await mail_pass(h)
    [mail] = mail_server.inbox.to(ADDRESS)
    assert "is booked" in text_of(mail, "plain")
    assert "Anna" not in mail["Subject"] or "Teacher" in mail["Subject"]
    calendar = Calendar.from_ical(attachment(mail, "text/calendar"))
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == lesson_uid(booking_id)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ATTENDEE"]) == f"mailto:{ADDRESS}"

    await booking.cancel_by_student(h.app.deps, ANNA, booking_id)
    await mail_pass(h)
    cancelled = [m for m in mail_server.inbox.to(ADDRESS) if m is not mail]
    assert len(cancelled) == 1
    calendar = Calendar.from_ical(attachment(cancelled[0], "text/calendar"))
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == lesson_uid(booking_id)
    assert int(event["SEQUENCE"]) > 0


async def test_a_temporary_failure_is_retried_and_delivered_once(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    mail_server.inbox.refuse_data.append("451 4.3.0 Try again later")
    await book(h, sid)
    await mail_pass(h)
    assert mail_server.inbox.received == []
    await mail_pass(h)  # not due yet: the backoff holds it
    assert mail_server.inbox.received == []
    h.clock.advance(timedelta(minutes=1))
    await mail_pass(h)
    await mail_pass(h)
    assert len(mail_server.inbox.to(ADDRESS)) == 1


async def test_a_permanent_failure_is_told_to_the_teacher(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    mail_server.inbox.refuse_rcpt = "550 5.1.1 No such user here"
    await book(h, sid)
    await mail_pass(h)
    await delivered(h, TEACHER, "could not be delivered")
    assert "550 5.1.1 No such user here" in h.last(TEACHER).content
    async with h.app.deps.uow() as uow:
        failed = [m for m in await uow.outbox.by_status(OutboxStatus.FAILED) if m.chat_id == sid]
    assert failed  # given up, not retried
    h.clock.advance(timedelta(hours=2))
    mail_server.inbox.refuse_rcpt = ""
    await mail_pass(h)
    assert mail_server.inbox.received == []


async def test_the_unsubscribe_link_stops_further_mail(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    first = await book(h, sid)
    await mail_pass(h)
    [mail] = mail_server.inbox.to(ADDRESS)
    url = mail["List-Unsubscribe"].strip("<>")
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as page:
            assert page.status == 200
            assert "Unsubscribe" in await page.text()
        # A GET (a mail scanner opening the link) changes nothing; the button's POST does.
        await booking.cancel_by_student(h.app.deps, ANNA, first)
        await mail_pass(h)
        assert len(mail_server.inbox.to(ADDRESS)) == 2
        async with http.post(url, data={"List-Unsubscribe": "One-Click"}) as done:
            assert done.status == 200
            assert "unsubscribed" in await done.text()
        async with http.post(url.replace(url[-10:], "A" * 10)) as unknown:
            assert unknown.status == 404
    await book(h, sid)
    await mail_pass(h)
    assert len(mail_server.inbox.to(ADDRESS)) == 2
    card = await student_email.email_card(h.app.deps, TEACHER, sid)
    assert card.email is not None and card.email.unsubscribed_at is not None
    # The teacher cannot undo it: the card offers no Remove, a stale press keeps the address
    # unsubscribed, and typing the same address again leaves it so.
    await h.send(TEACHER, "/students")
    await h.press(TEACHER, f"{colour_mark(0)} Anna")
    await h.press(TEACHER, "📧 Email")
    assert "unsubscribed" in h.last(TEACHER).content
    assert "🗑 Remove address" not in h.last(TEACHER).button_texts()
    await student_email.remove(h.app.deps, TEACHER, sid)
    await student_email.set_address(h.app.deps, TEACHER, sid, ADDRESS)
    card = await student_email.email_card(h.app.deps, TEACHER, sid)
    assert card.email is not None and card.email.unsubscribed_at is not None
    await book(h, sid)
    await mail_pass(h)
    assert len(mail_server.inbox.to(ADDRESS)) == 2


async def test_without_smtp_nothing_about_email_shows_or_is_sent(
    database_url: str, tmp_path: Path, clock: ManualClock, mail_server: MailServer
) -> None:
    async with running_bot(database_url, tmp_path, clock) as h:
        assert "mail" not in h.app.jobs
        await register(h, TEACHER)
        await enroll(h, TEACHER, "Anna")
        link_card = h.last(TEACHER)
        assert not any("mail" in b.lower() for b in link_card.button_texts())
        await h.send(TEACHER, "/students")
        await h.press(TEACHER, f"{colour_mark(0)} Anna")
        assert not any("mail" in b.lower() for b in h.last(TEACHER).button_texts())
        await h.flush()
    assert mail_server.inbox.received == []


async def test_with_notices_by_email_off_lessons_go_to_telegram_only(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    await h.send(TEACHER, "/students")
    await h.press(TEACHER, f"{colour_mark(0)} Anna")
    await h.press(TEACHER, "📧 Email")
    assert "also go by email" in h.last(TEACHER).content
    await h.press(TEACHER, "🔕 Notices by email off")
    assert "Telegram only" in h.last(TEACHER).content
    await book(h, sid)
    await mail_pass(h)
    assert mail_server.inbox.received == []
    await h.press(TEACHER, "🔔 Notices by email on")
    await book(h, sid)
    await mail_pass(h)
    assert len(mail_server.inbox.to(ADDRESS)) == 1


async def test_another_teachers_forged_presses_neither_show_nor_change_an_address(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    other = 7200
    await register(h, other, name="Mr Jones")
    message = h.last(other).message_id
    for action in ("screen", "remove", "off", "link"):
        await h.press_data(other, message, f"eml:{action}:{sid}")
    assert not any(ADDRESS in m.content for m in h.chat(other))
    card = await student_email.email_card(h.app.deps, TEACHER, sid)
    assert card.email is not None and card.email.notices
    await mail_pass(h)
    assert mail_server.inbox.received == []


async def test_a_confirmation_overtaken_by_a_cancellation_is_not_mailed(
    bot: Harness, mail_server: MailServer
) -> None:
    h = bot
    sid = await anna_with_email(h)
    booking_id = await book(h, sid)
    await booking.cancel_by_student(h.app.deps, ANNA, booking_id)
    await mail_pass(h)  # the mail server was slow to come: both rows are due now
    [mail] = mail_server.inbox.to(ADDRESS)
    assert "cancelled" in mail["Subject"]
