"""The SMTP side of email (aiosmtplib): render a claimed mail, hand it over, classify the answer.

Behind the `Mailer` port (bot/ports.py), so bot/ holds no mail I/O. A temporary failure (4xx,
a time-out, no connection) is "retry"; the server refusing for good (5xx, the address
refused) is "rejected", which the outbox reports to the teacher. Answers are logged without
the login.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from bot.config_mail import SmtpTarget
from bot.domain.clock import Clock
from bot.domain.mail import OutgoingMail
from bot.domain.notices import NewLink
from bot.ports import Delivery
from views.i18n import CatalogI18n
from views.mail import mail_text
from views.mail_calendar import invitation

log = logging.getLogger("lessonlink.mail")

TIMEOUT = 30.0  # seconds for each step of the conversation with the mail server


def unsubscribe_url(public_url: str, token: str) -> str:
    """The address that stops mail to a student, opened without logging in."""
    return f"{public_url.rstrip('/')}/mail/unsubscribe/{token}"


def qr_png(text: str) -> bytes:
    """The QR code of the link, as the link card shows it."""
    from handlers.teacher_links import qr_png as card_qr

    return card_qr(text)


class SmtpMailer:
    """Renders a mail for its student and sends it through the configured SMTP server."""

    def __init__(
        self,
        target: SmtpTarget,
        sender: str,
        public_url: str,
        i18n: CatalogI18n,
        clock: Clock,
        deep_link: Callable[[bytes], str | None] = lambda sealed: None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.timeout = timeout
        self.target = target
        self.sender = sender
        self.public_url = public_url
        self.i18n = i18n
        self.clock = clock
        self.deep_link = deep_link

    def message(self, mail: OutgoingMail) -> EmailMessage:
        """The whole MIME message: text and HTML parts, QR image, .ics, unsubscribe headers."""
        if isinstance(mail.notice, NewLink):
            # The token exists in plain only here, in memory, on its way to its student.
            mail = replace(mail, link=self.deep_link(mail.notice.sealed))
        now = self.clock.now()
        stop = unsubscribe_url(self.public_url, mail.unsubscribe_token)
        text = mail_text(self.i18n, mail, now, stop)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "lessonlink"
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = mail.address
        msg["Subject"] = text.subject
        msg["Date"] = format_datetime(now)
        # The same row gives the same Message-ID: a repeat after a lost answer is recognisable.
        tag = hashlib.sha256(f"{mail.id}:{self.sender}".encode()).hexdigest()[:16]
        msg["Message-ID"] = f"<outbox-{mail.id}-{tag}@{domain}>"
        msg["Auto-Submitted"] = "auto-generated"
        msg["List-Unsubscribe"] = f"<{stop}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
        msg.set_content(text.plain)
        msg.add_alternative(text.html, subtype="html")
        if mail.link:
            html_part = msg.get_body(("html",))
            assert html_part is not None  # just added
            html_part.add_related(qr_png(mail.link), "image", "png", cid="<qr>", filename="qr.png")
        if mail.calendar is not None:
            method, ics = invitation(
                mail.calendar, text.event_title, self.sender, mail.address, now
            )
            msg.add_attachment(
                ics,
                maintype="text",
                subtype="calendar",
                filename="lesson.ics",
                params={"method": method, "charset": "utf-8"},
            )
        return msg

    async def deliver(self, mail: OutgoingMail) -> Delivery:
        """Send one mail; classify a failure as temporary (retry) or permanent (rejected)."""
        import aiosmtplib  # here, not at start: only a process with SMTP_URL mails

        message = self.message(mail)
        t = self.target
        try:
            await aiosmtplib.send(
                message,
                hostname=t.host,
                port=t.port,
                username=t.user or None,
                password=t.password or None,
                use_tls=t.tls == "tls",
                start_tls=t.tls == "starttls",
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return _answer(exc.recipients[0].code, exc.recipients[0].message)
        except (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError) as exc:
            return _answer(exc.code, exc.message)  # this address or this mail
        except aiosmtplib.SMTPResponseException as exc:
            # Greeting, login or sender refused: the server's set-up, not the student's address.
            # Retried, so what waits goes out once SMTP_URL or MAIL_FROM is put right.
            log.warning("the mail server refused the session: %s %.200s", exc.code, exc.message)
            return Delivery("retry", f"{exc.code} {exc.message}"[:300])
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            return Delivery("retry", f"{type(exc).__name__}: {exc}"[:300])
        return Delivery("sent")


def _answer(code: int, text: str) -> Delivery:
    """A refusal by code: 5xx is for good, anything else may pass."""
    said = f"{code} {text}"[:300]
    return Delivery("rejected" if 500 <= code < 600 else "retry", said)
