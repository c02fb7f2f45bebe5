"""Email to students: the address on a student's card and who gets mail (rules, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import DomainError
from bot.domain.notices import Notice

EMAIL = "email"  # the outbox channel of mail; its rows' chat_id is the student's id
MAX_ADDRESS = 320  # RFC 3696's longest address (64 + 1 + 255)


@dataclass
class BadAddress(DomainError):
    """A typed email address that is not one; `reason` is the validator's sentence (English)."""

    reason: str = ""


class MailRefusal(StrEnum):
    """Why a link cannot be mailed."""

    NO_ADDRESS = "no_address"
    UNSUBSCRIBED = "unsubscribed"
    LINK_NOT_LIVE = "link_not_live"


@dataclass
class MailRefused(DomainError):
    """The link card's Send by email cannot be done, and why."""

    reason: MailRefusal = MailRefusal.NO_ADDRESS


def unsubscribe_key(token: str) -> str:
    """What the keyed hash of an unsubscribe secret is taken of (apart from link tokens')."""
    return f"mail-unsubscribe:{token}"


@dataclass(frozen=True)
class StudentEmail:
    """A student's address as their card holds it."""

    student_id: int
    address: str
    notices: bool  # lesson notices and reminders by email too (the teacher's switch)
    unsubscribed_at: datetime | None = None
    token_sealed: bytes = b""  # the unsubscribe secret, sealed; only mail carries it in plain

    @property
    def reachable(self) -> bool:
        """Whether any mail may go to it: its owner has not unsubscribed."""
        return self.unsubscribed_at is None

    @property
    def wants_notices(self) -> bool:
        """Whether lesson notices and reminders go to it as well as to Telegram."""
        return self.notices and self.reachable


def normalised_address(typed: str) -> str:
    """The address as typed, checked by email-validator (syntax only: no DNS on a press).

    Raises BadAddress with the library's reason; returns the normalised form (the domain
    lower-cased and in its Unicode form), which is what is stored and mailed to.
    """
    from email_validator import EmailNotValidError, validate_email

    text = typed.strip()
    if not text or len(text) > MAX_ADDRESS or "\x00" in text:
        raise BadAddress("it is empty or too long")
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise BadAddress(str(exc)) from None
    return str(valid.normalized)


@dataclass(frozen=True)
class MailCalendar:
    """The lesson a mail carries as an .ics: the same UID and SEQUENCE as the exports."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    teacher_name: str
    subject: str
    zone: str  # the teacher's: the file's TZID
    cancelled: bool  # METHOD:CANCEL instead of REQUEST
    place: str | None = None  # where the lesson takes place, as the chat shows it


@dataclass(frozen=True)
class OutgoingMail:
    """A claimed email row on its way out, with what is known only when it is sent."""

    id: int  # the outbox row: its Message-ID, so a repeat is recognisably the same mail
    address: str
    notice: Notice
    language: str | None
    zone: str
    unsubscribe_token: str
    link: str | None = None  # a link mail: the deep link, opened from the sealed token
    calendar: MailCalendar | None = None
