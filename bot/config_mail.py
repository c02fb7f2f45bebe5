"""SMTP_URL and MAIL_FROM: how email leaves (host, port, TLS mode, login) and whose it is."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

from bot.config_checks import check_api_url

# The scheme names the TLS mode: implicit TLS, STARTTLS after connecting, or none at all.
TLS_MODES: dict[str, tuple[Literal["tls", "starttls", "none"], int]] = {
    "smtps": ("tls", 465),
    "smtp+starttls": ("starttls", 587),
    "smtp": ("none", 25),
}
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class SmtpTarget:
    """Where mail is handed over, and how."""

    host: str
    port: int
    tls: Literal["tls", "starttls", "none"]
    user: str = ""
    password: str = ""

    def __repr__(self) -> str:
        return f"SmtpTarget({self.tls}://{self.host}:{self.port})"  # never the password


def parse_smtp_url(value: str) -> SmtpTarget:
    """smtps://user:password@host:465, smtp+starttls://...:587 or smtp://host:25; ValueError."""
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in TLS_MODES:
        raise ValueError(
            "it must start with smtps:// (TLS), smtp+starttls:// (STARTTLS) or smtp:// (no TLS)"
        )
    tls, default_port = TLS_MODES[scheme.lower()]
    login, _, address = rest.rpartition("@")
    # The host part is checked as an address is; the login may hold any character, encoded.
    try:
        check_api_url(f"http://{address.rstrip('/')}")
    except ValueError as exc:
        said = str(exc)
        if "host" in said:
            said = "it needs a valid host, e.g. smtps://user:password@mail.example.com"
        raise ValueError(said) from None
    parts = urlsplit(f"http://{address}")
    if parts.path.strip("/"):
        raise ValueError("it must name the server only, without a path")
    user, _, password = login.partition(":")
    host = parts.hostname or ""
    if tls == "none" and password and host not in _LOCAL_HOSTS:
        raise ValueError(
            "smtp:// would send the password unencrypted: use smtps:// or smtp+starttls://"
        )
    return SmtpTarget(host, parts.port or default_port, tls, unquote(user), unquote(password))


def check_mail_from(value: str) -> str:
    """MAIL_FROM: 'LessonLink <lessons@example.com>' or a bare address; ValueError if not."""
    if not value:
        return value
    from email_validator import EmailNotValidError, validate_email

    name, address = parseaddr(value)
    if not address or any(c in value for c in "\r\n\x00"):
        raise ValueError("it must be an address such as LessonLink <lessons@example.com>")
    try:
        valid = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"its address is not valid ({exc})") from None
    return formataddr((name, str(valid.normalized)))


class _MailSettings(Protocol):
    mail_from: str
    public_url: str
    webhook_url: str
    web_port: int | None
    health_port: int | None


def mail_needs(settings: _MailSettings) -> str:
    """With SMTP_URL set: the sentence refusing the start when a companion setting is missing."""
    if not settings.mail_from:
        return (
            "MAIL_FROM is not set: with SMTP_URL, set the sender of the mail, e.g. "
            "MAIL_FROM=LessonLink <lessons@example.com>."
        )
    if not settings.public_url:
        return (
            "SMTP_URL needs PUBLIC_URL, the address of the bot's web server: every email "
            "carries an unsubscribe link that must open without Telegram."
        )
    if not (settings.webhook_url or settings.web_port or settings.health_port):
        return (
            "SMTP_URL needs the bot's web server for the unsubscribe page: set WEB_PORT "
            "(polling mode serves no web pages without it), or use webhook mode."
        )
    return ""
