"""The checks of single configuration values: addresses, host names, secrets, id lists."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Dot-separated labels; underscores too, as container networks name services that way.
_LABEL = r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
_HOST_RE = re.compile(rf"{_LABEL}(\.{_LABEL})*\.?")
# @BotFather's rule for a Mini App's short name (the <app> of t.me/<bot>/<app>).
APP_NAME_RE = re.compile(r"[A-Za-z0-9_]{3,30}")
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_api_url(value: str) -> str:
    """The Bot API base address without a trailing slash; ValueError says what is wrong."""
    # Checked here, not left to the HTTP client: its error would print the request URL,
    # which holds the bot token.
    if any(c.isspace() or not c.isprintable() for c in value):
        raise ValueError("it must not contain spaces or control characters")
    if not value.startswith(("http://", "https://")):
        raise ValueError("it must start with http:// or https://")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError(
            "its host is not a valid address (an IPv6 address goes in closed brackets, "
            "e.g. http://[::1]:8081)"
        ) from None
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError("its port must be a number from 1 to 65535")
    host = parts.hostname or ""
    if not host or ("[" not in parts.netloc and not _valid_host_name(host)):
        raise ValueError("it needs a valid host, e.g. https://api.telegram.org")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ValueError("it must be the server's base address, without ?query or #fragment")
    return value.rstrip("/")


def check_public_url(value: str) -> str:
    """PUBLIC_URL: https, or http on this machine only; no trailing slash, query or fragment."""
    if not value:
        return value
    base = check_api_url(value)
    host = urlsplit(base).hostname or ""
    if base.startswith("http://") and host not in _LOCAL_HOSTS:
        raise ValueError(
            "it must be an https:// address, as Telegram opens Mini Apps over https only "
            "(http:// is accepted for 127.0.0.1 or localhost, to try things on this machine)"
        )
    return base


def _valid_host_name(host: str) -> bool:
    """A host name or IPv4 address (internationalised names in their ASCII form)."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_HOST_RE.fullmatch(ascii_host))


def parse_ids(value: object) -> object:
    """Accept "1,2 3" as well as a JSON list for id lists."""
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
        return [int(p) for p in parts]
    return value
