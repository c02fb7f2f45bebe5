"""Fetch teachers' own calendar feeds when due; their busy time blocks hours (bot.services).

Every worker runs it: each claims the calendars it fetches (a lease in the database), so
none is fetched twice at once. A fetch is bounded in time and size and sends the feed's
ETag / Last-Modified back, so an unchanged calendar costs a 304. The address is secret:
nothing here logs it, and errors are recorded by kind only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from bot.domain.busy_time import MAX_FEED_BYTES
from bot.services import busy_calendar
from bot.services.busy_calendar import Due, Failed, Fetched
from bot.services.context import Deps

log = logging.getLogger("lessonlink.busy_calendars")

TIMEOUT = aiohttp.ClientTimeout(total=20, connect=10)
CHUNK = 64 * 1024
MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_global


class PublicResolver(AbstractResolver):
    """Resolves only to public addresses: a teacher's feed address (or a redirect) must not
    reach this machine or its network (metadata services, databases), unless allowed."""

    def __init__(self, allow_local: bool) -> None:
        self._inner = DefaultResolver()
        self._allow_local = allow_local

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The host's addresses that may be fetched; OSError when none may."""
        found = await self._inner.resolve(host, port, family)
        kept = [r for r in found if self._allow_local or _public(r["host"])]
        if not kept:
            raise OSError("not a public address")
        return kept

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def allowed(url: URL, allow_local: bool) -> bool:
    """Whether a feed (or redirect) address may be fetched: https, to a host that is not an
    address of a private network (names are checked when resolved); http only when local
    fetching is allowed (a test environment)."""
    if url.scheme not in ("https", "http") or not url.host:
        return False
    if allow_local:
        return True
    try:
        literal = _public(url.host)
    except ValueError:
        literal = True  # a name: PublicResolver checks what it resolves to
    return url.scheme == "https" and literal


def session(allow_local: bool) -> aiohttp.ClientSession:
    """The HTTP client for feeds: bounded in time, public addresses only."""
    connector = aiohttp.TCPConnector(resolver=PublicResolver(allow_local))
    return aiohttp.ClientSession(timeout=TIMEOUT, connector=connector)


async def fetch(
    http: aiohttp.ClientSession, due: Due, allow_local: bool = False
) -> Fetched | Failed:
    """One conditional GET of a feed, at most MAX_FEED_BYTES; never raises."""
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "LessonLink calendar"}
    if due.etag:
        headers["If-None-Match"] = due.etag
    if due.last_modified:
        headers["If-Modified-Since"] = due.last_modified
    url = URL(due.url)
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            if not allowed(url, allow_local):
                return Failed("address not allowed")
            async with http.get(url, headers=headers, allow_redirects=False) as got:
                if got.status in REDIRECTS and "Location" in got.headers:
                    url = got.url.join(URL(got.headers["Location"]))
                    continue
                return await _read(got)
        return Failed("too many redirects")
    except TimeoutError:
        return Failed("timed out")
    except (aiohttp.ClientError, ValueError, OSError) as exc:
        return Failed(type(exc).__name__)  # its text may quote the address


async def _read(got: aiohttp.ClientResponse) -> Fetched | Failed:
    """The feed from a final answer, at most MAX_FEED_BYTES."""
    if got.status == 304:
        return Fetched(None)
    if got.status != 200:
        return Failed(f"HTTP {got.status}")
    body = bytearray()
    async for chunk in got.content.iter_chunked(CHUNK):
        body += chunk
        if len(body) > MAX_FEED_BYTES:
            return Failed("too large")
    return Fetched(bytes(body), got.headers.get("ETag", ""), got.headers.get("Last-Modified", ""))


def busy_calendars_job(
    deps: Deps, every: timedelta, allow_local: bool = False
) -> Callable[[], Awaitable[None]]:
    """A job fetching every calendar that is due, a few at a time, then applying each;
    `allow_local` (a test environment) lets it fetch from this machine's network."""

    async def run() -> None:
        try:
            async with session(allow_local) as http:
                while due := await busy_calendar.claim_due(deps):
                    outcomes = await asyncio.gather(*(fetch(http, d, allow_local) for d in due))
                    for d, outcome in zip(due, outcomes, strict=True):
                        await busy_calendar.record(deps, d.id, outcome, every)
        except Exception:
            # A failing pass is retried at the next tick (claims run out by themselves).
            log.exception("busy calendar pass failed")

    return run
