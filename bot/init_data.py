"""Mini App launch data (initData): checked as Telegram specifies, before anything trusts it.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app: the
data-check string is every field but `hash`, sorted by key, as `key=value` lines joined by
"\n"; the secret key is HMAC-SHA256 of the bot token keyed with "WebAppData"; `hash` is the
hex HMAC-SHA256 of the data-check string under that key. The hash is compared in constant
time, and `auth_date` must be recent, so a leaked initData stops working.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

# Telegram's clients and servers disagree by a few seconds at most.
CLOCK_SKEW = timedelta(minutes=5)
MAX_LENGTH = 8192  # far above any real initData; refuses work on garbage


class InitDataRefused(ValueError):
    """initData that proves nothing; `reason` is a stable code for logs and tests."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MiniAppUser:
    """Who opened the Mini App, as Telegram vouches for it."""

    id: int
    first_name: str
    language_code: str | None
    auth_date: datetime
    start_param: str | None = None


def _secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _fields(raw: str) -> dict[str, str]:
    if not raw or len(raw) > MAX_LENGTH or "\x00" in raw:
        raise InitDataRefused("malformed")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataRefused("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRefused("malformed")  # a repeated key: which one was signed?
    return fields


def verify_init_data(raw: str, bot_token: str, now: datetime, max_age: timedelta) -> MiniAppUser:
    """The user a Mini App's initData vouches for; InitDataRefused if it is forged or stale."""
    fields = _fields(raw)
    given = fields.pop("hash", "")
    if not given:
        raise InitDataRefused("missing-hash")
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    expected = hmac.new(_secret_key(bot_token), check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.lower().encode()):
        raise InitDataRefused("bad-hash")
    try:
        signed_at = datetime.fromtimestamp(int(fields.get("auth_date", "")), UTC)
    except (ValueError, OverflowError, OSError):
        raise InitDataRefused("malformed") from None
    if signed_at > now + CLOCK_SKEW or now - signed_at > max_age:
        raise InitDataRefused("stale")
    return _user(fields, signed_at)


def _user(fields: dict[str, str], signed_at: datetime) -> MiniAppUser:
    try:
        user = json.loads(fields.get("user", ""))
        user_id = int(user["id"])
    except (ValueError, KeyError, TypeError):
        raise InitDataRefused("no-user") from None
    if not isinstance(user, dict) or user_id <= 0:
        raise InitDataRefused("no-user")
    language = user.get("language_code")
    return MiniAppUser(
        id=user_id,
        first_name=str(user.get("first_name", ""))[:64],
        language_code=language if isinstance(language, str) else None,
        auth_date=signed_at,
        start_param=fields.get("start_param") or None,
    )
