"""A teacher's API keys: what one is, what it looks like, how many a teacher may hold."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import DomainError

PREFIX = "ll_"  # says what the secret is when it turns up in a config file or a scanner
KEY_BYTES = 32  # 256 bits: token_urlsafe gives 43 characters after the prefix
MAX_LIVE_KEYS = 10  # enough for a few integrations; a leaked-key hunt stays short
LABEL_LENGTH = 48


@dataclass(frozen=True)
class ApiKey:
    """A key as stored: its keyed hash only, never the key itself."""

    id: int
    teacher_id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def live(self) -> bool:
        """Whether the key still opens the API."""
        return self.revoked_at is None


def new_key() -> str:
    """A fresh key: the prefix and 256 random bits, URL-safe."""
    return PREFIX + secrets.token_urlsafe(KEY_BYTES)


def looks_like_key(text: str) -> bool:
    """Whether a bearer value could be one of our keys (cheap filter before hashing)."""
    body = text.removeprefix(PREFIX)
    return (
        text.startswith(PREFIX)
        and 16 <= len(body) <= 64
        and all(c.isalnum() or c in "-_" for c in body)
    )


def next_label(existing: list[ApiKey]) -> str:
    """A name for a new key that no key of the teacher has worn: 'Key 1', 'Key 2'..."""
    taken = {k.label for k in existing}
    n = len(existing) + 1
    while f"Key {n}" in taken:
        n += 1
    return f"Key {n}"


@dataclass
class TooManyApiKeys(DomainError):
    """The teacher already holds the most live keys allowed; one must be revoked first."""

    limit: int
