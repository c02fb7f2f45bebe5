"""What every API request passes: a size limit, JSON only, rate limits, and safe headers."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiogram.utils.i18n import gettext as _
from aiohttp import web
from aiolimiter import AsyncLimiter

from web.api.problems import Problem, not_found

MAX_BODY = 16 * 1024  # bytes: the largest request the API takes (a booking is ~30)
# Pages inside Telegram's clients are framed by web.telegram.org; nothing else may frame us.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'self' {frame_ancestors}"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def body_too_large() -> Problem:
    """413: a request body over MAX_BODY."""
    return Problem(413, "body-too-large", lambda: _("The request is too large."))


async def json_body(request: web.Request) -> dict[str, object]:
    """The request's JSON object, or the problem that says what is wrong with it."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise body_too_large()
    if request.content_type != "application/json":
        raise Problem(415, "unsupported-media-type", lambda: _("Send the request body as JSON."))
    try:
        raw = await request.content.read(MAX_BODY + 1)
    except ValueError:
        raise body_too_large() from None
    if len(raw) > MAX_BODY:
        raise body_too_large()
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # deep nesting within the size limit, too
        data = None
    if not isinstance(data, dict):
        raise Problem(400, "malformed-json", lambda: _("The request body must be a JSON object."))
    return data


def path_id(request: web.Request, name: str) -> int:
    """A positive id from the path; anything else (huge, non-ASCII digits) is not found."""
    raw = request.match_info[name]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or int(raw) <= 0:
        raise not_found()
    return int(raw)


class RateLimits:
    """Leaky buckets per key (a client address, a link token's hash, an API key's id).

    Per process: with N workers a client may make up to N times as many requests.
    """

    def __init__(self, per_minute: int, keep: int = 10_000) -> None:
        self.per_minute = per_minute
        self._keep = keep  # the most keys remembered; the least recently used go first
        self._buckets: OrderedDict[str, AsyncLimiter] = OrderedDict()

    def _bucket(self, key: str) -> AsyncLimiter:
        bucket = self._buckets.pop(key, None) or AsyncLimiter(self.per_minute, 60)
        self._buckets[key] = bucket
        while len(self._buckets) > self._keep:
            self._buckets.popitem(last=False)
        return bucket

    def exhausted(self, key: str) -> bool:
        """Whether the key's bucket is empty now (nothing is spent)."""
        return not self._bucket(key).has_capacity()

    def retry_after(self) -> Problem:
        """429 with the seconds until a bucket has room again."""
        wait = max(1, math.ceil(60 / self.per_minute))
        return Problem(
            429,
            "rate-limited",
            lambda: _("Too many requests. Please wait a moment and try again."),
            headers={"Retry-After": str(wait)},
        )

    async def check(self, *keys: str) -> None:
        """Spend one request from each key's bucket; 429 with Retry-After if one is empty."""
        buckets = [self._bucket(key) for key in keys]
        if not all(bucket.has_capacity() for bucket in buckets):
            raise self.retry_after()
        for bucket in buckets:
            await bucket.acquire()  # has capacity: returns at once
